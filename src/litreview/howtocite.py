"""Sphinx extension: "How to cite" references and BibTeX, generated from the bibliography's data.

The book and its chapters of our own are cited from CITATION.cff (through
:func:`litreview.bookinfo.load_book_info`); an article chapter is cited as the original
article, from its refs.bib entry. Directives:

``{cite-book}``             the book: formatted reference and a BibTeX entry
``{cite-review-chapters}``  each review page (docnames under ``review/``), the same way
``{cite-original} KEY``     the original article ``KEY``: the References page's formatted entry
                            and the entry exactly as refs.bib holds it
``{cite-originals}``        ``{cite-original}`` for every article chapter, in reading order
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from pybtex.plugin import find_plugin
from pybtex.richtext import HRef, Tag, Text
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.bibtex.domain import get_docnames

from litreview.bookinfo import BookInfo, load_book_info
from litreview.errors import BookInfoError, CitingError
from litreview.exports import Name, entry_source

logger = logging.getLogger(__name__)

REVIEW_PREFIX = "review/"
ARTICLES_PREFIX = "articles/"
TITLE_SKIP = {"a", "an", "the", "is", "on", "of", "in", "to", "for"}


@dataclass(frozen=True)
class Book:
    """The book's citable facts: CITATION.cff's, with its people split into name parts."""

    info: BookInfo
    authors: tuple[Name, ...]
    editors: tuple[Name, ...]

    @property
    def key(self) -> str:
        """A BibTeX key in the bibliography's convention: first author, year, first title word."""
        first = self.authors[0]
        who = first.literal.split()[0] if first.literal else first.family
        words = [w for w in re.split(r"\s+", self.info.title) if ascii_word(w) not in TITLE_SKIP]
        return f"{ascii_word(who)}{self.info.year}{ascii_word(words[0])}"

    @property
    def separate_editors(self) -> bool:
        """True when the editors are not simply the authors again."""
        return self.editors != self.authors


def ascii_word(word: str) -> str:
    """Lower-case ASCII letters and digits only ("Russia’s" → "russias", "Ёж" → "ezh" is not tried)."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _cff_name(person: dict, path: Path) -> Name:
    if "name" in person:
        return Name(literal=str(person["name"]))
    if "family-names" not in person:
        raise BookInfoError("a person needs 'name' or 'family-names'", path)
    return Name(
        family=str(person["family-names"]),
        given=str(person.get("given-names", "")),
        particle=str(person.get("name-particle", "")),
        suffix=str(person.get("name-suffix", "")),
    )


def load_book(cff: Path) -> Book:
    """The book's facts from CITATION.cff, read once by bookinfo; people parsed into parts here."""
    info = load_book_info(cff)
    data = yaml.safe_load(cff.read_text(encoding="utf-8"))
    preferred = data.get("preferred-citation") or {}
    authors = tuple(_cff_name(p, cff) for p in preferred.get("authors") or data.get("authors") or [])
    editors = tuple(_cff_name(p, cff) for p in preferred.get("editors") or data.get("authors") or [])
    if len(editors) != len(info.editors):
        raise BookInfoError("editors read differently by bookinfo and howtocite", cff)
    if not authors:
        raise BookInfoError("no authors", cff)
    return Book(info, authors, editors)


def page_url(config: Config, docname: str) -> str:
    """The page's public URL when ``html_baseurl`` is set, else "" (nothing absolute is invented)."""
    if not config.html_baseurl:
        return ""
    return posixpath.join(config.html_baseurl, docname + (config.html_file_suffix or ".html"))


def bibtex_value(value: str) -> str:
    """A text field's value for BibTeX, with LaTeX's special characters escaped."""
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", value)


def bibtex_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """A BibTeX entry laid out like refs.bib's (fields aligned, one a line)."""
    width = max(len(name) for name, _ in fields)
    lines = [f"  {name:<{width}} = {{{value}}}," for name, value in fields if value]
    return f"@{kind}{{{key},\n" + "\n".join(lines) + "\n}"


def _people(names: tuple[Name, ...]) -> str:
    return " and ".join(n.bibtex for n in names)


def book_bibtex(book: Book, url: str = "") -> str:
    """The book as a BibTeX @book entry."""
    info = book.info
    return bibtex_entry(
        "book",
        book.key,
        [
            ("author", _people(book.authors)),
            ("editor", _people(book.editors) if book.separate_editors else ""),
            ("title", bibtex_value(info.title)),
            ("year", str(info.year)),
            ("date", info.date_released.isoformat()),
            ("note", f"Version {info.version}"),
            ("url", url),
        ],
    )


def chapter_key(book: Book, docname: str) -> str:
    """A chapter's key: the book's, then the page's file name ("digital2026russias-themes")."""
    return f"{book.key}-{docname.rsplit('/', 1)[-1]}"


def chapter_bibtex(book: Book, docname: str, title: str, url: str = "") -> str:
    """A chapter of ours as a BibTeX @incollection entry in the book."""
    info = book.info
    return bibtex_entry(
        "incollection",
        chapter_key(book, docname),
        [
            ("author", _people(book.authors)),
            ("editor", _people(book.editors)),
            ("title", bibtex_value(title)),
            ("booktitle", bibtex_value(info.title)),
            ("year", str(info.year)),
            ("date", info.date_released.isoformat()),
            ("note", f"Version {info.version}"),
            ("url", url),
        ],
    )


