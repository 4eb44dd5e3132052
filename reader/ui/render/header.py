"""An article as the pane shows it: header (title, subtitle, source · author · date, link, tags)
over its rendered body. The one place both the TUI and ``reader show`` build it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.style import Style

from reader.library.dates import display_date
from reader.ui.header_tags import EXPAND_HREF, chip, fit_rows, folded_labels, more_label
from reader.ui.render.doc import RenderedDoc, join_docs
from reader.ui.render.renderer import render_markdown, render_rule, render_runs
from reader.ui.render.styles import MarkdownStyles

if TYPE_CHECKING:
    from reader.library.model import Article

__all__ = ["EMPTY_BODY_MESSAGE", "render_article", "render_body", "render_header", "tag_labels"]

EMPTY_BODY_MESSAGE = "This article has no body text."

def tag_labels(tags: tuple[str, ...] | list[str]) -> list[str]:
    """Short, unambiguous labels for tags.

    Faceted tags ``victim.country.name=China`` become ``country: China``; the trailing
    ``name`` and leading path parts are dropped unless another facet of the same article would
    then read the same (``victim.country`` vs ``actor.country`` keep their full paths).
    """
    facets: list[tuple[list[str], str] | None] = []
    for tag in tags:
        if "=" in tag:
            path, _, value = tag.partition("=")
            parts = [part for part in path.strip().split(".") if part]
            if len(parts) > 1 and parts[-1].lower() == "name":
                parts = parts[:-1]
            facets.append((parts or ["tag"], value.strip()))
        else:
            facets.append(None)
    short_owner: dict[str, str] = {}
    for facet in facets:
        if facet is not None:
            short_owner.setdefault(facet[0][-1].lower(), ".".join(facet[0]))
    clashes = {
        facet[0][-1].lower()
        for facet in facets
        if facet is not None and short_owner[facet[0][-1].lower()] != ".".join(facet[0])
    }
    labels: list[str] = []
    for tag, facet in zip(tags, facets, strict=True):
        if facet is None:
            labels.append(f"#{tag}")
        else:
            parts, value = facet
            name = " ".join(parts) if parts[-1].lower() in clashes else parts[-1]
            labels.append(f"{name}: {value}")
    return labels


def render_header(
    article: Article, width: int, styles: MarkdownStyles, *, fold_tags: bool | None = True, full_link: bool = False
) -> RenderedDoc:
    """Title, subtitle, "source · author · date", link, tags and a rule.

    ``fold_tags``: ``True`` shows at most two rows of tags and a "+N more" chip (the pane's
    default), ``False`` all of them with a chip to fold them back, ``None`` all of them and no
    chip (``reader show``). The link keeps to one row, cut with "…" (``o`` opens and ``y`` copies
    the whole of it), so a long address does not push the body off a small screen; ``full_link``
    shows all of it (``reader show``).
    """
    top = [render_runs([(article.title or article.path, styles.meta_title)], width)]
    if article.subtitle.strip():
        top.append(render_runs([(article.subtitle.strip(), styles.meta_subtitle)], width))
    details: list[RenderedDoc] = []
    parts = [part for part in (article.source, article.author, display_date(article.date)) if part]
    if parts:
        runs: list[tuple[str, Style | None]] = []
        for index, part in enumerate(parts):
            if index:
                runs.append((" · ", styles.meta))
            runs.append((part, styles.meta))
        details.append(render_runs(runs, width))
    if article.link:
        shown = article.link
        room = width - len("Link: ")
        if not full_link and room > 1 and cell_len(shown) > room:
            shown = set_cell_size(shown, room - 1) + "…"
        details.append(render_runs([("Link: ", styles.meta_label), (shown, styles.link, article.link)], width))
    if article.tags:
        details.append(_render_tags(article, width, styles, fold_tags))
    blocks = [join_docs(top)]
    if details:
        blocks.append(join_docs(details))
    header = join_docs(blocks, gap=1)
    return join_docs([header, render_rule(width, styles.rule)])


def _render_tags(article: Article, width: int, styles: MarkdownStyles, fold: bool | None) -> RenderedDoc:
    labels = tag_labels(article.tags)
    hidden = 0
    if fold:
        labels, hidden = fit_rows(folded_labels(labels), width)
    tag_runs: list[tuple[str, Style | None] | tuple[str, Style | None, str | None]] = []
    for index, label in enumerate(labels):
        if index:
            tag_runs.append((" ", None))
        tag_runs.append((chip(label), styles.tag))
    if hidden:
        tag_runs += [(" ", None), (chip(more_label(hidden)), styles.meta_label, EXPAND_HREF)]
    elif fold is False and fit_rows(folded_labels(tag_labels(article.tags)), width)[1]:
        tag_runs += [(" ", None), (chip("T folds the tags"), styles.meta_label, EXPAND_HREF)]
    return render_runs(tag_runs, width)


def render_body(body: str, width: int, styles: MarkdownStyles) -> RenderedDoc:
    """The body's rows, or a note that it has none."""
    if body.strip():
        return render_markdown(body, width, styles)
    return render_runs([(EMPTY_BODY_MESSAGE, styles.message)], width)


def render_article(article: Article, width: int, styles: MarkdownStyles | None = None) -> RenderedDoc:
    """Header (every tag) and body, as ``reader show`` prints an article."""
    styles = styles or MarkdownStyles()
    header = render_header(article, width, styles, fold_tags=None, full_link=True)
    return join_docs([header, render_body(article.body, width, styles)], gap=1)
