"""LaTeX transform: blocks a reader reads as one unit start a new page rather than split.

A "How to cite" entry (its rubric and its reference; the PDF prints no BibTeX, :mod:`.bibtexcode`)
and any code block is preceded by ``\\litkeep{N}`` (``litreview.sty``): LaTeX starts a new page
unless N lines still fit.
N is the block's length estimated from its text; a block longer than :data:`MAX_LINES` may split.
A short block that leads into what follows it (an article's own byline, a paragraph's label in
the located-claims appendix) is kept with the first lines of what follows, and so is a section of
a few lines (a chapter's "Works cited" sentence) with the section after it: neither is left to
open a page of its own.
"""

from __future__ import annotations

import math
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from litreview.core.doctree import ancestors
from litreview.sphinxext.pdf.tex import raw_block

#: Characters in a line of text, and of code (set smaller, in a frame).
TEXT_LINE = 90
CODE_LINE = 80
#: Longer blocks may split: keeping them whole would leave most of a page empty.
MAX_LINES = 30
UNIT_CLASS = "how-to-cite"
#: A section heading and the space around it, in lines.
HEADING_LINES = 3
#: Blocks that lead into what follows them: an article's own byline and other front matter, a
#: paragraph's label in the located-claims appendix (with the claims that cite it below).
LEAD_CLASSES = frozenset({"front-matter", "located-claims-paragraph"})
#: Lines of what follows that a lead keeps with it.
FOLLOWING_LINES = 3
#: A section this short (in lines as :func:`estimated_lines` counts them: a paragraph of up to three
#: lines, without its heading) is kept with the section after it.
SHORT_SECTION = 4
#: What a section holds that takes no line of the page.
UNPRINTED = (nodes.title, nodes.comment, nodes.target, nodes.raw, addnodes.index)


def estimated_lines(node: nodes.Element) -> int:
    """How many lines ``node`` takes on the page, roughly: text wrapped, code line by line."""
    if isinstance(node, nodes.literal_block):
        return 2 + sum(max(1, math.ceil(len(line) / CODE_LINE)) for line in node.astext().splitlines())
    if isinstance(node, nodes.TextElement):
        return 1 + math.ceil(len(node.astext()) / TEXT_LINE)
    return sum(estimated_lines(child) for child in node.children if isinstance(child, nodes.Element))


def _is_lead(node: nodes.Node) -> bool:
    """A block that only leads into what follows it."""
    return isinstance(node, nodes.Element) and bool(LEAD_CLASSES.intersection(node.get("classes", ())))


def _is_code(node: nodes.Node) -> bool:
    return isinstance(node, nodes.literal_block)


class KeepTogether(SphinxPostTransform):
    """Put ``\\litkeep{N}`` before each How to cite entry and each code block outside one."""

    default_priority = 700
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        units = [
            n
            for n in self.document.findall(nodes.Element)
            if (isinstance(n, nodes.container) and UNIT_CLASS in n["classes"])
            or (
                _is_code(n)
                and not any(isinstance(a, nodes.Element) and UNIT_CLASS in a["classes"] for a in ancestors(n))
            )
        ]
        for lead in [n for n in self.document.findall(_is_lead) if isinstance(n, nodes.Element)]:
            label = lead[0] if isinstance(lead, nodes.list_item) else None
            if isinstance(label, nodes.Element):  # a list item: its label, then its sublist's first lines
                lines = estimated_lines(label)
            else:
                follows = lead.next_node(descend=False, siblings=True, ascend=True)
                lines = estimated_lines(lead) + (HEADING_LINES if isinstance(follows, nodes.section) else 0)
            keep = raw_block(rf"\litkeep{{{min(lines + FOLLOWING_LINES, MAX_LINES)}}}")
            lead.parent.insert(lead.parent.index(lead), keep)
        for section in list(self.document.findall(nodes.section)):
            body = [
                c for c in section.children if isinstance(c, nodes.Element) and not isinstance(c, UNPRINTED)
            ]
            following = section.next_node(descend=False, siblings=True)
            lines = sum(estimated_lines(c) for c in body)
            if isinstance(following, nodes.section) and lines <= SHORT_SECTION and section.parent is not None:
                room = 2 * HEADING_LINES + lines + FOLLOWING_LINES
                section.parent.insert(section.parent.index(section), raw_block(rf"\litkeep{{{room}}}"))
        for unit in units:
            lines = estimated_lines(unit)
            # A block that opens its section keeps its heading with it: the heading, not the block,
            # goes to the next page.
            while isinstance(unit.parent, nodes.section) and _opens(unit.parent, unit):
                unit, lines = unit.parent, lines + HEADING_LINES
            unit.parent.insert(unit.parent.index(unit), raw_block(rf"\litkeep{{{min(lines, MAX_LINES)}}}"))


def _opens(section: nodes.section, node: nodes.Node) -> bool:
    """Whether ``node`` is the first thing in ``section`` after its heading (and labels)."""
    before = section.children[: section.index(node)]
    return all(isinstance(n, (nodes.title, nodes.target, nodes.raw, nodes.comment)) for n in before)
