"""``reader show``: articles on stdout as the pane renders them, or as JSON with their body.

Also the acceptance run on Hugo's documentation (../shared/real/hugo, skipped when absent):
every page listed, titled by its front matter, its body whole, and no invented tags.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from reader.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HUGO_ROOT = Path(__file__).resolve().parents[3] / "shared" / "real" / "hugo"
JSON_KEYS = ["path", "title", "subtitle", "source", "link", "date", "author", "tags", "bookmarked", "body"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_list_keys_and_the_body(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "show", str(FIXTURES / "jekyll"), "about.md", "_posts/2024-03-05-welcome-to-jekyll.md", "--json"
    )
    assert code == 0
    about, post = json.loads(out)
    assert list(about) == JSON_KEYS
    assert (about["title"], about["subtitle"], about["body"]) == (
        "About",
        "Who writes this site",
        "This is the about page.",
    )
    assert post["body"].startswith("# Welcome\n") and post["body"].endswith("Check out the Jekyll docs for more info.")


def test_a_clipping_body_has_no_information_block_or_tags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text(
        "# Clipped\n### Sub\n\n## Information:\n+ Source: Paper\n+ Link: https://example.com/x\n\n"
        "## Article:\nThe text.\n\n#### Tags:\n[[alpha]] [[beta]]\n"
    )
    code, out, _ = run(capsys, "show", str(tmp_path), "c.md", "--json")
    (clip,) = json.loads(out)
    assert code == 0
    assert (clip["body"], clip["tags"], clip["source"]) == ("The text.", ["alpha", "beta"], "Paper")


def test_plain_render_wraps_to_width_with_no_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "show", str(FIXTURES / "jekyll"), "_posts/2024-03-05-welcome-to-jekyll.md", "--plain", "--width", "30"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Welcome to Jekyll!"
    assert "\x1b" not in out
    assert max(len(line) for line in lines) <= 30
    assert "Check out the Jekyll docs for" in out  # the last paragraph, wrapped
    assert "**" not in out and "```" not in out


def test_colour_only_when_asked_or_at_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _, piped, _ = run(capsys, "show", str(FIXTURES / "jekyll"), "about.md", "--width", "40")
    _, coloured, _ = run(capsys, "show", str(FIXTURES / "jekyll"), "about.md", "--width", "40", "--color")
    assert "\x1b[" not in piped
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == piped


def test_escape_sequences_in_a_file_stay_inert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "evil.md").write_text("# Evil\x1b]0;pwned\x07\n\nText \x1b[31mred\x1b[0m here.\n")
    for extra in ((), ("--color",), ("--json",)):
        code, out, _ = run(capsys, "show", str(tmp_path), "evil.md", *extra)
        assert code == 0
        assert "\x07" not in out and "\x1b]" not in out and "\x1b[31m" not in out


def test_a_missing_article_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", str(FIXTURES / "jekyll"), "about.md", "no-such-page.md")
    assert code == 2
    assert out == ""
    assert "no-such-page.md" in err


# -- acceptance on Hugo's documentation --------------------------------------------------------


def _front_matter(text: str) -> dict[str, object]:
    for fence, load in (("---", yaml.safe_load), ("+++", tomllib.loads)):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence, 3)
            data = load(text[4:end]) if end != -1 else None
            return data if isinstance(data, dict) else {}
    return {}


def _words(value: object) -> set[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return {" ".join(str(item).split()).casefold() for item in items}


@pytest.mark.skipif(not HUGO_ROOT.is_dir(), reason=f"no Hugo content at {HUGO_ROOT}")
def test_hugo_documentation_reads_whole(capsys: pytest.CaptureFixture[str]) -> None:
    root = HUGO_ROOT  # read only: state and cache live in the test's own XDG folders
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    code, out, _ = run(capsys, "show", str(root), *files, "--json")
    assert code == 0
    shown = {item["path"]: item for item in json.loads(out)}
    assert len(shown) == len(files) == 992
    for path in files:
        text = (root / path).read_text()
        meta = _front_matter(text)
        item = shown[path]
        if isinstance(meta.get("title"), str) and meta["title"].strip():
            assert item["title"] == " ".join(meta["title"].split()), path
        else:
            assert item["title"], path
        after = re.split(r"^(?:---|\+\+\+)\s*$", text, maxsplit=2, flags=re.MULTILINE)[-1] if meta else text
        if after.strip():
            assert item["body"].rstrip().endswith(after.split()[-1]), path
        allowed = set().union(*(_words(meta.get(key)) for key in ("tags", "categories", "keywords")))
        assert {tag.casefold() for tag in item["tags"]} <= allowed, path


def test_a_width_out_of_range_is_a_usage_error_not_a_huge_output(capsys: pytest.CaptureFixture[str]) -> None:
    for width in ("9", "1001", "1000000000000"):
        code, out, err = run(capsys, "show", str(FIXTURES / "jekyll"), "about.md", "--plain", "--width", width)
        assert code == 2 and out == ""
        assert err.strip() == "reader show: --width must be 10 to 1,000"
    code, out, _ = run(capsys, "show", str(FIXTURES / "jekyll"), "about.md", "--plain", "--width", "1000")
    assert code == 0 and max(map(len, out.splitlines())) <= 1000
