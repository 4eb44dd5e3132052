"""The user's config file: read, never written; a mistake gives one message naming the file.

Every test gets its own empty XDG folders (tests/conftest.py), so the user's real config is
never read here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import load_config, load_settings, save_setting


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_no_config_file_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml")
    assert (config.library, config.theme, config.keys, config.reading_width, config.error) == (
        None,
        None,
        {},
        None,
        None,
    )


def test_every_setting_is_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'library = "~/clippings"\ntheme = " nord "\nreading_width = 0\ncode_theme = "monokai"\n'
            '[keys]\n"reader.bookmark" = "m"\n',
        )
    )
    assert config.error is None
    assert (config.library, config.theme, config.reading_width, config.code_theme) == (
        "~/clippings",
        "nord",
        0,
        "monokai",
    )
    assert config.keys == {"reader.bookmark": "m"}


@pytest.mark.parametrize("value", ["none", "off", ""])
def test_code_theme_none_turns_syntax_colours_off(tmp_path: Path, value: str) -> None:
    assert load_config(write(tmp_path, f'code_theme = "{value}"\n')).code_theme == ""


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("library = 5\n", "'library' must be a string"),
        ("reading_width = -3\n", "reading_width"),
        ("reading_width = true\n", "reading_width"),
        ('[keys]\n"reader.quit" = 1\n', "keys.reader.quit"),
        ('keys = "ctrl+q"\n', "[keys] must be a table"),
        ('colour = "red"\n', "unknown setting: colour"),
        ('colour = "red"\nfont = "x"\n', "unknown settings: colour, font"),
    ],
)
def test_a_wrong_setting_is_named_and_the_rest_still_apply(tmp_path: Path, text: str, named: str) -> None:
    config = load_config(write(tmp_path, 'theme = "nord"\n' + text))
    assert config.theme == "nord"
    assert config.error is not None and named in config.error and str(tmp_path / "config.toml") in config.error


@pytest.mark.parametrize(("text", "why"), [("theme = \n", "invalid config"), (b"theme = '\xff'\n", "invalid config")])
def test_a_broken_file_gives_the_defaults_and_one_message(tmp_path: Path, text: str | bytes, why: str) -> None:
    config = load_config(write(tmp_path, text))
    assert config.theme is None
    assert config.error is not None and why in config.error and "using defaults" in config.error


def test_an_unreadable_config_is_a_message_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()  # reading a folder fails like an unreadable file does
    config = load_config(folder)
    assert config.error is not None and "cannot read config" in config.error


def test_settings_the_app_remembers_survive() -> None:
    assert load_settings() == {}
    save_setting("theme", "gruvbox")
    save_setting("sort", "title")
    assert load_settings() == {"theme": "gruvbox", "sort": "title"}


def test_an_unreadable_settings_file_is_empty_settings() -> None:
    from reader.config import settings_path

    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("[1, 2", encoding="utf-8")
    assert load_settings() == {}
    settings_path().write_text("[1, 2]", encoding="utf-8")
    assert load_settings() == {}
    save_setting("theme", "nord")  # a broken file is replaced, not a reason to fail
    assert load_settings() == {"theme": "nord"}
