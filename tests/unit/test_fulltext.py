"""Full-text search: FTS5 index, word/phrase semantics, ranking, incremental sync, robustness.

Plus the acceptance check on the real corpus: ``reader list --query`` with words returns
exactly what a brute-force scan of every file finds.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import clipping_text, write_file

from reader.cli import main
from reader.library.fulltext import FullTextIndex, fts5_available, index_path, match_expression
from reader.library.model import Article
from reader.library.query import Term
from reader.library.snapshot import Library

pytestmark = pytest.mark.skipif(not fts5_available(), reason="this SQLite has no FTS5")

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def write(
    root: Path,
    name: str,
    title: str,
    body: str,
    *,
    subtitle: str = "",
    date: str = "October 4, 2021",
    tags: tuple[str, ...] = (),
    source: str = "Example News",
) -> Path:
    """One clipping-layout article; each write gets a distinct, later mtime (so syncs see it)."""
    text = clipping_text(title, body, subtitle=subtitle, source=source, link=None, date=date, author=None, tags=tags)
    return write_file(root, name, text, later=True)


def titles(library: Library, query: str, **kwargs: object) -> list[str]:
    return [library.articles[i].title for i in library.search(query, **kwargs).ids]  # type: ignore[arg-type]


def indexed(root: Path, fts: FullTextIndex | None = None) -> tuple[Library, FullTextIndex]:
    library = Library.load(root)
    fts = fts or FullTextIndex(root=root)
    report = fts.sync(library)
    assert report.error is None, report.error
    return fts.attach(library), fts


@pytest.fixture
def news(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "a.md", "Harbour authority restores systems", "The attackers used a Kestrel loader variant.")
    write(root, "b.md", "Ransomware gang leaks files", "Nothing about loaders here.", tags=("Ransomware",))
    write(root, "c.md", "Supply chain attack on updates", "A supply chain compromise of an updater.")
    write(root, "d.md", "Chain of custody and supply", "Evidence handling, the chain of supply of evidence.")
    write(root, "e.md", "Café owners targeted", "Phishing mails to café owners in Lyon.")
    return root


def test_a_body_only_word_is_found(news: Path) -> None:
    plain = Library.load(news)
    assert titles(plain, "kestrel") == []  # no index: bodies are not searched
    library, _ = indexed(news)
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]
    assert titles(library, "KESTREL") == ["Harbour authority restores systems"]


def test_a_bare_word_matches_token_prefixes_not_substrings(news: Path) -> None:
    library, _ = indexed(news)
    assert titles(library, "ranso") == ["Ransomware gang leaks files"]
    assert titles(library, "ware") == []
    assert set(titles(library, "load")) == {"Harbour authority restores systems", "Ransomware gang leaks files"}


def test_diacritics_do_not_matter(news: Path) -> None:
    library, _ = indexed(news)
    assert titles(library, "cafe") == ["Café owners targeted"]
    assert titles(library, "café") == ["Café owners targeted"]


def test_a_phrase_needs_its_words_in_order_bare_words_do_not(news: Path) -> None:
    library, _ = indexed(news)
    assert titles(library, '"supply chain"') == ["Supply chain attack on updates"]
    assert set(titles(library, "supply chain")) == {"Supply chain attack on updates", "Chain of custody and supply"}
    # A phrase's last word is whole, not a prefix.
    assert titles(library, '"supply cha"') == []


def test_negated_and_or_words_use_the_index(news: Path) -> None:
    library, _ = indexed(news)
    assert "Harbour authority restores systems" not in titles(library, "-kestrel")
    assert len(titles(library, "-kestrel")) == 4
    assert set(titles(library, "kestrel OR lyon")) == {"Harbour authority restores systems", "Café owners targeted"}


def test_a_title_match_ranks_above_a_single_body_mention(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "old.md", "Kestrel loader returns", "A short note.", date="January 5, 2020")
    body = " ".join(["Routine patch notes for the week."] * 40 + ["One line mentions the kestrel loader."])
    write(root, "new.md", "Weekly patch roundup", body, date="March 1, 2023")
    write(root, "other.md", "Unrelated", "Nothing to see.", date="June 1, 2023")
    library, _ = indexed(root)
    expected = ["Kestrel loader returns", "Weekly patch roundup"]
    assert titles(library, '"kestrel loader"') == expected
    assert titles(library, "kestrel") == expected
    assert titles(library, "kestrel", sort="relevance") == expected
    # Title and source orders are kept; no words → newest first, even with sort="relevance".
    assert titles(library, "kestrel", sort="title") == ["Kestrel loader returns", "Weekly patch roundup"]
    assert titles(library, "after:2019", sort="relevance") == ["Unrelated", "Weekly patch roundup", *expected[:1]]
    scores = library.full_text.search(library, "kestrel")  # type: ignore[union-attr]
    assert scores[library.by_path["old.md"]] > scores[library.by_path["new.md"]] > 0


def test_a_very_common_word_still_ranks_title_mentions_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.library.fulltext as fulltext

    monkeypatch.setattr(fulltext, "RANK_LIMIT", 1)  # every word is "common" now
    root = tmp_path / "lib"
    write(root, "body.md", "Weekly roundup", "the kestrel was seen", date="March 1, 2023")
    write(root, "older.md", "Another roundup", "kestrel kestrel", date="March 1, 2021")
    write(root, "title.md", "Kestrel returns", "nothing else", date="January 5, 2020")
    library, _ = indexed(root)
    assert titles(library, "kestrel") == ["Kestrel returns", "Weekly roundup", "Another roundup"]


@pytest.mark.parametrize("query", ["alder", "alder birch", "alder birch cedar", "alder OR birch", "alder birch -cedar"])
def test_common_words_rank_by_title_mentions_then_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Words too common for bm25 rank as tiers (``search._tiers``): the articles naming more
    of the query's words in their metadata first, each tier newest first; the same order as
    summing their scores, which the rule is stated in."""
    import random

    import reader.library.fulltext as fulltext

    monkeypatch.setattr(fulltext, "RANK_LIMIT", 1)  # every word is "common" now
    root = tmp_path / "lib"
    rng = random.Random(7)
    words = ("alder", "birch", "cedar")
    placed: dict[str, tuple[set[str], set[str]]] = {}
    for n in range(40):
        in_title = {w for w in words if rng.random() < 0.4}
        in_body = {w for w in words if rng.random() < 0.6} - in_title
        title = f"Report {n} " + " ".join(sorted(in_title))
        write(root, f"{n:02}.md", title, "Text " + " ".join(sorted(in_body)), date=f"March {n % 28 + 1}, {2000 + n}")
        placed[title.strip()] = (in_title, in_body)
    library, _ = indexed(root)
    positive = [w for w in query.split() if w in words and f"-{w}" not in query.split()]
    negated = {w[1:] for w in query.split() if w.startswith("-")}

    def matches(title: str) -> bool:
        in_title, in_body = placed[title]
        found = in_title | in_body
        wanted = any(w in found for w in positive) if "OR" in query else all(w in found for w in positive)
        return wanted and not (negated & found)

    newest_first = sorted((t for t in placed if matches(t)), key=lambda t: -int(t.split()[1]))
    expected = sorted(newest_first, key=lambda t: -len(placed[t][0] & set(positive)))
    assert titles(library, query) == expected
    assert len(expected) > 3


