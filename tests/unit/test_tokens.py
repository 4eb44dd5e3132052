"""One tokenizer and one prefix rule: the full-text index and the in-memory match agree."""

from __future__ import annotations

import unicodedata

import pytest

from reader.library.fulltext import FullTextIndex, fts5_available
from reader.library.snapshot import Library
from reader.library.tokens import fold, tokens

TITLES = [
    "Café Society", "CAFE noir", "naïve Bayes", "c++ tricks", "Straße und Weg", "İstanbul notes",
    "Ångström units", "ﬁnance office", "Øresund bridge", "mañana", "Ⅻ roman", "x² squared", "ǅungla",
    "ΣΊΣΥΦΟΣ", "Łódź", "Việt Nam", "snake_case words", "Ransomware: the week", "R&D budget", "crème brûlée",
]  # fmt: skip


def _variants(title: str) -> set[str]:
    """Words a person would type for this title: each token, prefixes, other cases, without accents."""
    out: set[str] = set()
    for word in title.split():
        stripped = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        for variant in {word, word.upper(), word.lower(), word.casefold(), stripped, stripped.lower()}:
            out.update({variant, variant[:1], variant[:2], variant[:3], f'"{variant}"'})
    out.add(f'"{title}"')
    return out


QUERIES = sorted(set().union(*map(_variants, TITLES)) - {'""'})


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Library]:
    root = tmp_path_factory.mktemp("tokens")
    for number, title in enumerate(TITLES):
        (root / f"a{number:02d}.md").write_text(f"# {title}\n\nqqzx\n", encoding="utf-8")
    in_memory = Library.load(root)
    indexed = Library.load(root)
    index = FullTextIndex(root=root)
    index.sync(indexed)
    index.attach(indexed)
    return in_memory, indexed


@pytest.mark.skipif(not fts5_available(), reason="SQLite without FTS5")
def test_the_full_text_index_and_the_memory_match_find_the_same_articles(libraries: tuple[Library, Library]) -> None:
    in_memory, indexed = libraries
    disagree = {
        query: (sorted(in_memory.search(query).ids), sorted(indexed.search(query).ids))
        for query in QUERIES
        if set(in_memory.search(query).ids) != set(indexed.search(query).ids)
    }
    assert disagree == {}
    assert len(QUERIES) > 300


@pytest.mark.parametrize(
    ("typed", "finds"),
    [("cafe", "Café Society"), ("CAFÉ", "CAFE noir"), ("naive", "naïve Bayes"), ("viet", "Việt Nam"),
     ("creme brulee", "crème brûlée"), ("angstrom", "Ångström units")],
)  # fmt: skip
def test_accents_and_case_never_matter_for_latin_letters(
    libraries: tuple[Library, Library], typed: str, finds: str
) -> None:
    for library in libraries:
        assert finds in {library.articles[i].title for i in library.search(typed).ids}


def test_fold_is_what_fts5_unicode61_does() -> None:
    assert fold("Ĉafé ÇA") == "cafe ca"
    assert fold("Straße") == "straße"  # lowercased, not case-folded
    assert fold("ﬁ") == "ﬁ"  # no compatibility mapping
    assert fold("ΣΊΣΥΦΟΣ") == "σίσυφοσ"  # Greek keeps its accent; one sigma
    assert tokens("snake_case, c++ & R&D") == ["snake", "case", "c", "r", "d"]
