"""User configuration (``$XDG_CONFIG_HOME/reader/config.toml``) and small UI settings.

The config file is the user's: reader only reads it. A bad file gives one clear message and
the defaults, never a crash. Settings the app changes itself (the chosen theme) live in a
separate JSON file under the data dir, written atomically.

Example ``config.toml``::

    library = "~/clippings"
    theme = "nord"
    reading_width = 100   # widest line of article text (0: the whole pane)

    [keys]
    # Textual keymap: binding id = keys
    "reader.bookmark" = "m"
    "reader.filter" = "slash,f"
"""

from __future__ import annotations

import contextlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reader.fsutil import atomic_write_text
from reader.words import number


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path("reader", appauthor=False)


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("reader", appauthor=False)


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("reader", appauthor=False)


@dataclass(slots=True)
class Config:
    library: str | None = None
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    reading_width: int | None = None
    code_theme: str | None = None
    """Pygments style for fenced code; "" (``code_theme = "none"``): no colours; None: the default."""
    """Widest line of article text, in columns (0: as wide as the pane); None: the default."""
    path: Path | None = None
    error: str | None = None
    """Why the file could not be used, if it could not; the app shows this once."""


def load_config(path: Path | None = None) -> Config:
    """Read the config file. Missing → defaults; broken → defaults plus :attr:`Config.error`."""
    path = path or config_dir() / "config.toml"
    config = Config(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as error:
        config.error = f"{path}: cannot read config ({error.strerror}); using defaults"
        return config
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        config.error = f"{path}: invalid config ({error}); using defaults"
        return config
    problems: list[str] = []
    library = data.get("library")
    if isinstance(library, str) and library.strip():
        config.library = library
    elif library is not None:
        problems.append("'library' must be a string")
    theme = data.get("theme")
    if isinstance(theme, str) and theme.strip():
        config.theme = theme.strip()
    elif theme is not None:
        problems.append("'theme' must be a string")
    reading_width = data.get("reading_width")
    if isinstance(reading_width, int) and not isinstance(reading_width, bool) and reading_width >= 0:
        config.reading_width = reading_width
    elif reading_width is not None:
        problems.append("'reading_width' must be a whole number of columns (0: no limit)")
    code_theme = data.get("code_theme")
    if isinstance(code_theme, str):
        config.code_theme = "" if code_theme.strip().lower() in {"", "none", "off"} else code_theme.strip()
    elif code_theme is not None:
        problems.append("'code_theme' must be a Pygments style name or \"none\"")
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        for name, value in keys.items():
            if isinstance(value, str) and value.strip():
                config.keys[str(name)] = value.strip()
            else:
                problems.append(f"keys.{name} must be a string like \"ctrl+b,m\"")
    else:
        problems.append("[keys] must be a table")
    unknown = sorted(set(data) - {"library", "theme", "keys", "reading_width", "code_theme"})
    if unknown:
        problems.append(f"unknown {number(len(unknown), 'setting')}: {', '.join(unknown)}")
    if problems:
        config.error = f"{path}: {'; '.join(problems)}; those settings were ignored"
    return config


def settings_path() -> Path:
    return data_dir() / "settings.json"


def load_settings() -> dict[str, object]:
    """UI settings the app remembers (theme, sort); unreadable → empty, never an error."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(name: str, value: object) -> None:
    settings = load_settings()
    settings[name] = value
    # Remembering a theme is a convenience; never fail the app over it.
    with contextlib.suppress(OSError):
        atomic_write_text(settings_path(), json.dumps(settings, indent=2, sort_keys=True) + "\n")
