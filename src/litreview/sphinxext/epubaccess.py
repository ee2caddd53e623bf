"""Sphinx extension: the EPUB as an accessibility checker (DAISY Ace) wants it.

- every page's ``<html>`` names its language (``lang`` and ``xml:lang``, from ``language``);
- the package declares the five schema.org accessibility metadata a publisher declares (how the
  book can be read, what it offers, that it has no hazard, and a summary);
- the navigation document's ``epub:type`` carries its matching ARIA role (``doc-toc``);
- the book's identifier is a URN, ``urn:uuid:`` derived (uuid5) from its facts (title, editors,
  version), the same in the package and the NCX;
- notes are EPUB 3 notes, which e-readers open as pop-ups: a note's marker says
  ``epub:type="noteref"`` and the note ``epub:type="footnote"`` (docutils gives the ARIA roles).

Sphinx's EPUB builder writes ``content.opf`` and ``nav.xhtml`` from its own templates; they are
amended just before the book is zipped (:func:`amend_epub`, on the ``litreview-epub-written``
event of :mod:`litreview.sphinxext.epub`), with lxml.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from lxml import etree
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext import bookdata
from litreview.sphinxext.epub import EPUB_WRITTEN

OPF = "http://www.idpf.org/2007/opf"
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"

#: What the book is, for a reader who cannot see it: text, tables and one figure whose text
#: alternative and table say the same. Each value is from the schema.org / EPUB Accessibility
#: vocabularies; the summary says it in words.
ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "index"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "The book is text with headings, a table of contents and an index; its tables have header "
        "rows; its one figure, a timeline, has a text alternative and the table below it lists the "
        "same events.",
    ),
]


def html_tag(language: str) -> str:
    """The ``<html>`` start tag of every EPUB page: XHTML and EPUB namespaces, and its language."""
    return f'<html xmlns="{XHTML}" xmlns:epub="{EPUB}" lang="{language}" xml:lang="{language}">'


def set_language(app: Sphinx) -> None:
    """builder-inited: the EPUB builder's pages open with an ``<html>`` that names the language."""
    if app.builder.name.startswith("epub"):
        app.builder.html_tag = html_tag(app.config.language or "en")  # type: ignore[attr-defined]


DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"


def book_urn(title: str, editors: str, version: str) -> str:
    """The book's identifier: the same facts give the same URN on every build."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, chr(31).join([title, editors, version]))}"


def set_identifier(opf: Path, ncx: Path, urn: str) -> None:
    """The package's unique identifier and the NCX's dtb:uid become ``urn``."""
    tree = etree.parse(str(opf))
    unique = tree.getroot().get("unique-identifier")
    for identifier in tree.iter(f"{{{DC}}}identifier"):
        if identifier.get("id") == unique:
            identifier.text = urn
    tree.write(str(opf), xml_declaration=True, encoding="UTF-8")
    toc = etree.parse(str(ncx))
    for meta in toc.iter(f"{{{NCX}}}meta"):
        if meta.get("name") == "dtb:uid":
            meta.set("content", urn)
    toc.write(str(ncx), xml_declaration=True, encoding="UTF-8")


def amend_package(opf: Path) -> None:
    """Add the accessibility metadata to content.opf (once)."""
    tree = etree.parse(str(opf))
    metadata = tree.getroot().find(f"{{{OPF}}}metadata")
    present = {m.get("property") for m in metadata.findall(f"{{{OPF}}}meta")}
    for prop, value in ACCESSIBILITY:
        if prop in present:
            continue
        meta = etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop)
        meta.text = value
        meta.tail = "\n    "
    tree.write(str(opf), xml_declaration=True, encoding="UTF-8")


def set_publication_date(opf: Path, released: dt.date) -> None:
    """``dc:date`` is when the edition was published (CITATION.cff's ``date-released``), not when it
    was built: Sphinx writes the build time there, which ``dcterms:modified`` already says."""
    tree = etree.parse(str(opf))
    metadata = tree.getroot().find(f"{{{OPF}}}metadata")
    date = metadata.find(f"{{{DC}}}date")
    if date is None:
        date = etree.SubElement(metadata, f"{{{DC}}}date")
    date.text = released.isoformat()
    tree.write(str(opf), xml_declaration=True, encoding="UTF-8")


def amend_nav(nav: Path) -> None:
    """Give the navigation document's ``<nav epub:type="…">`` its ARIA role."""
    tree = etree.parse(str(nav))
    roles = {"toc": "doc-toc", "landmarks": "navigation", "page-list": "doc-pagelist"}
    for element in tree.iter(f"{{{XHTML}}}nav"):
        kind = element.get(f"{{{EPUB}}}type")
        if kind in roles and not element.get("role"):
            element.set("role", roles[kind])
    tree.write(str(nav), xml_declaration=True, encoding="UTF-8")


#: EPUB 3 structural semantics for the ARIA roles docutils writes.
NOTE_TYPES = {"doc-noteref": "noteref", "doc-footnote": "footnote", "doc-endnote": "endnote"}


def label_cells(tree: Any) -> bool:
    """Give every body cell of a table with a head row its column's heading (``data-label``), so
    that on a narrow screen ebook.css can show each row as a card with labelled cells."""
    changed = False
    for table in tree.iter(f"{{{XHTML}}}table"):
        head = table.find(f"{{{XHTML}}}thead/{{{XHTML}}}tr")
        if head is None:
            continue
        labels = [" ".join("".join(th.itertext()).split()) for th in head]
        if len(labels) < 2:
            continue
        table.set("class", f"{table.get('class', '')} lit-cards".strip())
        for body in table.iter(f"{{{XHTML}}}tbody"):
            for row in body.iter(f"{{{XHTML}}}tr"):
                for cell, label in zip(row, labels, strict=False):
                    if label:
                        cell.set("data-label", label)
        changed = True
    return changed


def amend_notes(page: Path) -> None:
    """Mark a page's note markers and notes with the EPUB 3 types their ARIA roles name; label
    its tables' cells with their columns (:func:`label_cells`)."""
    tree = etree.parse(str(page))
    changed = label_cells(tree)
    for element in tree.iter(f"{{{XHTML}}}a", f"{{{XHTML}}}aside"):
        kind = NOTE_TYPES.get(element.get("role", ""))
        if kind and not element.get(f"{{{EPUB}}}type"):
            element.set(f"{{{EPUB}}}type", kind)
            changed = True
    if changed:
        tree.write(str(page), xml_declaration=True, encoding="UTF-8")


def amend_epub(app: Sphinx, outdir: Path) -> None:
    """litreview-epub-written: amend the package, the navigation and the pages before the zip."""
    amend_package(outdir / "content.opf")
    set_publication_date(outdir / "content.opf", bookdata.book(app.env).date_released)
    config = app.config
    urn = book_urn(config.epub_title, config.epub_author, config.version)
    set_identifier(outdir / "content.opf", outdir / "toc.ncx", urn)
    amend_nav(outdir / "nav.xhtml")
    for page in sorted(outdir.rglob("*.xhtml")):
        if page.name != "nav.xhtml":
            amend_notes(page)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", set_language)
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.epub")
    # after litreview.sphinxext.epubnav (300) and .cover (400): the landmarks it writes get their role
    app.connect(EPUB_WRITTEN, amend_epub, priority=500)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