def test_a_common_word_scores_its_top_hits_and_zero_elsewhere() -> None:
    from reader.library.search import CommonWord

    word = CommonWord({1: 0.0, 2: 0.0, 3: 0.0}, {2: 0.5})
    assert (word[1], word[2], len(word), 3 in word, 4 in word) == (0.0, 0.5, 3, True, False)
    assert set(word.ids) == {1, 2, 3} and set(word.top) == {2}
    assert word.get(9) is None
    assert word.as_dict() == {1: 0.0, 2: 0.5, 3: 0.0} == dict(word)
    word.add([4, 2])
    assert (word[4], word[2], len(word)) == (0.0, 0.5, 4)


def test_a_file_index_ranks_common_and_mixed_words_as_one_in_memory_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file index asks for a common word's metadata rows on its helper thread
    (``FullTextDatabase.rowids_soon``); the in-memory one asks in line. Same results, for a
    common word alone and mixed with a ranked one (bm25 summed with the tiers' scores)."""
    import reader.library.fulltext as fulltext

    monkeypatch.setattr(fulltext, "RANK_LIMIT", 5)
    root = tmp_path / "lib"
    for n in range(12):
        title = f"Report {n}" + (" alder" if n % 3 == 0 else "")
        body = "alder stand" + (" birch" if n in (4, 9) else "")
        write(root, f"{n:02}.md", title, body, date=f"March 1, {2000 + n}")
    in_memory, _ = indexed(root)
    on_disk, fts = indexed(root, FullTextIndex(tmp_path / "fts.sqlite", root=root))
    assert fts.path is not None
    titled = [f"Report {n} alder" for n in (9, 6, 3, 0)]
    assert titles(on_disk, "alder") == titled + [f"Report {n}" for n in (11, 10, 8, 7, 5, 4, 2, 1)]
    for query in ("alder", "ald", "alder birch", "birch alder", "alder OR birch", "alder -birch", "birch", "stand"):
        assert titles(on_disk, query) == titles(in_memory, query), query
    assert set(titles(on_disk, "alder birch")) == {"Report 9 alder", "Report 4"}
    assert any(t.name.startswith("reader-fulltext") for t in threading.enumerate())
    fts.close()
    assert titles(on_disk, "alder") == titled  # closed: metadata matched in memory, no crash


def test_no_helper_query_outlives_a_search_or_a_close(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The metadata MATCH a search starts on the helper thread has ended when the search
    returns, even for a rare word that never reads it; close() awaits one still running.
    Closing a connection under a running query crashed the interpreter (SQLite segfault)."""
    import time

    import reader.library.fulltext as fulltext
    import reader.library.fulltext_db as fulltext_db

    library, fts = indexed(news, FullTextIndex(tmp_path / "fts.sqlite", root=news))
    real_rowids = fulltext_db.rowids
    ended: list[str] = []
    started = threading.Event()

    def slow_rowids(conn: sqlite3.Connection, expression: str) -> list[int]:
        found = real_rowids(conn, expression)
        if threading.current_thread() is not threading.main_thread():
            started.set()
            time.sleep(0.2)  # the helper's query, still running when the main one is done
            ended.append(expression)
        return found

    monkeypatch.setattr(fulltext_db, "rowids", slow_rowids)
    monkeypatch.setattr(fulltext, "rowids", slow_rowids)
    assert fts.search(library, "kestrel")  # rare: ranked by bm25, the metadata rows unread
    assert len(ended) == 1
    started.clear()
    soon = fts.db.rowids_soon('"kestrel"')
    assert started.wait(5)
    fts.close()
    assert len(ended) == 2  # close() waited for it
    assert len(soon.rows()) == 1  # a.md, the one article naming it: its rows came whole
    with pytest.raises(fulltext_db.FullTextError):
        fts.db.rowids_soon('"kestrel"')  # closed: no query starts


def test_close_waits_for_a_query_on_another_thread(news: Path, tmp_path: Path) -> None:
    """The sync worker may reset (close) the index while the UI thread searches on its own
    connection: the close waits for that query instead of closing the connection under it,
    and no query starts once the close has begun."""
    import time

    import reader.library.fulltext_db as fulltext_db

    _, fts = indexed(news, FullTextIndex(tmp_path / "fts.sqlite", root=news))
    inside = threading.Event()
    outcome: list[object] = []

    def search() -> None:
        try:
            with fts.db.connection() as conn:
                inside.set()
                time.sleep(0.3)  # a query in progress when the close comes
                outcome.append(conn.execute("SELECT count(*) FROM files").fetchone()[0])
        except Exception as error:  # the connection closed under it
            outcome.append(error)

    searcher = threading.Thread(target=search)
    searcher.start()
    assert inside.wait(5)
    fts.close()
    assert outcome and isinstance(outcome[0], int) and outcome[0] > 0, outcome
    searcher.join()
    with pytest.raises(fulltext_db.FullTextError), fts.db.connection():
        pass


def test_a_one_character_word_matches_that_token_only(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "c.md", "Rewriting it in C", "C and C++ compilers.")
    write(root, "cat.md", "Cat videos", "Nothing else.")
    library, _ = indexed(root)
    assert titles(library, "c") == ["Rewriting it in C"]
    assert titles(library, "c++") == ["Rewriting it in C"]
    assert set(titles(library, "ca")) == {"Cat videos"}
    plain = Library.load(root)
    assert titles(plain, "c") == ["Rewriting it in C"]


def test_ranking_sums_over_words_and_ignores_negated_ones(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "one.md", "Alpha report", "alpha only.", date="January 1, 2020")
    write(root, "both.md", "Alpha and beta report", "alpha beta.", date="January 1, 2019")
    write(root, "gamma.md", "Alpha gamma", "alpha gamma.", date="January 1, 2023")
    library, _ = indexed(root)
    assert titles(library, "alpha beta") == ["Alpha and beta report"]
    assert titles(library, "alpha OR beta")[0] == "Alpha and beta report"
    assert titles(library, "alpha -gamma") == ["Alpha report", "Alpha and beta report"]


HOSTILE = [
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "NEAR(a b, 2)",
    '"',
    '""',
    '"unterminated',
    "*",
    "a*",
    "-",
    "- -",
    ":",
    "title:",
    "body:kestrel",
    "{title body}:x",
    "^start",
    "a + b",
    "(",
    ")",
    "((a)",
    "a OR",
    "'",
    "x\x00y",
    "\\",
    "e-mail",
    "co.uk",
    "ünïcödé",
    "😀",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_fts_syntax_in_user_input_never_raises(news: Path, text: str) -> None:
    library, fts = indexed(news)
    result = library.search(text)
    assert all(0 <= i < len(library) for i in result.ids)
    for kind in ("", "phrase"):
        term = Term(kind, text)
        expression = match_expression(term)
        assert expression is None or expression.startswith('"')
        assert isinstance(fts.search(library, term), Mapping)


def test_match_expression_quotes_everything() -> None:
    assert match_expression(Term("", "ranso")) == '"ranso"*'
    assert match_expression(Term("phrase", "supply chain")) == '"supply chain"'
    assert match_expression(Term("", 'say "hi"')) == '"say ""hi"""*'
    assert match_expression(Term("", "*")) is None
    assert match_expression(Term("", "NEAR(")) == '"NEAR("*'


def test_words_with_no_letters_or_digits_filter_nothing(news: Path) -> None:
    library, _ = indexed(news)
    assert len(library.search("&").ids) == 5
    assert titles(library, "& kestrel") == ["Harbour authority restores systems"]


def test_without_an_index_words_match_metadata_token_prefixes(news: Path) -> None:
    library = Library.load(news)
    assert titles(library, "ranso") == ["Ransomware gang leaks files"]
    assert titles(library, "ware") == []
    assert titles(library, '"supply chain"') == ["Supply chain attack on updates"]
    assert titles(library, '"supply cha"') == []
    assert set(titles(library, "supply chain")) == {"Supply chain attack on updates", "Chain of custody and supply"}
    # Punctuation inside a word is a token boundary, as in the index; diacritics do not matter.
    assert titles(library, "harbour-authority") == ["Harbour authority restores systems"]
    assert titles(library, "cafe") == ["Café owners targeted"]


def test_incremental_sync_reindexes_changed_files_only(news: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = index_path(news)
    library, fts = indexed(news, FullTextIndex(path, root=news))
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]

    write(news, "a.md", "Harbour authority restores systems", "The attackers used a Merlin dropper.")
    reads: list[str] = []
    original = Library.read

    def counting(self: Library, article: Article) -> tuple[Article, list]:
        reads.append(article.path)
        return original(self, article)

    monkeypatch.setattr(Library, "read", counting)
    library = Library.load(news)
    report = fts.sync(library)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 4)
    assert reads == ["a.md"]
    fts.attach(library)
    assert titles(library, "merlin") == ["Harbour authority restores systems"]
    assert titles(library, "kestrel") == []

    (news / "a.md").unlink()
    write(news, "f.md", "Fresh article", "Brand new words: zanzibar.")
    library = Library.load(news)
    report = fts.sync(library)
    assert (report.added, report.updated, report.removed) == (1, 0, 1)
    fts.attach(library)
    assert titles(library, "merlin") == []
    assert titles(library, "zanzibar") == ["Fresh article"]
    fts.close()

    # A new process (a new index object on the same file) starts from what was indexed.
    again = FullTextIndex(path, root=news)
    assert again.notice is None
    report = again.sync(library)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    again.attach(library)
    assert titles(library, "zanzibar") == ["Fresh article"]
    again.close()


def test_articles_the_index_does_not_cover_yet_match_on_metadata(news: Path) -> None:
    _, fts = indexed(news)
    write(news, "g.md", "Quokka sightings rise", "Body word: wallaby.")
    newer = Library.load(news)
    fts.attach(newer)  # not synced yet
    assert titles(newer, "quokka") == ["Quokka sightings rise"]
    assert titles(newer, "wallaby") == []
    assert titles(newer, "kestrel") == ["Harbour authority restores systems"]
    fts.sync(newer)
    assert titles(newer, "wallaby") == ["Quokka sightings rise"]


def test_with_changes_keeps_the_index_and_maps_ids_anew(news: Path) -> None:
    library, _ = indexed(news)
    smaller = library.with_changes([], ["a.md", "b.md"])
    assert smaller.full_text is library.full_text
    assert titles(smaller, "kestrel") == []
    assert titles(smaller, "lyon") == ["Café owners targeted"]


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 50],
    ids=["garbage", "truncated"],
)
def test_a_corrupt_database_is_rebuilt(news: Path, content: bytes) -> None:
    path = index_path(news)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    library = Library.load(news)
    fts = FullTextIndex(path, root=news)
    report = fts.sync(library)
    assert report.error is None
    assert fts.path == path  # rebuilt in place, not moved to memory
    fts.attach(library)
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]
    fts.close()


