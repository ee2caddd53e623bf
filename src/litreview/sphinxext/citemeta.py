"""Sphinx extension: citation metadata in every HTML page's head, OpenGraph tags and a sitemap.

Pages that are ours (front page, review, back matter) describe themselves as the book or a
chapter of it: ``citation_title``, one ``citation_author`` per editor, the date, the book as
``citation_inbook_title`` (Google Scholar's and Zotero's tags) and Dublin Core. An article
chapter is someone else's work: its tags describe the *original* article from its refs.bib
entry (``DC.source`` is the original), never the book. With ``html_baseurl`` set (the book's address,
:func:`litreview.core.rights.address`), pages of ours name their ``citation_public_url`` and, once
the PDF is built, the book's ``citation_pdf_url``; pages get OpenGraph tags and the build writes
``sitemap.xml``. Without it, nothing absolute is invented.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pybtex.database import Entry
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core import bib, dates
from litreview.core.files import write_atomic
from litreview.core.outputs import DOWNLOADS_DIR, EDITIONS
from litreview.sphinxext import bookdata, derived
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)


def our_tags(app: Sphinx, pagename: str) -> list[tuple[str, str]]:
    """(name, content) pairs for a page of ours: the book, or a chapter in it."""
    book = bookdata.book(app.env)
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else book.title
    front = pagename == app.config.root_doc
    released = dates.PartialDate(book.date_released.year, book.date_released.month, book.date_released.day)
    tags = [("citation_title", book.title if front else title)]
    tags += [("citation_author", e.inverted) for e in book.editors]
    tags += [("citation_publication_date", released.scholar())]
    if not front:
        tags += [("citation_inbook_title", book.title)]
    tags += [("citation_language", app.config.language or "en")]
    url = bookdata.page_url(app.config, pagename)
    if url:
        tags += [("citation_public_url", url), ("citation_pdf_url", pdf_url(app))]
    tags += [("DC.title", book.title if front else title)]
    tags += [("DC.creator", e.inverted) for e in book.editors]
    tags += [("DC.date", released.iso()), ("DC.language", app.config.language or "en")]
    tags += [("DC.type", "Text"), ("DC.rights", book.license)]
    if not front:
        tags += [("DC.relation.isPartOf", book.title)]
    if front and book.abstract:
        tags += [("DC.description", book.abstract), ("description", book.abstract)]
    return [(k, v) for k, v in tags if v]


def pdf_url(app: Sphinx) -> str:
    """The PDF edition's public address: only with a base URL, and only once the PDF is built (the
    HTML build copies it into downloads/); else "" (no address is promised that does not exist)."""
    pdf = EDITIONS["PDF"]
    if not app.config.html_baseurl or app.builder.name != "html" or not (Path(app.confdir) / pdf).is_file():
        return ""
    return posixpath.join(app.config.html_baseurl, DOWNLOADS_DIR, pdf.name)


def original_tags(app: Sphinx, key: str, pagename: str | None = None) -> list[tuple[str, str]]:
    """(name, content) pairs describing the original article ``key`` from its refs.bib entry."""
    entries = bookdata.bib_data(app.env).entries
    if key not in entries:
        message = "'%s' (the chapter's original article) is not in the bibliography"
        warn(logger, LitreviewWarnings.CITATION_META, message, key, location=pagename)
        return []
    entry = entries[key]
    authors = bib.people(entry, "author")
    try:
        date = bib.issued(entry)
    except ValueError:  # reported once, with file and line, by litreview.sphinxext.exports
        date = []
    url = bib.raw_field(entry, "url")
    tags = [("citation_title", bib.field_text(entry, "title"))]
    tags += [("citation_author", a.inverted) for a in authors]
    if date:
        tags += [("citation_publication_date", date[0].scholar())]
    if entry.type.lower() == "article":
        tags += [("citation_journal_title", bib.field_text(entry, "journal", "journaltitle"))]
    tags += [
        ("citation_volume", bib.field_text(entry, "volume")),
        ("citation_issue", bib.field_text(entry, "issue", "number")),
    ]
    pages = bib.field_text(entry, "pages").replace("–", "-").split("-")
    tags += [("citation_firstpage", pages[0]), ("citation_lastpage", pages[-1] if len(pages) > 1 else "")]
    tags += [("citation_publisher", bib.field_text(entry, "publisher", "organization", "institution"))]
    tags += [("citation_doi", bib.raw_field(entry, "doi")), ("citation_public_url", url)]
    tags += [("DC.title", bib.field_text(entry, "title"))]
    tags += [("DC.creator", a.inverted) for a in authors]
    if date:
        tags += [("DC.date", date[0].iso())]
    doi = bib.raw_field(entry, "doi")
    source = url or (f"https://doi.org/{doi}" if doi else "")
    tags += [("DC.source", source or original_citation(entry))]
    return [(k, v) for k, v in tags if v]


def original_citation(entry: Entry) -> str:
    """A one-line plain citation of an entry with no URL or DOI: authors, title, venue, year."""
    who = "; ".join(a.inverted for a in bib.people(entry, "author"))
    venue = bib.field_text(entry, "journal", "journaltitle", "booktitle", "howpublished", "organization",
                           "publisher")  # fmt: skip
    return ". ".join(p for p in (who, bib.field_text(entry, "title"), venue, bib.year(entry) or "") if p)


def og_tags(app: Sphinx, pagename: str, context: dict[str, Any]) -> list[tuple[str, str]]:
    """OpenGraph (property, content) pairs; only with a public base URL, since og:url is absolute."""
    url = context.get("pageurl") or bookdata.page_url(app.config, pagename)
    if not app.config.html_baseurl or not url:
        return []
    book = bookdata.book(app.env)
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else book.title
    front = pagename == app.config.root_doc
    tags = [("og:title", title), ("og:type", "book" if front else "article"), ("og:url", url)]
    tags += [("og:site_name", book.title), ("og:locale", (app.config.language or "en").replace("-", "_"))]
    if front and book.abstract:
        tags += [("og:description", book.abstract)]
    return tags


def add_metatags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: append this page's tags to the template's ``metatags``."""
    if not bookdata.is_web_html(app) or pagename not in app.env.all_docs:
        return
    if bookdata.is_article_chapter(pagename):
        key = bookdata.article_key(app.env, pagename)
        if not key:
            warn(logger, LitreviewWarnings.CITATION_META,
                 "article chapter with no original article (no '%s:' field, no seed)",
                 bookdata.FRONT_MATTER_KEY, location=pagename)  # fmt: skip
        entry = bookdata.bib_data(app.env).entries.get(key) if key else None
        tags = SCHOLAR_TAGS(app.env, key, entry) if entry is not None else []
        if key and entry is None:
            tags = original_tags(app, key, pagename)  # warns: not in the bibliography
    else:
        tags = our_tags(app, pagename)
    lines = [f'<meta name="{html.escape(k)}" content="{html.escape(v)}" />' for k, v in tags]
    lines += [
        f'<meta property="{k}" content="{html.escape(v)}" />' for k, v in og_tags(app, pagename, context)
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: sitemap.xml listing every page, when the book has a public base URL."""
    if exception is not None or not bookdata.is_web_html(app) or not app.config.html_baseurl:
        return
    if app.builder.name == "singlehtml":
        return
    locs = [
        posixpath.join(app.config.html_baseurl, app.builder.get_target_uri(d))
        for d in sorted(app.env.found_docs)
    ]
    body = "".join(f"  <url><loc>{escape(loc)}</loc></url>\n" for loc in locs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    )
    write_atomic(Path(app.outdir) / "sitemap.xml", xml)


#: The Scholar tags of an article chapter: from its original's entry.
SCHOLAR_TAGS = derived.kind(
    "scholar-tags",
    inputs=lambda env, key, entry: (key, derived.entry_inputs(env, entry)),
    compute=lambda env, key, entry: original_tags(bookdata.app_of(env), key),
)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.connect("builder-inited", bookdata.require_book, priority=150)
    app.connect("html-page-context", add_metatags)
    app.connect("build-finished", write_sitemap)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
