"""Editing a filter text term by term: the sidebar's toggles, ``B``, ``U`` and ``x``.

The text is cut by the query language's own tokenizer (:data:`reader.library.query._TOKEN`),
so a quoted value, a negation, a facet or a phrase is one term exactly as the parser sees it;
a parenthesised group or an ``OR`` chain is kept whole and never toggled. Everything but the
toggled term keeps its place and its spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.library.query import _TOKEN, quote_value


@dataclass(frozen=True, slots=True)
class FilterTerm:
    """One top-level term of a filter text, as the sidebar and the toggle keys see it.

    ``key`` is the term written the one canonical way (casefolded, values quoted only when
    they need it, without the leading ``-``): ``tag:"The Record"``, ``tag:"the record"`` and
    ``TAG:"the record"`` share a key. A parenthesised group, an ``OR`` chain or ``AND`` has no
    key: it is kept as typed and never toggled.
    """

    text: str
    key: str | None
    negated: bool = False
    field: str = ""
    value: str = ""


def _key(field_name: str, value: str, kind: str) -> str:
    if kind == "field":
        return f"{field_name.lower()}:{quote_value(value)}".casefold()
    if kind == "phrase":
        return f'"{" ".join(value.split())}"'.casefold()
    return value.casefold()


def filter_terms(text: str) -> list[FilterTerm]:
    """The filter text cut into its top-level terms, by the same tokenizer the parser uses.

    Each term keeps its source text, so rewriting the filter from its terms changes nothing
    but what was toggled (spacing aside).
    """
    out: list[FilterTerm] = []
    pos, join, negated, start = 0, False, False, None
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the word alternative matches anything left
            break
        begin, pos = match.start(), match.end()
        if match.group("space"):
            continue
        if match.group("minus"):
            negated, start = (not negated), (begin if start is None else start)
            continue
        begin = begin if start is None else start
        if match.group("or") or match.group("word") == "OR":
            join = bool(out)
            if out:
                out[-1] = FilterTerm(f"{out[-1].text} {text[begin:pos]}", None)
            else:
                out.append(FilterTerm(text[begin:pos], None))
            negated, start = False, None
            continue
        if match.group("lparen"):
            depth = 1
            while pos < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[pos], 0)
                if text[pos] == '"':  # a ")" inside a phrase does not close the group
                    closing = text.find('"', pos + 1)
                    pos = len(text) - 1 if closing < 0 else closing
                pos += 1
            term = FilterTerm(text[begin:pos], None)
        elif match.group("field") is not None:
            value = match.group("fquoted") if match.group("fquoted") is not None else match.group("fvalue") or ""
            field_name = match.group("field")
            term = FilterTerm(text[begin:pos], _key(field_name, value, "field"), negated, field_name.lower(), value)
        elif match.group("phrase") is not None:
            phrase = match.group("phrase")
            term = FilterTerm(text[begin:pos], _key("", phrase, "phrase"), negated, "phrase", phrase)
        elif match.group("word") is not None and match.group("word") != "AND":
            word = match.group("word")
            term = FilterTerm(text[begin:pos], _key("", word, "word"), negated, "", word)
        else:  # ")" or AND: kept as typed
            term = FilterTerm(text[begin:pos], None)
        if join:
            out[-1] = FilterTerm(f"{out[-1].text} {term.text}", None)
        else:
            out.append(term)
        join, negated, start = False, False, None
    if start is not None:  # a trailing "-" still waiting for its term
        out.append(FilterTerm(text[start:], None))
    return out


def selected_keys(text: str) -> set[str]:
    """The keys of the filter's top-level terms, ``-key`` for a negated one (the sidebar's ✓ / ✗)."""
    return {f"-{t.key}" if t.negated else t.key for t in filter_terms(text) if t.key is not None}


def term_key(term: str) -> str | None:
    """The canonical key of one term (``tag:Foo`` → ``tag:foo``); None when it is not one term."""
    terms = filter_terms(term)
    return terms[0].key if len(terms) == 1 else None


def toggle_term(text: str, term: str) -> str:
    """The filter text with ``term`` added, or taken out when the filter has it.

    ``term`` may be negated (``-tag:x``): toggling it where the filter requires ``tag:x``
    turns the requirement into the exclusion, and the other way round. Other terms keep
    their place and their spelling; a term inside parentheses or an ``OR`` chain is left alone.
    """
    target = filter_terms(term)
    if len(target) != 1 or target[0].key is None:
        return f"{text.rstrip()} {term.strip()}".strip()
    wanted = target[0]
    terms = filter_terms(text)
    kept = [t for t in terms if t.key != wanted.key]
    removed = [t for t in terms if t.key == wanted.key]
    if not removed or any(t.negated != wanted.negated for t in removed):
        kept.append(wanted)
    return " ".join(t.text for t in kept)
