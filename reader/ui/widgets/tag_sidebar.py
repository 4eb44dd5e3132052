"""The tag sidebar: a virtualised, collapsible tree of tags with counts.

Textual's ``Tree`` adds a node object per tag up front; a large library has tens of
thousands of tags and the counts change on every filter. This widget flattens only the
expanded part of a :class:`~reader.library.sidebar.SidebarNode` tree and draws the visible rows
through the Line API.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from reader.library.sidebar import FLAT_GROUP, SAVED_GROUP_ID, SidebarNode
from reader.ui.cursor_view import CursorView


class _NodeMessage(Message):
    """A message about one sidebar entry, ``node``."""

    def __init__(self, node: SidebarNode) -> None:
        self.node = node
        super().__init__()


@dataclass(slots=True)
class _Row:
    node: SidebarNode
    depth: int
    is_open: bool = False
    """Whether this group shows its children, worked out once per flatten, not per frame."""


class TagTree(CursorView, can_focus=True):
    """Tags with counts. ``enter`` on a tag toggles it in the filter; on a group, folds it."""

    BINDINGS = [
        Binding("enter", "activate", "Toggle tag", show=True),
        Binding("right,l", "expand", "Expand", show=False),
        Binding("left,h", "collapse", "Collapse", show=False),
        Binding("d,delete", "delete", "Delete saved search", show=False),
    ]

    COMPONENT_CLASSES = {
        "tag-tree--cursor",
        "tag-tree--group",
        "tag-tree--count",
        "tag-tree--selected",
        "tag-tree--excluded",
        "tag-tree--guide",
        "tag-tree--special",
    }

    DEFAULT_CSS = """
    TagTree {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .tag-tree--cursor { background: $block-cursor-blurred-background; }
        &:focus > .tag-tree--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .tag-tree--group { text-style: bold; color: $text-primary; }
        & > .tag-tree--count { color: $text-muted; }
        & > .tag-tree--selected { color: $text-success; text-style: bold; }
        & > .tag-tree--excluded { color: $text-error; text-style: strike; }
        & > .tag-tree--guide { color: $text-muted; }
        & > .tag-tree--special { color: $text-accent; }
    }
    """

    class Toggled(_NodeMessage):
        """The user chose an entry that filters: a tag or a reading-state entry (its ``term``
        toggles in the filter), or a saved search (its ``query`` replaces the filter)."""

    class DeleteRequested(_NodeMessage):
        """The user asked to delete the entry under the cursor (a saved search)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.root = SidebarNode("", "root")
        self.selected_terms: set[str] = set()
        """Casefolded terms of the current filter; ``-term`` marks an exclusion."""
        self.collapsed: set[str] = set()
        self.expanded: set[str] = {f"root/{FLAT_GROUP.casefold()}", SAVED_GROUP_ID}
        self.rows: list[_Row] = []

    # -- data from the app ---------------------------------------------------------------

    def set_tree(self, root: SidebarNode, selected_terms: set[str]) -> None:
        """Show a new tree (new counts) keeping the cursor on the same node where possible."""
        current = self.current_node.node_id if self.current_node else None
        self.root = root
        self.selected_terms = selected_terms
        self._flatten(keep=current)

    def _is_open(self, node: SidebarNode) -> bool:
        if node.node_id in self.collapsed:
            return False
        if node.node_id in self.expanded:
            return True
        return any(self._selected_below(node, limit=2000))

    def _selected_below(self, node: SidebarNode, limit: int) -> list[bool]:
        """Whether a selected tag sits under ``node`` (groups with a selection open by themselves)."""
        if not self.selected_terms:
            return []
        stack, seen = list(node.children), 0
        while stack and seen < limit:
            child = stack.pop()
            seen += 1
            if child.term is not None and self._state(child.term):
                return [True]
            stack.extend(child.children)
        return []

    def _state(self, term: str) -> str:
        """"selected" when the filter requires this term, "excluded" when it negates it."""
        folded = term.casefold()
        if folded in self.selected_terms:
            return "selected"
        if f"-{folded}" in self.selected_terms:
            return "excluded"
        return ""

    def _flatten(self, keep: str | None = None) -> None:
        rows: list[_Row] = []

        def walk(node: SidebarNode, depth: int) -> None:
            for child in node.children:
                is_open = bool(child.children) and self._is_open(child)
                rows.append(_Row(child, depth, is_open))
                if is_open:
                    walk(child, depth + 1)

        walk(self.root, 0)
        self.rows = rows
        self.rows_changed()
        position = self.cursor
        if keep is not None:
            for index, row in enumerate(rows):
                if row.node.node_id == keep:
                    position = index
                    break
        self.cursor = position
        self.refresh()

    @property
    def current_node(self) -> SidebarNode | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].node
        return None

    # -- cursor and actions ---------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def action_activate(self) -> None:
        node = self.current_node
        if node is None:
            return
        if node.term is not None or node.query is not None:
            self.post_message(self.Toggled(node))
        elif node.children:
            self._set_open(node, not self.rows[self.cursor].is_open)

    def action_delete(self) -> None:
        node = self.current_node
        if node is not None and node.kind == "search":
            self.post_message(self.DeleteRequested(node))

    def action_expand(self) -> None:
        node = self.current_node
        if node is not None and node.children:
            self._set_open(node, True)

    def action_collapse(self) -> None:
        if not self.rows:
            return
        row = self.rows[self.cursor]
        if row.is_open:
            self._set_open(row.node, False)
            return
        for index in range(self.cursor - 1, -1, -1):  # go to the parent group
            if self.rows[index].depth < row.depth:
                self.cursor = index
                return

    def _set_open(self, node: SidebarNode, is_open: bool) -> None:
        (self.expanded if is_open else self.collapsed).add(node.node_id)
        (self.collapsed if is_open else self.expanded).discard(node.node_id)
        self._flatten(keep=node.node_id)

    async def _on_click(self, event: events.Click) -> None:
        row = self.row_at(event)
        if row is not None:
            self.cursor = row
            self.action_activate()

    # -- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.base_style
        index = int(self.scroll_y) + y
        if index >= len(self.rows):
            if not self.rows and y == 1:
                return Strip([Segment(set_cell_size("  No tags.", width), base)], width)
            return Strip.blank(width, base)
        row = self.rows[index]
        node = row.node
        get = self.get_component_rich_style
        state = self._state(node.term) if node.term is not None else ""
        selected = state == "selected"
        if node.children and node.term is None:
            style = base + get("tag-tree--group")
        elif node.is_special:
            style = base + get("tag-tree--special")
        else:
            style = base
        if selected:
            style += get("tag-tree--selected")
        elif state == "excluded":
            style += get("tag-tree--excluded")
        count_style = base + get("tag-tree--count")
        guide_style = base + get("tag-tree--guide")
        if index == self.cursor:
            cursor = get("tag-tree--cursor")
            style, count_style, guide_style = style + cursor, count_style + cursor, guide_style + cursor
        indent = "  " * row.depth
        if node.children:
            marker = "▾ " if row.is_open else "▸ "
        else:
            marker = {"selected": "✓ ", "excluded": "✗ "}.get(state, "  ")
        if node.kind == "searches":
            count = f" {len(node.children)}"  # saved searches: how many there are
        elif node.children:
            count = f" {node.count}"  # how many of the listed articles the group covers
        else:
            count = f" {node.count}" if node.count else ""
        label_width = max(1, width - cell_len(indent) - 2 - len(count))
        label = node.label
        if cell_len(label) > label_width:
            label = set_cell_size(label, max(0, label_width - 1)) + "…"
        segments = [
            Segment(indent + marker, style if state else guide_style),
            Segment(set_cell_size(label, label_width), style),
            Segment(count, count_style),
        ]
        return Strip(segments).adjust_cell_length(width, base)
