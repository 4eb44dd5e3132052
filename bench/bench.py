"""Benchmark reader at scale: floor, cold index, warm start, filters, article switch, memory.

    .venv/bin/python bench/bench.py [--n 100000] [--runs 50]

Uses (or first generates, with ``bench/make_library.py``) a library of N articles in
``bench/out/lib-N``. Each measurement runs in a fresh process, so caches, imports and
memory are what a user would meet; the index cache lives in ``bench/out/cache``.

* **floor** — a plain loop listing the folder, reading every file and regex-extracting the
  title: what any indexer must at least spend. Measured after ``echo 3 >
  /proc/sys/vm/drop_caches`` when that is permitted (cold), and again with the files in the
  page cache (warm).
* **cold index** — no cache at all: ``reader.library.cache.refresh``, cold and warm disk.
* **warm start** — cache → ``Library`` (``load_cached``), and process start → a filled
  article list in the real app (``ReaderApp`` under ``App.run_test``), if the app exists.
* **filters** — ``Library.search`` for ``tag:`` queries and plain words, median and p95.
* **article switch** — ``Library.read`` + ``render_markdown`` for a 5 KB and a 100 KB article.
* **peak RSS** — ``ru_maxrss`` of the measuring process, and of its worker processes.

Prints a Markdown table (copied into ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

GOALS = {
    "warm_app": 1.0,
    "cold_ratio": 1.5,
    "filter": 0.050,
    "switch_5kb": 0.050,
    "switch_100kb": 0.300,
    "rss_mb": 400,
}


# -- child phases (each runs in its own process) -------------------------------------------------


def _rss_mb() -> dict[str, float]:
    import resource

    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    return {
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
        "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale,
    }


def phase_floor(root: Path) -> dict[str, object]:
    import re

    from reader.library.scan import walk

    title = re.compile(rb"^# +(.+)$", re.MULTILINE)
    started = time.perf_counter()
    entries, _ = walk(root)
    found = 0
    for entry in entries:
        with open(entry.abspath, "rb") as handle:
            if title.search(handle.read()):
                found += 1
    return {"seconds": time.perf_counter() - started, "files": len(entries), "titles": found}


def phase_cold_index(root: Path) -> dict[str, object]:
    from reader.library import cache

    cache.clear(root)
    started = time.perf_counter()
    library = cache.refresh(root)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles": len(library), **_rss_mb()}


def phase_warm_start(root: Path) -> dict[str, object]:
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
        **_rss_mb(),
    }


def phase_app(root: Path, spawned_at: float) -> dict[str, object]:
    started = time.perf_counter()
    import asyncio

    try:
        from reader.ui.app import ReaderApp
        from reader.ui.article_list import ArticleList
    except ImportError as error:
        return {"skipped": f"reader.ui.app not importable ({error})"}

    async def run() -> dict[str, object]:
        app = ReaderApp(root, read_after=3600)
        async with app.run_test(size=(160, 50)) as pilot:
            while True:
                await pilot.pause(0.005)
                library = app.main.library
                if library is not None and len(library) and len(app.query_one(ArticleList).ids) == len(library):
                    break
            filled = time.perf_counter()
            filled_wall = time.time()
            count = len(app.main.library or ())
            # Peak memory counts the background work too: refresh, lazy indexes, full text.
            await app.wait_until_idle()
            app.exit()
        return {
            "in_process_s": filled - started,
            "from_spawn_s": filled_wall - spawned_at,
            "articles": count,
        }

    result = asyncio.run(run())
    return {**result, **_rss_mb()}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "first": samples[0],
        "max": ordered[-1],
    }


def phase_filters(root: Path, runs: int) -> dict[str, object]:
    import random
    import re

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
    tag_times: list[float] = []
    sizes: list[int] = []
    for name in picks:
        started = time.perf_counter()
        result = library.search(f'tag:"{name}"')
        tag_times.append(time.perf_counter() - started)
        sizes.append(len(result.ids))
    text_times: list[float] = []
    for term in terms:
        started = time.perf_counter()
        result = library.search(term)
        text_times.append(time.perf_counter() - started)
        sizes.append(len(result.ids))
    combined: list[float] = []
    for name, term in zip(picks, terms, strict=False):
        started = time.perf_counter()
        library.search(f'tag:"{name}" {term}', sort="title")
        combined.append(time.perf_counter() - started)
    counts_times: list[float] = []
    for name in picks[:10]:
        ids = library.search(f'tag:"{name}"').ids
        started = time.perf_counter()
        library.tag_counts(ids)
        counts_times.append(time.perf_counter() - started)
    return {
        "tag": _percentiles(tag_times),
        "text": _percentiles(text_times),
        "tag_and_text_by_title": _percentiles(combined),
        "tag_counts_of_result": _percentiles(counts_times),
        "median_hits": statistics.median(sizes),
        **_rss_mb(),
    }


def phase_fulltext(root: Path, runs: int) -> dict[str, object]:
    """Body-text search through the FTS5 index: sync time, then word queries as typed."""
    import random
    import re

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
    for i in rng.sample(range(len(library)), 200):
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
        "query": _percentiles(times),
        "median_hits": statistics.median(hits),
        **_rss_mb(),
    }


def phase_switch(root: Path, runs: int) -> dict[str, object]:
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
        out[label] = {**_percentiles(times), "size": statistics.median(a.size for a in near)}
    return {**out, **_rss_mb()}


# -- the parent -----------------------------------------------------------------------------------


def drop_caches() -> bool:
    """Empty the OS page cache (root only): the "cold" in cold index."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        return True
    except OSError:
        return False