def test_another_schema_or_library_is_rebuilt(news: Path, tmp_path: Path) -> None:
    path = index_path(news)
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE files (x)")
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    fts = FullTextIndex(path, root=news)
    assert fts.notice and "rebuilt" in fts.notice
    library, _ = indexed(news, fts)
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]
    fts.close()
    other = FullTextIndex(path, root=tmp_path / "elsewhere")
    assert other.notice and "another library" in other.notice
    other.close()


def test_a_database_locked_by_another_reader_is_bypassed(news: Path) -> None:
    path = index_path(news)
    _, fts = indexed(news, FullTextIndex(path, root=news))
    write(news, "a.md", "Harbour authority restores systems", "Now about a Merlin dropper.")
    changed = Library.load(news)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another reader in the middle of a sync
    try:
        report = fts.sync(changed)
        assert report.error and "another reader" in report.error
        fts.attach(changed)
        # Searching still works: the changed file is matched on its metadata meanwhile.
        assert titles(changed, "harbour") == ["Harbour authority restores systems"]
        assert titles(changed, "lyon") == ["Café owners targeted"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert fts.sync(changed).updated == 1
    assert titles(changed, "merlin") == ["Harbour authority restores systems"]
    fts.close()


def test_damage_found_while_searching_falls_back_then_rebuilds(news: Path) -> None:
    path = index_path(news)
    library, fts = indexed(news, FullTextIndex(path, root=news))
    fts.close()  # as good as a vanished database: searching must not raise
    assert titles(library, "ransomware") == ["Ransomware gang leaks files"]
    fresh = FullTextIndex(path, root=news)
    fresh._needs_reset = True  # what a failed query sets
    report = fresh.sync(library)
    assert report.rebuilt and report.added == 5
    fresh.attach(library)
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]
    fresh.close()


