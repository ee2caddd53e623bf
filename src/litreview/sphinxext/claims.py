"""The claim a located citation supports, as plain text: its sentence, or in a table its row.

A narrative citation ({cite:t}) reads as its authors' names, a parenthetical one ({cite:p}) is left
out, a year citation reads as nothing; a cross-reference without its own text (its target's title is
not known while the page is read) is left out. See :mod:`litreview.core.sentences`.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from litreview.core.doctree import ancestors
from litreview.core.sentences import sentence_around, tidy

MARK = "\ue000"  # where the citation stands (a private-use character: never in the text)
SKIPPED = (nodes.target, nodes.comment, nodes.raw, nodes.system_message, nodes.footnote_reference)


def claim_of(citation: pending_xref, names: dict[str, str]) -> str:
    """The sentence holding ``citation`` (a cite role's pending_xref). In a table, the cell's
    sentence after the row's first cell; or the whole row, when the cell holds only the citation
    (as the numbers table's "Given by")."""
    block = next((a for a in ancestors(citation) if isinstance(a, nodes.paragraph)), citation.parent)
    sentence = _sentence(_text(block, citation, names))
    row = next((a for a in ancestors(citation) if isinstance(a, nodes.row)), None)
    if row is None:
        return sentence
    cells = [tidy(_text(entry, None, names)) for entry in row.children]
    cell = next(a for a in ancestors(citation) if isinstance(a, nodes.entry))
    if tidy(_text(cell, None, names)) == tidy(_text(citation, None, names)):
        return " · ".join(c for c in cells if c)
    first = row.children[0]
    return sentence if cell is first or not cells[0] else f"{cells[0]} · {sentence}"


def _sentence(text: str) -> str:
    offset = text.find(MARK)
    return sentence_around(text.replace(MARK, ""), max(offset, 0))


def _text(node: nodes.Node, citation: pending_xref | None, names: dict[str, str]) -> str:
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, SKIPPED):
        return ""
    if isinstance(node, pending_xref):
        mark = MARK if citation is not None and node is citation else ""
        if node.get("refdomain") == "cite":
            return mark + _cited(node, names)
        if not node.get("refexplicit", True) and node.get("reftype") in ("ref", "doc", "numref"):
            return mark
    return "".join(_text(child, citation, names) for child in getattr(node, "children", ()))


def _cited(node: pending_xref, names: dict[str, str]) -> str:
    """A narrative citation's names ("Sear", "Ezdina and Dotsenko"); nothing for the others."""
    if not str(node.get("reftype", "")).removeprefix("c").startswith("t"):  # t, ts, ct, cts
        return ""
    try:
        keys = [t.key for t in parse_citation_targets(node["reftarget"])]
    except ValueError:
        return ""
    return " and ".join(names.get(k, k) for k in keys)
