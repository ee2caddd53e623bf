"""The EPUB edition: valid for epubcheck, with the book's metadata and every chapter."""

from __future__ import annotations

import hashlib
import posixpath
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from browser_support import TOO_WIDE_JS
from editions_support import TOCTREE, edition_problems, pages_in_order, read_page, toctree_entries
from litreview.core.book import load_book
from litreview.core.outputs import FILE_STEM
from litreview.sphinxext.epub import epub_safe_svg
from litreview.sphinxext.epubaccess import book_urn
from litreview.tools import ace
from support import Build, fold_typography, squeeze, svg_text_sizes_pt

DC = "http://purl.org/dc/elements/1.1/"
OPF = "http://www.idpf.org/2007/opf"
NCX = "http://www.daisy.org/z3986/2005/ncx/"


@pytest.mark.slow
def test_epub_builds_strictly_at_its_stable_path(epub_build: Build) -> None:
    assert epub_build.returncode == 0, epub_build.stderr
    assert (epub_build.outdir / f"{FILE_STEM}.epub").is_file()


@pytest.mark.slow
def test_epubcheck_reports_no_errors(epub_build: Build) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.tools.editions", "epubcheck", str(epub_build.outdir)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "no errors" in proc.stdout


@pytest.mark.slow
def test_the_accessibility_checker_finds_nothing(epub_build: Build) -> None:
    """DAISY Ace, the checker publishers run (pinned in tools/ace, offline on Debian's Chromium): no
    violation of any impact, on any page or in the package's accessibility metadata."""
    found, report = ace.check(epub_build.outdir / f"{FILE_STEM}.epub")
    assert report["earl:testSubject"]["metadata"]["dc:title"], "Ace did not read the EPUB's package"
    assert not found, f"Ace found {len(found)} violation(s):\n" + "\n".join(found)


def opf(epub: Path) -> ElementTree.Element:
    """The package document (content.opf) of an EPUB."""
    with zipfile.ZipFile(epub) as z:
        return ElementTree.fromstring(z.read("content.opf"))


@pytest.mark.slow
def test_epub_metadata_comes_from_citation_cff(epub_build: Build, project_copy: Path) -> None:
    info = load_book(project_copy / "CITATION.cff")
    meta = opf(epub_build.outdir / f"{FILE_STEM}.epub")
    assert meta.findtext(f".//{{{DC}}}title") == info.title
    assert meta.findtext(f".//{{{DC}}}language") == "en"
    creators = meta.findtext(f".//{{{DC}}}creator")
    assert all(editor in creators for editor in info.editor_names)
    assert meta.findtext(f".//{{{DC}}}date") == info.date_released.isoformat()  # published, not built


@pytest.mark.slow
def test_the_identifier_is_a_urn_from_the_books_facts(epub_build: Build, project_copy: Path) -> None:
    info = load_book(project_copy / "CITATION.cff")
    meta = opf(epub_build.outdir / f"{FILE_STEM}.epub")
    identifier = next(
        i for i in meta.iter(f"{{{DC}}}identifier") if i.get("id") == meta.get("unique-identifier")
    )
    urn = identifier.text
    assert urn == book_urn(info.title, ", ".join(info.editor_names), info.version)
    assert uuid.UUID(urn.removeprefix("urn:uuid:")).version == 5
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        ncx = ElementTree.fromstring(z.read("toc.ncx"))
    assert [m.get("content") for m in ncx.iter(f"{{{NCX}}}meta") if m.get("name") == "dtb:uid"] == [urn]


@pytest.mark.slow
def test_epub_holds_every_chapter_in_reading_order(epub_build: Build, project_copy: Path) -> None:
    epub = epub_build.outdir / f"{FILE_STEM}.epub"
    meta = opf(epub)
    manifest = {item.get("id"): item.get("href") for item in meta.iter(f"{{{OPF}}}item")}
    spine = [manifest[ref.get("idref")] for ref in meta.iter(f"{{{OPF}}}itemref")]
    pages = pages_in_order(project_copy / "book")
    hrefs = [f"{page.docname}.xhtml" for page in pages]
    positions = [spine.index(href) for href in hrefs]  # ValueError names a missing chapter
    assert positions == sorted(positions)
    with zipfile.ZipFile(epub) as z:
        for page, href in zip(pages, hrefs, strict=True):
            heading = BeautifulSoup(z.read(href), "html.parser").find("h1")
            assert fold_typography(page.title) in fold_typography(heading.get_text()), href


