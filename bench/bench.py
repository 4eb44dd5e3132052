"""Benchmark reader at scale: the rows of issue 17's goal table, each against the floor.

    .venv/bin/python bench/bench.py [--n 100000] [--runs 50]
    .venv/bin/python bench/bench.py --curve 25000,50000,100000,200000

Uses (or first generates, with ``bench/make_library.py``) a library of N articles in
``bench/out/lib-N``. Every measurement runs in a fresh process (``phases.py``, ``phases_app.py``),
so caches, imports and memory are what a user would meet. XDG_CACHE_HOME, XDG_DATA_HOME and
XDG_CONFIG_HOME point under ``bench/out`` for this process and every child, so the user's
cache, state and config are never touched.

Each time is reported with its ratio to the **floor measured in the same run** — walk the
folder, read every file, one title regex, files in the page cache — because the machine is
shared and slow or fast moments move every row together; the ratio is what to compare
between runs. With permission to ``drop_caches`` (root), the cold-disk floor and a cold-disk
``reader list`` are measured too. Repeated rows give best and median; the ratio uses the best.

``--curve`` runs the main rows at each size and prints µs and KB per article, so growth that
is worse than linear shows as a rising per-article figure. JSON results go to ``bench/out``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

ISOLATED = {"XDG_CACHE_HOME": OUT / "cache", "XDG_DATA_HOME": OUT / "data", "XDG_CONFIG_HOME": OUT / "config"}


def isolate() -> dict[str, str]:
    """Point this process (and so every child) at ``bench/out``'s own XDG folders, and have
    ``reader``'s bytecode compiled, as Python keeps it by default after a first run.

    This machine sets ``PYTHONDONTWRITEBYTECODE=1``, so without this every start compiled
    each of ``reader``'s modules from source again (~0.1–0.2 s of an app start here), which no
    user with Python's defaults pays twice; the rounds before this one measured with it."""
    import compileall

    compileall.compile_dir(str(ROOT / "reader"), quiet=1)
    for name, path in ISOLATED.items():
        path.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(path)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return dict(os.environ)


def drop_caches() -> bool:
    """Empty the OS page cache (root only): the "cold" in cold disk."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        return True
    except OSError:
        return False


def clear_index(root: Path) -> None:
    """No index cache: what a first run meets. The full-text index is kept: it is only
    built after the list is complete, so it cannot change the rows that clear the cache."""
    from reader.library import cache

    cache.clear(root)


def child(phase: str, root: Path | None, *extra: str, timeout: float = 3600) -> dict:
    """Run one phase in a fresh interpreter and return its JSON result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, *extra]
    if root is not None:
        command += ["--root", str(root)]
    if phase in ("app", "typing", "empty"):
        command += ["--spawned-at", repr(time.time())]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"phase {phase} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli_list(root: Path) -> dict:
    """``reader list PATH --json`` in a fresh process, spawn → exit, stdout to a file (not a
    TTY: compact JSON, as in a pipe). Peak RSS from ``wait4`` (the main process only)."""
    target = OUT / "list.json"
    command = [sys.executable, "-m", "reader.cli", "list", str(root), "--json"]
    with open(target, "wb") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(
            f"reader list failed ({status}): {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
        )
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "articles": count_paths(target)}


def count_paths(target: Path) -> int:
    """Articles in a compact ``reader list --json`` output, counted in 1 MB pieces: parsing it
    here would raise this process's peak RSS, which ``wait4`` then reports for the next
    children too (``ru_maxrss`` survives ``execve``)."""
    key, count, tail = b'{"path":', 0, b""
    with open(target, "rb") as handle:
        while piece := handle.read(1 << 20):
            data = tail + piece
            count += data.count(key)
            tail = data[-(len(key) - 1) :]
    return count


def library_for(n: int) -> Path:
    """``bench/out/lib-N``, generated once (deterministic, seed 1)."""
    root = OUT / f"lib-{n}"
    if not root.is_dir() or not any(root.iterdir()):
        from make_library import make

        print(f"generating {n:,} articles in {root} …", file=sys.stderr)
        make(root, n)
    return root


