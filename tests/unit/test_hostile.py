"""A hostile library folder (tests/hostile.py): no crash, no hang, nothing executed, nothing hidden.

A user pointing ``reader`` at a messy folder must get every good article, one clear line
per file left out, and titles that cannot drive their terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import ESC_TITLE_INERT, MARKUP_TITLE, make_hostile_library, restore_permissions

from reader.library import scan
from reader.library.model import Problem
from reader.library.parse import MAX_PARSE_BYTES
from reader.library.scan import FileEntry, read_file, walk
from reader.library.snapshot import Library

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("hostile") / "library"
    expected = make_hostile_library(root)
    yield expected
    restore_permissions(root)


@pytest.fixture(scope="module")
def cli_run(hostile: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """``reader list ROOT --json --verbose`` in a real process, with its own XDG folders."""
    home = tmp_path_factory.mktemp("cli-home")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    env.pop("READER_LIBRARY", None)
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(home / name.lower())
    done = subprocess.run(
        [sys.executable, "-m", "reader.cli", "list", str(hostile["root"]), "--json", "--verbose"],
        capture_output=True,
        timeout=120,
        env=env,
        cwd=home,
    )
    text = subprocess.run(
        [sys.executable, "-m", "reader.cli", "list", str(hostile["root"]), "--verbose"],
        capture_output=True,
        timeout=120,
        env=env,
        cwd=home,
    )
    return {
        "code": done.returncode,
        "stdout": done.stdout.decode("utf-8", "surrogateescape"),
        "stderr": done.stderr.decode("utf-8", "surrogateescape"),
        "raw": done.stdout + done.stderr + text.stdout + text.stderr,
        "text_code": text.returncode,
        "home": home,
    }


@pytest.fixture(scope="module")
def listed(cli_run: dict[str, object]) -> dict[str, dict[str, object]]:
    assert cli_run["code"] == 0, cli_run["stderr"]
    return {item["path"]: item for item in json.loads(str(cli_run["stdout"]))}


def unsafe(ch: str) -> bool:
    """A character a terminal acts on (C0 but tab/newline, DEL, C1) or that cannot be encoded."""
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n") or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def stderr_lines(cli_run: dict[str, object]) -> list[str]:
    return str(cli_run["stderr"]).splitlines()


def test_cli_exits_0_without_traceback(cli_run: dict[str, object]) -> None:
    assert cli_run["code"] == 0
    assert cli_run["text_code"] == 0
    assert b"Traceback" not in cli_run["raw"]  # type: ignore[operator]


def test_every_good_article_is_listed_with_its_title(hostile: dict, listed: dict[str, dict[str, object]]) -> None:
    assert len(hostile["good"]) >= 5
    for path in hostile["good"]:
        assert listed[path]["title"] == hostile["titles"][path], path
    for path, title in hostile["titles"].items():
        assert path in listed, path
        if title is not None:
            assert listed[path]["title"] == title, path


def test_skipped_files_are_named_with_a_reason(hostile: dict, cli_run: dict[str, object]) -> None:
    lines = stderr_lines(cli_run)
    for path, reason in hostile["skipped"].items():
        matching = [line for line in lines if line.startswith(f"reader: {path}: skipped: ")]
        assert matching, f"{path} not reported; stderr:\n" + "\n".join(lines)
        assert reason in matching[0].lower(), matching[0]
    for path, reason in hostile["warned"].items():
        matching = [line for line in lines if line.startswith(f"reader: {path}: warning: ")]
        assert any(reason.lower() in line.lower() for line in matching), (path, matching)


def test_nothing_else_is_listed(hostile: dict, listed: dict[str, dict[str, object]]) -> None:
    expected = set(hostile["titles"]) | set(hostile["maybe_unreadable"])
    assert set(listed) <= expected, set(listed) - expected
    for path in set(hostile["skipped"]) | hostile["not_listed"]:
        assert path not in listed
    assert not any(str(item["title"]) == "Outside secret" for item in listed.values())


def test_unreadable_files_are_read_or_reported(
    hostile: dict, listed: dict[str, dict[str, object]], cli_run: dict[str, object]
) -> None:
    lines = stderr_lines(cli_run)
    for path, reported in hostile["maybe_unreadable"].items():
        if path in listed:
            continue  # running as root: chmod 000 does not stop reads
        assert any(line.startswith(f"reader: {reported}: skipped: ") for line in lines), (path, lines)
    if not IS_ROOT:
        assert "perm/unreadable.md" not in listed
        assert "reader: perm/unreadable.md: skipped: permission denied" in lines


def test_permission_denied_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What a non-root user sees for a chmod 000 file (simulated: the tests may run as root)."""
    (tmp_path / "secret.md").write_text("# Secret\n", encoding="utf-8")
    entries, _ = walk(tmp_path)

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(scan.os, "open", refuse)  # read_file opens with os.open
    lib = Library.from_entries(tmp_path, entries, scan.ScanReport([], []))
    assert len(lib) == 0
    assert lib.problems == [Problem("secret.md", "permission denied")]


def test_links_are_only_web_addresses(hostile: dict, listed: dict[str, dict[str, object]]) -> None:
    for path, link in hostile["links"].items():
        assert listed[path]["link"] == link, path
    for item in listed.values():
        assert item["link"] == "" or str(item["link"]).startswith(("https://", "http://")), item


