"""The real corpus (``../shared/corpus``, 3,916 clippings): every article, every date.

Each expectation is checked against the raw file with an independent, deliberately
simple reading (``strptime`` on the few formats the corpus uses), so a parser change
that shifts a date by a time zone or loses a title shows up here. Skipped when the
corpus is not next to the repository (a fresh clone).
"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.cli import main
from reader.library.parse import parse_bytes

pytestmark = pytest.mark.corpus

CORPUS_SIZE = 3916
_TAG_LINE = re.compile(r"^(?:\[\[[^\[\]\n]*\]\][ \t]*)+$", re.MULTILINE)
"""A line of nothing but ``[[Tag]]`` links: the tag block, which must not leak into a body."""
_GMT = re.compile(r"^(.*?) -- (\d{1,2}:\d{2}) GMT \(.*\)$")
_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%B %d, %Y %I:%M %p", "%B %d, %Y")


def reference_date(text: str) -> datetime:
    """What a ``+ Date:`` value means, read the slow and obvious way (naive → UTC)."""
    text = " ".join(text.split())
    gmt = _GMT.match(text)
    if gmt:
        text = f"{gmt.group(1)} {gmt.group(2)}"
        return datetime.strptime(text, "%B %d, %Y %H:%M").replace(tzinfo=UTC)
    for fmt in (*_FORMATS, "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise AssertionError(f"the corpus has a date format this test does not know: {text!r}")


def raw_fields(path: Path) -> dict[str, str]:
    """The first ``# `` title and the ``+ Key: value`` lines of a clipping, from its bytes."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        if line.startswith("# ") and "title" not in fields:
            fields["title"] = line[2:].strip()
        elif line.startswith("+ ") and ":" in line:
            key, _, value = line[2:].partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
        elif line.startswith("## Article"):
            break
    return fields


@pytest.fixture(scope="module")
def listed(corpus_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """``reader list CORPUS --json``, run once for the module.

    Module-scoped fixtures run before the per-test XDG isolation of conftest.py, so this
    one points the XDG folders at temporary ones itself.
    """
    patch = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("corpus-xdg")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        patch.setenv(name, str(base / name.lower()))
    out = io.StringIO()
    patch.setattr(sys, "stdout", out)
    try:
        code = main(["list", str(corpus_root), "--json"])
    finally:
        patch.undo()
    assert code == 0
    return {item["path"]: item for item in json.loads(out.getvalue())}


def test_every_article_is_listed_with_title_source_and_link(
    listed: dict[str, dict[str, object]], corpus_root: Path
) -> None:
    files = sorted(p.relative_to(corpus_root).as_posix() for p in corpus_root.rglob("*.md"))
    assert len(files) == CORPUS_SIZE
    assert sorted(listed) == files
    for item in listed.values():
        assert item["title"] and item["source"] and item["link"], item["path"]
        assert str(item["link"]).startswith(("https://", "http://")), item["path"]


def test_fields_match_the_raw_files(listed: dict[str, dict[str, object]], corpus_root: Path) -> None:
    mismatches = []
    for rel, item in listed.items():
        raw = raw_fields(corpus_root / rel)
        title = " ".join(raw["title"].split())[:1000]
        if item["title"] != title or item["source"] != raw["source"] or str(item["link"]) not in raw["link"]:
            mismatches.append(rel)
    assert mismatches == []


def test_every_date_line_is_parsed_to_the_right_instant(
    listed: dict[str, dict[str, object]], corpus_root: Path
) -> None:
    unknown = 0
    epoch = 0
    failures: list[str] = []
    for rel, item in listed.items():
        value = raw_fields(corpus_root / rel)["date"]
        if value in {"Unknown", "None", ""}:
            unknown += 1
            assert item["date"] is None, rel
            continue
        if reference_date(value).timestamp() == 0:
            # time zero is what a scraper writes when it found no date: read as "no date"
            epoch += 1
            assert item["date"] is None, rel
            continue
        if item["date"] is None:
            failures.append(f"{rel}: {value!r} not parsed")
            continue
        parsed = datetime.fromisoformat(str(item["date"]))
        if parsed != reference_date(value):
            failures.append(f"{rel}: {value!r} → {parsed.isoformat()}, expected {reference_date(value).isoformat()}")
    assert failures == []
    assert unknown == 2  # the corpus has two "+ Date: Unknown" lines
    assert epoch == 1  # and one "1969-12-31T19:00:00-05:00"


def test_tags_are_clean(listed: dict[str, dict[str, object]]) -> None:
    for item in listed.values():
        tags = [str(tag) for tag in item["tags"]]  # type: ignore[union-attr]
        assert all(tag and not tag.endswith("=") and tag == tag.strip() for tag in tags), item["path"]
        assert len({tag.casefold() for tag in tags}) == len(tags), item["path"]


def test_bodies_hold_only_the_article(corpus_root: Path) -> None:
    for path in sorted(corpus_root.rglob("*.md")):
        rel = path.relative_to(corpus_root).as_posix()
        result = parse_bytes(path.read_bytes(), rel)
        assert result.article is not None and result.problems == [], rel
        body = result.article.body
        assert body.strip(), rel
        assert "## Information:" not in body and "\n+ Source:" not in body, rel
        assert "#### Tags:" not in body and "## Tags:" not in body, rel
        assert _TAG_LINE.search(body) is None, rel