def note(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def measure(root: Path, runs: int, *, full: bool = True) -> dict:
    """Every row for one library; ``full=False`` (the curve) runs each row fewer times and
    skips the rows that only guard against regressions."""
    repeat = 3 if full else 2
    r: dict = {"root": str(root)}
    permitted = drop_caches()
    r["cold_disk_permitted"] = permitted
    if permitted and full:
        r["floor_cold"] = [child("floor", root)]
    r["floor"] = [child("floor", root) for _ in range(repeat)]
    note(f"floor {min(x['seconds'] for x in r['floor']):.2f} s, {r['floor'][0]['files']:,} files")
    if permitted and full:
        clear_index(root)
        drop_caches()
        r["cli_cold_disk"] = [cli_list(root)]
    r["cli_cold"] = []
    for _ in range(2 if full else 1):
        clear_index(root)
        r["cli_cold"].append(cli_list(root))
    count = int(r["cli_cold"][0]["articles"])
    note(f"cold list {[round(x['seconds'], 2) for x in r['cli_cold']]}")
    r["tui_first"] = []
    for _ in range(2 if full else 1):
        clear_index(root)
        r["tui_first"].append(child("app", root, "--expect", str(count)))
    note(f"first TUI open {[round(x['from_spawn_s'], 2) for x in r['tui_first']]}")
    cli_list(root)  # the first open exits mid-work: this run makes sure the cache is complete
    r["cli_warm"] = [cli_list(root) for _ in range(5 if full else 3)]
    note(f"warm list {[round(x['seconds'], 2) for x in r['cli_warm']]}")
    r["fulltext"] = child("fulltext", root, "--runs", str(runs))  # builds the index if missing
    note(f"full-text sync {r['fulltext']['sync_s']:.1f} s")
    r["warm"] = [child("warm", root) for _ in range(repeat)]
    r["app"] = [child("app", root, "--settle") for _ in range(repeat)]
    spawns, settles = [round(x["from_spawn_s"], 2) for x in r["app"]], [round(x["settle_s"], 1) for x in r["app"]]
    note(f"warm TUI {spawns}, settle {settles}")
    r["typing"] = child("typing", root)
    note(f"typing p90 {r['typing']['keys']['p90'] * 1000:.0f} ms")
    if full:
        r["empty"] = [child("empty", None) for _ in range(repeat)]
        r["filters"] = child("filters", root, "--runs", str(runs))
        r["switch"] = child("switch", root, "--runs", str(min(runs, 20)))
    return r


def machine() -> str:
    import platform

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
        memory = f", {int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    load = f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return f"{cores} cores ({model}){memory}, Python {platform.python_version()}, {platform.system()}{load}"


def run_phase(args: argparse.Namespace) -> int:
    """In a child: run one phase, print its JSON, and leave at once (``os._exit``: an app's
    background worker may still be running and must not be waited for)."""
    import phases
    import phases_app

    table = {
        "floor": lambda: phases.phase_floor(args.root),
        "warm": lambda: phases.phase_warm_start(args.root),
        "filters": lambda: phases.phase_filters(args.root, args.runs),
        "switch": lambda: phases.phase_switch(args.root, args.runs),
        "fulltext": lambda: phases.phase_fulltext(args.root, args.runs),
        "app": lambda: phases_app.phase_app(args.root, args.spawned_at, args.expect, args.settle),
        "typing": lambda: phases_app.phase_typing(args.root, args.spawned_at),
        "empty": lambda: phases_app.phase_empty(args.spawned_at),
    }
    print(json.dumps(table[args.phase]()), flush=True)
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="reader at scale: issue 17's rows, each against the floor")
    parser.add_argument("--n", type=int, default=100_000, help="articles (default 100,000)")
    parser.add_argument("--runs", type=int, default=50, help="operations per latency measurement")
    parser.add_argument("--curve", help="comma-separated sizes: the main rows at each, per article")
    parser.add_argument("--fresh-cache", action="store_true", help="delete bench/out/cache first (full-text too)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--settle", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return run_phase(args)

    isolate()
    if args.fresh_cache:
        shutil.rmtree(ISOLATED["XDG_CACHE_HOME"], ignore_errors=True)
        isolate()
    import report

    started = time.time()
    if args.curve:
        sizes = [int(s.replace("_", "")) for s in args.curve.split(",") if s.strip()]
        results = {"machine": machine(), "sizes": {}}
        for n in sizes:
            root = library_for(n)
            print(f"size {n:,}: {root}", file=sys.stderr)
            results["sizes"][str(n)] = measure(root, min(args.runs, 20), full=False)
        results["empty"] = [child("empty", None) for _ in range(3)]
        print(report.curve_table(results))
        name = "curve-" + "-".join(str(n) for n in sizes)
    else:
        root = library_for(args.n)
        print(f"library: {root}", file=sys.stderr)
        results = {"machine": machine(), **measure(root, args.runs)}
        print(report.main_table(results, args.n))
        name = f"results-{args.n}"
    print(f"\nmachine: {results['machine']}; {time.time() - started:.0f} s in all")
    results["machine_after"] = machine()
    results["parent_peak_rss_mb"] = __import__("resource").getrusage(0).ru_maxrss / 1024
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=1))
    print(f"results: {OUT / (name + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
