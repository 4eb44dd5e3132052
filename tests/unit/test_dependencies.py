"""Every package the project declares is used by it: no dependency installed for nothing.

python-frontmatter was once declared and imported nowhere. The check reads the declared
dependencies from pyproject.toml, finds the modules each distribution installs, and looks
for an import of one of them in reader/.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0] for requirement in project["dependencies"]]


def _imported() -> set[str]:
    found: set[str] = set()
    pattern = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
    for path in (ROOT / "reader").rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


USED_THROUGH = {"linkify-it-py": "markdown-it imports it for the linkify rule reader/ui/render/syntax.py enables"}
"""Declared for another package that imports it on reader's behalf: each names where."""


def test_every_declared_dependency_is_imported() -> None:
    modules_of: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(_normal(distribution), set()).add(module)
    imported = _imported()
    unused = [
        name
        for name in _declared()
        if not modules_of.get(_normal(name), set()) & imported and _normal(name) not in USED_THROUGH
    ]
    assert unused == []


def test_front_matter_fences_as_yaml_and_hugo_write_them() -> None:
    from reader.library.parse import parse_text

    for text in ("---\ntitle: T\n...\nBody.", "---  \ntitle: T\n---\t\nBody.", "+++\ntitle = 'T'\n+++\n\nBody."):
        article = parse_text(text, "a.md").article
        assert article is not None and (article.title, article.body) == ("T", "Body."), text
