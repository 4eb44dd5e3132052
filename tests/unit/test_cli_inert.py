"""Issue 11 C: no command prints an ESC, BEL or C1 byte from the library, whatever it holds.

Every command runs in a real process over a folder of hostile names, titles, tags and links,
with bookmarks and highlights on those articles, so the bytes checked are the bytes a terminal
would receive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import C1_TITLE, ESC_NAME, Expected, issue11_inert

from reader.library import cache
from reader.state import StateStore

RAW = re.compile(rb"[\x07\x1b]|\xc2[\x80-\x9f]")
"""BEL, ESC, or a C1 control encoded as UTF-8 (the 8-bit CSI U+009B is ``c2 9b``)."""


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    issue11_inert(root, Expected(root=root, outside_dir=tmp_path))
    library = cache.load(root)
    store = StateStore(root)
    for article in library.articles:
        store.add_bookmark(article)
        store.add_highlight(article, "", article.body.split()[0] if article.body.split() else "", "", note="\x1b[2J")
    store.flush()
    return root


COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["list", "--verbose"],
    ["list", "--query", "croissant"],
    ["tags"],
    ["tags", "--json"],
    ["bookmarks"],
    ["bookmarks", "--json"],
    ["bookmarks", "export", "--format", "markdown"],
    ["bookmarks", "export", "--format", "json"],
    ["highlights"],
    ["highlights", "--json"],
    ["highlights", "export", "--format", "markdown"],
    ["highlights", "export", "--format", "json"],
    ["list", "--query", "tag:\x1b]0;x\x07"],
    ["list", "--sort", "\x1b[2J"],
]


def test_no_command_prints_a_terminal_control_byte(hostile_names: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    outputs: dict[str, bytes] = {}
    for command in COMMANDS:
        path_at = 2 if command[1:2] == ["export"] else 1
        argv = [*command[:path_at], str(hostile_names), *command[path_at:]]
        done = subprocess.run([sys.executable, "-m", "reader.cli", *argv], capture_output=True, timeout=120, env=env)
        name = " ".join(command)
        assert b"Traceback" not in done.stderr, (name, done.stderr[-2000:])
        for stream, data in (("stdout", done.stdout), ("stderr", done.stderr)):
            hit = RAW.search(data)
            assert hit is None, (name, stream, data[max(0, hit.start() - 60) : hit.end() + 60])
        outputs[name] = done.stdout
    # The hostile articles are there, visibly: listed, bookmarked, highlighted, exported.
    assert b"title" in outputs["bookmarks"] and "\u241b]0;pwned\u2407".encode() in outputs["bookmarks"]
    assert "\u241b]0;pwned\u2407".encode() in outputs["bookmarks export --format markdown"]
    listed = json.loads(outputs["list --json"])
    assert any(ESC_NAME in row["path"] for row in listed), "JSON keeps the real name, escaped"
    assert C1_TITLE.split()[0] in outputs["list"].decode()
    if any(p.name.startswith("caf") for p in (hostile_names / "names").iterdir()):
        # A Latin-1 name neither crashes nor stops the full-text sync: its body is searchable.
        assert b"Caf\xc3\xa9 in Latin-1" in outputs["list --query croissant"]
        assert any(row["path"] == "names/caf\udce9.md" for row in listed)
