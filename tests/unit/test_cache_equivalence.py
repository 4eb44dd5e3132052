"""The index cache never changes what is listed: ``reader list --json`` with the cache is exactly
``--no-cache``, on the sample library and on a library edited, pruned and reorganised between runs."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import cache

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
QUERIES = (
    [],
    ["--query", "tag:ransomware OR botnet"],
    ["--sort", "title"],
    ["--query", "-is:read", "--sort", "source"],
)


def _list(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> str:
    assert main(["list", str(root), "--json", *extra]) == 0
    return capsys.readouterr().out


def _assert_cache_changes_nothing(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    for extra in QUERIES:
        truth = _list(capsys, root, "--no-cache", *extra)
        assert _list(capsys, root, *extra) == truth, extra  # refreshes (and writes) the cache
        assert _list(capsys, root, *extra) == truth, extra  # served from the snapshot
    assert cache.load_cached(root) is not None


def test_the_sample_library_lists_the_same_with_and_without_the_cache(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "articles"
    shutil.copytree(SAMPLE, root)
    _assert_cache_changes_nothing(capsys, root)


def _generate(root: Path, count: int, rng: random.Random) -> None:
    """``count`` articles in the sample's layouts (clippings, YAML front matter, plain Markdown),
    with their titles, tags and dates varied, spread over a few folders."""
    seeds = sorted(p for p in SAMPLE.rglob("*") if p.suffix in {".md", ".markdown"})
    for number in range(count):
        seed = seeds[number % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        text = text.replace("2021", str(2015 + number % 9), 1)
        first, _, rest = text.partition("\n")
        target = root / f"folder-{number % 4}" / f"{number:03d}-{seed.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{first} {number} {rng.choice(['alpha', 'beta', 'gamma'])}\n{rest}", encoding="utf-8")


def _bump(path: Path, seconds: float = 5.0) -> None:
    """An edit an mtime-based cache must notice: a later modification time."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + int(seconds * 1e9)))


def test_a_library_changing_between_runs_lists_the_same_with_and_without_the_cache(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = random.Random(16)
    root = tmp_path / "library"
    _generate(root, 80, rng)
    _assert_cache_changes_nothing(capsys, root)
    for round_number in range(3):
        files = sorted(p for p in root.rglob("*.md") if not p.name.startswith("broken-"))
        rng.shuffle(files)
        edited, deleted, renamed, retitled = files[:4], files[4:7], files[7:11], files[11:13]
        for path in edited:  # new tags, a new date line: same name, other content
            path.write_text(path.read_text(encoding="utf-8") + f"\n#edited{round_number} #late\n", encoding="utf-8")
            _bump(path)
        for path in retitled:  # same size, new content, later mtime
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("a", "e", 1) if "a" in text else text.upper(), encoding="utf-8")
            _bump(path)
        for path in deleted:
            path.unlink()
        for number, path in enumerate(renamed):  # a rename keeps the mtime: only the path says it moved
            target = root / f"moved-{round_number}" / f"{number}-{path.name}"
            target.parent.mkdir(exist_ok=True)
            path.rename(target)
        (root / f"new-{round_number}.md").write_text(f"# Arrived in round {round_number}\n\n#new\n", encoding="utf-8")
        (root / f"broken-{round_number}.md").write_bytes(b"\x00\xff" * 200)  # a problem, not an article
        _assert_cache_changes_nothing(capsys, root)
        assert cache.load_cached(root) is not None
