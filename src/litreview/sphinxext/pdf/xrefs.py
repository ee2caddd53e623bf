"""LaTeX transform: a cross-reference a reader can follow on paper.

On screen a reference to another chapter or section is a link that shows the target's title; on
paper the title alone leads nowhere. In the PDF each such reference is followed by where its
target is: "How this review was made (chapter 2, p. 7)", "Appraisal of each source (§ 3.2,
p. 11)", or "(p. 75)" for an unnumbered target such as the References. Inside parentheses the
locator goes in brackets: "(How this review was made [chapter 2, p. 7])"; a link that reads
"chapter" is followed by its number and page alone ("chapter 9, p. 41"). The numbers are the
ones the book gives its chapters and sections (:mod:`litreview.sphinxext.numbering`, which
numbers all three editions alike); the page is LaTeX's own ``\\pageref`` of Sphinx's label.
The HTML and EPUB are unchanged. Glossary terms, figure and table numbers ("Table 3.2") and
citations are not followed by a locator: a term is defined in the glossary, and a numbered
figure or table already carries its number.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import tex_replace_map

from litreview.core.doctree import ancestors

#: The roles whose references show a chapter's or section's title (Sphinx's inline classes).
TITLE_ROLES = ("std-ref", "std-doc", "doc")


def latex_label(label: str) -> str:
    """A Sphinx label as its LaTeX writer spells it (``LaTeXTranslator.idescape``)."""
    escaped = label.translate(tex_replace_map).encode("ascii", "backslashreplace").decode("ascii")
    return r"\detokenize{" + escaped.replace("\\", "_") + "}"


def locator(kind: str, number: tuple[int, ...], label: str) -> str:
    """LaTeX for where the target is: "chapter 2, p. 7", "§ 3.2, p. 11" or "p. 75"."""
    page = rf"p.~\pageref*{{{latex_label(label)}}}"
    if not number:
        return page
    shown = ".".join(map(str, number))
    return rf"{kind}~{shown}, {page}" if kind == "chapter" else rf"\S~{shown}, {page}"


def _inside_parentheses(ref: nodes.reference) -> bool:
    """Whether the reference stands inside an open parenthesis of its paragraph."""
    block = ref.parent
    while block is not None and not isinstance(block, nodes.TextElement):
        block = block.parent
    if block is None:
        return False
    before = []
    for text in block.findall(nodes.Text):
        if any(a is ref for a in ancestors(text)):
            break
        before.append(str(text))
    joined = "".join(before)
    return joined.count("(") > joined.count(")")


class PrintedCrossReferences(SphinxPostTransform):
    """Follow each reference to a chapter or section with its number and page (LaTeX only)."""

    default_priority = 450  # after the references are resolved (10) and the tables sized (400)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        self._sections: dict[str, dict[str, tuple[str, str]]] = {}
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            if not uri.startswith("%") or not self._shows_title(ref) or self._in_moving_argument(ref):
                continue
            docname, _, anchor = uri[1:].partition("#")
            where = self._where(docname, anchor)
            if where is None:
                continue
            kind, number = where
            label = f"{docname}:{anchor}" if anchor else f"{docname}::doc"
            text = locator(kind, number, label)
            if number and ref.astext().strip().casefold() == kind:  # "chapter" already: "chapter 9, p. 41"
                latex = "~" + text.removeprefix(f"{kind}~")
            else:
                latex = rf" [{text}]" if _inside_parentheses(ref) else rf" ({text})"
            ref.parent.insert(ref.parent.index(ref) + 1, nodes.raw("", latex, format="latex"))

    @staticmethod
    def _shows_title(ref: nodes.reference) -> bool:
        inner = [n for n in ref.findall(nodes.inline) if set(n["classes"]) & set(TITLE_ROLES)]
        return bool(inner)

    @staticmethod
    def _in_moving_argument(ref: nodes.reference) -> bool:
        return any(isinstance(a, (nodes.title, nodes.caption, nodes.subtitle)) for a in ancestors(ref))

    def _where(self, docname: str, anchor: str) -> tuple[str, tuple[int, ...]] | None:
        """("chapter", "section" or "other", its number, () when unnumbered), or None when the page
        has no such target."""
        if docname not in self.env.all_docs:
            return None
        sections = self._sections.setdefault(docname, self._index_sections(docname))
        if anchor and anchor not in sections:
            return None
        kind, key = sections.get(anchor, ("chapter", ""))
        if kind == "other":
            return kind, ()
        number = self.env.toc_secnumbers.get(docname, {}).get(key, ())
        return kind, tuple(number or ())

    def _index_sections(self, docname: str) -> dict[str, tuple[str, str]]:
        """Each id of each section of a page: ("chapter"/"section", its key in toc_secnumbers); the
        ids of other elements (a labelled paragraph or list item): ("other", "")."""
        doctree = self.env.get_doctree(docname)
        found: dict[str, tuple[str, str]] = {}
        first = True
        for section in doctree.findall(nodes.section):
            if not section["ids"]:
                continue
            top = first and isinstance(section.parent, nodes.document)
            entry = ("chapter", "") if top else ("section", "#" + section["ids"][0])
            first = False
            for node_id in section["ids"]:
                found.setdefault(node_id, entry)
        for node in doctree.findall(nodes.Element):
            for node_id in node.get("ids", []):
                found.setdefault(node_id, ("other", ""))
        return found
