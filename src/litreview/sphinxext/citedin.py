"""Sphinx extension: "cited in" links and a COinS span on every entry of the References page.

Each entry of a bibliography that citations link to (sphinxcontrib-bibtex's ``citation`` list)
gets a line "Cited in: <page>, <page>" pointing back to the first place each page cites it,
read from the bibtex domain's own record of citations; and a COinS span (Z39.88-2004 KEV in
``<span class="Z3988" title="…">``) so Zotero can import the whole reading list at once.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.domain import get_docnames

from litreview.core.bib import field_text
from litreview.core.coins import coins
from litreview.core.typography import typographic
from litreview.sphinxext import bibtex_refs, bookdata, derived

logger = logging.getLogger(__name__)

ANCHOR = "cited-{key}"  # the first citation of a key on a page: chapter.html#cited-<key>


def cited_keys(env: BuildEnvironment, docname: str) -> Iterator[tuple[str, str]]:
    """(citation_ref_id, key) for every key the page cites, in the order the domain saw them."""
    for ref in env.domains["cite"].citation_refs:  # type: ignore[attr-defined]
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
    by_id = {i: n for n in doctree.findall(nodes.Element) for i in n["ids"]}
    planted: dict[str, str] = {}
    for ref_id, key in cited_keys(env, env.docname):
        node = by_id.get(ref_id)
        if key in planted or node is None or node.parent is None:
            continue
        anchor = nodes.inline("", "", ids=[ANCHOR.format(key=key)], classes=["cited-anchor"])
        node.parent.insert(node.parent.index(node), anchor)
        planted[key] = anchor["ids"][0]
    bookdata.cited_anchors(env)[env.docname] = planted


def citing_pages(env: BuildEnvironment, key: str, exclude: str) -> list[str]:
    """The pages that cite ``key``, in reading order (the book's toctree order)."""
    index = CITING_PAGES(env)
    return [d for d in index.get(key, ()) if d != exclude]


def _citing_index(env: BuildEnvironment) -> dict[str, list[str]]:
    """For every cited key, the pages that cite it in reading order: one pass over the citations."""
    keys_by_page: defaultdict[str, set[str]] = defaultdict(set)
    for ref in env.domains["cite"].citation_refs:  # type: ignore[attr-defined]
        keys_by_page[ref.docname].update(t.key for t in ref.targets)
    index: defaultdict[str, list[str]] = defaultdict(list)
    for docname in get_docnames(env):
        for key in keys_by_page.get(docname, ()):
            index[key].append(docname)
    return dict(index)


def cited_in_inputs(env: BuildEnvironment) -> tuple:
    """What the "cited in" lists read from other pages: reading order, citations, titles, anchors."""
    refs = bibtex_refs.citation_refs(env)
    citing = sorted({ref.docname for ref in refs})
    return (
        tuple(get_docnames(env)),
        tuple((ref.docname, tuple(t.key for t in ref.targets)) for ref in refs),
        tuple((d, env.titles[d].astext() if d in env.titles else d) for d in citing),
        tuple((d, tuple(sorted(bookdata.cited_anchors(env).get(d, {}).items()))) for d in citing),
    )


def reference_list_entries(transform: SphinxPostTransform) -> Iterator[tuple[Any, nodes.citation]]:
    """(domain citation, its node) for each entry of a ``citation``-list bibliography in this document
    (a page, or for LaTeX the whole book assembled into one document)."""
    domain = bibtex_refs.domain(transform.env)
    by_id = {i: n for n in transform.document.findall(nodes.citation) for i in n["ids"]}
    for citation in domain.citations:
        if domain.bibliographies[citation.bibliography_key].list_ != "citation":
            continue
        node = by_id.get(citation.citation_id)
        if node is not None:
            yield citation, node


class Verification(SphinxPostTransform):
    """Show the editors' verification record (``annotation``) under each entry of the References
    page, in every edition: what was checked and how, and what is only inferred."""

    default_priority = 6  # after sphinxcontrib-bibtex made the entries (5)

    @staticmethod
    def reference_entry_inputs(env: BuildEnvironment, docname: str, citation: Any) -> Hashable:
        """What this transform adds to an entry depends on (litreview.speedups.refpage keys on it)."""
        return field_text(citation.entry, "annotation")

    def run(self, **kwargs: Any) -> None:
        for citation, node in reference_list_entries(self):
            record = field_text(citation.entry, "annotation")
            if record:
                para = nodes.paragraph(classes=["verification"])
                para += nodes.emphasis("", "Editors’ verification: ")
                para += nodes.Text(typographic(record))
                node += para


class CitedIn(SphinxPostTransform):
    """Add "Cited in" links and a COinS span to each entry of a ``citation``-list bibliography."""

    default_priority = 7  # after the verification record (6)

    @staticmethod
    def reference_entry_inputs(env: BuildEnvironment, docname: str, citation: Any) -> Hashable:
        """What this transform adds to an entry depends on (litreview.speedups.refpage keys on it):
        the links (titles and addresses) and the entry's content, from which its COinS come."""
        if not bookdata.is_web_html(bookdata.app_of(env)):
            return None
        return tuple(cited_in_links(env, docname, citation.key)), derived.entry_inputs(env, citation.entry)

    def run(self, **kwargs: Any) -> None:
        if not bookdata.is_web_html(bookdata.app_of(self.env)):
            return
        docname = self.env.docname
        for citation, node in reference_list_entries(self):
            links = cited_in_links(self.env, docname, citation.key)
            if links:  # an entry nothing cites is the citation lint's business, not a build error
                node += self.cited_in(links)
            kev = COINS(self.env, citation.entry)
            span = f'<span class="Z3988" title="{html.escape(kev)}"></span>'
            node += nodes.raw("", span, format="html")

    def cited_in(self, links: list[tuple[str, str]]) -> nodes.paragraph:
        para = nodes.paragraph(classes=["cited-in"])
        para += nodes.Text("Cited in: ")
        for i, (title, uri) in enumerate(links):
            if i:
                para += nodes.Text("; ")
            para += nodes.reference("", title, refuri=uri, internal=True)
        return para


def cited_in_links(env: BuildEnvironment, docname: str, key: str) -> list[tuple[str, str]]:
    """(title, address) of each page that cites ``key``, in reading order, from ``docname``: the
    address of the first place the page cites it."""
    builder = bookdata.app_of(env).builder
    anchors = bookdata.cited_anchors(env)
    links = []
    for page in citing_pages(env, key, exclude=docname):
        uri = builder.get_relative_uri(docname, page)
        anchor = anchors.get(page, {}).get(key)
        title = env.titles[page].astext() if page in env.titles else page
        links.append((title, f"{uri}#{anchor}" if anchor else uri))
    return links


def add_stylesheet(app: Sphinx, config: Any) -> None:
    """The reference lists' layout (author–year, hanging indent, no bracketed labels)."""
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)
    app.add_css_file("bibliography.css")


def rewrite_bibliographies(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: pages with a cited-in list are rewritten when what they list changed."""
    domain = bibtex_refs.domain(env)
    pages = sorted({key.docname for key, bib in domain.bibliographies.items() if bib.list_ == "citation"})
    return pages if pages and CITED_IN.changed(env) else []


#: For every cited key, the pages that cite it (for this build only: cheaper to make than to check).
CITING_PAGES = derived.kind(
    "citing-pages", inputs=lambda env: None, compute=lambda env: _citing_index(env), keep=False
)
#: An entry's COinS span (its OpenURL key/value string).
COINS = derived.kind(
    "coins",
    inputs=lambda env, entry: derived.entry_inputs(env, entry),
    compute=lambda env, entry: coins(entry),
)
#: The pages with "cited in" lists: written again when what they list changed.
CITED_IN = derived.listing("cited-in", cited_in_inputs)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.connect("config-inited", bibtex_refs.check_version)
    app.connect("doctree-read", plant_anchors)
    app.add_post_transform(Verification)
    app.add_post_transform(CitedIn)
    app.connect("config-inited", add_stylesheet)
    app.connect("env-get-updated", rewrite_bibliographies)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
