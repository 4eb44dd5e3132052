"""Where the shipped data lives: the stylesheets and the sample library.

In the repository they sit at the top (``styles/``, ``articles/``) where people look for
them; a wheel carries them inside the package as ``reader/styles`` and ``reader/sample``.
An editable install keeps the repository layout, so look there when the package has no
such folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_IN_PACKAGE = {"reader.styles": "styles", "reader.sample": "sample"}
_IN_REPOSITORY = {"reader.styles": "styles", "reader.sample": "articles"}


def resource_dir(package: str) -> Path:
    """The folder holding ``package``'s files (``reader.styles`` or ``reader.sample``)."""
    installed = _PACKAGE / _IN_PACKAGE[package]
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / _IN_REPOSITORY[package]
