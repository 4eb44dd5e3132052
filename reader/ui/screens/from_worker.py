"""Worker threads hand results to the UI through :func:`call_from_worker`, which drops them
once the app is closing.

A quit while a library is still indexing (or while the backlinks or the sidebar are being
worked out) leaves the worker running until it next checks for cancellation; what it hands
over meanwhile arrives while Textual is taking the screen apart, and a ``query_one`` of a
widget already removed raised ``NoMatches`` (seen as a traceback on quit, and as a failed
bench phase that quit as soon as the list had filled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def closing(screen: Screen[Any]) -> bool:
    """Whether ``screen`` or its app is being taken down (its widgets may be gone)."""
    app = screen.app
    # App._closing is Textual's own flag for this (its Callback handler checks it too).
    return bool(getattr(app, "_closing", False)) or not screen.is_running or not screen.is_attached


def call_from_worker(screen: Screen[Any], callback: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """From a worker thread: run ``callback(*args, **kwargs)`` on the UI thread and wait for it,
    unless the app is closing; then, or when its loop has already ended, do nothing."""

    def guarded() -> None:
        if not closing(screen):
            callback(*args, **kwargs)

    try:
        screen.app.call_from_thread(guarded)
    except RuntimeError:
        if not closing(screen):
            raise
