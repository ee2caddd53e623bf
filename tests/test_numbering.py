"""One numbering in the three editions: chapters, tables and figures carry the same numbers in the
HTML, the EPUB and the PDF ("Table 3.1" everywhere), read back from the built outputs."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editions_support import expected_chapters, pages_in_order, pdftotext
from litreview.core.outputs import FILE_STEM
from support import Build, fold_typography, squeeze

pytestmark = pytest.mark.slow

#: What LaTeX prints before a caption's number, for the label the HTML shows.
PDF_LABELS = {"Table": "Table", "Fig.": "Fig."}


def captions(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """A page's numbered tables and figures, in order: ("Table 3.1", caption text)."""
    found = []
    for number in soup.select("span.caption-number"):
        text = number.find_next_sibling("span", class_="caption-text")
        found.append((fold_typography(number.get_text()), fold_typography(text.get_text() if text else "")))
    return found


def chapter_number(soup: BeautifulSoup) -> str:
    """The number the page's title shows ("3"), or "" for an unnumbered page."""
    heading = soup.select_one("article h1") or soup.find("h1")
    number = heading.find("span", class_="section-number")
    return fold_typography(number.get_text()).rstrip(".") if number else ""


def edition(pages: dict[str, BeautifulSoup]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    return {docname: (chapter_number(soup), captions(soup)) for docname, soup in pages.items()}


@pytest.fixture(scope="module")
def docnames(project_copy: Path) -> list[str]:
    return [page.docname for page in pages_in_order(project_copy / "book")]


@pytest.fixture(scope="module")
def html(html_build: Build, docnames: list[str]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    assert html_build.returncode == 0, html_build.stderr[-3000:]
    return edition({
        d: BeautifulSoup((html_build.outdir / f"{d}.html").read_text(encoding="utf-8"), "html.parser")
        for d in docnames
    })  # fmt: skip


@pytest.fixture(scope="module")
def epub(epub_build: Build, docnames: list[str]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    assert epub_build.returncode == 0, epub_build.stderr[-3000:]
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as z:
        return edition({d: BeautifulSoup(z.read(f"{d}.xhtml"), "html.parser") for d in docnames})


def test_html_and_epub_number_chapters_tables_and_figures_alike(
    html: dict, epub: dict, project_copy: Path
) -> None:
    chapters = expected_chapters(project_copy)
    assert any(chapters.values()) and not all(chapters.values())
    assert {d: number for d, (number, _) in html.items()} == chapters
    assert {d: number for d, (number, _) in epub.items()} == chapters
    assert any(caps for _, caps in html.values()), "the book numbers no table or figure"
    for docname, (number, caps) in html.items():
        assert epub[docname][1] == caps, f"{docname}: the EPUB numbers its tables and figures differently"
        for label, _caption in caps:
            value = label.partition(" ")[2]
            assert not number or value.split(".")[0] == number, f"{docname}: {label} not in chapter {number}"
            assert re.fullmatch(rf"{number}\.\d+" if number else r"\d+", value), f"{docname}: {label}"


def test_the_pdf_numbers_chapters_tables_and_figures_as_the_html_does(
    html: dict, pdf_build: tuple[Build, subprocess.CompletedProcess[str]], project_copy: Path
) -> None:
    latex, proc = pdf_build
    assert proc.returncode == 0, proc.stderr[-3000:]
    pdf = latex.outdir / f"{FILE_STEM}.pdf"
    text = squeeze(pdftotext(pdf, "-raw"))
    pages = {page.docname: page for page in pages_in_order(project_copy / "book")}
    contents = [fold_typography(line) for line in pdftotext(pdf, "-layout", "-l", "6").splitlines()]
    problems = []
    for docname, (number, caps) in html.items():
        title = " ".join(fold_typography(pages[docname].title).split()[:3])
        # A line of the contents: "3 The corpus and its appraisal . . . 9", the title alone, or a
        # part's "II The articles" (a part is no chapter: unnumbered, as in the HTML).
        found = [m for line in contents if (m := re.match(rf"(?:(\d+)|[IVXLC]+)? ?{re.escape(title)}", line))]
        assert found, f"{docname}: {title!r} is not in the PDF's contents"
        shown = found[0].group(1) or ""
        if shown != number:
            problems.append(
                f"{docname}: chapter {number or 'unnumbered'} in the HTML, {shown or 'unnumbered'} in the PDF"
            )
        for label, caption in caps:
            kind, _, value = label.partition(" ")
            printed = squeeze(f"{PDF_LABELS[kind]} {value}: {' '.join(caption.split()[:6])}")
            if printed not in text:
                problems.append(f"{docname}: the PDF does not print {label}: {caption[:50]!r}")
    assert not problems, "\n".join(problems)
