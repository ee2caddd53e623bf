"""Sphinx extension: citation metadata in every HTML page's head, OpenGraph tags and a sitemap.

Pages that are ours (front page, review, back matter) describe themselves as the book or a
chapter of it: ``citation_title``, one ``citation_author`` per editor, the date, the book as
``citation_inbook_title`` (Google Scholar's and Zotero's tags) and Dublin Core. An article
chapter is someone else's work: its tags describe the *original* article from its refs.bib
entry (``DC.source`` is the original), never the book. With ``html_baseurl`` set, pages also get
OpenGraph tags and the build writes ``sitemap.xml``; without it, nothing absolute is invented.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.util import logging

from litreview.errors import LitReviewError
from litreview.exports import field, is_web_html, issued, names, plain, raw_field
from litreview.howtocite import ARTICLES_PREFIX, book_of, page_url

logger = logging.getLogger(__name__)

FRONT_MATTER_KEY = "original"  # a chapter may name its article's refs.bib key in its front matter
SEED_KEYS = "_litreview_seed_keys"  # app attribute: chapter docname → key, from seeds/*.toml


def is_article_chapter(docname: str) -> bool:
    """Chapters that reproduce someone else's article (not the articles' index page)."""
    return docname.startswith(ARTICLES_PREFIX) and docname != ARTICLES_PREFIX + "index"


def seed_keys(app: Sphinx) -> dict[str, str]:
    """Chapter docname → article key, from the seed metadata (read once per build)."""
    if not hasattr(app, SEED_KEYS):
        from litreview.seedmeta import load_all

        keys: dict[str, str] = {}
        try:
            keys = {ARTICLES_PREFIX + m.slug: m.key for m in load_all(Path(app.confdir) / "seeds")}
        except LitReviewError as exc:
            logger.warning("%s", exc.message, location=f"{exc.path}:{exc.line or 0}", type="litreview")
        setattr(app, SEED_KEYS, keys)
    return getattr(app, SEED_KEYS)


def original_key(app: Sphinx, docname: str) -> str:
    """The refs.bib key of the article a chapter reproduces: front matter first, then seed metadata."""
    key = app.env.metadata.get(docname, {}).get(FRONT_MATTER_KEY) or seed_keys(app).get(docname, "")
    if not key:
        logger.warning("article chapter with no original article (no '%s:' field, no seed)", FRONT_MATTER_KEY,
                       location=docname)  # fmt: skip
    return str(key)


def scholar_date(parts: list[int]) -> str:
    """Google Scholar's date form: 2022/02/09, 2022/02 or 2022."""
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def iso_date(parts: list[int]) -> str:
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def our_tags(app: Sphinx, pagename: str) -> list[tuple[str, str]]:
    """(name, content) pairs for a page of ours: the book, or a chapter in it."""
    book = book_of(app)
    info = book.info
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else info.title
    front = pagename == app.config.root_doc
    date = [info.date_released.year, info.date_released.month, info.date_released.day]
    tags = [("citation_title", info.title if front else title)]
    tags += [("citation_author", e.inverted) for e in book.editors]
    tags += [("citation_publication_date", scholar_date(date))]
    if not front:
        tags += [("citation_inbook_title", info.title)]
    tags += [("citation_language", app.config.language or "en")]
    url = page_url(app.config, pagename)
    if url:
        tags += [("citation_public_url", url)]
    tags += [("DC.title", info.title if front else title)]
    tags += [("DC.creator", e.inverted) for e in book.editors]
    tags += [("DC.date", iso_date(date)), ("DC.language", app.config.language or "en")]
    tags += [("DC.type", "Text"), ("DC.rights", info.license)]
    if not front:
        tags += [("DC.relation.isPartOf", info.title)]
    if front and info.abstract:
        tags += [("DC.description", info.abstract), ("description", info.abstract)]
    return [(k, v) for k, v in tags if v]


