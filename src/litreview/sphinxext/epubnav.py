"""Sphinx extension: the EPUB's navigation as a reader's table of contents.

Sphinx lists every page of the EPUB's table of contents at one level, the front page under the
book's title and without the index. This extension amends ``nav.xhtml`` and ``toc.ncx`` just
before the book is zipped:

- the front page comes first, named "Preface" (``litreview_epub_preface``);
- each numbered chapter and section is listed with the number its heading prints ("2.1. A given
  corpus"), and the lists show no counters of their own;
- each captioned toctree of the front page becomes a group under its caption ("The review",
  "Back matter"); a toctree without a caption keeps its pages as they are ("The articles", a page
  with its five chapters under it);
- the general index is listed last, in the last group, as "Index";
- ``nav.xhtml`` gets a landmarks nav: the cover (when there is one), the table of contents, the
  start of the body (the first page after the preface) and the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext.epub import EPUB_WRITTEN

XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
INDEX_PAGE = "genindex"


@dataclass(frozen=True)
class Group:
    """Pages (hrefs) listed together under a caption; no caption: listed as they are."""

    caption: str
    hrefs: tuple[str, ...]


def front_groups(app: Sphinx) -> list[Group]:
    """The front page's toctrees, in order, as groups of EPUB page hrefs."""
    builder = app.builder
    doctree = app.env.get_doctree(app.config.root_doc)
    suffix = builder.out_suffix  # type: ignore[attr-defined]
    return [
        Group(toctree.get("caption") or "", tuple(f"{doc}{suffix}" for _title, doc in toctree["entries"]))
        for toctree in doctree.findall(addnodes.toctree)
    ]


def _page(href: str | None) -> str:
    return (href or "").partition("#")[0]


def _x(tag: str) -> str:
    return f"{{{XHTML}}}{tag}"


def _item(href: str, text: str, kind: str | None = None) -> Any:
    li = etree.Element(_x("li"))
    a = etree.SubElement(li, _x("a"), href=href)
    if kind:
        a.set(f"{{{EPUB}}}type", kind)
    a.text = text
    return li


def section_numbers(app: Sphinx) -> dict[str, str]:
    """Each numbered page's and section's EPUB href → its number as its heading prints it ("2.1.")."""
    suffix = app.builder.out_suffix  # type: ignore[attr-defined]
    return {
        f"{doc}{suffix}{anchor}": ".".join(map(str, number)) + "."
        for doc, anchors in app.env.toc_secnumbers.items()
        for anchor, number in anchors.items()
        if number
    }


def number_labels(links: Any, numbers: dict[str, str], href: str) -> None:
    """Prefix each link's text with the number its target's heading carries."""
    for link in links:
        target = link.get(href)
        if target in numbers and link.text and not link.text.startswith(numbers[target]):
            link.text = f"{numbers[target]} {link.text}"


#: The contents' numbers are the chapters' own (in their labels), not the lists' counters.
NAV_STYLE = "nav ol { list-style-type: none; }"


def group_nav(ol: Any, groups: list[Group], preface: str, index: tuple[str, str] | None) -> None:
    """Rename the first entry ``preface``, gather each captioned group's entries under its caption
    (an ``<li>`` with a ``<span>`` and an ``<ol>``), and list ``index`` (href, title) last."""
    items = [li for li in ol if li.tag == _x("li")]
    if items:
        items[0].find(_x("a")).text = preface
    by_page = {_page(li.find(_x("a")).get("href")): li for li in items}
    last = None
    for group in groups:
        members = [by_page[h] for h in group.hrefs if h in by_page]
        if not group.caption or not members:
            continue
        li = etree.Element(_x("li"))
        members[0].addprevious(li)
        etree.SubElement(li, _x("span")).text = group.caption
        inner = etree.SubElement(li, _x("ol"))
        inner.extend(members)
        last = inner
    if index:
        (last if last is not None else ol).append(_item(*index))


def landmarks(targets: list[tuple[str, str, str]]) -> Any:
    """A ``<nav epub:type="landmarks">`` of (epub:type, href, title), hidden from the reading order."""
    nav = etree.Element(_x("nav"), {f"{{{EPUB}}}type": "landmarks", "hidden": "hidden"})
    etree.SubElement(nav, _x("h2")).text = _("Landmarks")
    ol = etree.SubElement(nav, _x("ol"))
    for kind, href, title in targets:
        ol.append(_item(href, title, kind))
    return nav


