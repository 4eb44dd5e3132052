"""``reader list``, ``reader tags`` and the top-level options, as scripts use them.

Run in-process through ``main([...])`` (fast), plus once through a real interpreter to
check the module entry point and that nothing is printed that ``main`` did not print. The
autouse fixture in conftest.py points the XDG folders at temporary ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main
from reader.library.snapshot import Library

JSON_KEYS = ["path", "title", "subtitle", "source", "link", "date", "author", "tags", "bookmarked"]
REPO_ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def list_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "list", *argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_list_json_shape(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    data = list_json(capsys, str(sample_root))
    assert len(data) == 36
    for item in data:
        assert list(item) == JSON_KEYS
        assert isinstance(item["title"], str) and item["title"]
        assert isinstance(item["tags"], list)
        assert item["bookmarked"] is False
    first = data[0]
    assert first["path"] == "notes/data-broker-opt-out-log.md"
    assert first["date"] == "2022-06-01T19:45:00+00:00"
    assert data[-1]["date"] is None
    halvorsen = next(item for item in data if item["path"] == "ledger/halvorsen-bank-recovery-costs.md")
    assert halvorsen == {
        "path": "ledger/halvorsen-bank-recovery-costs.md",
        "title": "Ransomware recovery cost Halvorsen Bank more than a year of IT budget",
        "subtitle": "",
        "source": "The Ledger",
        "link": "https://theledger.example/halvorsen-bank-recovery-costs/",
        "date": "2022-01-31T00:00:00+00:00",
        "author": "Tobias Rennick",
        "tags": [
            "threatactor.name=Glasswing",
            "action.malware.name=Mothball",
            "victim.industry.name=Finance",
            "victim.country.name=Norway",
            "victim.continent.name=Europe",
            "Ransomware",
            "Backups",
            "Halvorsen Bank",
            "Cyber Insurance",
            "The Ledger",
        ],
        "bookmarked": False,
    }


def test_tags_are_anded(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    glasswing = {item["path"] for item in list_json(capsys, str(sample_root), "--tag", "Glasswing")}
    both = {item["path"] for item in list_json(capsys, str(sample_root), "--tag", "Glasswing", "--tag", "backups")}
    assert both == {
        "halvorsen-bank-restores-branch-systems.md",
        "ledger/halvorsen-bank-recovery-costs.md",  # via its threat actor facet
        "inside-glasswings-playbook.md",
    }
    assert both < glasswing
    spaced = list_json(capsys, str(sample_root), "--tag", "Halvorsen Bank", "--tag", "Cyber Insurance")
    assert [item["path"] for item in spaced] == ["ledger/halvorsen-bank-recovery-costs.md"]


def test_query_option(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    data = list_json(capsys, str(sample_root), "--query", "tag:botnet OR country:sweden")
    assert [item["path"] for item in data] == [
        "ninefold-botnet-exploits-second-corvid-bug.md",
        "corvid-router-botnet-grows.md",
        "mothball-affiliate-arrested-in-vessby.md",
    ]
    # --tag and --query combine with AND, the query's OR staying inside its own group
    data = list_json(capsys, str(sample_root), "--tag", "Vulnerability", "--query", "tag:botnet OR country:sweden")
    assert [item["path"] for item in data] == [
        "ninefold-botnet-exploits-second-corvid-bug.md",
        "corvid-router-botnet-grows.md",
    ]


def test_query_errors_go_to_stderr(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    code, out, err = run(capsys, "list", str(sample_root), "--json", "--query", "tag:botnet after:20")
    assert code == 2  # a script can tell a typo from an answer
    assert out == ""
    assert "reader: query: after:20 is not a date" in err


def test_sort_option(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    titles = [item["title"] for item in list_json(capsys, str(sample_root), "--sort", "title")]
    assert titles[0].startswith("Attackers exploit Veridane")
    with pytest.raises(SystemExit) as exit_info:
        main(["list", str(sample_root), "--sort", "size"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'size'" in capsys.readouterr().err


def test_list_text_output(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    code, out, err = run(capsys, "list", str(sample_root), "--tag", "Botnet")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("  2022-02-07  Packet Storm Weekly")
    assert "Ninefold botnet adds second Corvid router bug" in lines[0]
    assert err.strip() == "2 of 36 articles"
    code, out, _ = run(capsys, "list", str(sample_root), "--query", "zzzz-no-such-word")
    assert (code, out.strip()) == (0, "No articles match.")


def test_bookmarked_state_is_read_from_the_data_dir(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    from reader.state import StateStore

    lib = Library.load(sample_root)
    article = lib.articles[lib.by_path["weekend-reading-list.md"]]
    with StateStore(sample_root.resolve()) as store:
        store.add_bookmark(article)
    assert os.environ["XDG_DATA_HOME"] in str(store.path)  # never the real user's folder
    data = list_json(capsys, str(sample_root))
    assert [item["path"] for item in data if item["bookmarked"]] == ["weekend-reading-list.md"]
    only = list_json(capsys, str(sample_root), "--bookmarked")
    assert [item["path"] for item in only] == ["weekend-reading-list.md"]


def test_tags_json(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    code, out, err = run(capsys, "tags", str(sample_root), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert all(list(row) == ["tag", "facet", "value", "count"] for row in data)
    by_tag = {row["tag"]: row for row in data}
    assert by_tag["The Ledger"] == {"tag": "The Ledger", "facet": None, "value": "The Ledger", "count": 16}
    assert by_tag["victim.country.name=Norway"] == {
        "tag": "victim.country.name=Norway",
        "facet": "victim.country.name",
        "value": "Norway",
        "count": 1,
    }
    assert by_tag["cve=CVE-2031-4410"]["count"] == 2
    flat = [row["facet"] is None for row in data]
    assert flat == sorted(flat, reverse=True)  # flat tags first, then facets
    assert len({row["tag"].casefold() for row in data}) == len(data)  # "ransomware" and "Ransomware" are one


def test_tags_text(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    code, out, _ = run(capsys, "tags", str(sample_root))
    assert code == 0
    assert out.startswith("Tags\n")
    assert "      16  The Ledger" in out
    assert "\nvictim.country.name\n" in out


@pytest.mark.parametrize("command", ["list", "tags"])
def test_missing_path_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    code, out, err = run(capsys, command, str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert err == f"reader: {tmp_path / 'nope'}: no such folder\n"


@pytest.mark.parametrize("command", ["list", "tags"])
def test_file_as_path_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], sample_root: Path, command: str
) -> None:
    target = sample_root / "weekend-reading-list.md"
    code, out, err = run(capsys, command, str(target))
    assert code == 2
    assert out == ""
    assert err == f"reader: {target}: not a folder\n"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"reader {__version__}"


@pytest.mark.parametrize(("argv", "expected"), [(["--help"], "reader list [PATH]"), (["list", "--help"], "--tag TAG")])
def test_help(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert expected in capsys.readouterr().out


def test_default_library_from_environment(
    capsys: pytest.CaptureFixture[str], sample_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READER_LIBRARY", str(sample_root))
    assert len(list_json(capsys)) == 36
    monkeypatch.delenv("READER_LIBRARY")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "only.md").write_text("# Only one\n", encoding="utf-8")
    assert [item["title"] for item in list_json(capsys)] == ["Only one"]  # ./articles


def test_skipped_files_are_counted_or_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Good\n", encoding="utf-8")
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "evil\x1b[2J\nname.md").write_bytes(b"\x00" * 100)
    code, out, err = run(capsys, "list", str(tmp_path), "--json")
    assert code == 0 and [item["title"] for item in json.loads(out)] == ["Good"]
    assert err == "reader: 2 files skipped; --verbose lists them\n"
    code, out, err = run(capsys, "list", str(tmp_path), "--json", "--verbose")
    assert code == 0
    assert err.splitlines() == [
        "reader: evil\u241b[2J\u2424name.md: skipped: binary file (NUL bytes), not Markdown",
        "reader: image.md: skipped: binary file (an image, archive or program), not Markdown",
    ]


def test_undecodable_file_names_do_not_crash(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.md")
    (tmp_path / name).write_text("no heading\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}  # as under an en_US.UTF-8 locale
    for extra in ([], ["--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "reader.cli", "list", str(tmp_path), *extra],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr
        assert "caf\ufffd".encode() in done.stdout  # the title, from the file name


def test_module_entry_point_matches_in_process(capsys: pytest.CaptureFixture[str], sample_root: Path) -> None:
    in_process = list_json(capsys, str(sample_root), "--tag", "Phishing")
    done = subprocess.run(
        [sys.executable, "-m", "reader.cli", "list", str(sample_root), "--tag", "Phishing", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == in_process
    assert len(in_process) == 6


def test_console_script(sample_root: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("reader")
    if not script.exists():
        pytest.skip("reader console script not installed next to this interpreter")
    done = subprocess.run([str(script), "tags", str(sample_root), "--json"], capture_output=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)
    done = subprocess.run([str(script), "list", str(tmp_path / "nope")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no such folder" in done.stderr


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    for i in range(3000):
        (tmp_path / f"{i:04}.md").write_text(f"# Article number {i}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "list", str(tmp_path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)  # `reader list --json | head -c 10`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert b"Traceback" not in err and b"Broken pipe" not in err


def test_a_read_only_command_leaves_fast_with_all_its_output(tmp_path: Path) -> None:
    """``reader list`` skips the interpreter's teardown (``cli.run``): every line it printed,
    on stdout and stderr, still arrives, through pipes whose buffers it filled many times."""
    for i in range(3000):
        (tmp_path / f"{i:04}.md").write_text(f"# Article number {i}\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "reader.cli", "list", str(tmp_path), *extra], capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        if extra:
            assert len(json.loads(done.stdout)) == 3000
        else:
            assert done.stdout.decode().count("Article number") == 3000
            assert done.stderr.decode().endswith("3000 of 3000 articles\n")
    done = subprocess.run([sys.executable, "-m", "reader.cli", "list", str(tmp_path / "nope")], capture_output=True)
    assert done.returncode == 2 and b"no such folder" in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("argv", [["list", "--json"], ["list"], ["tags"], ["bookmarks"]])
def test_a_full_disk_under_the_output_is_one_line_and_a_failure(
    argv: list[str], sample_root: Path, tmp_path: Path
) -> None:
    """``reader list > /full/disk``: one line saying so and exit 1 — not a traceback, and not
    the silent success a skipped final flush would be."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "reader.cli", *argv[:1], str(sample_root), *argv[1:]],
            stdout=full,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.decode() == "reader: could not write the output: No space left on device\n"


def test_an_empty_library_path_is_an_error_not_the_default_library(capsys: pytest.CaptureFixture[str]) -> None:
    """``reader list "$LIB"`` with LIB unset listed the sample library (or, as ".", the folder
    the script ran in)."""
    for argv in (["list", ""], ["tags", " "], ["bookmarks", ""]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == "reader: the library path is empty\n"
