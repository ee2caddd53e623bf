"""The PDF edition, read back as a reader (and pdftotext, pdffonts, pypdf) sees it."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import Build, build_pdf, copy_project, sphinx_build
from editions_support import (
    CYRILLIC,
    cyrillic_titles,
    normal,
    pages_in_order,
    pdftotext,
    squeeze,
)
from litreview.core.book import load_book
from litreview.core.editions import FILE_STEM

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class PdfBook:
    project: Path
    pdf: Path
    pages: list[str]  # text of each page, from pdftotext
    outline: list[tuple[int, str, int]]  # (depth, title, 0-based page) in document order


def flatten_outline(reader: PdfReader, items: list, depth: int = 0) -> list[tuple[int, str, int]]:
    """Bookmarks in document order; a part's number ("II Back matter") is dropped from its title."""
    found: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            found += flatten_outline(reader, item, depth + 1)
        else:
            title = re.sub(r"^[IVXLC]+ ", "", normal(item.title)) if depth == 0 else normal(item.title)
            found.append((depth, title, reader.get_destination_page_number(item)))
    return found


@pytest.fixture(scope="session")
def pdf_book(project_copy: Path, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]) -> PdfBook:
    latex, proc = pdf_build
    assert latex.returncode == 0, latex.stderr
    assert proc.returncode == 0, proc.stderr + proc.stdout
    pdf = latex.outdir / f"{FILE_STEM}.pdf"
    reader = PdfReader(pdf)
    text = pdftotext(pdf)
    return PdfBook(project_copy, pdf, text.split("\f"), flatten_outline(reader, reader.outline))


def test_the_pdf_lands_at_its_stable_path(pdf_book: PdfBook) -> None:
    assert pdf_book.pdf == pdf_book.project / "_build" / "latex" / f"{FILE_STEM}.pdf"
    assert pdf_book.pdf.stat().st_size > 0


def test_title_page_has_title_editors_version_and_date(pdf_book: PdfBook) -> None:
    info = load_book(pdf_book.project / "CITATION.cff")
    first = normal(pdf_book.pages[0])
    assert normal(info.title) in first
    assert all(normal(editor) in first for editor in info.editor_names)
    assert info.version in first
    assert f"{info.date_released.day} {info.date_released:%B %Y}" in first


def test_pdf_metadata_comes_from_citation_cff(pdf_book: PdfBook) -> None:
    info = load_book(pdf_book.project / "CITATION.cff")
    meta = PdfReader(pdf_book.pdf).metadata
    assert meta.title == info.title
    assert all(editor in meta.author for editor in info.editor_names)
    assert normal(meta.subject) == normal(info.abstract)
    assert all(keyword in meta["/Keywords"] for keyword in info.keywords)


def test_every_page_of_the_book_is_a_bookmark_in_reading_order(pdf_book: PdfBook) -> None:
    expected = [normal(p.title) for p in pages_in_order(pdf_book.project / "book")]
    titles = [title for _depth, title, _page in pdf_book.outline]
    position = -1
    for title in expected:  # each after the one before: a section may share a later chapter's title
        later = titles[position + 1 :]
        assert title in later, f"{title!r} is not a bookmark after {titles[position]!r}"
        position += 1 + later.index(title)
    assert "Index" in titles and "contents" in normal(pdf_book.pages[1] + pdf_book.pages[2]).lower()


def test_chapters_are_numbered(pdf_book: PdfBook) -> None:
    chapters = [p for p in pages_in_order(pdf_book.project / "book") if not p.children]
    toc = normal("\n".join(pdf_book.pages[1 : pdf_book.outline[0][2]]))
    assert chapters
    for number, chapter in enumerate(chapters, start=1):
        start = " ".join(normal(chapter.title).split()[:3])
        assert f"{number} {start}" in toc, (
            f"chapter {number} ({chapter.title!r}) is not numbered in the contents"
        )


