"""``reader list --query Q --json`` and the app's filter give the same articles in the same order.

Both parse the query with :func:`reader.library.query.parse_query` and evaluate it with
``Library.search`` over the full-text index and the same reading state; this test holds them
to it over queries generated from the whole language, on the sample library.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import cli
from reader.library.query import parse_query
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList

SAMPLE = Path(__file__).resolve().parents[2] / "articles"

WORDS = ["ransomware", "ranso", "attack", "microsoft", "data", "security", "hackers", "the", "a", "cyber", "vuln"]
PHRASES = ['"supply chain"', '"ransomware attack"', '"data breach"', '"the"']
TAGS = ["tag:Ransomware", "tag:Microsoft", "tag:phishing", 'tag:"Data Breach"', "tag:Malware", "tag:China"]
FACETS = ["country:China", "country:US", "malware:Conti", "actor:APT28", "industry:Government", "cve:CVE-2021-40444"]
FIELDS = ["source:zdnet", "source:record", 'author:"Catalin Cimpanu"', "author:a"]
DATES = ["after:2021-09-01", "before:2021-10", "date:2021-10", "after:2021", "before:2021-08-15", "date:2021"]
STATES = ["is:bookmarked", "is:unread", "is:read"]

atoms = st.sampled_from(WORDS + PHRASES + TAGS + FACETS + FIELDS + DATES + STATES)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda q: f"-{q}"),
        st.lists(children, min_size=2, max_size=3).map(" ".join),
        st.lists(children, min_size=2, max_size=3).map(" OR ".join),
        children.map(lambda q: f"({q})"),
        children.map(lambda q: f"-({q})"),
    )


queries = st.recursive(atoms, _combine, max_leaves=6)


def cli_ids(app: ReaderApp, query: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["list", str(SAMPLE), "--query", query, "--json"])
    assert code == 0, err.getvalue()
    return [row["path"] for row in json.loads(out.getvalue())]


def app_ids(app: ReaderApp, query: str) -> list[str]:
    """The app's own filter: the text goes into the filter bar, the app filters."""
    app.query_one("#filter").value = query  # type: ignore[attr-defined]
    app.main.apply_filter()
    assert app.main.library is not None
    listed = app.query_one(ArticleList).ids
    assert listed == app.main.result_ids
    return [app.main.library.articles[i].path for i in listed]


async def test_cli_and_app_filter_agree_on_generated_queries() -> None:
    app = ReaderApp(SAMPLE, live_reload=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        # Some reading state, so is:bookmarked / is:read / is:unread mean something.
        for _ in range(3):
            await pilot.press("b", "u", "j", "j", "j")
        app.main.store.flush()
        assert app.main.bookmarked_ids and app.main.read_ids

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(queries)
        def agree(query: str) -> None:
            assert not parse_query(query).errors, query
            assert cli_ids(app, query) == app_ids(app, query), query

        agree()
        # The numbers of the issue, on the sample: a word and its negation split the library.
        total = len(app.main.library or ())
        assert len(cli_ids(app, "ransomware")) + len(cli_ids(app, "-ransomware")) == total
        assert len(app_ids(app, "-ransomware")) == len(cli_ids(app, "-ransomware"))
