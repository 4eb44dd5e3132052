"""The parser, on the sample library's real layouts and on hand-made edge cases.

What a user sees from the parser: the title, source, date, link and tags in the list, the
body in the reader, and a clear warning (never a crash) when a file is odd.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library.model import Article, ParseResult
from reader.library.parse import MAX_FIELD, make_inert, parse_bytes, parse_text
from reader.library.tags import MAX_TAGS


def parse_sample(sample_root: Path, rel: str) -> ParseResult:
    return parse_bytes((sample_root / rel).read_bytes(), rel)


def article_of(sample_root: Path, rel: str) -> Article:
    result = parse_sample(sample_root, rel)
    assert result.article is not None, result.problems
    return result.article


def parse(text: str, path: str = "note.md") -> Article:
    result = parse_text(text, path)
    assert result.article is not None
    return result.article


def reasons(text: str, path: str = "note.md") -> list[str]:
    return [problem.reason for problem in parse_text(text, path).problems]


# -- the clipping layout, seed form (#### Tags:) --------------------------------------------


def test_seed_layout_reads_every_field(sample_root: Path) -> None:
    article = article_of(sample_root, "ledger/glasswing-ransomware-hits-halvorsen-bank-branches.md")
    assert article.title == "Glasswing ransomware hits Halvorsen Bank branch network"
    assert article.subtitle == ""  # "### " with nothing after it
    assert article.source == "The Ledger"
    assert article.link == "https://theledger.example/glasswing-ransomware-hits-halvorsen-bank-branches/"
    assert article.date == datetime(2021, 7, 25, tzinfo=UTC)
    assert article.author == "Mara Okonkwo-Lind"
    assert article.tags == ("Glasswing", "Ransomware", "Halvorsen Bank", "Norway", "Banking", "The Ledger")


def test_seed_layout_body_is_the_article_only(sample_root: Path) -> None:
    body = article_of(sample_root, "ledger/glasswing-ransomware-hits-halvorsen-bank-branches.md").body
    assert body.startswith("![Glasswing ransomware hits Halvorsen Bank branch network](")
    assert body.endswith("None of the earlier victims have publicly confirmed paying a ransom.")
    for leftover in ("## Information", "+ Source:", "## Article", "#### Tags", "[[Glasswing]]"):
        assert leftover not in body


def test_subtitle_and_time_of_day(sample_root: Path) -> None:
    article = article_of(sample_root, "tessellate-browser-patches-zero-day.md")
    assert article.subtitle == "The bug in the browser's image decoder was used against visitors to a news site."
    assert article.date == datetime(2021, 10, 4, 16, 40, tzinfo=UTC)  # "October 4, 2021  4:40 pm"


def test_unknown_values_are_empty_fields(sample_root: Path) -> None:
    wallet = article_of(sample_root, "archive/2021/fake-wallet-extensions-drain-crypto.md")
    assert wallet.author == ""  # "+ Author: Unknown"
    interview = article_of(sample_root, "archive/2021/interview-former-ransom-negotiator.md")
    assert interview.date is None  # "+ Date: Unknown"
    assert interview.author == "Ines Falkenrath"
    article = parse(
        "# T\n\n## Information:\n+ Source: unknown\n+ Link: Unknown\n+ Date: None\n+ Author: N/A\n\n## Article:\nBody\n"
    )
    assert (article.source, article.link, article.date, article.author) == ("", "", None, "")


def test_link_as_markdown_link_and_bare_url(sample_root: Path) -> None:
    markdown = article_of(sample_root, "corvid-router-botnet-grows.md")
    assert markdown.link == "https://packetstormweekly.example/2021/07/corvid-router-botnet-grows"
    bare = article_of(sample_root, "ledger/halvorsen-bank-recovery-costs.md")
    assert bare.link == "https://theledger.example/halvorsen-bank-recovery-costs/"
    assert parse("# T\n## Information:\n+ Link: <https://a.example/x>\n\n## Article:\nB").link == "https://a.example/x"
    titled = parse('# T\n## Information:\n+ Link: [here](https://a.example/y "Title")\n\n## Article:\nB')
    assert titled.link == "https://a.example/y"


def test_information_block_without_article_heading() -> None:
    article = parse("# T\n## Information:\n+ Source: S\n+ Date: 2022-01-31\nFirst paragraph.\n\n#### Tags:\n[[x]]")
    assert article.source == "S"
    assert article.date == datetime(2022, 1, 31, tzinfo=UTC)
    assert article.body == "First paragraph."
    assert article.tags == ("x",)


# -- the clipping layout, newer form (## Tags: with facet sections) -------------------------


def test_facet_sections_cves_and_ipv4(sample_root: Path) -> None:
    article = article_of(sample_root, "ninefold-botnet-exploits-second-corvid-bug.md")
    assert article.tags == (
        "threatactor.name=Ninefold",
        "action.malware.name=Ninefold",  # listed twice in the file
        "action.malware.name=Ping",
        "victim.country.name=Brazil",
        "victim.continent.name=South America",
        "victim.country.name=Indonesia",
        "victim.continent.name=Asia",
        # [[victim.city.name=]] (no value) is dropped
        "Botnet",
        "Vulnerability",
        "Corvid Networks",
        "Cve-2031-5102",
        "Packet Storm Weekly",
        "cve=CVE-2031-5102",  # "#### CVE's"
        "cve=CVE-2031-3390",
        "ipv4=203.0.113.55",  # "#### ipv4-adresses": bare lines
        "ipv4=203.0.113.56",
        "ipv4=192.0.2.19",
    )
    assert "[[" not in article.body and "203.0.113.55" not in article.body
    assert article.body.endswith("should install the latest version from the company's support site.")


def test_url_section_and_empty_facets(sample_root: Path) -> None:
    article = article_of(sample_root, "cve-2031-4410-explained-patching-veridane-sentinel.md")
    assert "url=https://veridane.example/advisories/VSA-2022-003" in article.tags
    assert [t for t in article.tags if t.startswith("cve=")] == ["cve=CVE-2031-4410"]  # twice in the file
    assert not [t for t in article.tags if t.endswith("=")]  # [[victim.industry.name=]], [[victim.city.name=]]
    assert article.date == datetime(2022, 2, 8, 10, 20, tzinfo=UTC)


def test_empty_tag_link_is_dropped(sample_root: Path) -> None:
    article = article_of(sample_root, "osprey-cloud-share-links-abused-for-phishing.md")  # has [[]]
    assert article.tags == (
        "victim.industry.name=Technology",
        "Phishing",
        "Osprey Cloud",
        "Email Security",
        "Lanternfish",
        "Northwind Security News",
        "url=https://osprey-cloud.example/s/7fQk2LmZ",
        "url=https://t.example/xR81b",
    )


def test_autogenerated_tags_are_flat(sample_root: Path) -> None:
    article = article_of(sample_root, "archive/2021/ransom-payment-reporting-law-passes.md")
    assert article.tags == (
        "victim.country.name=United States",
        "victim.continent.name=North and Central America",
        "Policy",
        "Ransom Payments",
        "Regulation",
        "Byteline",
    )
    assert article.date == datetime(2021, 11, 17, 15, 20, tzinfo=UTC)


def test_duplicate_tags_dropped_case_insensitively() -> None:
    article = parse(
        "# T\n## Article:\nBody\n\n#### Tags:\n[[Ransomware]] [[ransomware]] [[ RANSOMWARE ]] [[Phishing]] [[]] [[ ]]"
    )
    assert article.tags == ("Ransomware", "Phishing")


def test_bare_values_under_facet_headings() -> None:
    article = parse(
        "# T\n## Article:\nBody\n\n## Tags:\n\n#### Location:\n[[victim.country.name=China]]\n"
        "#### email-adresses\nphish@bad.example Unknown\n#### SHA256-hash\nabc123\n"
    )
    assert article.tags == ("victim.country.name=China", "email=phish@bad.example", "sha256=abc123")


def test_nested_tag_in_tag_block(sample_root: Path) -> None:
    assert "hardware/chips" in article_of(sample_root, "ledger/marrowgate-chip-side-channel-leaks-keys.md").tags


# -- encodings and line endings -------------------------------------------------------------


def test_crlf_file(sample_root: Path) -> None:
    rel = "byteline/cinderhook-ransomware-targets-school-districts.md"
    assert b"\r\n" in (sample_root / rel).read_bytes()
    article = article_of(sample_root, rel)
    assert article.title == "Cinderhook ransomware gang targets school districts during winter break"
    assert article.subtitle == "Attackers are timing intrusions for the holidays, when IT staff are away."
    assert article.date == datetime(2021, 12, 28, 16, 38, 39, tzinfo=UTC)
    assert article.tags == ("Ransomware", "Cinderhook", "Education", "Schools", "Byteline")
    assert "\r" not in article.body and "\r" not in "".join(article.tags)


def test_bom_file(sample_root: Path) -> None:
    rel = "ledger/glasswing-claims-lattice-freight-attack.md"
    assert (sample_root / rel).read_bytes().startswith(b"\xef\xbb\xbf")
    article = article_of(sample_root, rel)
    assert article.title == "Glasswing claims attack on Dutch logistics firm Lattice Freight"
    assert article.date == datetime(2022, 1, 12, tzinfo=UTC)
    assert "victim.city.name=Rotterdam" in article.tags


def test_trailing_spaces_and_tabs(sample_root: Path) -> None:
    article = article_of(sample_root, "ledger/port-aldren-water-utility-ransomware.md")  # "+ Source: The Ledger \t "
    assert article.source == "The Ledger"
    assert article.author == "Mara Okonkwo-Lind"
    assert article.date == datetime(2021, 11, 9, tzinfo=UTC)
    assert article.body.startswith("The municipal water utility")


@pytest.mark.parametrize(
    "rel",
    [
        "ledger/glasswing-ransomware-hits-halvorsen-bank-branches.md",
        "ninefold-botnet-exploits-second-corvid-bug.md",
        "notes/browser-fingerprinting-explainer.md",
        "weekend-reading-list.md",
    ],
)
def test_line_endings_bom_and_trailing_blanks_do_not_change_the_article(sample_root: Path, rel: str) -> None:
    data = (sample_root / rel).read_bytes()
    plain = parse_bytes(data, rel).article
    variants = {
        "crlf+bom": b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
        "cr": data.replace(b"\n", b"\r"),
        "trailing": data.replace(b"\n", b"  \t\n"),
        "utf-16": data.decode("utf-8").encode("utf-16"),
    }
    for name, variant in variants.items():
        other = parse_bytes(variant, rel).article
        assert other is not None and plain is not None
        assert (other.title, other.source, other.link, other.date, other.author, other.tags) == (
            plain.title,
            plain.source,
            plain.link,
            plain.date,
            plain.author,
            plain.tags,
        ), name
        if name != "trailing":
            assert other.body == plain.body, name
            assert other.fingerprint == plain.fingerprint, name


def test_invalid_utf8_and_nul_bytes_load_with_a_warning() -> None:
    result = parse_bytes(b"# Caf\xe9 \x00menu\n\nBody\n", "menu.md")
    assert result.article is not None
    assert result.article.title == "Caf\ufffd menu"
    assert any("UTF-8" in p.reason and not p.skipped for p in result.problems)
    assert any("NUL" in p.reason for p in result.problems)


def test_binary_file_is_skipped() -> None:
    result = parse_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image.md")
    assert result.article is None
    reasons = [p.reason for p in result.problems if p.skipped]
    assert reasons == ["binary file (an image, archive or program), not Markdown"]


def test_utf16_with_bom() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        data = "\ufeff# Überschrift ☕\n\nText\n".encode(codec)
        result = parse_bytes(data, "de.md")
        assert result.article is not None and result.article.title == "Überschrift ☕", codec
        assert result.problems == []


def test_capped_file_says_so() -> None:
    result = parse_bytes(b"# Big\n\n" + b"x" * 1000, "big.md", total_size=50 * 1_048_576)
    assert result.article is not None and result.article.size == 50 * 1_048_576
    assert any("50.0 MB" in p.reason and not p.skipped for p in result.problems)


# -- YAML and TOML front matter -------------------------------------------------------------


def test_yaml_front_matter_list_tags_and_nested_tags(sample_root: Path) -> None:
    article = article_of(sample_root, "notes/ai-models-and-cryptanalysis.md")
    assert article.title == "Can language models break cryptography? Notes from a workshop"
    assert article.date == datetime(2022, 5, 10, tzinfo=UTC)
    assert article.author == "Dev Raghunathan"
    assert article.source == "Packet Storm Weekly"
    assert article.link == "https://packetstormweekly.example/notes/ai-models-and-cryptanalysis"
    assert article.tags == ("research/ai", "research/crypto")
    assert not article.body.startswith("---") and "tags:" not in article.body


def test_yaml_front_matter_comma_string_site_and_link(sample_root: Path) -> None:
    article = article_of(sample_root, "notes/browser-fingerprinting-explainer.md")
    assert article.title == "Browser fingerprinting, explained without the jargon"
    assert article.source == "Byteline"  # "site:"
    assert article.link == "https://byteline.example/explainers/browser-fingerprinting/"  # "link:"
    assert article.tags == ("privacy", "browsers")  # "privacy, browsers"
    assert article.date == datetime(2022, 4, 2, 6, 15, tzinfo=UTC)
    assert article.date.utcoffset() == timedelta(hours=2)


def test_yaml_front_matter_block_list_and_quoted_date(sample_root: Path) -> None:
    broker = article_of(sample_root, "notes/data-broker-opt-out-log.md")
    assert broker.tags == ("Privacy", "Data Brokers")
    assert broker.date == datetime(2022, 6, 1, 19, 45, tzinfo=UTC)
    invoices = article_of(sample_root, "notes/spotting-invoice-phishing.md")
    assert invoices.date == datetime(2022, 2, 20, tzinfo=UTC)  # date: "2022-02-20" (a string)
    assert invoices.tags == ("phishing", "email")


@pytest.mark.parametrize(
    ("tags_yaml", "expected"),
    [
        ("[a, b/c]", ("a", "b/c")),
        ('"x, y , z"', ("x", "y", "z")),
        ('"#one #two"', ("one", "two")),
        ("\n  - '#x'\n  - ' a / b '\n  - X", ("x", "a/b")),  # X repeats x
        ("[2021, 3.5]", ("2021", "3.5")),
        ("single", ("single",)),
    ],
)
def test_front_matter_tag_forms(tags_yaml: str, expected: tuple[str, ...]) -> None:
    assert parse(f"---\ntitle: T\ntags: {tags_yaml}\n---\n\nBody\n").tags == expected


def test_front_matter_other_key_names() -> None:
    article = parse(
        "---\nname: Named\ndescription: Sub\npublisher: Pub\npermalink: https://p.example/\n"
        "published: 2022-01-01T10:00:00Z\nauthors: [Ann, Bob]\nkeywords: [k]\n---\n"
    )
    assert (article.title, article.subtitle, article.source, article.link) == (
        "Named",
        "Sub",
        "Pub",
        "https://p.example/",
    )
    assert article.date == datetime(2022, 1, 1, 10, tzinfo=UTC)
    assert article.author == "Ann, Bob"
    assert article.tags == ("k",)
    assert parse("---\ntitle: T\nauthor: {name: Ann Example}\n---\n").author == "Ann Example"


def test_front_matter_and_clipping_body_together() -> None:
    article = parse("---\ntitle: From YAML\ntags: [a]\n---\n# From H1\n## Article:\nBody.\n\n#### Tags:\n[[b]] [[A]]\n")
    assert article.title == "From YAML"
    assert article.tags == ("a", "b")
    assert article.body == "Body."


def test_toml_front_matter() -> None:
    article = parse('+++\ntitle = "Hugo post"\ndate = 2022-01-02T03:04:05Z\ntags = ["go", "web/static"]\n+++\n\nBody\n')
    assert article.title == "Hugo post"
    assert article.date == datetime(2022, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert article.tags == ("go", "web/static")
    assert article.body == "Body"


def test_front_matter_fences_with_trailing_blanks_and_dots() -> None:
    for text in (
        "---  \ntitle: T\n--- \t\n\nBody",
        "---\r\ntitle: T\r\n---\r\n\r\nBody",
        "---\ntitle: T\n...\nBody",
        "\ufeff---\ntitle: T\n---\nBody",
    ):
        article = parse(text)
        assert (article.title, article.body) == ("T", "Body"), repr(text)
    assert parse("---\ntitle: T\n---").title == "T"  # closing fence at the very end


def test_leading_rule_is_not_front_matter() -> None:
    article = parse("---\n\nJust a rule at the top, never closed.\n", "rule.md")
    assert article.title == "rule"
    assert "Just a rule" in article.body


def test_bad_front_matter_is_reported_and_the_rest_still_loads() -> None:
    text = "---\ntitle: [unclosed\n---\n# Heading title\n\nBody\n"
    assert parse(text).title == "Heading title"
    assert any("invalid YAML front matter" in reason for reason in reasons(text))
    assert any("not a mapping" in reason for reason in reasons("---\n- a\n- b\n---\nBody"))
    assert any("not a mapping" in reason for reason in reasons("---\njust text\n---\nBody"))
    assert any("not closed" in reason for reason in reasons('+++\ntitle = "x"\nBody'))


def test_oversized_front_matter_keeps_its_one_line_fields() -> None:
    tags = ", ".join(f"t{i}" for i in range(12_000))
    text = f"---\ntitle: 'Big one'\ndate: 2022-01-02\nurl: https://x.example/a\ntags: [{tags}]\n---\nBody"
    article = parse(text, "big.md")
    assert (article.title, article.link) == ("Big one", "https://x.example/a")
    assert article.date == datetime(2022, 1, 2, tzinfo=UTC)
    assert article.body == "Body"
    assert any("64 KB" in reason for reason in reasons(text))


def test_yaml_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    text = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\n# Safe\n'
    assert parse(text).title == "Safe"
    assert not marker.exists()


# -- plain Markdown --------------------------------------------------------------------------


def test_plain_markdown_title_from_first_h1(sample_root: Path) -> None:
    article = article_of(sample_root, "weekend-reading-list.md")
    assert article.title == "Weekend reading: five security stories worth a second look"
    assert (article.source, article.link, article.date, article.tags) == ("", "", None, ())
    assert article.body.startswith("A few pieces")
    assert "## 5. A free decryptor" in article.body


def test_plain_markdown_title_from_file_name(sample_root: Path) -> None:
    article = article_of(sample_root, "notes/untitled-incident-timeline-draft.md")
    assert article.title == "untitled incident timeline draft"
    assert article.body.startswith("Rough timeline")


def test_first_h1_later_in_the_text() -> None:
    assert parse("Intro line\n\n# Later heading\n\ntext").title == "Later heading"
    assert parse("## Only an h2\n\ntext", "some_note-name.md").title == "some note name"


def test_empty_and_blank_files_load_with_the_file_name() -> None:
    for text in ("", "   \n\t\n"):
        article = parse(text, "folder/empty-note.md")
        assert article.title == "empty note"
        assert article.body == ""


# -- hostile values --------------------------------------------------------------------------


def test_escape_sequences_become_visible_symbols() -> None:
    text = (
        "# Evil \x1b]0;owned\x07 \x1b[2J title\n\n## Information:\n+ Source: \x9bSrc\n\n"
        "## Article:\nB\n\n#### Tags:\n[[a\x1bb]]"
    )
    article = parse(text)
    assert article.title == "Evil \u241b]0;owned\u2407 \u241b[2J title"
    assert "\x1b" not in article.source and "\x9b" not in article.source
    assert article.tags == ("a\u241bb",)
    assert make_inert("tab\tand\nnewline kept") == "tab\tand\nnewline kept"


def test_file_name_title_is_inert_too() -> None:
    assert parse("no heading", "evil\x1b[2J.md").title == "evil\u241b[2J"
    assert parse("no heading", "caf\udce9.md").title == "caf\ufffd"  # a file name that is not UTF-8


def test_rich_markup_stays_literal_text() -> None:
    title = "[bold]x[/bold] [link=file:///etc/passwd]y[/link] [@click=app.quit]q[/]"
    assert parse(f"# {title}\n\nBody").title == title


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "JavaScript:void(0)", "vbscript:msgbox"],
)
def test_dangerous_link_schemes_are_dropped_with_a_warning(link: str) -> None:
    for text in (
        f"# T\n## Information:\n+ Link: [article]({link})\n\n## Article:\nB",
        f"# T\n## Information:\n+ Link: {link}\n\n## Article:\nB",
        f"---\ntitle: T\nurl: '{link}'\n---\n",
    ):
        assert parse(text).link == ""
        assert any("address ignored" in reason for reason in reasons(text))


def test_escape_sequence_cannot_ride_in_a_link() -> None:
    article = parse("# T\n## Information:\n+ Link: https://a.example/x\x1b]8;;evil\x1b\\\n\n## Article:\nB")
    assert article.link == "https://a.example/x"


def test_long_title_and_many_tags_are_cut_with_a_warning() -> None:
    tag_links = " ".join(f"[[t{i}]]" for i in range(MAX_TAGS + 500))
    text = "# " + "T" * 10_000 + "\n## Article:\nBody\n\n#### Tags:\n" + tag_links
    article = parse(text)
    assert len(article.title) == MAX_FIELD
    assert len(article.tags) == MAX_TAGS
    assert article.tags[0] == "t0"
    found = reasons(text)
    assert any("title longer" in reason for reason in found)
    assert any("tags; only the first" in reason for reason in found)


def test_fingerprint_ignores_path_and_metadata_but_not_text() -> None:
    one = parse("# Same\n\nBody text\n", "a.md")
    moved = parse("# Same\n\nBody text\n", "elsewhere/b.md")
    edited = parse("# Same\n\nBody text, edited\n", "a.md")
    assert one.fingerprint == moved.fingerprint
    assert one.fingerprint != edited.fingerprint


# -- never raises ----------------------------------------------------------------------------

FRAGMENTS = [
    "---\n",
    "+++\n",
    "...\n",
    "# ",
    "### ",
    "## Information:\n",
    "## Article:\n",
    "## Tags:\n",
    "#### Tags:\n",
    "### Autogenerated Tags:\n",
    "#### CVE's\n",
    "#### urls\n",
    "#### ipv4-adresses\n",
    "[[",
    "]]",
    "[[a.b=c]]",
    "[[victim.city.name=]]",
    "+ Date: ",
    "+ Link: ",
    "+ Source: ",
    "[article](",
    ")",
    "July 25, 2021",
    "Unknown",
    "title: ",
    "tags: [",
    "- ",
    "&a ",
    "*a",
    "!!python/object:x",
    "\r\n",
    "\n",
    "\x1b[2J",
    "\x00",
    "\ufeff",
    "\udce9",
    "javascript:",
    "https://x.example/",
    "=",
    "/",
    " ",
    "\t",
    "é",
    "{",
    "}",
    "'",
    '"',
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parse_text_never_raises_on_any_text(text: str) -> None:
    result = parse_text(text, "fuzz.md")
    assert result.article is not None and result.article.title


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join))
def test_parse_text_never_raises_on_garbled_layouts(text: str) -> None:
    result = parse_text(text, "fuzz.md")
    article = result.article
    assert article is not None and article.title
    assert "\x1b" not in article.title + article.source + article.author + "".join(article.tags)
    assert article.link == "" or article.link.lower().startswith(("http:", "https:"))
    if article.date is not None:
        assert article.date.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_bytes_never_raises_on_random_bytes(data: bytes) -> None:
    result = parse_bytes(data, "fuzz.md")
    assert result.article is not None or any(p.skipped for p in result.problems)


def test_dates_from_every_layout_are_aware(sample_root: Path) -> None:
    for path in sorted(sample_root.rglob("*.md*")):
        article = article_of(sample_root, path.relative_to(sample_root).as_posix())
        assert article.date is None or article.date.tzinfo is not None, path
    assert parse("---\ndate: 2022-01-01 10:00:00+05:00\n---\n").date == datetime(
        2022, 1, 1, 10, tzinfo=timezone(timedelta(hours=5))
    )


def test_link_with_balanced_parentheses() -> None:
    from reader.library.parse import parse_text

    text = (
        "# T\n\n## Information:\n+ Link: [article](https://en.wikipedia.org/wiki/Conti_(ransomware))\n\n"
        "## Article:\nBody\n"
    )
    article = parse_text(text, "a.md").article
    assert article is not None
    assert article.link == "https://en.wikipedia.org/wiki/Conti_(ransomware)"


def test_cap_does_not_split_a_utf8_character(tmp_path) -> None:
    from reader.library import parse as parse_module
    from reader.library.scan import read_file, walk

    cap = parse_module.MAX_PARSE_BYTES
    # "é" is two bytes; place one so that it straddles the cap
    body = b"# Big\n\n" + b"a" * (cap - 8) + "é".encode() * 10
    (tmp_path / "big.md").write_bytes(body)
    entries, _ = walk(tmp_path)
    result = read_file(entries[0])
    reasons = [problem.reason for problem in result.problems]
    assert not any("UTF-8" in reason for reason in reasons), reasons
    assert any("only the first" in reason for reason in reasons)


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"%PDF-1.7\n", b"PK\x03\x04\x14\x00"],
)
def test_short_binary_files_are_refused_by_signature(data: bytes) -> None:
    from reader.library.parse import parse_bytes

    result = parse_bytes(data, "x.md")
    assert result.article is None
    assert result.problems and result.problems[0].skipped and "binary" in result.problems[0].reason


def test_a_file_name_title_keeps_the_hyphens_a_person_wrote() -> None:
    # A name with spaces is a title as written; only a slug is turned into words.
    assert parse("no heading", "notes/2-factor authentication.md").title == "2-factor authentication"
    assert parse("no heading", "notes/my-note_title.md").title == "my note title"
