"""The bench's library-level phases: each runs in a fresh process started by ``bench.py``.

A phase returns a JSON-able dict that the parent reads from the child's last stdout line.
Running every phase in its own process keeps caches, imports and peak memory what a user
would meet, and keeps one phase's memory out of the next one's ``ru_maxrss``. The app's
phases (the TUI under ``App.run_test``) are in ``phases_app.py``.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

TITLE = re.compile(rb"^# +(.+)$", re.MULTILINE)
"""The floor's one regex: any indexer must at least find the title."""


def rss_mb() -> dict[str, float]:
    """Peak RSS of this process and of its waited-for children, in MB.

    On Linux the peak is ``VmHWM``, not ``ru_maxrss``: ``ru_maxrss`` survives ``execve``, so a
    child would report its parent's peak whenever that is higher (the bench's parent holds a
    parsed ``reader list --json`` at times). ``VmHWM`` belongs to the new image alone.
    """
    import resource

    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"rss_mb": own, "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale}


def current_rss_mb() -> float:
    """The resident set now (not the peak): what stays once the app has settled."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles(samples: list[float]) -> dict[str, float]:
    """Median, p90, p95, first and max: the first call often pays for a lazy index."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "median": statistics.median(ordered),
        "p90": at(0.90),
        "p95": at(0.95),
        "first": samples[0],
        "max": ordered[-1],
        "n": len(samples),
    }


def phase_floor(root: Path) -> dict[str, object]:
    """What any indexer must spend: walk the folder, read every file, find the title.

    Uses the plain ``os.scandir`` walk rather than reader's, so the floor stays the same
    yardstick whatever the lead changes in ``reader.library.scan``.
    """
    import os

    started = time.perf_counter()
    stack, files, found = [str(root)], 0, 0
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".md"):
                    files += 1
                    with open(entry.path, "rb") as handle:
                        if TITLE.search(handle.read()):
                            found += 1
    return {"seconds": time.perf_counter() - started, "files": files, "titles": found}


def phase_warm_start(root: Path) -> dict[str, object]:
    """The warm start's parts without the UI: import, cache → ``Library``, refresh (no change)."""
    started = time.perf_counter()
    from reader.library import cache

    imported = time.perf_counter()
    library = cache.load_cached(root)
    loaded = time.perf_counter()
    assert library is not None, "no cache: run the cold index first"
    refreshed = cache.refresh(root, library)
    done = time.perf_counter()
    return {
        "import_s": imported - started,
        "load_cached_s": loaded - imported,
        "refresh_s": done - loaded,
        "unchanged": refreshed is library,
        "articles": len(library),
        **rss_mb(),
    }


def phase_filters(root: Path, runs: int) -> dict[str, object]:
    """``Library.search`` for tags (common to rare), title words and both, as the filter bar runs it."""
    import random

    from reader.library import cache

    library = cache.load_cached(root)
    assert library is not None
    rng = random.Random(5)
    counts = library.tag_counts()
    # Common, middling and rare tags alike (a Zipf library is mostly rare tags).
    picks = [counts[min(len(counts) - 1, int(len(counts) * (i / runs) ** 3))].name for i in range(runs)]
    rng.shuffle(picks)
    words = sorted({w for a in library.articles[:2000] for w in re.findall(r"[A-Za-z]{5,}", a.title)})
    terms = rng.sample(words, min(runs, len(words)))
    sizes: list[int] = []

    def timed(queries: list[str], sort: str = "date") -> list[float]:
        times = []
        for query in queries:
            started = time.perf_counter()
            result = library.search(query, sort=sort)
            times.append(time.perf_counter() - started)
            sizes.append(len(result.ids))
        return times

    tag_times = timed([f'tag:"{name}"' for name in picks])
    text_times = timed(terms)
    combined = timed([f'tag:"{n}" {t}' for n, t in zip(picks, terms, strict=False)], sort="title")
    counts_times: list[float] = []
    for name in picks[:10]:
        ids = library.search(f'tag:"{name}"').ids
        started = time.perf_counter()
        library.tag_counts(ids)
        counts_times.append(time.perf_counter() - started)
    return {
        "tag": percentiles(tag_times),
        "text": percentiles(text_times),
        "tag_and_text_by_title": percentiles(combined),
        "tag_counts_of_result": percentiles(counts_times),
        "median_hits": statistics.median(sizes),
        **rss_mb(),
    }


def phase_fulltext(root: Path, runs: int) -> dict[str, object]:
    """Body-text search through the FTS5 index: sync time (a first build if there is no index
    yet, which also prepares it for the app phases), then word queries as typed."""
    import random

    from reader.library import cache
    from reader.library.fulltext import FullTextIndex

    library = cache.load_cached(root)
    assert library is not None
    index = FullTextIndex.for_library(root)
    started = time.perf_counter()
    index.attach(library)
    report = index.sync(library)
    sync_s = time.perf_counter() - started
    rng = random.Random(7)
    words: set[str] = set()
    for i in rng.sample(range(len(library)), min(200, len(library))):
        body = library.read(library.articles[i])[0].body
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{5,}", body))
    terms = rng.sample(sorted(words), min(runs, len(words)))
    times: list[float] = []
    hits: list[int] = []
    for term in terms:
        started = time.perf_counter()
        result = library.search(term)
        times.append(time.perf_counter() - started)
        hits.append(len(result.ids))
    index.close()
    return {
        "sync_s": sync_s,
        "added": report.added,
        "unchanged": report.unchanged,
        "query": percentiles(times),
        "median_hits": statistics.median(hits),
        **rss_mb(),
    }


def phase_switch(root: Path, runs: int) -> dict[str, object]:
    """An article switch's own work: ``Library.read`` + ``render_markdown``, 5 KB and 100 KB."""
    from reader.library import cache

    library = cache.load_cached(root)
    assert library is not None
    try:
        from reader.ui.render import render_markdown
    except ImportError as error:
        return {"skipped": f"reader.ui.render not importable ({error})"}
    out: dict[str, object] = {}
    for label, target in (("5kb", 5 * 1024), ("100kb", 100 * 1024)):
        near = sorted(library.articles, key=lambda a: abs(a.size - target))[:runs]
        times: list[float] = []
        for article in near:
            started = time.perf_counter()
            full, _problems = library.read(article)
            render_markdown(full.body, 100)
            times.append(time.perf_counter() - started)
        out[label] = {**percentiles(times), "size": statistics.median(a.size for a in near)}
    return {**out, **rss_mb()}
