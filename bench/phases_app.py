"""The bench's app phases: the real ``ReaderApp``, headless under ``App.run_test`` at 160×50.

Each runs in a fresh process started by ``bench.py`` with ``--spawned-at`` (the parent's
``time.time()`` just before the spawn), so "from spawn" includes the interpreter start and
the imports, as a user meets them. The child exits with ``os._exit`` after printing its
result: the app's loading worker may still be indexing article text, and a benchmark must
not wait for it (nor count it) unless the phase asks to.

What "done" means is read off the screen's own widgets (the article list's ids, the
``N of M articles`` status line), never off the library's internals, so the phases keep
measuring the same thing while ``reader/`` is rewritten for speed.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from phases import current_rss_mb, percentiles, rss_mb

SIZE = (160, 50)
SETTLE_TIMEOUT = 300.0
"""Background work (refresh, lazy indexes, full-text sync, backlinks) gets this long."""
KEY_TIMEOUT = 10.0
"""A key whose result never shows counts as this long (and as a timeout)."""
COUNT = re.compile(r"([\d,]+) of ([\d,]+) articles")


def _widgets(app):
    from reader.ui.article_list import ArticleList
    from reader.ui.widgets.filter_status import FilterStatus

    return app.query_one(ArticleList), app.query_one(FilterStatus)


async def _poll() -> None:
    """Let the app run 5 ms between two looks at its widgets.

    A plain sleep, not ``Pilot.pause``: that posts a message to every widget and waits for
    each to answer, then forces a repaint, on every call. Polled every 5 ms through a first
    open at 100,000 articles, it sent ~38,000 messages (29 widgets × ~1,300 polls) and cost
    the UI thread ~7 s of the ~21 s measured, which the refresh thread then waited for (the
    same refresh took 13.8 s outside the app, 20.8 s inside it). A user's terminal sends
    none of that; the app repaints on its own timer, and a phase forces one repaint when it
    sees what it waits for (:func:`_painted`), so that paint is still counted."""
    await asyncio.sleep(0.005)


def _painted(app) -> None:
    """Paint now what the next frame would (a phase's end includes the paint)."""
    app.screen._on_timer_update()


async def _until_filled(app, pilot, expect: int) -> None:
    """Poll (5 ms) until the list holds every article: ``expect`` of them, or the library's
    length once it is not streaming (``expect`` 0); then paint it."""
    article_list, _status = _widgets(app)
    while True:
        await _poll()
        library = app.main.library
        if library is None or not len(library):
            continue
        shown = len(article_list.ids)
        if shown == len(library) and (expect == 0 or shown >= expect):
            _painted(app)
            return


async def _settle(app, pilot, timeout: float = SETTLE_TIMEOUT) -> tuple[float, bool]:
    """Wait until no worker but live reload's watcher is pending or running (twice in a row,
    50 ms apart): the refresh, ``prepare()``, full-text sync, tag tree and backlinks are done.
    Returns (seconds waited, whether it settled before the timeout)."""
    from textual.worker import WorkerState

    started = time.perf_counter()
    quiet = 0
    while time.perf_counter() - started < timeout:
        await pilot.pause(0.05)
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "watch"]
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return time.perf_counter() - started, True
    return time.perf_counter() - started, False


def phase_app(root: Path, spawned_at: float, expect: int = 0, settle: bool = False) -> dict[str, object]:
    """Process spawn → the list holds every article; with ``settle``, then the background work
    and the peak RSS once it is done (the issue's RSS row counts that work)."""
    started = time.perf_counter()
    from reader.ui.app import ReaderApp

    async def run() -> dict[str, object]:
        app = ReaderApp(root, read_after=3600)
        async with app.run_test(size=SIZE) as pilot:
            await _until_filled(app, pilot, expect)
            filled = time.perf_counter()
            filled_wall = time.time()
            out: dict[str, object] = {
                "in_process_s": filled - started,
                "from_spawn_s": filled_wall - spawned_at,
                "articles": len(app.main.library or ()),
                "rss_at_filled_mb": rss_mb()["rss_mb"],
            }
            if settle:
                waited, settled = await _settle(app, pilot)
                out.update(settle_s=waited, settled=settled, rss_settled_now_mb=current_rss_mb())
        return out

    result = asyncio.run(run())
    return {**result, **rss_mb()}


def phase_empty(spawned_at: float) -> dict[str, object]:
    """An empty Textual app: spawn → first idle, and its RSS. The floor for any TUI start."""
    from textual.app import App

    async def run() -> float:
        app: App[None] = App()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            return time.time() - spawned_at

    return {"from_spawn_s": asyncio.run(run()), **rss_mb()}


# -- typing in the filter bar -------------------------------------------------------------------