def test_many_dead_rows_trigger_a_rebuild(news: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.library.fulltext as fulltext

    monkeypatch.setattr(fulltext, "DEAD_MIN", 1)
    library, fts = indexed(news)
    for _ in range(3):
        write(news, "a.md", "Harbour authority restores systems", "Changed again.")
        library = Library.load(news)
        report = fts.sync(library)
    assert report.rebuilt
    fts.attach(library)
    assert titles(library, "changed") == ["Harbour authority restores systems"]


def test_sync_in_a_worker_thread_while_searching(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for n in range(60):
        write(root, f"n{n:03}.md", f"Article {n}", f"common words and token{n}")
    library = Library.load(root)
    fts = FullTextIndex(index_path(root), root=root)
    fts.attach(library)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            fts.sync(library)
        except BaseException as error:  # pragma: no cover - the assertion below reports it
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        library.search("common")
        library.search("token7 OR article")
    worker.join()
    assert not errors
    assert len(library.search("common").ids) == 60
    assert titles(library, "token42") == ["Article 42"]
    fts.close()


def test_connections_of_finished_threads_are_released(news: Path) -> None:
    import gc

    library = Library.load(news)
    fts = FullTextIndex(index_path(news), root=news)
    fts.sync(library)
    fts.attach(library)
    for n in range(20):  # an app searching from a fresh worker thread per keystroke
        worker = threading.Thread(target=library.search, args=(f"kestrel{n}",))
        worker.start()
        worker.join()
    gc.collect()
    assert len(fts.db.conns.every) <= 2
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]
    fts.close()


def test_memory_index_works_across_threads(news: Path) -> None:
    library = Library.load(news)
    fts = FullTextIndex(root=news)
    worker = threading.Thread(target=fts.sync, args=(library,))
    worker.start()
    worker.join()
    fts.attach(library)
    assert titles(library, "kestrel") == ["Harbour authority restores systems"]


def test_cli_list_query_searches_bodies(news: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--no-cache"]):
        assert main(["list", str(news), "--query", "kestrel", "--json", *extra]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [item["path"] for item in data] == ["a.md"]


# -- acceptance on the real corpus ---------------------------------------------------------


ACCEPTANCE = 'tag:ransomware author:"Catalin Cimpanu" after:2021-09-01 before:2021-12-01 kaseya'


def _brute_force(root: Path) -> set[str]:
    """Parse every file and apply the query by hand, independently of the index and FTS."""
    from reader.library.parse import parse_bytes
    from reader.library.scan import walk

    low, high = datetime(2021, 9, 1, tzinfo=UTC), datetime(2021, 12, 1, tzinfo=UTC)
    word = re.compile(r"\bkaseya", re.IGNORECASE)
    entries, _ = walk(root)
    found: set[str] = set()
    for entry in entries:
        article = parse_bytes(Path(entry.abspath).read_bytes(), entry.path).article
        if article is None:
            continue
        keys = [tag.casefold() for tag in article.tags]
        # tag:X — the tag itself, a faceted tag whose value is X, or a tag nested under X/.
        wanted = "ransomware"
        if not any(k == wanted or k.partition("=")[2] == wanted or k.startswith(wanted + "/") for k in keys):
            continue
        if "catalin cimpanu" not in article.author.casefold():
            continue
        if article.date is None or not low <= article.date < high:
            continue
        text = "\n".join([article.title, article.subtitle, article.source, article.author, *article.tags, article.body])
        if word.search(text):
            found.add(article.path)
    return found


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_acceptance_query_matches_brute_force_on_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    expected = _brute_force(CORPUS)
    assert expected, "the acceptance query should find something in the corpus"
    assert main(["list", str(CORPUS), "--query", ACCEPTANCE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    paths = [item["path"] for item in data]
    assert len(paths) == len(set(paths))
    assert set(paths) == expected
    # A second run reuses the on-disk index (nothing to re-read) and agrees.
    assert main(["list", str(CORPUS), "--query", ACCEPTANCE, "--json"]) == 0
    assert {item["path"] for item in json.loads(capsys.readouterr().out)} == expected