def chapter_pages(pdf_book: PdfBook, title: str) -> range:
    """The pages from a chapter's bookmark up to (not including) the next bookmark at its depth or above."""
    items = pdf_book.outline
    index = next(i for i, (_d, t, _p) in enumerate(items) if t == normal(title))
    depth, _title, start = items[index]
    following = [p for d, _t, p in items[index + 1 :] if d <= depth]
    end = following[0] if following else len(pdf_book.pages)
    return range(start, max(end, start + 1))


def test_each_works_cited_list_stays_inside_its_chapter(pdf_book: PdfBook) -> None:
    pages = [p for p in pages_in_order(pdf_book.project / "book") if p.works_cited_heading]
    assert pages, "no chapter has a filtered {bibliography} list yet"
    for page in pages:
        span = chapter_pages(pdf_book, page.title)
        heading = normal(page.works_cited_heading)
        inside = [n for n in span if heading in normal(pdf_book.pages[n])]
        assert inside, f"{heading!r} not within the pages of {page.title!r} ({span.start + 1}-{span.stop})"


def test_cyrillic_titles_from_refs_bib_are_printed_as_cyrillic(pdf_book: PdfBook) -> None:
    titles = cyrillic_titles(pdf_book.project / "refs.bib")
    assert titles, "refs.bib has no Cyrillic title"
    text = squeeze("\n".join(pdf_book.pages))
    for title in titles:
        assert squeeze(title) in text, title


def test_cyrillic_is_set_as_russian(pdf_book: PdfBook) -> None:
    tex = (pdf_book.pdf.with_suffix(".tex")).read_text(encoding="utf-8")
    body = tex.split(r"\begin{document}", 1)[1]
    body = re.sub(r"\\index\{(?:[^{}]|\{[^{}]*\})*\}", "", body)  # index sort keys are not typeset
    outside = re.sub(r"\\litrussian\{[^{}]*\}", "", body)
    assert r"\setotherlanguage{russian}" in tex
    assert not CYRILLIC.search(outside), "Cyrillic text outside a Russian span"


def test_no_unresolved_references(pdf_book: PdfBook) -> None:
    sources = sum(
        p.read_text(encoding="utf-8").count("??") for p in (pdf_book.project / "book").rglob("*.md")
    )
    assert "\n".join(pdf_book.pages).count("??") <= sources
    log = pdf_book.pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "undefined references" not in log and "Missing character" not in log


def test_all_fonts_are_embedded(pdf_book: PdfBook) -> None:
    out = subprocess.run(["pdffonts", str(pdf_book.pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded


def test_figures_are_vector(pdf_book: PdfBook) -> None:
    rasters = [
        p for p in (pdf_book.project / "book").rglob("*") if p.suffix.lower() in {".png", ".jpg", ".jpeg"}
    ]
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf_book.pdf)], capture_output=True, text=True, check=True
    )
    images = out.stdout.splitlines()[2:]
    assert len(images) <= len(rasters)


def test_links_are_clickable(pdf_book: PdfBook) -> None:
    reader = PdfReader(pdf_book.pdf)
    links = [
        a
        for page in reader.pages
        for a in (page.get("/Annots") or [])
        if a.get_object()["/Subtype"] == "/Link"
    ]
    assert len(links) > len(pages_in_order(pdf_book.project / "book"))


def test_two_builds_of_the_same_commit_give_the_same_file(pdf_book: PdfBook, tmp_path: Path) -> None:
    """The README promises the same file from the same commit (SOURCE_DATE_EPOCH), not just the same text."""
    again = copy_project(tmp_path / "again")
    latex, proc = build_pdf(again)
    assert latex.returncode == 0 and proc.returncode == 0, latex.stderr + proc.stderr
    assert (latex.outdir / f"{FILE_STEM}.pdf").read_bytes() == pdf_book.pdf.read_bytes()


def test_the_html_book_offers_the_pdf_for_download(pdf_book: PdfBook) -> None:
    html = sphinx_build(pdf_book.project, "html", outdir=pdf_book.project / "_build" / "html-with-downloads")
    assert html.returncode == 0, html.stderr
    outdir = html.outdir
    front = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = front.find("a", string="PDF", href=True)
    assert link is not None, "no PDF link on the front page"
    assert (outdir / link["href"]).read_bytes() == pdf_book.pdf.read_bytes()