def typing_queries(library) -> list[str]:
    """About seven queries taken from the library itself: title words (common, middling, two at
    once), a ``tag:`` term, a negation, a ``source:`` prefix and a word found only in bodies."""
    from collections import Counter

    articles = library.articles
    words = Counter(w.lower() for a in articles[:5000] for w in re.findall(r"[A-Za-z]{5,}", a.title))
    ranked = [w for w, _ in words.most_common()]
    common, middling = ranked[0], ranked[len(ranked) // 3]
    tags = [t.name for t in library.tag_counts() if re.fullmatch(r"[a-z][a-z0-9-]{2,20}", t.name)]
    tags += ["news"] * 2  # a small library (the smoke test's) may have fewer simple tags
    sources = Counter(a.source.split()[0].lower() for a in articles[:5000] if a.source)
    body_word = ""
    title_words = set(words)
    for article in articles[: min(len(articles), 400) : 7]:
        body = library.read(article)[0].body
        found = [w.lower() for w in re.findall(r"[A-Za-z]{7,}", body) if w.lower() not in title_words]
        if found:
            body_word = found[len(found) // 2]
            break
    pair = f"{ranked[1 % len(ranked)]} {ranked[5 % len(ranked)]}"
    queries = [common, middling, pair, f"tag:{tags[0]}", f"{common} -tag:{tags[1]}"]
    if sources:
        queries.append(f"source:{sources.most_common(1)[0][0]}")
    if body_word:
        queries.append(body_word)
    return queries


def _signature(library, ids: list[int], count: int) -> tuple[int, tuple[str, ...]]:
    """What the screen must show: the count and the first 50 rows' paths (ids can differ
    between two loads of the same library; paths cannot)."""
    articles = library.articles
    return count, tuple(articles[i].path for i in ids[:50])


def _expected(root: Path) -> tuple[list[str], dict[str, tuple[int, tuple[str, ...]]]]:
    """The queries and each typed prefix's result, from a library of our own (the CLI's
    engine, full text attached), worked out before the app starts so the app's own
    snapshot, indexes and any result cache stay untouched by the bench."""
    import gc

    from reader.library.engine import Engine, Marks

    engine = Engine(root)
    library = engine.load(full_text=True)
    queries = typing_queries(library)
    expected = {}
    for query in queries:
        for end in range(1, len(query) + 1):
            result = engine.search(library, query[:end], Marks())
            expected[query[:end]] = _signature(library, result.ids, len(result.ids))
    engine.close()
    del engine, library
    gc.collect()
    return queries, expected


def _send_key(app, character: str) -> None:
    """Deliver a typed character as the terminal does: into the driver's queue, and return at once.

    ``Pilot.press`` is not used for the timed keys: after sending it waits twice for the
    process to look idle (``wait_for_idle(0)``: 20 ms sleeps until one passes with under 1 ms
    of CPU), so every key measured at least ~40 ms more than the app took, in 20 ms steps."""
    from textual import events
    from textual.keys import _character_to_key

    event = events.Key(_character_to_key(character), character)
    event.set_sender(app)
    app._driver.send_message(event)


def phase_typing(root: Path, spawned_at: float) -> dict[str, object]:
    """Type queries into the filter bar one key at a time in a warm, settled app, and time each
    key from the press (:func:`_send_key`) to the repainted list and count showing its result.

    A key is done when the list's first rows and the status line's count are those of the
    text typed so far *and* the list or the status line has been redrawn since the press
    (two prefixes often match the same articles). Polling is 5 ms; the app may debounce.
    """
    queries, expected = _expected(root)
    from reader.ui.app import ReaderApp

    async def run() -> dict[str, object]:
        app = ReaderApp(root, read_after=3600)
        per_query: dict[str, list[float]] = {}
        timeouts: list[str] = []
        async with app.run_test(size=SIZE) as pilot:
            await _until_filled(app, pilot, 0)
            await _settle(app, pilot)
            article_list, status = _widgets(app)
            field = app.query_one("#filter")
            for query in queries:
                if app.focused is not field:
                    await pilot.press("slash")  # not timed
                times: list[float] = []
                for end in range(1, len(query) + 1):
                    text = query[:end]
                    want = expected[text]
                    before = (article_list.ids, status.content)
                    started = time.perf_counter()
                    _send_key(app, text[-1])
                    while True:
                        library = app.main.library
                        match = COUNT.search(str(getattr(status.content, "plain", status.content)))
                        shown = int(match.group(1).replace(",", "")) if match else -1
                        redrawn = article_list.ids is not before[0] or status.content is not before[1]
                        if redrawn and _signature(library, article_list.ids, shown) == want:
                            _painted(app)
                            times.append(time.perf_counter() - started)
                            break
                        if time.perf_counter() - started > KEY_TIMEOUT:
                            times.append(KEY_TIMEOUT)
                            timeouts.append(text)
                            break
                        await _poll()
                per_query[query] = times
                field.value = ""  # back to the whole library for the next query
                await _until_filled(app, pilot, 0)
                while app.main.filter_settling:  # the sidebar and article pane follow a pause in typing
                    await pilot.pause(0.05)
                await _settle(app, pilot, timeout=30)
        every = [t for times in per_query.values() for t in times]
        return {
            "keys": percentiles(every),
            "queries": {
                q: {"median": percentiles(t)["median"], "max": max(t), "keys": len(t)} for q, t in per_query.items()
            },
            "timeouts": timeouts,
            "last_key": percentiles([t[-1] for t in per_query.values()]),
        }

    return {**asyncio.run(run()), **rss_mb()}
