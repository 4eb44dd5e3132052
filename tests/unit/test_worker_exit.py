"""Issue 11 B: a killed ``reader list`` leaves no worker process (or resource tracker) behind.

A cold index of a big library parses in a spawned process pool; SIGKILL of the parent gives
it no chance to stop the pool, so the workers must notice on their own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.library import cache

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[1])  # a zombie has exited already


def _alive(pid: int) -> bool:
    return _parent_of(pid) is not None


def _children(pid: int) -> set[int]:
    return {int(entry) for entry in os.listdir("/proc") if entry.isdigit() and _parent_of(int(entry)) == pid}


def _big_library(root: Path, count: int) -> None:
    body = "Words of a paragraph that the parser has to read through. " * 30
    for n in range(count):
        folder = root / f"part{n % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{n:05d}.md").write_text(f"# Article {n}\n\n#### Tags:\n[[t{n % 50}]]\n\n{body}\n")


def test_workers_exit_when_reader_list_is_killed(tmp_path: Path) -> None:
    library = tmp_path / "library"
    _big_library(library, cache.PARALLEL_MIN_FILES * 3)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    script = Path(sys.executable).with_name("reader")  # the console script, as a user runs it
    if not script.exists():
        pytest.skip("the reader console script is not installed next to this Python")
    command = [str(script), "list", str(library)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children: set[int] = set()
        deadline = time.monotonic() + 60
        while len(children) < cache.WORKERS + 1 and proc.poll() is None and time.monotonic() < deadline:
            children |= _children(proc.pid)  # the workers and the resource tracker
            time.sleep(0.02)
        assert proc.poll() is None, "the index finished before its workers were seen: make the library bigger"
        assert len(children) >= cache.WORKERS
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_alive(child) for child in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = [child for child in children if _alive(child)]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for child in survivors:  # do not leave them running if the test fails
        os.kill(child, signal.SIGKILL)
    assert survivors == []
