"""The in-memory library on the sample folder: what the list, the sidebar and filters show."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_article, write_note

from reader.library.snapshot import Library


@pytest.fixture
def lib(sample_root: Path) -> Library:
    # Function-scoped on purpose: loading may use the cache dir, which conftest.py points
    # at a temporary folder only for the duration of each test.
    return Library.load(sample_root)


def paths(lib: Library, query: str = "", **kwargs: object) -> list[str]:
    result = lib.search(query, **kwargs)  # type: ignore[arg-type]
    assert result.errors == []
    return [lib.articles[i].path for i in result.ids]


def sample_files(sample_root: Path) -> list[str]:
    return sorted(
        p.relative_to(sample_root).as_posix() for p in sample_root.rglob("*") if p.suffix in {".md", ".markdown"}
    )


def test_every_sample_file_loads_without_problems(lib: Library, sample_root: Path) -> None:
    assert sorted(a.path for a in lib.articles) == sample_files(sample_root)
    assert len(lib) == 36
    assert lib.problems == []
    assert all(a.body == "" for a in lib.articles)  # the index keeps no bodies


def test_default_order_is_newest_first_and_undated_last(lib: Library) -> None:
    order = [lib.articles[i] for i in lib.search("").ids]
    dated = [a.date for a in order if a.date is not None]
    assert dated == sorted(dated, reverse=True)
    assert [a.date is None for a in order] == [False] * len(dated) + [True] * (len(order) - len(dated))
    assert order[0].path == "notes/data-broker-opt-out-log.md"  # 2022-06-01, the newest
    assert {a.path for a in order[-4:]} == {
        "archive/2021/interview-former-ransom-negotiator.md",
        "mothball-affiliate-arrested-in-vessby.md",
        "notes/untitled-incident-timeline-draft.md",
        "weekend-reading-list.md",
    }


def test_order_compares_instants_across_time_zones(lib: Library) -> None:
    # 2021-12-28T11:38:39-05:00 is 16:38 UTC; 2022-01-12 (midnight UTC) is later.
    order = paths(lib)
    assert order.index("ledger/glasswing-claims-lattice-freight-attack.md") < order.index(
        "byteline/cinderhook-ransomware-targets-school-districts.md"
    )


def test_title_sort(lib: Library) -> None:
    titles = [lib.articles[i].title for i in lib.search("", sort="title").ids]
    assert titles[0] == "Attackers exploit Veridane Sentinel flaw to switch off endpoint protection"
    assert titles[-1] == "Weekend reading: five security stories worth a second look"
    # case-insensitive, and a leading quote does not put a title before the As
    assert titles.index("CVE-2031-4410 explained: how to check and patch Veridane Sentinel across a fleet") < (
        titles.index("Fake crypto wallet extensions in browser stores drain users' funds")
    )
    assert titles.index("Ninefold botnet adds second Corvid router bug to its arsenal") < titles.index(
        '"Nobody calls me on a good day": a former ransom negotiator looks back'
    )


def test_source_sort_groups_sources_newest_first_and_no_source_last(lib: Library) -> None:
    order = [lib.articles[i] for i in lib.search("", sort="source").ids]
    sources = [a.source for a in order]
    assert sources[:5] == ["Byteline"] * 5
    assert sources[-3:] == ["", "", ""]
    named = [s for s in sources if s]
    assert named == sorted(named, key=str.casefold)
    ledger = [a.date for a in order if a.source == "The Ledger" and a.date]
    assert ledger == sorted(ledger, reverse=True)


def test_search_text_and_tags(lib: Library) -> None:
    assert paths(lib, "quiet heron") == [
        "ledger/quiet-heron-targets-energy-ministries.md",
        "archive/2021/quiet-heron-espionage-campaign-recap.markdown",
        "tessellate-browser-patches-zero-day.md",
    ]
    assert paths(lib, "tag:glasswing -tag:ransomware") == ["halvorsen-bank-restores-branch-systems.md"]
    assert paths(lib, "source:byteline after:2022-01-01") == [
        "notes/browser-fingerprinting-explainer.md",  # "site: Byteline" in its front matter
        "byteline/brightmoor-health-patient-portal-breach.md",
        "byteline/free-decryptor-released-for-tallow-ransomware.md",
    ]
    assert paths(lib, "date:2021-12") == [
        "byteline/cinderhook-ransomware-targets-school-districts.md",
        "archive/2021/quiet-heron-espionage-campaign-recap.markdown",
    ]


def test_sorts_apply_to_search_results(lib: Library) -> None:
    by_date = paths(lib, "tag:phishing")
    by_title = paths(lib, "tag:phishing", sort="title")
    assert sorted(by_date) == sorted(by_title)
    titles = [lib.articles[lib.by_path[p]].title.casefold() for p in by_title]
    assert titles == sorted(titles)


def test_tag_counts(lib: Library) -> None:
    counts = {row.name: row.count for row in lib.tag_counts()}
    assert counts["The Ledger"] == 16
    assert counts["Phishing"] == 6
    assert counts["cve=CVE-2031-4410"] == 2
    assert counts["victim.continent.name=Europe"] == 6
    rows = lib.tag_counts()
    assert [(-r.count, r.key) for r in rows] == sorted((-r.count, r.key) for r in rows)  # most used first


def test_tags_are_case_insensitive(lib: Library) -> None:
    # port-aldren spells it [[ransomware]], the others [[Ransomware]]: one tag, nine articles.
    rows = [row for row in lib.tag_counts() if row.key == "ransomware"]
    assert len(rows) == 1 and rows[0].count == 9
    assert paths(lib, "tag:RANSOMWARE") == paths(lib, "tag:ransomware")
    assert "ledger/port-aldren-water-utility-ransomware.md" in paths(lib, "tag:Ransomware")


def test_drill_down_counts(lib: Library) -> None:
    ids = lib.search("tag:Glasswing").ids  # the flat tag on four, the threat actor facet on two
    assert len(ids) == 5
    counts = {row.name: row.count for row in lib.tag_counts(ids)}
    assert counts["Glasswing"] == 4
    assert counts["threatactor.name=Glasswing"] == 2
    assert counts["Halvorsen Bank"] == 3
    assert "Phishing" not in counts  # no Glasswing article is tagged Phishing
    assert all(count <= len(ids) for count in counts.values())
    assert lib.tag_counts([]) == []


def test_tag_matches_facet_value_and_nested_prefix(lib: Library) -> None:
    # "Norway" is a flat tag on one article and a victim country on another.
    assert set(paths(lib, "tag:Norway")) == {
        "ledger/glasswing-ransomware-hits-halvorsen-bank-branches.md",
        "ledger/halvorsen-bank-recovery-costs.md",
    }
    assert paths(lib, "country:Norway") == ["ledger/halvorsen-bank-recovery-costs.md"]
    assert paths(lib, "tag:Mothball") == paths(lib, "tag:mothball")
    assert len(paths(lib, "tag:Mothball")) == 5  # flat tag, malware and threat actor facets
    assert paths(lib, "tag:research") == ["notes/ai-models-and-cryptanalysis.md"]
    assert paths(lib, "tag:hardware") == ["ledger/marrowgate-chip-side-channel-leaks-keys.md"]
    assert paths(lib, "tag:research/crypto") == ["notes/ai-models-and-cryptanalysis.md"]
    assert paths(lib, "tag:researc") == []  # a prefix of a name is not a parent
    assert paths(lib, 'ip:"203.0.113.7"') == [
        "cve-2031-4410-explained-patching-veridane-sentinel.md",
        "ledger/veridane-sentinel-flaw-exploited.md",
    ]


def test_is_filters_use_the_given_state(lib: Library) -> None:
    first = lib.by_path["weekend-reading-list.md"]
    second = lib.by_path["corvid-router-botnet-grows.md"]
    assert paths(lib, "is:bookmarked", bookmarked=[first, second]) == [
        "corvid-router-botnet-grows.md",
        "weekend-reading-list.md",
    ]
    assert len(paths(lib, "is:unread", read=[first])) == 35


def test_read_fills_in_the_body(lib: Library) -> None:
    article = lib.articles[lib.by_path["ledger/halvorsen-bank-recovery-costs.md"]]
    full, problems = lib.read(article)
    assert problems == []
    assert full.title == article.title and full.fingerprint == article.fingerprint
    assert full.body.startswith("The ransomware attack that shut Halvorsen Bank's branches")


def test_read_of_a_vanished_file_reports_it(tmp_path: Path) -> None:
    write_note(tmp_path, "a.md", "Body", title="A")
    lib = Library.load(tmp_path)
    (tmp_path / "a.md").unlink()
    article, problems = lib.read(lib.articles[0])
    assert article.title == "A" and article.body == ""
    assert [p.reason for p in problems] == ["file disappeared before it could be read"]


def test_with_changes(lib: Library) -> None:
    new = make_article("zz-new.md", "Brand new", date=datetime(2030, 1, 1, tzinfo=UTC), tags=("Fresh",), body="x")
    changed = lib.with_changes([new], ["weekend-reading-list.md"])
    assert len(changed) == len(lib)
    assert paths(changed)[0] == "zz-new.md"
    assert "weekend-reading-list.md" not in changed.by_path
    assert changed.articles[changed.by_path["zz-new.md"]].body == ""
    assert paths(changed, "tag:fresh") == ["zz-new.md"]
    assert "zz-new.md" not in lib.by_path  # the old snapshot is untouched


def test_hidden_folders_and_other_files_are_skipped(tmp_path: Path) -> None:
    for relative, title in {
        ".obsidian/workspace.md": "Not an article",
        ".hidden.md": "Hidden",
        "notes.txt": "Text file",
        "UPPER.MD": "Upper case extension",
        "/".join(f"d{i}" for i in range(60)) + "/deep.md": "Deep down",
    }.items():
        write_note(tmp_path, relative, "", title=title)
    lib = Library.load(tmp_path)
    assert sorted(a.title for a in lib.articles) == ["Deep down", "Upper case extension"]
    assert lib.skipped_dirs == [".obsidian"]


def test_symlinked_folder_inside_the_library_is_read_once(tmp_path: Path) -> None:
    write_note(tmp_path, "real/a.md", "", title="A")
    os.symlink(tmp_path / "real", tmp_path / "alias")
    os.symlink("..", tmp_path / "real" / "up")
    lib = Library.load(tmp_path)
    assert [a.title for a in lib.articles] == ["A"]
    assert any("loop" in p.reason for p in lib.problems)


def test_missing_library_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    lib = Library.load(tmp_path / "nope")
    assert len(lib) == 0
    assert [p.path for p in lib.problems] == ["."]


def test_progress_is_reported(tmp_path: Path) -> None:
    for i in range(1200):
        (tmp_path / f"{i:04}.md").write_text(f"# {i}\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    lib = Library.load(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert len(lib) == 1200
    assert calls == [(500, 1200), (1000, 1200)]