def test_markup_and_escapes_arrive_inert(hostile: dict, listed: dict[str, dict[str, object]]) -> None:
    assert listed["inert/markup.md"]["title"] == MARKUP_TITLE  # literal text, for the UI to escape
    assert listed["inert/escape.md"]["title"] == ESC_TITLE_INERT
    for item in listed.values():
        fields = [item["title"], item["subtitle"], item["source"], item["author"], item["link"], *item["tags"]]
        for value in fields:
            assert not any(unsafe(ch) for ch in str(value)), item


def test_no_escape_bytes_reach_the_terminal(cli_run: dict[str, object]) -> None:
    raw = cli_run["raw"]
    assert isinstance(raw, bytes)
    for sequence in (b"\x1b", b"\x07", b"\xc2\x9b"):  # ESC, BEL, and C1 CSI as UTF-8
        assert sequence not in raw


def test_yaml_is_loaded_safely(hostile: dict, cli_run: dict[str, object]) -> None:
    markers = [*hostile["pwned_markers"], Path(str(cli_run["home"])) / "PWNED"]
    assert not any(marker.exists() for marker in markers)
    lines = stderr_lines(cli_run)
    assert any("yaml/python-object.md: warning: invalid YAML" in line for line in lines)


def test_wrong_tag_types(hostile: dict, listed: dict[str, dict[str, object]]) -> None:
    for path, tags in hostile["tags"].items():
        assert tuple(listed[path]["tags"]) == tags, path  # type: ignore[arg-type]
    assert listed["yaml/alias-bomb.md"]["tags"] == ["lol"]


def test_library_loads_with_bounded_memory(hostile: dict) -> None:
    big = hostile["root"] / hostile["big_file"]
    assert big.stat().st_size > 10 * MAX_PARSE_BYTES
    tracemalloc.start()
    try:
        lib = Library.load(hostile["root"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MAX_PARSE_BYTES, f"peak {peak / 1e6:.0f} MB"
    problems = [p for p in lib.problems if p.path == hostile["big_file"]]
    assert len(problems) == 1 and not problems[0].skipped
    assert "50.5 MB; only the first 4 MB is shown" in problems[0].reason
    article = lib.articles[lib.by_path[hostile["big_file"]]]
    assert article.size == big.stat().st_size
    full, _ = lib.read(article)
    assert MAX_PARSE_BYTES // 2 < len(full.body) <= MAX_PARSE_BYTES


def test_file_deleted_between_scan_and_open(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(f"# {name}\n", encoding="utf-8")
    entries, report = walk(tmp_path)
    (tmp_path / "b.md").unlink()
    lib = Library.from_entries(tmp_path, entries, report)
    assert [a.path for a in lib.articles] == ["a.md", "c.md"]
    assert lib.problems == [Problem("b.md", "file disappeared before it could be read")]
    gone = read_file(FileEntry("x.md", str(tmp_path / "x.md"), 10, 0))
    assert gone.article is None and gone.problems[0].reason == "file disappeared before it could be read"


def test_folder_given_as_a_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "x.md").mkdir()
    result = read_file(FileEntry("x.md", str(tmp_path / "x.md"), 0, 0))
    assert result.article is None
    assert result.problems == [Problem("x.md", "is a folder, not a file")]


def test_file_replaced_by_a_larger_one_is_still_capped(tmp_path: Path) -> None:
    path = tmp_path / "grew.md"
    path.write_bytes(b"# Grew\n\n" + b"y" * (MAX_PARSE_BYTES + 1000))
    result = read_file(FileEntry("grew.md", str(path), 100, 0))  # the walk saw 100 bytes
    assert result.article is not None and result.article.title == "Grew"
    assert result.article.size > MAX_PARSE_BYTES
    assert any("only the first" in p.reason for p in result.problems)


def test_front_matter_goes_only_to_a_safe_yaml_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever loader is picked (C or Python), it must construct plain data only."""
    import yaml
    from yaml.constructor import FullConstructor, SafeConstructor

    from reader.library.parse import parse_text

    loaders: list[type] = []
    real_load = yaml.load

    def spy(stream: str, Loader: type) -> object:  # yaml's own argument name
        loaders.append(Loader)
        return real_load(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", spy)
    monkeypatch.setattr(yaml, "full_load", None)
    monkeypatch.setattr(yaml, "unsafe_load", None)
    # An anchor is beyond the plain key: value lines read without the YAML parser.
    result = parse_text("---\ntitle: &name Safe\ntags: [a]\n---\nBody", "safe.md")
    assert result.article is not None and result.article.title == "Safe"
    assert loaders, "front matter was not parsed through yaml.load"
    for loader in loaders:
        assert issubclass(loader, SafeConstructor) and not issubclass(loader, FullConstructor), loader
    # The plain lines are typed and built by the safe constructor too.
    from reader.library import simple_yaml

    assert simple_yaml.load("\ntitle: Safe\ndate: 2021-03-04\n") is not simple_yaml.NOT_SIMPLE
    built = simple_yaml._constructor()
    assert isinstance(built, SafeConstructor) and not isinstance(built, FullConstructor)
