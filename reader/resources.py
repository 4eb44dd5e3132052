"""Where the shipped data lives: the stylesheets and the sample library.

In the repository they sit at the top (``styles/``, ``articles/``) where people look for
them; a wheel carries them as the packages ``reader.styles`` and ``reader.sample``. An
editable install run from the repository folder finds the plain ``reader`` folder first
and cannot see those mapped packages, so fall back to the repository layout.
"""

from __future__ import annotations

from pathlib import Path

_REPO_DIRS = {"reader.styles": "styles", "reader.sample": "articles"}


def resource_dir(package: str) -> Path:
    """The folder holding ``package``'s files (``reader.styles`` or ``reader.sample``)."""
    from importlib.resources import files

    try:
        return Path(str(files(package)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / _REPO_DIRS[package]
