"""Sphinx extension: a MyST role reports its own line, not its paragraph's first line.

MyST-Parser gives the nodes a role makes no line of their own (the inline token has no source
map), so Sphinx locates them by their paragraph: a ``{cite:p}`` of an unknown key, a ``{ref}`` to a
missing label or a ``{term}`` not in the glossary on the fourth line of a paragraph is reported at
the paragraph's first line. This transform, run as each page is read, finds each role's text in the
page's source, from its block's first line to the block's end, and gives the role's nodes that line.
Where the text cannot be found (a role made by a directive's own parsing, an included file) the
line stays the block's.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.typing import ExtensionMetadata

from litreview.core.myst_roles import ROLE_SOURCE, role_pattern


def _block_line(node: nodes.Element) -> tuple[int, str]:
    """The line and source of the nearest node (this one or an ancestor) that has a line."""
    current: nodes.Node | None = node
    while current is not None:
        line = getattr(current, "line", None)
        if line:
            return line, getattr(current, "source", None) or ""
        current = current.parent
    return 0, ""


def find_role_line(lines: list[str], first: int, pattern: re.Pattern[str], occurrence: int) -> int | None:
    """The 1-based line of the ``occurrence``-th (0-based) match from line ``first`` to the block's end."""
    if not 1 <= first <= len(lines):
        return None
    last = first
    while last < len(lines) and lines[last].strip():  # up to the next blank line
        last += 1
    segment = "\n".join(lines[first - 1 : last])
    matches = list(pattern.finditer(segment))
    if occurrence >= len(matches):
        return None
    return first + segment.count("\n", 0, matches[occurrence].start())


class RoleLines(SphinxTransform):
    """Give each MyST role's outermost node the line its role is written on."""

    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        if not str(self.document.get("source", "")).endswith(".md"):
            return
        texts: dict[str, list[str]] = {}
        seen: Counter[tuple[str, int, str]] = Counter()
        for node in list(self.document.findall(nodes.Element)):
            match = ROLE_SOURCE.match(node.rawsource or "")
            if match is None:
                continue
            parent = node.parent
            if parent is not None and getattr(parent, "rawsource", None) == node.rawsource:
                continue  # the inner node of a role: follows its outer node
            first, source = _block_line(node)
            if not first or not source.endswith(".md"):
                continue
            if source not in texts:
                try:
                    texts[source] = Path(source).read_text(encoding="utf-8").splitlines()
                except OSError:
                    texts[source] = []
            occurrence_key = (source, first, node.rawsource)
            occurrence = seen[occurrence_key]
            seen[occurrence_key] += 1
            pattern = role_pattern(match["name"], match["content"])
            line = find_role_line(texts[source], first, pattern, occurrence)
            if line is not None:
                node.line = line
                node.source = source


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_transform(RoleLines)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