def _name_list(names: tuple[Name, ...]) -> str:
    shown = [n.display for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def book_reference(book: Book, url: str = "") -> Text:
    """The book as a formatted reference (author-date, like the bibliography)."""
    info = book.info
    parts: list[Any] = [_name_list(book.authors), f". {info.year}. ", Tag("em", info.title), ". "]
    if book.separate_editors:
        parts += [f"Edited by {_name_list(book.editors)}. "]
    parts += [f"Version {info.version}, released {info.date_released:%-d %B %Y}."]
    if url:
        parts += [" ", HRef(url, url), "."]
    return Text(*parts)


def chapter_reference(book: Book, title: str, url: str = "") -> Text:
    """A chapter of ours as a formatted reference."""
    info = book.info
    parts: list[Any] = [_name_list(book.authors), f". {info.year}. “{title}.” In ", Tag("em", info.title)]
    parts += [f", edited by {_name_list(book.editors)}. Version {info.version}."]
    if url:
        parts += [" ", HRef(url, url), "."]
    return Text(*parts)


class howtocite_node(nodes.General, nodes.Element):
    """Placeholder filled in once every page's title and citation are known."""


ENV_DOCS = "litreview_howtocite_docs"  # env attribute: pages holding a how-to-cite directive


def _docs(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, ENV_DOCS):
        setattr(env, ENV_DOCS, set())
    return getattr(env, ENV_DOCS)


def _placeholder(directive: SphinxDirective, **attrs: Any) -> list[nodes.Node]:
    node = howtocite_node(**attrs)
    directive.set_source_info(node)
    _docs(directive.env).add(directive.env.docname)
    return [node]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _docs(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _docs(env).update(_docs(other) & set(docnames))


def _rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: pages listing other pages' titles are rewritten whenever any page was read."""
    return sorted(_docs(env))


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


def article_chapters(app: Sphinx, env: BuildEnvironment) -> list[tuple[str, str]]:
    """(docname, refs.bib key) of each article chapter, in reading order.

    The key comes from the page's front matter (``original: KEY``) or else from the seed
    metadata (``seeds/*.toml``: slug → key).
    """
    from litreview.citemeta import original_key  # one lookup, shared with the page metadata

    found = []
    for docname in get_docnames(env):
        if docname.startswith(ARTICLES_PREFIX) and docname != ARTICLES_PREFIX + "index":
            key = original_key(app, docname)
            if key:
                found.append((docname, key))
    return found


def book_of(app: Sphinx) -> Book:
    """The book's facts, loaded once per build from ``litreview_citation_cff``."""
    if not hasattr(app, "_litreview_book"):  # on the app, not the pickled env: re-read every build
        app._litreview_book = load_book(Path(app.confdir) / app.config.litreview_citation_cff)
    return app._litreview_book


class HowToCite(SphinxPostTransform):
    """Replace the placeholders with references and BibTeX blocks."""

    default_priority = 6  # after the bibliographies exist, before references resolve

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(howtocite_node)):
            what = node["what"]
            try:
                if what == "book":
                    new = self.block(
                        None, book_reference(self.book, self.url()), book_bibtex(self.book, self.url())
                    )
                elif what == "review":
                    new = [self.chapter(d) for d in get_docnames(self.env) if d.startswith(REVIEW_PREFIX)]
                elif what == "original":
                    new = self.original(node["key"], None)
                else:
                    new = [self.original(key, doc) for doc, key in article_chapters(self.app, self.env)]
            except CitingError as exc:
                logger.warning("%s", exc, location=node)
                node.parent.remove(node)
                continue
            if isinstance(new, list) and not new:
                logger.warning("%s: nothing to cite (no pages found)", what, location=node)
                node.parent.remove(node)
                continue
            node.replace_self(new)

    @property
    def book(self) -> Book:
        return book_of(self.app)

    def url(self, docname: str | None = None) -> str:
        return page_url(self.config, docname or self.config.root_doc)

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
        domain = self.env.get_domain("cite")
        bibfile = next((Path(f) for f, data in domain.bibdata.bibfiles.items() if key in data.keys), None)
        if bibfile is None:
            raise CitingError(f"'{key}' is not in the bibliography")
        formatted = next((c.formatted_entry for c in domain.citations if c.key == key), None)
        if formatted is None:  # in no bibliography on any page: format it with the same style
            style = find_plugin("pybtex.style.formatting", self.config.bibtex_default_style)()
            formatted = style.format_entry("", domain.bibdata.data.entries[key])
        return self.block(docname, formatted.text, entry_source(bibfile, key))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_config_value("litreview_citation_cff", "CITATION.cff", "env", types=[str])
    app.add_node(howtocite_node)
    app.add_directive("cite-book", CiteBook)
    app.add_directive("cite-review-chapters", CiteReviewChapters)
    app.add_directive("cite-original", CiteOriginal)
    app.add_directive("cite-originals", CiteOriginals)
    app.add_post_transform(HowToCite)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _rewrite)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