def spine_pages(epub: Path) -> list[str]:
    """The package's spine: its pages' hrefs, in reading order."""
    meta = opf(epub)
    manifest = {item.get("id"): item.get("href") for item in meta.iter(f"{{{OPF}}}item")}
    return [manifest[ref.get("idref")] for ref in meta.iter(f"{{{OPF}}}itemref")]


def nav_targets(epub: Path) -> tuple[list[str], list[str]]:
    """The pages (hrefs without #fragments, first mention) that nav.xhtml and toc.ncx list, in order."""
    with zipfile.ZipFile(epub) as z:
        toc = BeautifulSoup(z.read("nav.xhtml"), "html.parser").find("nav", attrs={"epub:type": "toc"})
        nav = toc.find_all("a", href=True)
        ncx = ElementTree.fromstring(z.read("toc.ncx"))
    in_nav = [a["href"].partition("#")[0] for a in nav]
    in_ncx = [c.get("src").partition("#")[0] for c in ncx.iter(f"{{{NCX}}}content")]
    return list(dict.fromkeys(in_nav)), list(dict.fromkeys(in_ncx))


@pytest.mark.slow
def test_nav_and_ncx_list_every_page_in_reading_order(epub_build: Build, project_copy: Path) -> None:
    """An e-reader's table of contents: every page the toctrees reach, hidden ones too, in order."""
    pages = ["index.xhtml", *(f"{page.docname}.xhtml" for page in pages_in_order(project_copy / "book"))]
    expected = [*pages, "genindex.xhtml"]  # and the index, last
    in_nav, in_ncx = nav_targets(epub_build.outdir / f"{FILE_STEM}.epub")
    assert in_nav == expected, "nav.xhtml does not list every page in reading order"
    assert in_ncx == expected, "toc.ncx does not list every page in reading order"


def front_page_parts(book: Path) -> list[tuple[str, list[str]]]:
    """The front page's toctrees as (caption, pages), from its source; a toctree without a caption
    has one page (The articles) whose own title names the part."""
    source = (book / "index.md").read_text(encoding="utf-8")
    parts = []
    for block in TOCTREE.findall(source):
        caption = re.search(r"^:caption:\s*(.+)$", block, re.M)
        pages = [f"{doc}.xhtml" for doc in toctree_entries("index", f"```{{toctree}}\n{block}```\n")]
        parts.append((caption.group(1).strip() if caption else read_page(book, pages[0][:-6]).title, pages))
    return parts


@pytest.mark.slow
def test_the_contents_open_with_the_preface_and_group_the_three_parts(
    epub_build: Build, project_copy: Path
) -> None:
    """nav.xhtml as a reader's contents: "Preface" first, then each part of the front page's toctrees
    (its chapters with the numbers their headings print)
    as a group holding its pages in order (The articles: its page, the five under it), the index
    last in the back matter; a landmarks nav points at the cover, the contents, the first chapter
    and the index."""
    epub = epub_build.outdir / f"{FILE_STEM}.epub"
    with zipfile.ZipFile(epub) as z:
        names = set(z.namelist())
        nav = BeautifulSoup(z.read("nav.xhtml"), "lxml-xml")
    toc = nav.find("nav", attrs={"epub:type": "toc"})
    top = toc.find("ol").find_all("li", recursive=False)
    first = top[0].find("a")
    assert (first["href"], first.get_text(strip=True)) == ("index.xhtml", "Preface")
    parts = front_page_parts(project_copy / "book")
    assert len(parts) == 3 and len(top) == 1 + len(parts), [li.find(["a", "span"]).get_text() for li in top]
    for (caption, pages), li in zip(parts, top[1:], strict=True):
        label = li.find(["a", "span"], recursive=False)
        assert label.get_text(strip=True) == caption
        children = [
            c.find("a", recursive=False)["href"] for c in li.find("ol").find_all("li", recursive=False)
        ]
        if label.name == "a":  # a part that is a page: it lists the pages its own toctree holds
            assert [label["href"]] == pages
            pages = [f"{d}.xhtml" for d in read_page(project_copy / "book", label["href"][:-6]).children]
        assert [c.partition("#")[0] for c in children] == pages + (
            ["genindex.xhtml"] if li is top[-1] else []
        )
    assert toc.find_all("a")[-1].get_text(strip=True) == "Index"
    with zipfile.ZipFile(epub) as z:  # a chapter is listed with the number its heading prints
        for link in toc.find_all("a", href=lambda h: "#" not in h):
            number = BeautifulSoup(z.read(link["href"]), "html.parser").select_one("h1 .section-number")
            if number is not None:
                assert link.get_text(strip=True).startswith(number.get_text(strip=True)), link
    landmarks = nav.find("nav", attrs={"epub:type": "landmarks"})
    marks = {a["epub:type"]: a["href"] for a in landmarks.find_all("a")}
    assert marks == {
        "cover": spine_pages(epub)[0],  # the cover page, first in the spine
        "toc": "nav.xhtml#toc",
        "bodymatter": parts[0][1][0],  # the first chapter, after the preface
        "index": "genindex.xhtml",
    }
    assert {href.partition("#")[0] for href in marks.values()} <= names
    assert nav.find(id="toc") is toc


