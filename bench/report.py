"""The bench's tables, from the results ``bench.py`` collected (Markdown, for docs/performance.md).

Kept apart from the measuring so a table can be re-printed from a saved JSON file:
``python bench/report.py bench/out/results-100000.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

GOALS = {
    "cold_ratio": 2.0,  # cold `reader list --json` and the first TUI open: ≤ 2× the floor
    "warm_list": 1.0,
    "warm_app": 0.7,
    "rss_mb": 300,
    "typing_p90": 0.100,
    "filter": 0.050,
    "switch_5kb": 0.050,
    "switch_100kb": 0.300,
}


def best(samples: list[dict], key: str = "seconds") -> float:
    return min(float(s[key]) for s in samples)


def med(samples: list[dict], key: str = "seconds") -> float:
    return statistics.median(float(s[key]) for s in samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ok(good: bool) -> str:
    return "✅" if good else "❌"


def spread(samples: list[dict], key: str = "seconds") -> str:
    """``best`` alone for one run, else ``best (median m, max x; k runs)``: a shared machine moves."""
    values = sorted(float(s[key]) for s in samples)
    if len(values) == 1:
        return ms(values[0])
    return f"{ms(values[0])} (median {ms(statistics.median(values))}, max {ms(values[-1])}; {len(values)} runs)"


def main_table(r: dict, n: int) -> str:
    """One row per line of issue 17's table, then the rows that must not regress."""
    floor = best(r["floor"])
    rows: list[tuple[str, str, str, str, str]] = []

    def timed(
        label: str,
        samples: list[dict],
        goal: str = "",
        limit: float | None = None,
        key: str = "seconds",
        ratio_goal: bool = False,
        against: float = floor,
    ) -> None:
        value = best(samples, key)
        ratio = value / against
        verdict = ok(ratio <= GOALS["cold_ratio"]) if ratio_goal else ok(value <= limit) if limit else ""
        rows.append((label, spread(samples, key), f"{ratio:.2f}×", goal, verdict))

    rows.append(("floor: walk + read + title regex, files in the page cache", spread(r["floor"]), "1.00×", "—", ""))
    if "floor_cold" in r:
        cold = best(r["floor_cold"])
        rows.append(("floor, cold disk (after drop_caches)", ms(cold), f"{cold / floor:.2f}×", "—", ""))
    timed("cold `reader list --json` (no index cache)", r["cli_cold"], "≤ 2× floor", ratio_goal=True)
    if "cli_cold_disk" in r:
        cold = best(r["floor_cold"])
        value = best(r["cli_cold_disk"])
        rows.append(
            (
                "cold `reader list --json`, cold disk",
                ms(value),
                f"{value / cold:.2f}× cold floor",
                "≤ 2× floor",
                ok(value / cold <= GOALS["cold_ratio"]),
            )
        )
    timed(
        "first-ever TUI open, spawn → every article listed",
        r["tui_first"],
        "≤ 2× floor",
        key="from_spawn_s",
        ratio_goal=True,
    )
    timed("warm `reader list --json`", r["cli_warm"], "≤ 1.0 s", GOALS["warm_list"])
    timed("TUI warm start, spawn → filled list", r["app"], "≤ 0.7 s", GOALS["warm_app"], key="from_spawn_s")
    if "empty" in r:
        timed("  (an empty Textual app, spawn → first idle)", r["empty"], key="from_spawn_s")
    peak = max(float(a["rss_mb"]) for a in r["app"])
    settled = all(a.get("settled") for a in r["app"])
    rows.append(
        (
            "TUI peak RSS after settling (background work included)",
            f"{peak:.0f} MB (at filled list {max(a['rss_at_filled_mb'] for a in r['app']):.0f} MB; "
            f"{min(a['rss_settled_now_mb'] for a in r['app']):.0f} MB resident once idle)",
            "",
            "≤ 300 MB",
            ok(peak <= GOALS["rss_mb"] and settled),
        )
    )
    timed("  background work after the list (refresh, indexes, full text, backlinks)", r["app"], key="settle_s")
    keys = r["typing"]["keys"]
    timeouts = f"; {len(r['typing']['timeouts'])} timed out" if r["typing"]["timeouts"] else ""
    rows.append(
        (
            "typing in the filter bar, key → repainted list + count (median / p90 / max)",
            f"{ms(keys['median'])} / {ms(keys['p90'])} / {ms(keys['max'])} over {keys['n']} keys{timeouts}",
            "",
            "≤ 100 ms p90",
            ok(keys["p90"] <= GOALS["typing_p90"] and not timeouts),
        )
    )
    rows += regression_rows(r, floor)
    lines = [f"| measurement ({n:,} articles) | best (spread) | × floor | goal | |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "Typing, per query (median / slowest key):", ""]
    lines += [
        f"- `{q}`: {ms(v['median'])} / {ms(v['max'])} ({v['keys']} keys)" for q, v in r["typing"]["queries"].items()
    ]
    return "\n".join(lines)


def regression_rows(r: dict, floor: float) -> list[tuple[str, str, str, str, str]]:
    """The rows that met their goals before issue 17 and must keep meeting them."""
    rows: list[tuple[str, str, str, str, str]] = []
    warm = r["warm"]
    for key, label in (
        ("load_cached_s", "warm start: cache → Library (`load_cached`)"),
        ("refresh_s", "warm start: refresh (walk + stat, nothing changed)"),
    ):
        rows.append((label, spread(warm, key), f"{best(warm, key) / floor:.2f}×", "", ""))
    rows.append(
        (
            "peak RSS, `reader list --json` cold / warm",
            f"{max(x['rss_mb'] for x in r['cli_cold']):.0f} MB / {max(x['rss_mb'] for x in r['cli_warm']):.0f} MB",
            "",
            "",
            "",
        )
    )
    filters = r.get("filters")
    if filters:
        for key, name in (
            ("tag", "tag filter"),
            ("text", "text filter"),
            ("tag_and_text_by_title", "tag + text, by title"),
        ):
            s = filters[key]
            rows.append(
                (
                    f"{name} (`Library.search`; median / p95 / first)",
                    f"{ms(s['median'])} / {ms(s['p95'])} / {ms(s['first'])}",
                    "",
                    "≤ 50 ms median",
                    ok(s["median"] <= GOALS["filter"]),
                )
            )
        rows.append(
            (
                "sidebar counts of a result (`tag_counts(ids)`, median)",
                ms(filters["tag_counts_of_result"]["median"]),
                "",
                "",
                "",
            )
        )
    ft = r["fulltext"]
    kind = "first build" if int(ft["added"]) else "nothing changed"
    rows.append((f"full-text index sync ({kind})", ms(ft["sync_s"]), f"{ft['sync_s'] / floor:.2f}×", "", ""))
    q = ft["query"]
    rows.append(
        (
            "full-text query, a body word (median / p95 / first)",
            f"{ms(q['median'])} / {ms(q['p95'])} / {ms(q['first'])}",
            "",
            "≤ 50 ms median",
            ok(q["median"] <= GOALS["filter"]),
        )
    )
    switch = r.get("switch")
    if switch and "skipped" not in switch:
        for key, goal in (("5kb", "switch_5kb"), ("100kb", "switch_100kb")):
            s = switch[key]
            rows.append(
                (
                    f"article switch, {s['size'] / 1024:.0f} KB (`Library.read` + `render_markdown`; median / p95)",
                    f"{ms(s['median'])} / {ms(s['p95'])}",
                    "",
                    f"≤ {ms(GOALS[goal])}",
                    ok(s["median"] <= GOALS[goal]),
                )
            )
    return rows


def curve_table(results: dict) -> str:
    """Rows × sizes: the value, then per article (µs, or KB above an empty Textual app)."""
    sizes = results["sizes"]
    empty_mb = best(results["empty"], "rss_mb")
    head = "| measurement | " + " | ".join(f"{int(n):,}" for n in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]

    def per(n: str, seconds: float) -> str:
        return f"{ms(seconds)} · {seconds / int(n) * 1e6:.1f} µs"

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(n, r) for n, r in sizes.items()) + " |")

    row("floor (page cache)", lambda n, r: per(n, best(r["floor"])))
    row(
        "cold `reader list --json`",
        lambda n, r: per(n, best(r["cli_cold"])) + f" ({best(r['cli_cold']) / best(r['floor']):.1f}×)",
    )
    row("first TUI open → all listed", lambda n, r: per(n, best(r["tui_first"], "from_spawn_s")))
    row("warm `reader list --json`", lambda n, r: per(n, best(r["cli_warm"])))
    row("TUI warm start → filled list", lambda n, r: per(n, best(r["app"], "from_spawn_s")))
    row("background work after the list", lambda n, r: per(n, best(r["app"], "settle_s")))
    row("full-text index sync", lambda n, r: per(n, float(r["fulltext"]["sync_s"])))
    row("typing, p90 per key", lambda n, r: ms(r["typing"]["keys"]["p90"]))
    row("typing, median per key", lambda n, r: ms(r["typing"]["keys"]["median"]))

    def memory(n: str, mb: float) -> str:
        return f"{mb:.0f} MB · {(mb - empty_mb) * 1024 / int(n):.2f} KB"

    row("TUI peak RSS after settling", lambda n, r: memory(n, max(float(a["rss_mb"]) for a in r["app"])))
    row("TUI peak RSS at filled list", lambda n, r: memory(n, max(float(a["rss_at_filled_mb"]) for a in r["app"])))
    row(
        "warm `reader list` peak RSS (KB: all of it)",
        lambda n, r: (lambda mb: f"{mb:.0f} MB · {mb * 1024 / int(n):.2f} KB")(
            max(float(a["rss_mb"]) for a in r["cli_warm"])
        ),
    )
    lines.append("")
    lines.append(
        f"µs: per article. KB: per article above an empty Textual app ({empty_mb:.0f} MB peak RSS, "
        f"{ms(best(results['empty'], 'from_spawn_s'))} spawn → idle). Times are the best of the runs."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    print(curve_table(data) if "sizes" in data else main_table(data, int(Path(sys.argv[1]).stem.split("-")[-1])))
