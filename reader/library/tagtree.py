"""The shape of the tag sidebar: flat tags in one group, faceted and nested tags as a tree.

Kept out of the widget so it can be built in a worker thread and tested without a UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reader.library.query import quote_value
from reader.library.snapshot import Library, TagCount
from reader.library.tags import split_facet, tag_path

FLAT_GROUP = "Tags"


@dataclass(slots=True)
class TagNode:
    """A row of the sidebar tree. ``term`` is the query term selecting it, if it selects."""

    label: str
    node_id: str
    count: int = 0
    term: str | None = None
    children: list[TagNode] = field(default_factory=list)
    _index: dict[str, TagNode] = field(default_factory=dict, repr=False)

    def child(self, label: str) -> TagNode:
        node = self._index.get(label.casefold())
        if node is None:
            node = TagNode(label, f"{self.node_id}/{label.casefold()}")
            self._index[label.casefold()] = node
            self.children.append(node)
        return node

    @property
    def is_group(self) -> bool:
        return bool(self.children)


def tag_term(tag: str) -> str:
    """The filter term that selects exactly this tag."""
    return f"tag:{quote_value(tag)}"


def excluded_tags(terms: Iterable[str]) -> list[str]:
    """The tag names the filter excludes (``-tag:NAME``, ``-tag:"two words"``)."""
    return [term[5:].strip('"') for term in terms if term[:5].casefold() == "-tag:" and len(term) > 5]


def sidebar_tree(
    library: Library, ids: Sequence[int], *, specials: Iterable[TagNode] = (), keep: Iterable[str] = ()
) -> TagNode:
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


def build_tag_tree(counts: Iterable[TagCount], *, specials: Iterable[TagNode] = ()) -> TagNode:
    """Group tag counts into the sidebar tree, biggest first inside each group.

    Faceted tags (``action.malware.name=Conti``) go under ``action › malware``; nested
    tags (``research/ai``) under ``research``; everything else under "Tags". Chains of
    single-child groups are folded into one row (``victim › country``) so the tree stays
    shallow.
    """
    return _finish(_grow(counts, specials)[0])


def _grow(counts: Iterable[TagCount], specials: Iterable[TagNode]) -> tuple[TagNode, dict[str, list[TagNode]]]:
    """The unfolded tree, and for each tag key the nodes from its top group down to its leaf."""
    root = TagNode("", "root")
    root.children.extend(specials)
    flat = root.child(FLAT_GROUP)
    facets = TagNode("", "facets")
    root._index["\0facets"] = facets
    chains: dict[str, list[TagNode]] = {}
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
    return root, chains


def _finish(root: TagNode) -> TagNode:
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


def _fold(node: TagNode) -> TagNode:
    """``victim`` → ``country`` → values becomes ``victim › country`` → values."""
    while len(node.children) == 1 and node.children[0].children and node.term is None:
        only = node.children[0]
        node = TagNode(f"{node.label} › {only.label}", only.node_id, only.count, only.term, only.children, only._index)
    node.children = [_fold(child) if child.children else child for child in node.children]
    return node