def child(phase: str, root: Path, *extra: str) -> dict[str, object]:
    env = dict(os.environ, XDG_CACHE_HOME=str(OUT / "cache"), XDG_DATA_HOME=str(OUT / "data"))
    env["XDG_CONFIG_HOME"] = str(OUT / "config")
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--root", str(root), *extra]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"phase {phase} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
        mem = f", {memory:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = ""
    return f"{cores} cores ({model}){mem}, Python {platform.python_version()}, {platform.system()}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ok: bool) -> str:
    return "✅" if ok else "❌"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="reader at scale: one table, side by side")
    parser.add_argument("--n", type=int, default=100_000, help="articles (default 100,000)")
    parser.add_argument("--runs", type=int, default=50, help="operations per latency measurement")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        phases = {
            "floor": lambda: phase_floor(args.root),
            "cold": lambda: phase_cold_index(args.root),
            "warm": lambda: phase_warm_start(args.root),
            "app": lambda: phase_app(args.root, args.spawned_at),
            "filters": lambda: phase_filters(args.root, args.runs),
            "switch": lambda: phase_switch(args.root, min(args.runs, 20)),
            "fulltext": lambda: phase_fulltext(args.root, args.runs),
        }
        print(json.dumps(phases[args.phase]()))
        return 0

    root = OUT / f"lib-{args.n}"
    if not root.is_dir():
        sys.path.insert(0, str(ROOT / "bench"))
        from make_library import make

        print(f"generating {args.n:,} articles in {root} …", file=sys.stderr)
        make(root, args.n)
    from reader.library.scan import walk

    entries, _ = walk(root)
    files, megabytes = len(entries), sum(e.size for e in entries) / 1e6
    print(f"library: {root} ({files:,} files, {megabytes:.0f} MB)", file=sys.stderr)

    results: dict[str, dict[str, object]] = {}
    cold_ok = drop_caches()
    results["floor_cold"] = child("floor", root)
    results["floor_warm"] = child("floor", root)
    if cold_ok:
        drop_caches()
        results["cold_cold"] = child("cold", root)
    results["cold_warm"] = child("cold", root)
    warm_runs = [child("warm", root) for _ in range(3)]
    results["warm"] = min(warm_runs, key=lambda r: float(r["load_cached_s"]))  # type: ignore[arg-type]
    app_runs = [child("app", root, "--spawned-at", str(time.time())) for _ in range(3)]
    results["app"] = app_runs[0] if "skipped" in app_runs[0] else min(app_runs, key=lambda r: float(r["from_spawn_s"]))  # type: ignore[arg-type]
    results["filters"] = child("filters", root, "--runs", str(args.runs))
    results["switch"] = child("switch", root, "--runs", str(args.runs))
    results["fulltext"] = child("fulltext", root, "--runs", str(args.runs))

    print(table(results, cold_ok, args.n))
    print(f"\nmachine: {machine()}")
    (OUT / f"results-{args.n}.json").write_text(json.dumps(results, indent=1))
    return 0


def _cold_row(label: str, seconds: float, floor: float, floor_name: str) -> tuple[str, str, str, str]:
    """A cold-index row: the time, its ratio to the floor measured in the same run, the goal."""
    ratio = seconds / floor
    return (label, f"{ms(seconds)} ({ratio:.2f}× {floor_name})", "≤ 1.5× floor", verdict(ratio <= GOALS["cold_ratio"]))


