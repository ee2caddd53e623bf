"""LaTeX transform: a table whose rows are too tall for a page is printed one block per row.

A longtable breaks between rows, never inside one. A table of a few long prose cells in six
narrow columns (table 3.2, the appraisal of each article) has rows half a page tall: a page
holds one of them and leaves the rest of its height empty, and the narrow columns split phrases.
In print such a table is set with two columns instead: each of its rows becomes a block headed by
the row's stub cell (the article), with one line per column, the column's heading on the left and
the cell's text on the right. Its caption, number and label stay, so cross-references and the
"continued" captions work as for any table; the web and e-book editions keep the grid (the
e-book shows narrow screens one card per row, which is the same idea).
"""

from __future__ import annotations

import math
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from litreview.sphinxext.pdf.tables import (
    SIZES,
    TABLE_LINE_CHARS,
    TABLE_PADDING_CHARS,
    cell_text,
    table_layout,
)
from litreview.sphinxext.pdf.tex import raw_inline

#: Lines of table text the A4 text block holds at each size (720pt over \small's 11pt and
#: \footnotesize's 9.5pt leading).
PAGE_LINES = {r"\small": 65, r"\footnotesize": 75}
#: The tallest a row may be, as a share of a page, before the table is printed one block per row.
ROW_SHARE = 0.3
#: How much longer than its characters a ragged-right cell's text runs (lines end short).
RAGGED_LOSS = 1.15


def _grid(table: nodes.table) -> tuple[nodes.tgroup, list[nodes.entry], list[list[nodes.entry]]] | None:
    """(its tgroup, head cells, body rows) of a plain table with one head row and one stub column,
    the kind this transform can print per row; else None."""
    tgroup = next((c for c in table.children if isinstance(c, nodes.tgroup)), None)
    if tgroup is None or any(e.get("morecols") or e.get("morerows") for e in tgroup.findall(nodes.entry)):
        return None
    thead = next((c for c in tgroup.children if isinstance(c, nodes.thead)), None)
    tbody = next((c for c in tgroup.children if isinstance(c, nodes.tbody)), None)
    stubs = sum(1 for c in tgroup.children if isinstance(c, nodes.colspec) and c.get("stub"))
    if thead is None or tbody is None or len(thead.children) != 1 or stubs != 1:
        return None
    cells = lambda row: [e for e in row.children if isinstance(e, nodes.entry)]  # noqa: E731
    return tgroup, cells(thead[0]), [cells(row) for row in tbody.children]


def tallest_row(head: list[nodes.entry], body: list[list[nodes.entry]]) -> float:
    """The tallest body row, as a share of a page, when the table is set as a grid at the size and
    column widths :func:`~litreview.sphinxext.pdf.tables.table_layout` gives it."""
    texts = [[cell_text(entry) for entry in row] for row in body]
    columns = [[(cell_text(e), True)] for e in head]
    for row_texts in texts:
        for i, text in enumerate(row_texts):
            columns[i].append((text, i == 0))
    size, _hyphenate, widths = table_layout(columns)
    line = TABLE_LINE_CHARS * dict(SIZES)[size]
    room = [max(w * line - TABLE_PADDING_CHARS, 1.0) for w in widths]
    lines = [
        max(math.ceil(len(text) * RAGGED_LOSS / r) for text, r in zip(row_texts, room, strict=True))
        for row_texts in texts
    ]
    return max(lines, default=0) / PAGE_LINES[size]


def _row(*entries: nodes.entry) -> nodes.row:
    row = nodes.row()
    row.extend(entries)
    return row


def _entry(*children: nodes.Node, morecols: int = 0) -> nodes.entry:
    entry = nodes.entry(morecols=morecols) if morecols else nodes.entry()
    entry.extend(children)
    return entry


def _contents(entry: nodes.entry) -> list[nodes.Node]:
    """A cell's paragraphs, moved out of it."""
    children = list(entry.children)
    entry.clear()
    return children


def _inline_of(entry: nodes.entry) -> list[nodes.Node]:
    """A one-paragraph cell's inline content (a heading's words), moved out of it."""
    children = _contents(entry)
    if len(children) == 1 and isinstance(children[0], nodes.paragraph):
        inline = list(children[0].children)
        children[0].clear()
        return inline
    return [nodes.Text(" ".join(c.astext() for c in children))]


def per_row(tgroup: nodes.tgroup, head: list[nodes.entry], body: list[list[nodes.entry]]) -> None:
    """Rewrite the grid in place as two columns: per body row, a heading line (its stub cell, in
    bold, kept with what follows it) spanning both, then one line per other column, the column's
    heading in italics beside the cell; a little space between one row's block and the next."""
    labels = [_inline_of(e) for e in head[1:]]
    tbody = nodes.tbody()
    for number, row in enumerate(body, start=1):
        stub, *cells = row
        keep = raw_inline(r"\litkeepwithnext")
        title = nodes.paragraph("", "", nodes.strong("", "", *_inline_of(stub)), keep)
        tbody += _row(_entry(title, morecols=1))
        for column, (label, cell) in enumerate(zip(labels, cells, strict=True), start=1):
            heading = nodes.paragraph("", "", nodes.emphasis("", "", *(node.deepcopy() for node in label)))
            if column == len(cells) and number < len(body):
                heading += raw_inline(r"\litblockend")
            tbody += _row(_entry(heading), _entry(*_contents(cell)))
    tgroup.clear()
    tgroup["cols"] = 2
    tgroup += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=3), tbody]


class TablesPerRow(SphinxPostTransform):
    """Print a table whose tallest row would fill more than :data:`ROW_SHARE` of a page one block
    per row (before :class:`~litreview.sphinxext.pdf.tables.LatexTables` sizes its columns)."""

    default_priority = 395
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            grid = _grid(table)
            if grid is None:
                continue
            tgroup, head, body = grid
            if tallest_row(head, body) > ROW_SHARE:
                per_row(tgroup, head, body)
                table["classes"] = [*table["classes"], "lit-per-row"]