@pytest.mark.slow
def test_ncx_lists_a_chapter_once_not_again_as_its_own_first_section(epub_build: Build) -> None:
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        ncx = ElementTree.fromstring(z.read("toc.ncx"))

    def label(point: ElementTree.Element) -> tuple[str, str]:
        text = point.find(f"{{{NCX}}}navLabel/{{{NCX}}}text").text or ""
        return text.strip(), point.find(f"{{{NCX}}}content").get("src").partition("#")[0]

    repeated = [
        label(point)
        for point in ncx.iter(f"{{{NCX}}}navPoint")
        if (first := point.find(f"{{{NCX}}}navPoint")) is not None and label(first) == label(point)
    ]
    assert not repeated, f"listed twice in toc.ncx: {repeated}"


# Screen-reader text drawn larger than the 1-px box that hides it.
HIDDEN_SHOWN_JS = """() => [...document.querySelectorAll(".visually-hidden")]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 1 || r.height > 1; })
  .map(el => el.textContent.trim())"""


# Words the page breaks across two lines other than where Unicode allows (after a hyphen, a dash,
# "/" or "…", before a dash) or in an address: each character's box, lower than the one before.
BROKEN_WORDS_JS = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest("script, style, pre") || !el.checkVisibility()) continue;
    for (const m of n.data.matchAll(/\S+/g)) {
      if (m[0].length < 2 || /:\/\/|^www\./.test(m[0])) continue;  // an address may break anywhere
      const tops = [];
      for (let i = 0; i < m[0].length; i++) {
        range.setStart(n, m.index + i); range.setEnd(n, m.index + i + 1);
        const r = range.getBoundingClientRect();
        if (r.height) tops.push([Math.round(r.top), m[0][i]]);
      }
      for (let i = 1; i < tops.length; i++) {
        // Unicode lets a line break after a hyphen, a dash, "/" or "…", and before a dash.
        const allowed = /[-‐\u00ad–—\/…]/.test(tops[i - 1][1]) || /[–—]/.test(tops[i][1]);
        if (tops[i][0] > tops[i - 1][0] + 2 && !allowed) {
          broken.push(m[0].slice(0, i) + "|" + m[0].slice(i));
          break;
        }
      }
    }
  }
  return broken.slice(0, 10);
}"""


@pytest.mark.slow
def test_on_an_e_reader_screen_tables_fit_and_hidden_text_stays_hidden(
    epub_build: Build, browser: Browser, tmp_path: Path
) -> None:
    """Each page as a 600-px-wide reader shows it (Chromium, with the EPUB's own stylesheets): nothing
    wider than the screen or cut off, and text for screen readers only stays hidden."""
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        z.extractall(tmp_path)
        pages = [n for n in z.namelist() if n.endswith(".xhtml") and n != "nav.xhtml"]
    problems, hidden_shown, broken, brackets = {}, [], {}, []
    page = browser.new_page(viewport={"width": 600, "height": 900})
    for name in pages:
        page.goto((tmp_path / name).as_uri())
        if wide := page.evaluate(TOO_WIDE_JS):
            problems[name] = wide
        hidden_shown += [f"{name}: {words}" for words in page.evaluate(HIDDEN_SHOWN_JS)]
        if words := page.evaluate(BROKEN_WORDS_JS):
            broken[name] = words
        if "[[" in page.evaluate("document.body.innerText"):
            brackets.append(name)
    page.close()
    assert not problems, f"wider than a 600-px screen: {problems}"
    assert not hidden_shown, f"screen-reader text shown to every reader: {hidden_shown}"
    assert not broken, f"words broken across lines, not at a hyphen: {broken}"
    assert not brackets, f"a note marker reads [[…]] on {brackets}"


@pytest.mark.slow
def test_the_references_introduction_says_what_the_epub_offers(epub_build: Build, project_copy: Path) -> None:
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        text = squeeze(BeautifulSoup(z.read("references.xhtml"), "html.parser").get_text(" "))
    assert not edition_problems(project_copy / "book" / "references.md", text, "epub", "html")


@pytest.mark.slow
def test_epub_carries_no_web_theme_scripts(epub_build: Build) -> None:
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        names = z.namelist()
    assert not [n for n in names if n.endswith(".js") or n.startswith(".doctrees/")]


def test_matplotlib_svg_is_made_epub_safe() -> None:
    svg = (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><path id="DejaVuSans-20" transform="scale(0.015625)"/>'
        '<path id="a" d="M 0 0 L 1 1"/></defs></svg>\n'
    )
    fixed = epub_safe_svg(svg)
    assert "<!DOCTYPE" not in fixed
    assert '<path d="" id="DejaVuSans-20" transform="scale(0.015625)"/>' in fixed
    assert '<path id="a" d="M 0 0 L 1 1"/>' in fixed


@pytest.mark.slow
def test_the_timeline_comes_one_screen_at_a_time(
    epub_build: Build, project_copy: Path, browser: Browser, tmp_path: Path
) -> None:
    """On a 600 x 900 reader (Chromium, the EPUB's stylesheets) the timeline figure is shown in
    parts, one per period of timeline.yaml's events: each whole on the screen, its smallest text
    at least 10 px tall, with a text alternative of its own."""
    from litreview.review.timeline import load_events
    from litreview.review.timeline_figure import panels

    book = project_copy / "book"
    source = next(p for p in book.rglob("*.md") if "```{timeline-figure}" in p.read_text(encoding="utf-8"))
    page_name = source.relative_to(book).with_suffix(".xhtml").as_posix()
    parts = panels(load_events(book / "review" / "timeline.yaml"))
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        z.extractall(tmp_path)
    page = browser.new_page(viewport={"width": 600, "height": 900})
    page.goto((tmp_path / page_name).as_uri())
    images = page.locator("figure img").all()
    assert len(images) == len(parts) > 1
    alts = set()
    for image in images:
        box = image.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 600 and box["height"] <= 900, box
        svg = (tmp_path / page_name).parent.joinpath(image.get_attribute("src")).read_text(encoding="utf-8")
        width_pt = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg).group(1))
        smallest_px = min(svg_text_sizes_pt(svg)) * box["width"] / width_pt
        assert smallest_px >= 10, f"{image.get_attribute('src')}: smallest text {smallest_px:.1f} px"
        alts.add(image.get_attribute("alt"))
    page.close()
    assert len(alts) == len(parts) and all(alts), "each part needs its own text alternative"


COVER_DIGEST = (
    "import hashlib, sys; from pathlib import Path; from litreview.core import cover; "
    "from litreview.core.book import load_book; "
    "print(hashlib.sha256(cover.render(load_book(Path(sys.argv[1])))).hexdigest())"
)


def png_chunks(png: bytes) -> list[str]:
    """The chunk types of a PNG, in order."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        chunks.append(png[at + 4 : at + 8].decode("ascii"))
        at += 12 + length
    return chunks


@pytest.mark.slow
def test_the_cover_is_drawn_from_the_books_facts_the_same_every_build(
    epub_build: Build, project_copy: Path
) -> None:
    """The package names one cover image (EPUB 3's cover-image, EPUB 2's meta), a PNG with no date
    in it, which another process draws from CITATION.cff byte for byte; the first page shows it,
    its text alternative naming the title, the editors and the year."""
    info = load_book(project_copy / "CITATION.cff")
    epub = epub_build.outdir / f"{FILE_STEM}.epub"
    meta = opf(epub)
    covers = [i for i in meta.iter(f"{{{OPF}}}item") if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/png"
    assert [m.get("content") for m in meta.iter(f"{{{OPF}}}meta") if m.get("name") == "cover"] == [
        covers[0].get("id")
    ]
    first_page = spine_pages(epub)[0]
    with zipfile.ZipFile(epub) as z:
        png = z.read(covers[0].get("href"))
        shown = BeautifulSoup(z.read(first_page), "html.parser").find("img")
    assert posixpath.normpath(posixpath.join(posixpath.dirname(first_page), shown["src"])) == covers[0].get(
        "href"
    )
    assert all(fact in shown["alt"] for fact in (info.title, *info.editor_names, str(info.year)))
    assert not {"tIME", "tEXt", "zTXt", "iTXt", "eXIf"} & set(png_chunks(png)), png_chunks(png)
    again = subprocess.run(
        [sys.executable, "-c", COVER_DIGEST, str(project_copy / "CITATION.cff")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert again.stdout.strip() == hashlib.sha256(png).hexdigest()
