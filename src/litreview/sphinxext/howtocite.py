"""Sphinx extension: "How to cite" references and BibTeX, generated from the bibliography's data.

The book and its chapters of our own are cited from CITATION.cff (:mod:`litreview.core.bookcite`);
an article chapter is cited as the original article, from its refs.bib entry. Directives:

``{cite-book}``             the book: formatted reference and a BibTeX entry
``{cite-review-chapters}``  each review page (docnames under ``review/``), the same way
``{cite-original} KEY``     the original article ``KEY``: the References page's formatted entry
                            and the entry exactly as refs.bib holds it
``{cite-originals}``        ``{cite-original}`` for every article chapter, in reading order
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.domain import get_docnames

from litreview.core.book import Book
from litreview.core.bookcite import book_bibtex, book_reference, chapter_bibtex, chapter_reference
from litreview.core.errors import CitingError, LitReviewError
from litreview.sphinxext import bibtex_refs, bookdata, derived
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)


class howtocite_node(nodes.General, nodes.Element):
    """Placeholder filled in once every page's title and citation are known."""


def _placeholder(directive: SphinxDirective, **attrs: Any) -> list[nodes.Node]:
    node = howtocite_node(**attrs)
    directive.set_source_info(node)
    bookdata.note_listing_page(directive.env, directive.env.docname)
    return [node]


def _rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: pages listing other pages' titles are rewritten when what they list changed."""
    pages = sorted(bookdata.listing_pages(env))
    return pages if pages and HOW_TO_CITE.changed(env) else []


def listed_inputs(env: BuildEnvironment) -> tuple:
    """What the listing pages read from elsewhere: the book's facts, reading order, the review's and
    the articles' titles and keys, and refs.bib (each original's entry, as written and formatted)."""
    docnames = [
        d for d in get_docnames(env) if d.startswith(bookdata.REVIEW) or bookdata.is_article_chapter(d)
    ]
    try:
        book = repr(bookdata.book(env))
    except LitReviewError:  # reported where a directive needs it
        book = None
    return (
        book,
        env.config.html_baseurl,
        env.config.bibtex_default_style,
        tuple(
            (d, env.titles[d].astext() if d in env.titles else None, bookdata.article_key(env, d))
            for d in docnames
        ),
        derived.bib_inputs(env),
    )


class CiteBook(SphinxDirective):
    """``{cite-book}``: the book, as a reference and a BibTeX entry."""

    def run(self) -> list[nodes.Node]:
        return _placeholder(self, what="book")


class CiteReviewChapters(SphinxDirective):
    """``{cite-review-chapters}``: every review page, as a reference and a BibTeX entry."""

    def run(self) -> list[nodes.Node]:
        return _placeholder(self, what="review")


class CiteOriginal(SphinxDirective):
    """``{cite-original} KEY``: the original article, from its refs.bib entry."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        return _placeholder(self, what="original", key=self.arguments[0])


class CiteOriginals(SphinxDirective):
    """``{cite-originals}``: ``{cite-original}`` for every article chapter, in reading order."""

    def run(self) -> list[nodes.Node]:
        return _placeholder(self, what="originals")


def article_chapters(env: BuildEnvironment) -> list[tuple[str, str]]:
    """(docname, refs.bib key) of each article chapter, in reading order."""
    found = []
    for docname in get_docnames(env):
        if bookdata.is_article_chapter(docname):
            key = bookdata.article_key(env, docname)
            if key:
                found.append((docname, key))
    return found


class HowToCite(SphinxPostTransform):
    """Replace the placeholders with references and BibTeX blocks."""

    default_priority = 6  # after the bibliographies exist, before references resolve

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(howtocite_node)):
            what = node["what"]
            new: nodes.Node | list[nodes.Node]
            try:
                if what == "book":
                    new = self.block(
                        None, book_reference(self.book, self.url()), book_bibtex(self.book, self.url())
                    )
                elif what == "review":
                    new = [self.chapter(d) for d in get_docnames(self.env) if d.startswith(bookdata.REVIEW)]
                elif what == "original":
                    new = self.original(node["key"], None)
                else:
                    new = [self.original(key, doc) for doc, key in article_chapters(self.env)]
            except LitReviewError as exc:
                warn(logger, LitreviewWarnings.HOW_TO_CITE, "%s", exc, location=node)
                node.parent.remove(node)
                continue
            if isinstance(new, list) and not new:
                message = "%s: nothing to cite (no pages found)"
                warn(logger, LitreviewWarnings.HOW_TO_CITE, message, what, location=node)
                node.parent.remove(node)
                continue
            node.replace_self(new)

    @property
    def book(self) -> Book:
        return bookdata.book(self.env)

    def url(self, docname: str | None = None) -> str:
        """A chapter's page address, or the book's own address (its base URL); "" without one."""
        return bookdata.page_url(self.config, docname) if docname else self.config.html_baseurl

    def link(self, docname: str) -> addnodes.pending_xref:
        """A link to a page that every builder resolves (HTML, LaTeX, EPUB)."""
        title = self.env.titles[docname].astext()
        inner = nodes.inline("", title)
        return addnodes.pending_xref(
            "", inner, refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=True,
            refdoc=self.env.docname,
        )  # fmt: skip

    def block(self, docname: str | None, reference: Text, bibtex: str) -> nodes.container:
        """A titled (linked) block: the formatted reference, then the BibTeX entry to copy."""
        box = nodes.container(classes=["how-to-cite"])
        if docname:
            box += nodes.paragraph(
                "", "", nodes.strong("", "", self.link(docname)), classes=["how-to-cite-title"]
            )
        backend = find_plugin("pybtex.backends", "docutils")()
        box += nodes.paragraph("", "", *reference.render(backend), classes=["how-to-cite-reference"])
        code = nodes.literal_block(bibtex, bibtex, language="bibtex", classes=["how-to-cite-bibtex"])
        box += code
        return box

    def chapter(self, docname: str) -> nodes.container:
        title = self.env.titles[docname].astext()
        url = self.url(docname)
        return self.block(
            docname, chapter_reference(self.book, title, url), chapter_bibtex(self.book, docname, title, url)
        )

    def original(self, key: str, docname: str | None) -> nodes.container:
        """The original article: the bibliography's own formatted entry and its refs.bib text."""
        source = bookdata.entry_source(self.env, key)
        if source is None:
            raise CitingError(f"'{key}' is not in the bibliography")
        domain = bibtex_refs.domain(self.env)
        formatted = next((c.formatted_entry for c in domain.citations if c.key == key), None)
        if formatted is None:  # in no bibliography on any page: format it with the same style
            style = find_plugin("pybtex.style.formatting", self.config.bibtex_default_style)()
            formatted = style.format_entry("", bookdata.bib_data(self.env).entries[key])
        return self.block(docname, formatted.text, source.text)


#: The listing pages (How to cite): written again when what they list changed.
HOW_TO_CITE = derived.listing("how-to-cite", listed_inputs)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.add_node(howtocite_node)
    app.add_directive("cite-book", CiteBook)
    app.add_directive("cite-review-chapters", CiteReviewChapters)
    app.add_directive("cite-original", CiteOriginal)
    app.add_directive("cite-originals", CiteOriginals)
    app.add_post_transform(HowToCite)
    app.connect("env-get-updated", _rewrite)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
