"""The query language shared by the filter bar, ``reader list --query`` and saved searches.

::

    ransomware "supply chain"          words and phrases (title, subtitle, source, author, tags, body)
    tag:Ransomware  -tag:phishing      require / exclude a tag (faceted too: tag:victim.country.name=China)
    country:China  malware:Conti       facet aliases: the last facet part before =, so country: reads
                                       victim.country.name=…; see FACET_ALIASES
    source:zdnet  author:"Catalin Cimpanu"
    after:2021-09-01  before:2021-12-01  date:2021-10   (after: from that day on, before: up to
                                       the day before; so the pair above is Sept–Nov 2021)
    is:bookmarked  is:unread  is:read  is:highlighted  has:note
    a OR b,  (a OR b) c,  -term,  -(a OR b)

Parsing never raises: what cannot be understood becomes an entry in :attr:`Query.errors`
(shown inline by the UI) and is left out, so a half-typed query filters by what is valid so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

FIELDS = {"tag", "source", "author", "after", "before", "date", "is", "has", "title"}
FACET_ALIASES = {
    "country": "victim.country.name",
    "continent": "victim.continent.name",
    "city": "victim.city.name",
    "industry": "victim.industry.name",
    "malware": "action.malware.name",
    "actor": "threatactor.name",
    "threatactor": "threatactor.name",
    "cve": "cve",
    "url": "url",
    "ip": "ipv4",
    "ipv4": "ipv4",
    "email": "email",
}
IS_VALUES = {"bookmarked", "unread", "read", "highlighted"}
HAS_VALUES = {"note": "noted"}
"""``has:note`` is evaluated as the internal ``is:noted`` (articles with a note on them or a highlight)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One condition. ``field`` is ``""`` for a bare word, ``"phrase"`` for a quoted phrase."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class DateRange:
    """``after:``/``before:``/``date:`` resolved to a half-open UTC interval [start, end)."""

    start: datetime | None
    end: datetime | None


Node = Term | Not | And | Or | DateRange