def original_tags(app: Sphinx, key: str) -> list[tuple[str, str]]:
    """(name, content) pairs describing the original article ``key`` from its refs.bib entry."""
    entries = app.env.get_domain("cite").bibdata.data.entries
    if key not in entries:
        logger.warning("'%s' (the chapter's original article) is not in the bibliography", key)
        return []
    entry = entries[key]
    authors = names(entry, "author")
    try:
        date = issued(entry)
    except (ValueError, KeyError):  # reported once, with file and line, by litreview.exports
        date = []
    url = raw_field(entry, "url")
    tags = [("citation_title", field(entry, "title"))]
    tags += [("citation_author", a.inverted) for a in authors]
    if date:
        tags += [("citation_publication_date", scholar_date(date[0]))]
    if entry.type.lower() == "article":
        tags += [("citation_journal_title", field(entry, "journal", "journaltitle"))]
    tags += [("citation_volume", field(entry, "volume")), ("citation_issue", field(entry, "issue", "number"))]
    pages = plain(raw_field(entry, "pages")).replace("–", "-").split("-")
    tags += [("citation_firstpage", pages[0]), ("citation_lastpage", pages[-1] if len(pages) > 1 else "")]
    tags += [("citation_publisher", field(entry, "publisher", "organization", "institution"))]
    tags += [("citation_doi", raw_field(entry, "doi")), ("citation_public_url", url)]
    tags += [("DC.title", field(entry, "title"))]
    tags += [("DC.creator", a.inverted) for a in authors]
    if date:
        tags += [("DC.date", iso_date(date[0]))]
    doi = raw_field(entry, "doi")
    source = url or (f"https://doi.org/{doi}" if doi else "")
    tags += [("DC.source", source or original_citation(entry))]
    return [(k, v) for k, v in tags if v]


def original_citation(entry: Any) -> str:
    """A one-line plain citation of an entry with no URL or DOI: authors, title, venue, year."""
    who = "; ".join(a.inverted for a in names(entry, "author"))
    venue = field(entry, "journal", "journaltitle", "booktitle", "howpublished", "organization", "publisher")
    try:
        year = str(issued(entry)[0][0]) if issued(entry) else ""
    except (ValueError, KeyError):
        year = ""
    return ". ".join(p for p in (who, field(entry, "title"), venue, year) if p)


def og_tags(app: Sphinx, pagename: str, context: dict[str, Any]) -> list[tuple[str, str]]:
    """OpenGraph (property, content) pairs; only with a public base URL, since og:url is absolute."""
    url = context.get("pageurl") or page_url(app.config, pagename)
    if not app.config.html_baseurl or not url:
        return []
    info = book_of(app).info
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else info.title
    front = pagename == app.config.root_doc
    tags = [("og:title", title), ("og:type", "book" if front else "article"), ("og:url", url)]
    tags += [("og:site_name", info.title), ("og:locale", (app.config.language or "en").replace("-", "_"))]
    if front and info.abstract:
        tags += [("og:description", info.abstract)]
    return tags


def add_metatags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """html-page-context: append this page's tags to the template's ``metatags``."""
    if not is_web_html(app) or pagename not in app.env.all_docs:
        return
    if is_article_chapter(pagename):
        key = original_key(app, pagename)
        tags = original_tags(app, key) if key else []
    else:
        tags = our_tags(app, pagename)
    lines = [f'<meta name="{html.escape(k)}" content="{html.escape(v)}" />' for k, v in tags]
    lines += [
        f'<meta property="{k}" content="{html.escape(v)}" />' for k, v in og_tags(app, pagename, context)
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: sitemap.xml listing every page, when the book has a public base URL."""
    if exception is not None or not is_web_html(app) or not app.config.html_baseurl:
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
    out = Path(app.outdir) / "sitemap.xml"
    tmp = out.with_suffix(".xml.tmp")
    tmp.write_text(xml, encoding="utf-8")
    tmp.replace(out)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("litreview.howtocite")
    app.connect("html-page-context", add_metatags)
    app.connect("build-finished", write_sitemap)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
