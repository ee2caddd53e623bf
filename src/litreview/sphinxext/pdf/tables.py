"""LaTeX transform: tables that break across pages, with ragged-right columns as wide as their content."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from litreview.sphinxext.pdf.tex import raw_block

#: Characters of table text a line holds (10pt FreeSerif, about 4.5pt a character, in 453pt).
TABLE_LINE_CHARS = 100
#: What each column's padding (two \tabcolsep of 4pt, set with the table) costs, in characters.
TABLE_PADDING_CHARS = 1.8
UNBREAKABLE = re.compile(r"[^\s\-–—/]+")
PUNCTUATION = "()[]{},.;:!?“”‘’\"'"
HYPHENATED_PART = 6  # the longest piece a long word is left with once hyphenated


def _word_room(word: str) -> float:
    """Characters a word needs on one line: a long word may hyphenate (the cells are \\RaggedRight),
    a number or short word may not; wide letters (W, M, bold heads) need more than the average."""
    word = word.strip(PUNCTUATION)
    length = (
        min(len(word), HYPHENATED_PART) if word.isalpha() and len(word) > HYPHENATED_PART + 2 else len(word)
    )
    return length * 1.12 + 0.6


def column_widths(columns: list[list[str]], line: float = TABLE_LINE_CHARS) -> list[float]:
    """Fractions of the line width for each column, from its cells' text (as browsers lay out tables).

    Every column gets at least its longest word; what is left goes to the columns in proportion to
    how much more than that their longest cell needs. Columns that fit on one line get just that (the
    fractions then add up to less than 1: a narrow table stays narrow).
    """
    least = [
        max((_word_room(w) for c in col for w in UNBREAKABLE.findall(c)), default=1.0) for col in columns
    ]
    most = [max(max((len(c) for c in col), default=1), lo) for col, lo in zip(columns, least, strict=True)]
    room = line - TABLE_PADDING_CHARS * len(columns)
    if sum(most) <= room:
        widths = [float(m) for m in most]
    elif sum(least) >= room:  # too many columns: every word gets its share and may hyphenate
        widths = [lo * room / sum(least) for lo in least]
    else:
        share = (room - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (m - lo) * share for lo, m in zip(least, most, strict=True)]
    return [(w + TABLE_PADDING_CHARS) / line for w in widths]


class LatexTables(SphinxPostTransform):
    """Every table as a longtable (it breaks across pages, its head repeats) with ragged-right
    columns sized by their content, in the text's typeface at \\small."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            tgroup = next((c for c in table.children if isinstance(c, nodes.tgroup)), None)
            if tgroup is None or any(
                e.get("morecols") or e.get("morerows") for e in tgroup.findall(nodes.entry)
            ):
                continue  # spanning cells: leave the table to Sphinx
            columns: list[list[str]] = [[] for _ in range(int(tgroup["cols"]))]
            for row in tgroup.findall(nodes.row):
                for i, entry in enumerate(e for e in row.children if isinstance(e, nodes.entry)):
                    columns[i].append(" ".join(entry.astext().split()))
            spec = "".join(rf">{{\RaggedRight\arraybackslash}}\Y{{{w:.3f}}}" for w in column_widths(columns))
            table["classes"] = [c for c in table["classes"] if c != "colwidths-given"] + ["longtable"]
            parent = table.parent
            at = parent.index(table)
            parent.insert(at, addnodes.tabular_col_spec(spec=spec))
            parent.insert(at, raw_block(r"\begingroup\small\setlength{\tabcolsep}{4pt}\litraggedcells"))
            parent.insert(parent.index(table) + 1, raw_block(r"\endgroup"))
