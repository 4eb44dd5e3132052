"""``-o FILE`` of the exports: the file the user named is written, whatever it is, and never
replaced by something else; a path that cannot be written is one line on stderr, exit 1."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from factories import write_clipping

from reader.cli import main
from reader.fsutil import write_user_file


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/stdout`` is a link to a pipe or a terminal: replacing it with a regular file
    (as root, on ``/dev/full``, the device node itself) was what the atomic write did."""
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    write_user_file(link, b"exported\n")
    reader.join(5)
    assert got == [b"exported\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()


def test_a_linked_file_is_updated_through_its_link_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_user_file(link, b"new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode_not_a_private_one(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_user_file(tmp_path / "sub" / "new.md", b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sub" / "new.md").stat().st_mode) == 0o640


def test_an_unwritable_path_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lib"
    write_clipping(root, "a.md", "A title", "Body.", link="https://example.org/a", author=None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    for command in ("bookmarks", "highlights"):
        code = main([command, "export", str(root), "-o", str(tmp_path / "a-file" / "out.md")])
        _out, err = capsys.readouterr()
        assert code == 1
        assert err.startswith(f"reader: cannot write {tmp_path / 'a-file' / 'out.md'}: ")
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