@dataclass(slots=True)
class Query:
    """A parsed query: the tree (``None`` matches everything) and what was wrong with the text."""

    text: str
    root: Node | None
    errors: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        """The positive free-text words and phrases, for highlighting matches in the article."""
        return [term.value for term in positive_text_terms(self.root)]

    @property
    def has_text(self) -> bool:
        """Whether the query searches text (so results are best ranked by relevance)."""
        return bool(self.words)

    @property
    def needs_full_text(self) -> bool:
        """Whether any word or phrase, negated ones too, is in the query: then only the
        full-text index gives the answer (``-ransomware`` must drop articles that say it in
        the body). The CLI and the app ask this one question before they search."""

        def visit(node: Node | None) -> bool:
            if isinstance(node, Term):
                return node.field in {"", "phrase"}
            if isinstance(node, Not):
                return visit(node.child)
            if isinstance(node, And | Or):
                return any(visit(child) for child in node.children)
            return False

        return visit(self.root)


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<or>\|)
  | (?P<minus>-)(?=[^\s)])
  | (?P<field>[A-Za-z_][\w.]*):(?:"(?P<fquoted>[^"]*)(?P<fclosed>"?)|(?P<fvalue>[^\s()]*))
  | "(?P<phrase>[^"]*)(?P<closed>"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


def positive_text_terms(root: Node | None) -> list[Term]:
    """The distinct word and phrase terms not under a negation: what the article highlights and
    what relevance ranking sums over (:mod:`reader.library.search`)."""
    out: dict[Term, None] = {}

    def visit(node: Node | None, negated: bool) -> None:
        if isinstance(node, Term):
            if node.field in {"", "phrase"} and not negated:
                out[node] = None
        elif isinstance(node, Not):
            visit(node.child, not negated)
        elif isinstance(node, And | Or):
            for child in node.children:
                visit(child, negated)

    visit(root, False)
    return list(out)


@dataclass(slots=True)
class _Token:
    kind: str
    value: str = ""
    field: str = ""


def _tokenize(text: str, errors: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the word alternative matches anything left
            pos += 1
            continue
        pos = match.end()
        kind = match.lastgroup
        if match.group("space"):
            continue
        if match.group("lparen"):
            tokens.append(_Token("("))
        elif match.group("rparen"):
            tokens.append(_Token(")"))
        elif match.group("or"):
            tokens.append(_Token("OR"))
        elif match.group("minus"):
            tokens.append(_Token("-"))
        elif match.group("field") is not None:
            quoted = match.group("fquoted")
            if quoted is not None and not match.group("fclosed"):
                errors.append(f'missing closing quote after {match.group("field")}:')
            value = quoted if quoted is not None else (match.group("fvalue") or "")
            tokens.append(_Token("field", value, match.group("field").lower()))
        elif match.group("phrase") is not None:
            if not match.group("closed"):
                errors.append("missing closing quote")
            tokens.append(_Token("phrase", match.group("phrase")))
        else:
            word = match.group("word") or ""
            if word == "OR":
                tokens.append(_Token("OR"))
            elif word == "AND" or not word.strip("-"):
                # A lone "-" is a minus still waiting for its term (half-typed), not a search
                # for hyphens, which would hide every article without one while typing.
                continue
            else:
                tokens.append(_Token("word", word))
        del kind
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], errors: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.errors = errors
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.parse_or()
        while self.peek() is not None:  # a stray ")"
            self.errors.append("unmatched ')'")
            self.pos += 1
            more = self.parse_or()
            node = _and([n for n in (node, more) if n is not None])
        return node

    def parse_or(self) -> Node | None:
        parts: list[Node] = []
        first = self.parse_and()
        if first is not None:
            parts.append(first)
        while (token := self.peek()) is not None and token.kind == "OR":
            self.pos += 1
            nxt = self.parse_and()
            if nxt is None:
                self.errors.append("OR needs a term on both sides")
            else:
                if not parts:
                    self.errors.append("OR needs a term on both sides")
                parts.append(nxt)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in {"OR", ")"}:
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def parse_unary(self) -> Node | None:
        token = self.peek()
        assert token is not None
        self.pos += 1
        if token.kind == "-":
            # "--a" is "a": count the minuses in a loop rather than recurse once per minus,
            # so a pasted run of 2,000 of them cannot raise RecursionError.
            negate = True
            while (nxt := self.peek()) is not None and nxt.kind == "-":
                negate = not negate
                self.pos += 1
            if nxt is None or nxt.kind in {"OR", ")"}:
                return None
            child = self.parse_unary()
            return Not(child) if negate and child is not None else child
        if token.kind == "(":
            if self.depth > 50:
                self.errors.append("parentheses nested too deeply")
                return None
            self.depth += 1
            inner = self.parse_or()
            self.depth -= 1
            closing = self.peek()
            if closing is not None and closing.kind == ")":
                self.pos += 1
            else:
                self.errors.append("missing ')'")
            return inner
        if token.kind == "word":
            return Term("", token.value)
        if token.kind == "phrase":
            value = " ".join(token.value.split())
            return Term("phrase", value) if value else None
        if token.kind == "field":
            return self.field_term(token)
        return None  # pragma: no cover

    def field_term(self, token: _Token) -> Node | None:
        name, value = token.field, token.value.strip()
        if name in FACET_ALIASES or (name not in FIELDS and "." in name):
            facet = FACET_ALIASES.get(name, name)
            if not value:
                self.errors.append(f"{name}: needs a value")
                return None
            return Term("tag", f"{facet}={value}")
        if name not in FIELDS:
            # "http://…" or "note:" in plain text: treat as a word rather than fail.
            return Term("", f"{token.field}:{token.value}".strip(":")) if token.value else Term("", name)
        if not value:
            self.errors.append(f"{name}: needs a value")
            return None
        if name == "is":
            if value.lower() not in IS_VALUES:
                self.errors.append(f"is:{value} is not one of {', '.join(sorted(IS_VALUES))}")
                return None
            return Term("is", value.lower())
        if name == "has":
            if value.lower() not in HAS_VALUES:
                self.errors.append(f"has:{value} is not one of {', '.join(sorted(HAS_VALUES))}")
                return None
            return Term("is", HAS_VALUES[value.lower()])
        if name in {"after", "before", "date"}:
            bounds = parse_date_bound(value)
            if bounds is None:
                self.errors.append(f"{name}:{value} is not a date (use 2021, 2021-10 or 2021-10-04)")
                return None
            start, end = bounds
            if name == "after":
                return DateRange(start, None)
            if name == "before":
                return DateRange(None, start)
            return DateRange(start, end)
        return Term(name, value)


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


_DATE_BOUND = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date_bound(value: str) -> tuple[datetime, datetime] | None:
    """``2021`` / ``2021-10`` / ``2021-10-04`` → the UTC interval [first moment, next period)."""
    match = _DATE_BOUND.match(value.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        if day is None:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            return start, end
        start = datetime.combine(date(year, month, day), datetime.min.time(), UTC)
        return start, start + timedelta(days=1)
    except ValueError:
        return None


def parse_query(text: str) -> Query:
    """Parse a query string. Never raises; see :attr:`Query.errors`."""
    errors: list[str] = []
    if len(text) > 2000:
        errors.append("query cut to 2,000 characters")
        text = text[:2000]
    tokens = _tokenize(text, errors)
    root = _Parser(tokens, errors).parse()
    return Query(text, root, errors)


def quote_value(value: str) -> str:
    """A tag or value as the query language writes it: quoted when it holds spaces or quotes."""
    if value and not re.search(r'[\s()"]', value):
        return value
    return '"' + value.replace('"', "") + '"'

