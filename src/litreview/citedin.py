"""Sphinx extension: "cited in" links and a COinS span on every entry of the References page.

Each entry of a bibliography that citations link to (sphinxcontrib-bibtex's ``citation`` list)
gets a line "Cited in: <page>, <page>" pointing back to the first place each page cites it,
read from the bibtex domain's own record of citations; and a COinS span (Z39.88-2004 KEV in
``<span class="Z3988" title="…">``) so Zotero can import the whole reading list at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from pybtex.database import Entry
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinxcontrib.bibtex.domain import get_docnames

from litreview.exports import field, is_web_html, issued, names, raw_field

logger = logging.getLogger(__name__)

BOOKS = {"book", "mvbook", "collection", "proceedings"}
BOOK_PARTS = {"inbook", "incollection", "inproceedings"}
ANCHOR = "cited-{key}"  # the first citation of a key on a page: chapter.html#cited-<key>
ENV_KEY = "litreview_cited_anchors"  # env attribute: docname → {key: anchor id}


def anchors(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """Per page, the anchors planted before the first citation of each key."""
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    return getattr(env, ENV_KEY)


def cited_keys(env: BuildEnvironment, docname: str) -> Iterator[tuple[str, str]]:
    """(citation_ref_id, key) for every key the page cites, in the order the domain saw them."""
    for ref in env.get_domain("cite").citation_refs:
        if ref.docname == docname:
            for target in ref.targets:
                yield ref.citation_ref_id, target.key


def plant_anchors(app: Sphinx, doctree: nodes.document) -> None:
    """Before the first citation of each key on a page, put an empty anchor ``cited-<key>``.

    Works for any role that records a CitationRef whose id is on its node ({cite:p},
    {cite:t}, {seedcite}); the citation node itself is replaced when references resolve,
    so the anchor must be a node of its own.
    """
    env = app.env
    by_id = {i: n for n in doctree.findall(nodes.Element) for i in n.get("ids", [])}
    planted: dict[str, str] = {}
    for ref_id, key in cited_keys(env, env.docname):
        node = by_id.get(ref_id)
        if key in planted or node is None or node.parent is None:
            continue
        anchor = nodes.inline("", "", ids=[ANCHOR.format(key=key)], classes=["cited-anchor"])
        node.parent.insert(node.parent.index(node), anchor)
        planted[key] = anchor["ids"][0]
    anchors(env)[env.docname] = planted


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    anchors(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in anchors(other):
            anchors(env)[docname] = anchors(other)[docname]


def citing_pages(env: BuildEnvironment, key: str, exclude: str) -> list[str]:
    """The pages that cite ``key``, in reading order (the book's toctree order)."""
    refs = env.get_domain("cite").citation_refs
    citing = {ref.docname for ref in refs if key in {t.key for t in ref.targets}}
    return [d for d in get_docnames(env) if d in citing and d != exclude]


def _kev_date(entry: Entry) -> str:
    try:
        parts = issued(entry)
    except (ValueError, KeyError):  # reported once, with file and line, by litreview.exports
        return ""
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0])) if parts else ""


def coins(key: str, entry: Entry) -> str:
    """The entry as an OpenURL 1.0 ContextObject (Z39.88-2004 KEV), the text of a COinS ``title``."""
    kind = entry.type.lower()
    authors = names(entry, "author")
    title = field(entry, "title")
    if kind == "article":
        fmt, genre = "journal", "article"
        pairs = [("rft.atitle", title), ("rft.jtitle", field(entry, "journal", "journaltitle"))]
        pairs += [("rft.volume", field(entry, "volume")), ("rft.issue", field(entry, "issue", "number"))]
    elif kind in BOOK_PARTS or kind in BOOKS:
        fmt, genre = "book", "bookitem" if kind in BOOK_PARTS else "book"
        if kind in BOOK_PARTS:
            pairs = [("rft.atitle", title), ("rft.btitle", field(entry, "booktitle"))]
        else:
            pairs = [("rft.btitle", title)]
        pairs += [("rft.pub", field(entry, "publisher")), ("rft.place", field(entry, "location", "address"))]
    else:  # web pages, reports, documents: Dublin Core
        fmt, genre = "dc", ""
        pairs = [("rft.type", "webpage" if kind == "online" else kind), ("rft.title", title)]
        pairs += [("rft.publisher", field(entry, "publisher", "organization", "institution"))]
        pairs += [("rft.source", field(entry, "journal", "journaltitle", "howpublished"))]
    head = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}"), ("rft.genre", genre)]
    pairs = head + pairs
    if fmt == "dc":
        pairs += [("rft.creator", a.inverted) for a in authors]
    else:
        if authors and not authors[0].literal:
            pairs += [("rft.aulast", authors[0].family), ("rft.aufirst", authors[0].given)]
        pairs += [("rft.aucorp" if a.literal else "rft.au", a.inverted) for a in authors]
        pages = raw_field(entry, "pages").replace("--", "-").split("-")
        pairs += [("rft.pages", "-".join(pages)), ("rft.spage", pages[0])]
        if len(pages) > 1:
            pairs += [("rft.epage", pages[-1])]
    pairs += [("rft.date", _kev_date(entry))]
    if raw_field(entry, "doi"):
        pairs += [("rft_id", f"info:doi/{raw_field(entry, 'doi')}")]
    if raw_field(entry, "url"):
        pairs += [("rft_id", raw_field(entry, "url"))]
    return urlencode([(k, v) for k, v in pairs if v])


class CitedIn(SphinxPostTransform):
    """Add "Cited in" links and a COinS span to each entry of a ``citation``-list bibliography."""

    default_priority = 6  # after sphinxcontrib-bibtex made the entries (5)

    def run(self, **kwargs: Any) -> None:
        if not is_web_html(self.app):
            return
        domain = self.env.get_domain("cite")
        docname = self.env.docname
        by_id = {i: n for n in self.document.findall(nodes.citation) for i in n.get("ids", [])}
        for citation in domain.citations:
            if citation.bibliography_key.docname != docname:
                continue
            if domain.bibliographies[citation.bibliography_key].list_ != "citation":
                continue
            node = by_id.get(citation.citation_id)
            if node is None:
                continue
            pages = citing_pages(self.env, citation.key, exclude=docname)
            if pages:  # an entry nothing cites is the citation lint's business, not a build error
                node += self.cited_in(citation.key, pages)
            span = f'<span class="Z3988" title="{_attr(coins(citation.key, citation.entry))}"></span>'
            node += nodes.raw("", span, format="html")

    def cited_in(self, key: str, pages: list[str]) -> nodes.paragraph:
        para = nodes.paragraph(classes=["cited-in"])
        para += nodes.Text("Cited in: ")
        for i, page in enumerate(pages):
            if i:
                para += nodes.Text("; ")
            uri = self.app.builder.get_relative_uri(self.env.docname, page)
            anchor = anchors(self.env).get(page, {}).get(key)
            title = self.env.titles[page].astext() if page in self.env.titles else page
            para += nodes.reference("", title, refuri=f"{uri}#{anchor}" if anchor else uri, internal=True)
        return para


def rewrite_bibliographies(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: pages with a cited-in list are rewritten whenever any page was read."""
    domain = env.get_domain("cite")
    return sorted({key.docname for key, bib in domain.bibliographies.items() if bib.list_ == "citation"})


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("doctree-read", plant_anchors)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.add_post_transform(CitedIn)
    app.connect("env-get-updated", rewrite_bibliographies)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
