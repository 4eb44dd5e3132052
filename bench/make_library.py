"""Generate a large synthetic library for benchmarks: ``python bench/make_library.py OUT [--n 100000]``.

Articles are variations of the sample library in ``articles/`` (never the shared corpus):
titles re-cut around invented names, dates spread over 2019–2023 in the date formats the
clippings use, tags drawn from a Zipf-like distribution (a few tags on thousands of articles,
a long tail on one or two), body lengths log-normal around 5 KB with ~1 % of 50–100 KB
articles. Mostly the clipping layout, some YAML front matter and plain Markdown, like a real
folder. Deterministic for a given ``--seed``; written with plain file writes so 100,000
files take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "articles"
sys.path.insert(0, str(ROOT))

from reader.library.parse import parse_text  # noqa: E402

_SYLLABLE_TEXT = (
    "glass wing kes trel mar row gate hal vor sen quiet her on salt marsh cin der hook tal low "
    "cor vid nine fold os prey lat tice pel lu cid ved ane sor rel cop per line mothb all brim "
    "moor lan tern fish reed bed ash ford vex ion zen dar kor nik bel tor fen wick ald ren umb ra"
)
SYLLABLES = _SYLLABLE_TEXT.split()
SUFFIXES = ("", "", "", " Bank", " Labs", " Health", " Networks", " Group", " Systems", " Mail", " Cloud")
COUNTRIES = (
    "United States", "United Kingdom", "Germany", "France", "Netherlands", "Norway", "Canada", "Japan",
    "Australia", "India", "Brazil", "Italy", "Spain", "Sweden", "Denmark", "Poland", "Ukraine", "Russia",
    "China", "South Korea", "Singapore", "Israel", "Mexico", "Romania", "Greece", "Belgium", "Finland",
    "Austria", "Switzerland", "Ireland", "Portugal", "Turkey", "Iran", "Kazakhstan", "Taiwan", "Vietnam",
)
CONTINENTS = {
    "Europe": 0.5, "North and Central America": 0.25, "Asia": 0.18, "South America": 0.04, "Oceania": 0.03,
}
INDUSTRIES = (
    "Healthcare", "Finance", "Government", "Education", "Manufacturing", "Logistics", "Energy", "Retail",
    "Technology", "Telecommunications", "Transportation", "Legal", "Media", "Insurance", "Hospitality",
    "Shipping", "Agriculture", "Construction", "Defense", "Pharmaceuticals",
)
DATE_FORMATS = ("long", "long", "long", "iso", "iso", "day", "space")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)


def load_samples() -> tuple[list[str], list[str], list[str], list[str]]:
    """Titles, subtitles, body paragraphs and tags of the sample library."""
    titles: list[str] = []
    subtitles: list[str] = []
    paragraphs: list[str] = []
    tags: list[str] = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix not in {".md", ".markdown"}:
            continue
        article = parse_text(path.read_text(encoding="utf-8"), path.name).article
        if article is None:
            continue
        titles.append(article.title)
        if article.subtitle:
            subtitles.append(article.subtitle)
        paragraphs.extend(p.strip() for p in re.split(r"\n\s*\n", article.body) if len(p.strip()) > 40)
        tags.extend(t for t in article.tags if "=" not in t)
    return titles, subtitles, paragraphs, sorted(set(tags))


def zipf_cum_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n: ``random.choices`` draws in O(log n) with them."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def invent_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        names.add(word.capitalize() + rng.choice(SUFFIXES))
    return sorted(names, key=lambda _: rng.random())


def format_date(rng: random.Random, when: datetime) -> str:
    style = rng.choice(DATE_FORMATS)
    if style == "long":
        return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"
    if style == "iso":
        return when.strftime("%Y-%m-%dT%H:%M:%S-05:00")
    if style == "day":
        return when.strftime("%Y-%m-%d")
    return when.strftime("%Y-%m-%d %H:%M:%S")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "article"


def body_length(rng: random.Random) -> int:
    if rng.random() < 0.01:
        return rng.randint(50_000, 100_000)
    return int(min(30_000, max(600, rng.lognormvariate(math.log(4300), 0.5))))


def generate(out: Path, n: int, seed: int) -> float:
    """Write ``n`` articles under ``out``; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    titles, subtitles, paragraphs, sample_tags = load_samples()
    names = invent_names(rng, 6000)
    sources = ["The Ledger", "Byteline", "Northwind Security News", "Packet Storm Weekly", *names[:8]]
    source_weights = zipf_cum_weights(len(sources), 0.8)
    topics = sample_tags + [name for name in names[8:] if " " not in name or rng.random() < 0.3]
    rng.shuffle(topics)
    topic_weights = zipf_cum_weights(len(topics), 1.1)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = int((datetime(2024, 1, 1, tzinfo=UTC) - start).total_seconds())
    made_dirs: set[Path] = set()
    para_count = len(paragraphs)
    for i in range(n):
        source = rng.choices(sources, cum_weights=source_weights)[0]
        when = start + timedelta(seconds=rng.randrange(span))
        words = rng.choice(titles).split()
        cut = rng.randint(1, min(3, len(words)))
        title = " ".join([rng.choice(names), *words[cut:]])
        subtitle = rng.choice(subtitles) if rng.random() < 0.5 else ""
        tags = rng.choices(topics, cum_weights=topic_weights, k=rng.randint(2, 8))
        tags.append(source)
        target = body_length(rng)
        parts: list[str] = []
        size = 0
        index = rng.randrange(para_count)
        while size < target:
            paragraph = paragraphs[index % para_count]
            parts.append(paragraph)
            size += len(paragraph) + 3
            index += rng.randint(1, 7)
        body = "\n\n\n".join(parts)
        layout = rng.random()
        slug = f"{slugify(title)}-{i}"
        folder = out / slugify(source) / str(when.year)
        if layout < 0.85:
            text = clipping(rng, title, subtitle, source, slug, when, body, tags)
            name = f"{slug}.md" if rng.random() < 0.99 else f"{slug}.markdown"
        elif layout < 0.95:
            text = front_matter(rng, title, subtitle, source, slug, when, body, tags)
            name = f"{slug}.md"
        else:
            text = f"# {title}\n\n{body}\n"
            name = f"{slug}.md"
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        with open(folder / name, "w", encoding="utf-8") as handle:
            handle.write(text)
    return time.perf_counter() - started


