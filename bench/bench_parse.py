"""Parsing cost per file, the CPU a cold index spends on each article after reading it.

Reads every Markdown file of a folder (found by the library's own walk) into memory first,
then times :func:`reader.library.parse.parse_bytes` over all of them — the call every worker
makes per file — so the figure is parse alone, without the disk, the walk or the cache.
Prints the median µs per file over ``--runs`` passes (the fastest and slowest pass, and the
first, which pays for filling the memoised tag cleaner as a fresh worker process does).
``--profile`` prints the top functions by own time of one extra pass instead of timing.

The machine this runs on is shared: compare before/after in the same session, on the same
folder, and trust medians over several runs.

    .venv/bin/python bench/bench_parse.py FOLDER [--runs 5] [--limit N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.library.parse import MAX_PARSE_BYTES, parse_bytes
from reader.library.scan import walk


def load(folder: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """Every file the library would index, read once: (relative path, bytes up to the cap)."""
    entries, _report = walk(folder)
    if limit is not None:
        entries = entries[:limit]
    files = []
    for entry in entries:
        with open(entry.abspath, "rb") as handle:
            files.append((entry.path, handle.read(MAX_PARSE_BYTES)))
    return files


def one_pass(files: list[tuple[str, bytes]], *, collect: bool = True) -> float:
    """CPU seconds to parse every file once (CPU, not wall time: on a shared machine the
    wall clock also counts the time other work held the core). The collector runs, as it does in the index's worker
    processes (which keep only a chunk of results, as this keeps none); ``collect=False``
    pauses it."""
    if not collect:
        gc.disable()
    try:
        start = time.process_time()
        for path, data in files:
            parse_bytes(data, path, total_size=len(data))
        return time.process_time() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=5, help="timed passes (median reported)")
    parser.add_argument("--limit", type=int, default=None, help="first N files of the walk only")
    parser.add_argument("--profile", action="store_true", help="cProfile one pass instead")
    parser.add_argument("--no-gc", action="store_true", help="pause the cyclic garbage collector")
    args = parser.parse_args()
    files = load(args.folder, args.limit)
    if not files:
        sys.exit(f"no Markdown files under {args.folder}")
    megabytes = sum(len(data) for _, data in files) / 1e6
    print(f"{len(files):,} files, {megabytes:.1f} MB read into memory")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_pass, files, collect=not args.no_gc)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    # The first pass is what one cold index costs (memoised tags still empty); the later ones
    # are the parser's steady cost.
    first = one_pass(files, collect=not args.no_gc) / len(files) * 1e6
    passes = [one_pass(files, collect=not args.no_gc) for _ in range(args.runs)]
    per_file = [seconds / len(files) * 1e6 for seconds in passes]
    print(
        f"parse: {statistics.median(per_file):.1f} µs/file median over {args.runs} runs "
        f"(min {min(per_file):.1f}, max {max(per_file):.1f}); first pass {first:.1f} µs/file"
    )


if __name__ == "__main__":
    main()