def amend_nav(
    nav: Path,
    groups: list[Group],
    preface: str,
    index: tuple[str, str] | None,
    cover: str | None = None,
    numbers: dict[str, str] | None = None,
) -> None:
    """Group the table of contents of ``nav.xhtml`` and add its landmarks (the cover's first, if any)."""
    tree = etree.parse(str(nav))
    toc = next(n for n in tree.iter(_x("nav")) if n.get(f"{{{EPUB}}}type") == "toc")
    toc.set("id", "toc")
    ol = toc.find(_x("ol"))
    pages = [_page(a.get("href")) for a in ol.iter(_x("a"))]
    number_labels(ol.iter(_x("a")), numbers or {}, "href")
    group_nav(ol, groups, preface, index)
    head = tree.getroot().find(_x("head"))
    if head is not None and head.find(_x("style")) is None:
        etree.SubElement(head, _x("style")).text = NAV_STYLE
    targets = [("cover", cover, _("Cover"))] if cover else []
    targets.append(("toc", f"{nav.name}#toc", toc.findtext(_x("h1")) or _("Table of Contents")))
    if body := next((p for p in pages if p != pages[0]), None):
        targets.append(("bodymatter", body, _("Start of the book")))
    if index:
        targets.append(("index", *index))
    toc.addnext(landmarks(targets))
    etree.indent(tree, space="  ")
    tree.write(str(nav), xml_declaration=True, encoding="UTF-8")


def _n(tag: str) -> str:
    return f"{{{NCX}}}{tag}"


def _point(src: str, text: str) -> Any:
    point = etree.Element(_n("navPoint"))
    etree.SubElement(etree.SubElement(point, _n("navLabel")), _n("text")).text = text
    etree.SubElement(point, _n("content"), src=src)
    return point


def amend_ncx(
    ncx: Path,
    groups: list[Group],
    preface: str,
    index: tuple[str, str] | None,
    numbers: dict[str, str] | None = None,
) -> None:
    """The same groups and numbers in ``toc.ncx`` (for EPUB 2 readers): a group's point opens its
    first page."""
    tree = etree.parse(str(ncx))
    navmap = tree.getroot().find(_n("navMap"))
    numbers = numbers or {}
    for point in navmap.iter(_n("navPoint")):
        text = point.find(f"{_n('navLabel')}/{_n('text')}")
        src = point.find(_n("content")).get("src")
        if src in numbers and text.text and not text.text.startswith(numbers[src]):
            text.text = f"{numbers[src]} {text.text}"
    points = navmap.findall(_n("navPoint"))
    if points:
        points[0].find(f"{_n('navLabel')}/{_n('text')}").text = preface
    by_page = {_page(p.find(_n("content")).get("src")): p for p in points}
    last = None
    for group in groups:
        members = [by_page[h] for h in group.hrefs if h in by_page]
        if not group.caption or not members:
            continue
        point = _point(members[0].find(_n("content")).get("src"), group.caption)
        members[0].addprevious(point)
        point.extend(members)
        last = point
    if index:
        (last if last is not None else navmap).append(_point(*index))
    depth, orders = 0, dict[str, int]()  # a target's playOrder is the same wherever it is listed
    for number, point in enumerate(navmap.iter(_n("navPoint")), start=1):
        point.set("id", f"navPoint{number}")
        point.set("playOrder", str(orders.setdefault(point.find(_n("content")).get("src"), len(orders) + 1)))
        depth = max(depth, sum(1 for a in point.iterancestors(_n("navPoint"))) + 1)
    for meta in tree.getroot().iter(_n("meta")):
        if meta.get("name") == "dtb:depth":
            meta.set("content", str(depth))
    etree.indent(tree, space="  ")
    tree.write(str(ncx), xml_declaration=True, encoding="UTF-8")


def list_nav_in_spine(opf: Path) -> None:
    """The landmarks link to the table of contents, so ``nav.xhtml`` joins the spine, out of the
    reading order (``linear="no"``): a reader opens it from a landmark, never by turning a page."""
    tree = etree.parse(str(opf))
    nav = next(i for i in tree.iter(f"{{{OPF}}}item") if "nav" in (i.get("properties") or "").split())
    spine = tree.getroot().find(f"{{{OPF}}}spine")
    if not any(ref.get("idref") == nav.get("id") for ref in spine):
        etree.SubElement(spine, f"{{{OPF}}}itemref", idref=nav.get("id"), linear="no")
        tree.write(str(opf), xml_declaration=True, encoding="UTF-8")


def amend_navigation(app: Sphinx, outdir: Path) -> None:
    """litreview-epub-written: group and name nav.xhtml's and toc.ncx's entries, add the landmarks."""
    builder: Any = app.builder  # the EPUB builder (out_suffix, coverpage_name)
    groups = front_groups(app)
    href = f"{INDEX_PAGE}{builder.out_suffix}"
    index = (href, _("Index")) if (outdir / href).is_file() else None
    preface = app.config.litreview_epub_preface
    cover = builder.coverpage_name
    numbers = section_numbers(app)
    shown_cover = cover if (outdir / cover).is_file() else None
    amend_nav(outdir / "nav.xhtml", groups, preface, index, shown_cover, numbers)
    amend_ncx(outdir / "toc.ncx", groups, preface, index, numbers)
    list_nav_in_spine(outdir / "content.opf")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("litreview_epub_preface", "Preface", "epub", types=frozenset({str}))
    app.setup_extension("litreview.sphinxext.epub")
    # before litreview.sphinxext.epubaccess (500), so that the landmarks get their ARIA role there
    app.connect(EPUB_WRITTEN, amend_navigation, priority=300)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