def table(results: dict[str, dict[str, object]], cold_ok: bool, n: int) -> str:
    r = results
    rows: list[tuple[str, str, str, str]] = []
    floor_cold = float(r["floor_cold"]["seconds"])  # type: ignore[arg-type]
    floor_warm = float(r["floor_warm"]["seconds"])  # type: ignore[arg-type]
    label = "cold disk cache" if cold_ok else "warm: no permission to drop caches"
    rows.append((f"floor: list + read + regex title ({label})", ms(floor_cold), "", ""))
    rows.append(("floor, files in the page cache", ms(floor_warm), "", ""))
    if "cold_cold" in r:
        seconds = float(r["cold_cold"]["seconds"])  # type: ignore[arg-type]
        rows.append(_cold_row("cold index (no cache), cold disk cache", seconds, floor_cold, "floor"))
    seconds = float(r["cold_warm"]["seconds"])  # type: ignore[arg-type]
    rows.append(_cold_row("cold index (no cache), files in the page cache", seconds, floor_warm, "warm floor"))
    warm = r["warm"]
    rows.append(("warm start: cache → Library (`load_cached`)", ms(float(warm["load_cached_s"])), "", ""))  # type: ignore[arg-type]
    rows.append(("warm start: background refresh (walk + stat, nothing changed)", ms(float(warm["refresh_s"])), "", ""))  # type: ignore[arg-type]
    app = r["app"]
    if "skipped" in app:
        rows.append(("warm start to a filled list in the app", f"skipped: {app['skipped']}", "≤ 1.0 s", ""))
    else:
        seconds = float(app["from_spawn_s"])  # type: ignore[arg-type]
        rows.append(
            (
                "warm start to a filled list in the app (process start → list)",
                ms(seconds),
                "≤ 1.0 s",
                verdict(seconds <= GOALS["warm_app"]),
            )
        )
    filters = r["filters"]
    for key, name in (
        ("tag", "tag filter"),
        ("text", "text filter"),
        ("tag_and_text_by_title", "tag + text, by title"),
    ):
        stats = filters[key]  # type: ignore[index]
        median, p95, first = float(stats["median"]), float(stats["p95"]), float(stats["first"])  # type: ignore[index]
        rows.append(
            (
                f"{name} (`Library.search`; median / p95 / first)",
                f"{ms(median)} / {ms(p95)} / {ms(first)}",
                "≤ 50 ms median",
                verdict(median <= GOALS["filter"]),
            )
        )
    stats = filters["tag_counts_of_result"]  # type: ignore[index]
    rows.append(
        ("sidebar counts for a filtered result (`tag_counts(ids)`)", f"{ms(float(stats['median']))} median", "", "")
    )  # type: ignore[index]
    fulltext = r.get("fulltext")
    if fulltext:
        kind = "first build" if int(fulltext["added"]) else "nothing changed"  # type: ignore[call-overload]
        rows.append((f"full-text index sync ({kind})", ms(float(fulltext["sync_s"])), "", ""))  # type: ignore[arg-type]
        stats = fulltext["query"]  # type: ignore[assignment]
        median, p95, first = float(stats["median"]), float(stats["p95"]), float(stats["first"])  # type: ignore[index]
        rows.append(
            (
                "full-text query, a body word (`Library.search` + FTS5; median / p95 / first)",
                f"{ms(median)} / {ms(p95)} / {ms(first)}",
                "≤ 50 ms median",
                verdict(median <= GOALS["filter"]),
            )
        )
    switch = r["switch"]
    if "skipped" in switch:
        rows.append(("article switch", f"skipped: {switch['skipped']}", "", ""))
    else:
        for key, goal in (("5kb", "switch_5kb"), ("100kb", "switch_100kb")):
            stats = switch[key]  # type: ignore[index]
            median = float(stats["median"])  # type: ignore[index]
            size = float(stats["size"]) / 1024  # type: ignore[index]
            rows.append(
                (
                    f"article switch, {size:.0f} KB (`Library.read` + `render_markdown`)",
                    f"{ms(median)} median, {ms(float(stats['p95']))} p95",
                    f"≤ {ms(GOALS[goal])}",  # type: ignore[index]
                    verdict(median <= GOALS[goal]),
                )
            )
    peaks = [
        ("cold index", float(r["cold_warm"]["rss_mb"]), float(r["cold_warm"]["children_rss_mb"])),  # type: ignore[arg-type]
        ("warm start + refresh", float(warm["rss_mb"]), 0.0),  # type: ignore[arg-type]
    ]
    if "skipped" not in app:
        peaks.append(("app, list filled", float(app["rss_mb"]), float(app["children_rss_mb"])))  # type: ignore[arg-type]
    for name, own, children in peaks:
        extra = f" (+ {children:.0f} MB per worker process)" if children else ""
        rows.append((f"peak RSS, {name}", f"{own:.0f} MB{extra}", "≤ 400 MB", verdict(own <= GOALS["rss_mb"])))
    lines = [f"| measurement ({n:,} articles) | result | goal | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
