"""Benchmark the app as a user meets it: launch to a filled list, and article switches.

    python bench/bench_tui.py [LIBRARY] [--runs 5]

LIBRARY defaults to ../shared/corpus (the real clippings), else the sample library.
"Launch" is measured in a fresh process from interpreter start (so imports count) to the
moment the article list holds every article, using Textual's headless driver; the same
process then times switching the article pane to a ~5 KB article and to the largest one
(reading the file, parsing, rendering and the next refresh). Medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import time
started = time.perf_counter()
import asyncio, json, statistics, sys
from pathlib import Path
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList

root = Path(sys.argv[1])

async def main():
    app = ReaderApp(root, read_after=3600)
    result = {}
    async with app.run_test(size=(160, 50)) as pilot:
        while True:
            await pilot.pause(0.005)
            lib = app.main.library
            if lib is not None and len(app.query_one(ArticleList).ids) == len(lib) and len(lib):
                break
        result["launch_to_list_s"] = time.perf_counter() - started
        result["articles"] = len(app.main.library)
        await app.wait_until_idle()
        articles = app.main.library.articles
        sizes = [(a.size, i) for i, a in enumerate(articles)]
        five_kb = min(sizes, key=lambda s: abs(s[0] - 5 * 1024))[1]
        largest = max(sizes)[1]
        other = next(i for _, i in sizes if i not in (five_kb, largest))
        idle = []
        for _ in range(int(sys.argv[2])):
            t = time.perf_counter()
            await pilot.pause()
            idle.append(time.perf_counter() - t)
        result["idle_pause_s"] = statistics.median(idle)
        for label, target in (("switch_5kb", five_kb), ("switch_largest", largest)):
            times, calls = [], []
            for _ in range(int(sys.argv[2])):
                app.main.show_article(other)
                await pilot.pause()
                t = time.perf_counter()
                app.main.show_article(target)
                calls.append(time.perf_counter() - t)
                await pilot.pause()
                times.append(time.perf_counter() - t)
            result[label + "_s"] = statistics.median(times)
            result[label + "_call_s"] = statistics.median(calls)
            result[label + "_bytes"] = articles[target].size
    print(json.dumps(result))

asyncio.run(main())
"""


def run_once(library: Path, switches: int, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(library), str(switches)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = ROOT.parent / "shared" / "corpus"
    parser.add_argument("library", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "articles")
    parser.add_argument("--runs", type=int, default=5, help="launches to time (median reported)")
    parser.add_argument("--switches", type=int, default=9, help="article switches per size per launch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            env[name] = str(Path(tmp) / name.lower())
        cold = run_once(args.library, args.switches, env)  # fills the index cache, if there is one
        runs = [run_once(args.library, args.switches, env) for _ in range(args.runs)]
    print(f"library: {args.library} ({runs[0]['articles']:,} articles)")
    print("| measure | median | runs |")
    print("|---|---|---|")
    print(f"| first launch (no cache) to filled list | {cold['launch_to_list_s'] * 1000:.0f} ms | 1 |")
    for key, label in (
        ("launch_to_list_s", "launch to filled list (warm)"),
        ("switch_5kb_s", f"article switch, {runs[0]['switch_5kb_bytes'] / 1024:.1f} KB"),
        ("switch_largest_s", f"article switch, largest ({runs[0]['switch_largest_bytes'] / 1024:.0f} KB)"),
        ("switch_5kb_call_s", "  of which read + parse + render (5 KB)"),
        ("switch_largest_call_s", "  of which read + parse + render (largest)"),
        ("idle_pause_s", "  (an idle Pilot.pause() with no change, for reference)"),
    ):
        values = [run[key] for run in runs]
        print(f"| {label} | {statistics.median(values) * 1000:.1f} ms | {len(values)} |")


if __name__ == "__main__":
    main()
