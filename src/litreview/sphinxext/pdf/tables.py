"""LaTeX transform: tables that break across pages, with ragged-right columns as wide as their content.

A table's words are never hyphenated when it can be helped: a name split at a line's end
("Dot-senko") or a phrase split mid-word ("fi-nancial") is hard to read on paper. Its columns are
first sized so that every word fits whole at \\small; a table too wide for that is set at
\\footnotesize; only a table whose words do not fit whole even then may hyphenate them.
"""

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
#: The sizes a table may be set in, largest first, with how many more characters a line holds.
SIZES = ((r"\small", 1.0), (r"\footnotesize", 10 / 9))
#: How much of a line the whole words may fill before a smaller size is tried (the widths are estimates).
WHOLE_WORDS_FILL = 0.97
UNBREAKABLE = re.compile(r"[^\s\-–—/]+")
PUNCTUATION = "()[]{},.;:!?“”‘’\"'"
HYPHENATED_PART = 6  # the longest piece a long word is left with once hyphenated
CHAR_WIDTH = 1.12  # a word's width in average characters: wide letters (W, M) need more
BOLD_WIDTH = 1.25  # the same in bold (a table's head row and stub column)


def _word_room(word: str, bold: bool = False, hyphenate: bool = True) -> float:
    """Characters a word needs on one line: a long word may hyphenate when ``hyphenate`` is true
    (the cells are \\RaggedRight), a number or short word may not; bold words are wider."""
    word = word.strip(PUNCTUATION)
    long_word = hyphenate and word.isalpha() and len(word) > HYPHENATED_PART + 2
    length = min(len(word), HYPHENATED_PART) if long_word else len(word)
    return length * (BOLD_WIDTH if bold else CHAR_WIDTH) + 0.6


def _least(columns: list[list[tuple[str, bool]]], hyphenate: bool) -> list[float]:
    """Each column's longest word, as :func:`_word_room` measures it."""
    return [
        max((_word_room(w, bold, hyphenate) for c, bold in col for w in UNBREAKABLE.findall(c)), default=1.0)
        for col in columns
    ]


def column_widths(
    columns: list[list[tuple[str, bool]]], line: float = TABLE_LINE_CHARS, hyphenate: bool = True
) -> list[float]:
    """Fractions of the line width for each column, from its cells' text (as browsers lay out tables).

    ``columns`` holds each column's cells as (text, set in bold). Every column gets at least its
    longest word (whole, unless ``hyphenate``); what is left goes to the columns in proportion to
    how much more than that their longest cell needs. Columns that fit on one line get just that
    (the fractions then add up to less than 1: a narrow table stays narrow).
    """
    least = _least(columns, hyphenate)
    most = [
        max(max((len(c) * (BOLD_WIDTH / CHAR_WIDTH if b else 1.0) for c, b in col), default=1), lo)
        for col, lo in zip(columns, least, strict=True)
    ]
    padding = TABLE_PADDING_CHARS * line / TABLE_LINE_CHARS
    room = line - padding * len(columns)
    if sum(most) <= room:
        widths = [float(m) for m in most]
    elif sum(least) >= room:  # too many columns: every word gets its share and may hyphenate
        widths = [lo * room / sum(least) for lo in least]
    else:
        share = (room - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (m - lo) * share for lo, m in zip(least, most, strict=True)]
    return [(w + padding) / line for w in widths]


def table_layout(columns: list[list[tuple[str, bool]]]) -> tuple[str, bool, list[float]]:
    """(the size to set the table in, whether its words may hyphenate, its column widths): the
    largest size at which every word fits whole, else the smallest size, hyphenating."""
    for size, scale in SIZES:
        line = TABLE_LINE_CHARS * scale
        room = line - TABLE_PADDING_CHARS * len(columns)
        if sum(_least(columns, hyphenate=False)) <= room * WHOLE_WORDS_FILL:
            return size, False, column_widths(columns, line, hyphenate=False)
    size, scale = SIZES[-1]
    return size, True, column_widths(columns, TABLE_LINE_CHARS * scale)


def _bold(entry: nodes.entry, stubs: int, index: int) -> bool:
    """Whether a cell is set in bold: a head row's cell, or a stub column's."""
    return isinstance(entry.parent.parent, nodes.thead) or index < stubs


def cell_text(entry: nodes.entry) -> str:
    """A cell's text as printed: without raw LaTeX (a cross-reference's locator, say)."""
    return " ".join("".join(str(t) for t in entry.findall(nodes.Text) if not _in_raw(t)).split())


def _full_width(entry: nodes.entry, tgroup: nodes.tgroup) -> bool:
    """Whether a cell spans its whole row (a heading row of a table printed per row)."""
    return int(entry.get("morecols", 0)) + 1 == int(tgroup["cols"])


def _in_raw(text: nodes.Text) -> bool:
    node = text.parent
    while node is not None:
        if isinstance(node, nodes.raw):
            return True
        node = node.parent
    return False


class LatexTables(SphinxPostTransform):
    """Every table as a longtable (it breaks across pages, its head repeats) with ragged-right
    columns sized by their content, in the text's typeface at \\small (or \\footnotesize, so that
    no word is hyphenated)."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            tgroup = next((c for c in table.children if isinstance(c, nodes.tgroup)), None)
            if tgroup is None or any(
                e.get("morerows") or (e.get("morecols") and not _full_width(e, tgroup))
                for e in tgroup.findall(nodes.entry)
            ):
                continue  # cells spanning part of a row: leave the table to Sphinx
            stubs = sum(1 for c in tgroup.findall(nodes.colspec) if c.get("stub"))
            columns: list[list[tuple[str, bool]]] = [[] for _ in range(int(tgroup["cols"]))]
            for row in tgroup.findall(nodes.row):
                cells = [e for e in row.children if isinstance(e, nodes.entry)]
                if len(cells) == len(columns):  # a heading across the whole row sets no column's width
                    for i, entry in enumerate(cells):
                        columns[i].append((cell_text(entry), _bold(entry, stubs, i)))
            size, hyphenate, widths = table_layout(columns)
            spec = "".join(rf">{{\RaggedRight\arraybackslash}}\Y{{{w:.3f}}}" for w in widths)
            table["classes"] = [c for c in table["classes"] if c != "colwidths-given"] + ["longtable"]
            parent = table.parent
            at = parent.index(table)
            parent.insert(at, addnodes.tabular_col_spec(spec=spec))
            whole = "" if hyphenate else r"\hyphenpenalty=10000 "
            parent.insert(at, raw_block(r"\FloatBarrier"))  # a figure before it is printed before it
            parent.insert(
                at + 1, raw_block(rf"\begingroup{size}\setlength{{\tabcolsep}}{{4pt}}\litraggedcells{whole}")
            )
            parent.insert(parent.index(table) + 1, raw_block(r"\endgroup"))
