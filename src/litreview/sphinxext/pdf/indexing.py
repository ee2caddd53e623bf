"""LaTeX transform: the printed index points to where a term or an author is discussed.

Hand-placed entries mark only a term's definition (the glossary) and where the corpus chapter
introduces the authors. Here the PDF's index also gets, for each article's makers (from its
``refs.bib`` entry: "Stafeev, Sergei", "Free Russia Institute"), every place our text cites that
article (the preface, the review, the editors' summaries) and the opening of the article's own
chapter; and, for each glossary term, every place our text links it. The glossary's own entry
stays the main one (its page in bold). The HTML and EPUB keep their index as it is: on screen the
search and the links do this work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from litreview.core import bib
from litreview.core.doctree import ancestors
from litreview.sphinxext import bookdata

#: The book's xindy module: page ranges joined by an en dash (litreview-editions loads it).
XINDY_STYLE = Path(__file__).with_name("litindex.xdy")
#: Pages whose own text is not indexed again: the back matter lists, not discusses.
NOT_INDEXED = ("references", "glossary", "how-to-cite", "provenance", "colophon")


def _walk(node: nodes.Node, page: str) -> Iterator[tuple[nodes.Element, str]]:
    """Each element and its page. In the PDF's one assembled document a page's nodes sit under its
    ``start_of_file``, whose children do not point back to it: so this walks down."""
    if isinstance(node, addnodes.start_of_file):
        page = node["docname"]
    if isinstance(node, nodes.Element):
        yield node, page
        for child in node.children:
            yield from _walk(child, page)


def _entry(names: list[str]) -> addnodes.index:
    return addnodes.index(entries=[("single", name, "", "", None) for name in names], inline=True)


class IndexDiscussions(SphinxPostTransform):
    """Index each citation of an article under its makers, each glossary link under its term."""

    default_priority = 350  # after the book's structure (100); before IndexHyphens (400) spells them
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        root = self.config.root_doc
        entries = bookdata.bib_data(self.env).entries
        makers = {
            meta.key: [name.inverted for name in bib.makers(entries[meta.key])]
            for meta in bookdata.seeds(self.env)
            if meta.key in entries
        }
        terms = {
            node_id: term.astext() for term in self.document.findall(nodes.term) for node_id in term["ids"]
        }
        found = [(n, page) for n, page in _walk(self.document, root) if self._indexed(n, page)]
        for citation, _page in found:
            if not isinstance(citation, nodes.inline) or "bibtex-citation" not in citation["classes"]:
                continue
            try:
                keys = [target.key for target in parse_citation_targets(citation.rawsource)]
            except ValueError:
                continue
            names = list(dict.fromkeys(name for key in keys for name in makers.get(key, [])))
            if names:
                citation.parent.insert(citation.parent.index(citation), _entry(names))
        for ref, _page in found:
            inner = ref.next_node(nodes.inline) if isinstance(ref, nodes.reference) else None
            if inner is None or "std-term" not in inner["classes"]:
                continue
            term = terms.get(ref.get("refuri", "").partition("#")[2])
            if term:
                ref.parent.insert(ref.parent.index(ref), _entry([term]))
        for sof in list(self.document.findall(addnodes.start_of_file)):
            docname = sof["docname"]
            key = bookdata.article_key(self.env, docname) if bookdata.is_article_chapter(docname) else ""
            section = sof.next_node(nodes.section)
            if key in makers and section is not None and isinstance(section[0], nodes.title):
                section.insert(1, addnodes.index(entries=_entry(makers[key])["entries"], inline=False))

    @staticmethod
    def _indexed(node: nodes.Element, page: str) -> bool:
        """Our own running text: not a title or caption (moving arguments), not the back matter."""
        if any(isinstance(a, (nodes.title, nodes.caption, nodes.subtitle)) for a in ancestors(node)):
            return False
        return page not in NOT_INDEXED


def add_xindy_style(app: Sphinx, config: Config) -> None:
    """config-inited: ship ``litindex.xdy`` into the LaTeX output folder, where xindy finds it."""
    path = str(XINDY_STYLE)
    if path not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, path]
