"""The tag sidebar's model: the reading-state entries, saved searches, and the tags as a tree.

Flat tags sit in one group, faceted and nested tags in a tree. Each node says what it is
(:attr:`SidebarNode.kind`) and what choosing it does (``term`` to toggle in the filter,
``query`` to run), so neither the widget nor the screen reads meaning back out of ids or
labels. Kept out of the widget so it can be built in a worker thread and tested without a UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reader.library.filter_terms import filter_terms
from reader.library.query import quote_value
from reader.library.snapshot import Library, TagCount
from reader.library.tags import split_facet, tag_path

FLAT_GROUP = "Tags"
BOOKMARKED_TERM = "is:bookmarked"
UNREAD_TERM = "is:unread"
HIGHLIGHTED_TERM = "is:highlighted"
SAVED_GROUP_ID = "special/saved"
"""The saved searches' group, open until the user folds it."""

NodeKind = Literal["tag", "group", "state", "searches", "search"]
"""``tag``: a tag (``term`` selects it); ``group``: a facet or nested-tag group; ``state``: a
reading-state entry (bookmarks, highlights, unread; ``term`` is its ``is:`` term);
``searches``: the saved searches' group; ``search``: one saved search (``query`` is its text)."""


@dataclass(slots=True)
class SidebarNode:
    """A row of the sidebar. ``name`` is the tag's or the saved search's own name."""

    label: str
    node_id: str
    count: int = 0
    term: str | None = None
    children: list[SidebarNode] = field(default_factory=list)
    kind: NodeKind = "group"
    name: str = ""
    query: str | None = None
    _index: dict[str, SidebarNode] = field(default_factory=dict, repr=False)

    def child(self, label: str) -> SidebarNode:
        node = self._index.get(label.casefold())
        if node is None:
            node = SidebarNode(label, f"{self.node_id}/{label.casefold()}")
            self._index[label.casefold()] = node
            self.children.append(node)
        return node

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    @property
    def is_special(self) -> bool:
        """Reading state and saved searches: drawn apart from the tags."""
        return self.kind in {"state", "searches", "search"}


def tag_term(tag: str) -> str:
    """The filter term that selects exactly this tag."""
    return f"tag:{quote_value(tag)}"


def excluded_tags(text: str) -> list[str]:
    """The tag names the filter text excludes (``-tag:NAME``, ``-tag:"two words"``)."""
    return [t.value for t in filter_terms(text) if t.negated and t.field == "tag" and t.value]


def special_nodes(
    *, bookmarks: int, highlights: int, unread: int, searches: Mapping[str, str]
) -> list[SidebarNode]:
    """The entries above the tags: bookmarks, highlights, unread, and the saved searches."""
    nodes = [
        SidebarNode(f"★ Bookmarks ({bookmarks})", "special/bookmarks", term=BOOKMARKED_TERM, kind="state"),
        SidebarNode(f"✎ Highlights ({highlights})", "special/highlights", term=HIGHLIGHTED_TERM, kind="state"),
        SidebarNode(f"• Unread ({unread})", "special/unread", term=UNREAD_TERM, kind="state"),
    ]
    if searches:
        group = SidebarNode("Saved searches", SAVED_GROUP_ID, kind="searches")
        for name, query in sorted(searches.items()):
            group.children.append(
                SidebarNode(f"⌕ {name}", f"{SAVED_GROUP_ID}/{name}", kind="search", name=name, query=query)
            )
        nodes.append(group)
    return nodes


def sidebar_tree(
    library: Library, ids: Sequence[int], *, specials: Iterable[SidebarNode] = (), keep: Iterable[str] = ()
) -> SidebarNode:
    """The sidebar for a result: the tags of ``ids``, plus the ``keep`` tags (the excluded ones,
    which no result carries) with a count of 0 so they stay listed and can be toggled back.

    A group's count is how many of ``ids`` it covers (an article tagged with two of its values
    counts once), so it reads like a leaf's count: articles, not values.
    """
    counts = library.tag_counts(ids)
    present = {row.key for row in counts}
    for name in keep:
        tid = library.tag_index.get(name.casefold())
        if tid is not None and name.casefold() not in present:
            present.add(name.casefold())
            counts.append(TagCount(library.tag_names[tid], name.casefold(), 0))
    root, chains = _grow(counts, specials)
    groups_of = {
        tid: groups
        for key, chain in chains.items()
        if (groups := [node for node in chain if node.children]) and (tid := library.tag_index.get(key)) is not None
    }
    if groups_of:
        covered: dict[int, int] = {}
        article_tags = library.article_tags
        for article_id in ids:
            touched = {id(node): node for tid in article_tags[article_id] for node in groups_of.get(tid, ())}
            for node in touched.values():
                covered[id(node)] = covered.get(id(node), 0) + 1
        for groups in groups_of.values():
            for node in groups:
                node.count = covered.get(id(node), 0)
    return _finish(root)


def build_tag_tree(counts: Iterable[TagCount], *, specials: Iterable[SidebarNode] = ()) -> SidebarNode:
    """Group tag counts into the sidebar tree, biggest first inside each group.

    Faceted tags (``action.malware.name=Conti``) go under ``action › malware``; nested
    tags (``research/ai``) under ``research``; everything else under "Tags". Chains of
    single-child groups are folded into one row (``victim › country``) so the tree stays
    shallow.
    """
    return _finish(_grow(counts, specials)[0])


def _grow(
    counts: Iterable[TagCount], specials: Iterable[SidebarNode]
) -> tuple[SidebarNode, dict[str, list[SidebarNode]]]:
    """The unfolded tree, and for each tag key the nodes from its top group down to its leaf."""
    root = SidebarNode("", "root")
    root.children.extend(specials)
    flat = root.child(FLAT_GROUP)
    facets = SidebarNode("", "facets")
    root._index["\0facets"] = facets
    chains: dict[str, list[SidebarNode]] = {}
    for row in counts:
        facet, _ = split_facet(row.name)
        parts = tag_path(row.name)
        parent = facets if facet else flat
        chain = [] if facet else [flat]
        for part in parts[:-1]:
            parent = parent.child(part)
            chain.append(parent)
        leaf = parent.child(parts[-1])
        chain.append(leaf)
        chains[row.key] = chain
        leaf.count = row.count
        leaf.term = tag_term(row.name)
        leaf.kind, leaf.name = "tag", row.name
    return root, chains


def _finish(root: SidebarNode) -> SidebarNode:
    flat = root._index[FLAT_GROUP.casefold()]
    facets = root._index.pop("\0facets")
    # Facet groups (few rows, folded) before the long flat list, so they are reachable.
    root.children.remove(flat)
    for group in facets.children:
        root.children.append(_fold(group))
    if flat.children:
        root.children.append(flat)
    else:
        root._index.pop(FLAT_GROUP.casefold(), None)
    return root


def _fold(node: SidebarNode) -> SidebarNode:
    """``victim`` → ``country`` → values becomes ``victim › country`` → values."""
    while len(node.children) == 1 and node.children[0].children and node.term is None:
        only = node.children[0]
        node = SidebarNode(
            f"{node.label} › {only.label}",
            only.node_id,
            only.count,
            only.term,
            only.children,
            kind=only.kind,
            name=only.name,
            _index=only._index,
        )
    node.children = [_fold(child) if child.children else child for child in node.children]
    return node
