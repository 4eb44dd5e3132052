"""Opening a link: a graphical browser beside the app, a text browser in its place.

Textual hands a link to :func:`webbrowser.open` and ignores what it says. Over SSH or on a
console that opened nothing while the app said "Opening…"; and where a text browser (w3m,
lynx, links, elinks, ``www-browser``) is the only one, Python runs it in the foreground on
the app's own terminal, both drawing at once, the app reading the keys meant for it.
Here a text browser gets the terminal to itself (the app suspended, as for the editor), and
no browser at all is said plainly, so the caller can offer the link another way.
"""

from __future__ import annotations

import webbrowser

from textual.app import App


def takes_terminal(browser: webbrowser.BaseBrowser) -> bool:
    """Whether ``browser`` runs in the foreground of this terminal (and waits) until it quits."""
    if isinstance(browser, webbrowser.BackgroundBrowser):
        return False
    if isinstance(browser, webbrowser.UnixBrowser):
        return not browser.background
    return isinstance(browser, webbrowser.GenericBrowser)


def open_link(app: App[object], url: str) -> str | None:
    """Open ``url`` in the user's browser: ``None`` once it is handed over, else why not."""
    if app.is_headless:  # tests, and nothing to suspend
        app.open_url(url)
        return None
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "no web browser found (set BROWSER to one)"
    if not takes_terminal(browser):
        app.open_url(url)
        return None
    with app.suspend():
        # Nothing may escape this block: Textual resumes the app only when it ends normally.
        opened = _open_quietly(browser, url)
    return None if opened else f"{browser.name} could not open it"


def _open_quietly(browser: webbrowser.BaseBrowser, url: str) -> bool:
    try:
        return bool(browser.open(url))
    except (OSError, webbrowser.Error, KeyboardInterrupt):
        return False