def clipping(
    rng: random.Random, title: str, subtitle: str, source: str, slug: str, when: datetime, body: str, tags: list[str]
) -> str:
    link = f"https://{slugify(source)}.example/{when.year}/{slug}/"
    date = format_date(rng, when) if rng.random() > 0.02 else "Unknown"
    first = rng.choice(("Mara", "Tobias", "Ines", "Jonah", "Priya", "Sam", "Colette"))
    author = f"{first} {rng.choice(SYLLABLES).capitalize()}"
    head = (
        f"# {title}\n### {subtitle}\n\n## Information:\n+ Source: {source}\n+ Link: [article]({link})\n"
        f"+ Date: {date}\n+ Author: {author}\n\n\n## Article:\n{body}\n\n\n\n\n"
    )
    if rng.random() < 0.6:
        return head + "#### Tags:\n" + " ".join(f"[[{tag}]]" for tag in tags) + "\n"
    countries = rng.choices(COUNTRIES, cum_weights=_COUNTRY_WEIGHTS, k=rng.randint(1, 3))
    continent = rng.choices(list(CONTINENTS), weights=list(CONTINENTS.values()))[0]
    industries = rng.choices(INDUSTRIES, cum_weights=_INDUSTRY_WEIGHTS, k=rng.randint(0, 2))
    lines = ["## Tags:"]
    if rng.random() < 0.5:
        name = rng.choices(_MALWARE, cum_weights=_MALWARE_WEIGHTS)[0]
        lines += ["#### Action:", f"[[action.malware.name={name}]] [[action.malware.name={name}]]"]
    industry = " ".join(f"[[victim.industry.name={x}]]" for x in industries) or "[[victim.industry.name=]]"
    lines += ["#### Industry:", industry]
    lines += [
        "#### Location:",
        " ".join(f"[[victim.country.name={c}]]" for c in countries)
        + f" [[victim.continent.name={continent}]] [[victim.city.name=]]",
        "### Autogenerated Tags:",
        " ".join(f"[[{tag}]]" for tag in tags),
    ]
    if rng.random() < 0.1:
        lines += ["#### CVE's", f"[[CVE-{when.year}-{rng.randint(1000, 49999)}]]", "#### urls", "#### ipv4-adresses"]
    return head + "\n".join(lines) + "\n"


def front_matter(
    rng: random.Random, title: str, subtitle: str, source: str, slug: str, when: datetime, body: str, tags: list[str]
) -> str:
    quoted = title.replace('"', "'")
    tag_lines = "".join(f"  - {tag}\n" for tag in tags if ":" not in tag and not tag.startswith(("-", "[", "{")))
    sub = f'description: "{subtitle}"\n' if subtitle else ""
    return (
        f'---\ntitle: "{quoted}"\n{sub}date: {when.strftime("%Y-%m-%d %H:%M:%S")}\nsource: {source}\n'
        f"url: https://{slugify(source)}.example/{slug}/\ntags:\n{tag_lines}---\n\n{body}\n"
    )


_COUNTRY_WEIGHTS = zipf_cum_weights(len(COUNTRIES), 1.0)
_INDUSTRY_WEIGHTS = zipf_cum_weights(len(INDUSTRIES), 0.9)
_MALWARE: list[str] = []
_MALWARE_WEIGHTS: list[float] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to fill (created; must be empty or absent)")
    parser.add_argument("--n", type=int, default=100_000, help="number of articles (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    seconds = make(args.out, args.n, args.seed)
    print(f"{args.n} articles written to {args.out} in {seconds:.1f} s")
    return 0


def make(out: Path, n: int = 100_000, seed: int = 1) -> float:
    """Generate a library (the entry point ``bench.py`` uses)."""
    rng = random.Random(seed ^ 0x5EED)
    _MALWARE[:] = invent_names(rng, 800)
    _MALWARE_WEIGHTS[:] = zipf_cum_weights(len(_MALWARE), 1.2)
    os.makedirs(out, exist_ok=True)
    return generate(out, n, seed)


if __name__ == "__main__":
    sys.exit(main())
