"""The PDF's pages as a reader pages through them: no page blank but for its head or folio, no page
of a few stray lines, no heading or lone first line at a page's foot, front matter in roman folios,
back matter unnumbered, running heads with the book's short title. Read back from pdftotext's
layout (each line's box on its page) and pypdf's page labels."""

from __future__ import annotations

import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from editions_support import expected_chapters, pages_in_order, part_titles, pdftotext
from litreview.core import rights
from litreview.core.book import load_book
from litreview.core.outputs import FILE_STEM
from support import Build, fold_typography

pytestmark = pytest.mark.slow

#: The text area of the book's A4 page, in points from the top: the running head above it, the folio below.
TEXT_TOP, TEXT_BOTTOM = 60, 780


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    left: float
    right: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as pdftotext counts
    label: str  # the folio a reader sees ("iii", "12")
    head: list[Line]
    body: list[Line]
    foot: list[Line]


@dataclass(frozen=True)
class Layout:
    project: Path
    pages: list[Page]
    outline: list[tuple[int, str, int]]  # (depth, title, 0-based page)


def read_line(line: Any) -> Line:
    """One line of pdftotext's -bbox-layout: its words, and its box in points from the page's top left."""
    words = " ".join(word.get_text() for word in line.find_all("word"))
    box = [float(line[key]) for key in ("ymin", "ymax", "xmin", "xmax")]
    return Line(fold_typography(words), *box)


def read_pages(pdf: Path, labels: list[str]) -> list[Page]:
    soup = BeautifulSoup(pdftotext(pdf, "-bbox-layout"), "html.parser")
    pages = []
    for number, page in enumerate(soup.find_all("page"), start=1):
        lines = sorted(
            (ln for ln in map(read_line, page.find_all("line")) if ln.text), key=lambda ln: (ln.top, ln.left)
        )
        head = [ln for ln in lines if ln.bottom <= TEXT_TOP]
        body = [ln for ln in lines if ln.bottom > TEXT_TOP and ln.top < TEXT_BOTTOM]
        foot = [ln for ln in lines if ln.top >= TEXT_BOTTOM]
        pages.append(Page(number, labels[number - 1], head, body, foot))
    return pages


def outline_of(reader: PdfReader, items: list, depth: int = 0) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            found += outline_of(reader, item, depth + 1)
        else:
            found.append((depth, fold_typography(item.title), reader.get_destination_page_number(item)))
    return found


@pytest.fixture(scope="module")
def layout(project_copy: Path, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]) -> Layout:
    latex, proc = pdf_build
    assert latex.returncode == 0, latex.stderr[-3000:]
    assert proc.returncode == 0, (proc.stderr + proc.stdout)[-3000:]
    pdf = latex.outdir / f"{FILE_STEM}.pdf"
    reader = PdfReader(pdf)
    return Layout(project_copy, read_pages(pdf, reader.page_labels), outline_of(reader, reader.outline))


def is_part_page(page: Page, parts: set[str]) -> bool:
    """A part's own page: "Part II" over its title, or an unnumbered part's title alone."""
    texts = [line.text for line in page.body if not re.fullmatch(r"Part [IVXLC]+", line.text)]
    return bool(texts) and texts[0] in parts


def test_no_page_is_blank_but_for_a_running_head_or_folio(layout: Layout) -> None:
    """A page left blank before a chapter that opens on a recto is empty: no head, no folio."""
    blank = [p for p in layout.pages if not p.body]
    assert blank, "the book has no blank page: nothing to check (chapters open on rectos)"
    marked = [f"page {p.number}: {[ln.text for ln in p.head + p.foot]}" for p in blank if p.head or p.foot]
    assert not marked, "\n".join(marked)


def test_no_page_holds_only_one_to_four_lines(layout: Layout) -> None:
    """A few stray lines (a paragraph's end, a list's last items) do not get a page of their own;
    the title page and the part pages are titles, and may."""
    parts = {fold_typography(t) for t in part_titles(layout.project)}
    short = [
        f"page {p.number} ({p.label}): {[ln.text for ln in p.body]}"
        for p in layout.pages[1:]
        if 0 < len(p.body) <= 4 and not is_part_page(p, parts)
    ]
    assert not short, "\n".join(short)


#: Sphinx's line under a table that goes on overleaf.
CONTINUES = "continues on next page"


def test_a_table_that_goes_on_overleaf_fills_its_page(layout: Layout) -> None:
    """A table breaks between rows: a page it leaves for the next is filled to its foot, not cut
    short by a row half a page tall (table 3.2 once left a third of a page empty)."""
    low = TEXT_TOP + 0.8 * (TEXT_BOTTOM - TEXT_TOP)
    short, checked = [], 0
    for page in layout.pages:
        for line in page.body:
            if line.text == CONTINUES:
                checked += 1
                if line.bottom < low:
                    share = (line.bottom - TEXT_TOP) / (TEXT_BOTTOM - TEXT_TOP)
                    short.append(
                        f"page {page.number} ({page.label}): the table stops at {share:.0%} of the page"
                    )
    assert checked >= 3, f"only {checked} table pages go on overleaf: nothing to check"
    assert not short, "\n".join(short)


def test_a_chapter_opening_page_is_not_left_mostly_empty(layout: Layout) -> None:
    """A chapter's first page is filled at least halfway when the chapter goes on overleaf: a tall
    figure floats to the next page and the text fills the opening page first."""
    chapters = [n for n in expected_chapters(layout.project).values() if n]  # the numbered ones
    openers = {
        i for i, p in enumerate(layout.pages) if p.body and re.fullmatch(r"Chapter \d+", p.body[0].text)
    }
    assert len(openers) == len(chapters), (len(openers), chapters)
    half = TEXT_TOP + 0.5 * (TEXT_BOTTOM - TEXT_TOP)
    empty = [
        f"page {layout.pages[i].number} ({layout.pages[i].label}): {layout.pages[i].body[1].text!r}"
        for i in sorted(openers)
        if i + 1 < len(layout.pages)
        and layout.pages[i + 1].body
        and i + 1 not in openers
        and max(line.bottom for line in layout.pages[i].body) < half
    ]
    assert not empty, "\n".join(empty)


def heading_texts(project: Path, outline: list[tuple[int, str, int]]) -> set[str]:
    """What the book sets as a heading: its bookmarks (chapters, sections), every page's title (the
    How to cite rubrics name them) and the glossary's terms."""
    glossary = (project / "book" / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```", glossary, flags=re.M | re.S)
    assert block, "glossary.md has no {glossary} block"
    terms = [line for line in block.group(1).splitlines() if line and not line[0].isspace()]
    titles = [p.title for p in pages_in_order(project / "book")]
    return {fold_typography(t) for t in [*terms, *titles, *(title for _d, title, _p in outline)]}


def main_text(page: Page) -> list[Line]:
    """The page's lines in the text's size: not its footnotes or the small print of a table."""
    if not page.body:
        return []
    size = statistics.median(line.height for line in page.body)
    return [line for line in page.body if line.height >= 0.9 * size]


def test_no_heading_is_left_at_the_foot_of_a_page(layout: Layout) -> None:
    """A heading, a glossary term or a How to cite rubric goes with the text it heads."""
    headings = heading_texts(layout.project, layout.outline)
    assert len(headings) > 20
    alone = []
    for page in layout.pages:
        lines = main_text(page)
        if len(lines) > 4 and lines[-1].text in headings:
            alone.append(f"page {page.number} ({page.label}): {lines[-1].text!r}")
    assert not alone, "\n".join(alone)


#: A paragraph's label in the located-claims appendix, as printed ("• ¶ 5, p. 43", "• ¶ 10–14, p. 58").
PARAGRAPH_LABEL = re.compile(r"(• )?¶ ?\d+(–\d+)?(, pp?\. \d+(–\d+)?)?")
FRONT_MATTER = re.compile(r"^:::\{container\} front-matter\n(.*?)^:::$", re.M | re.S)


def test_no_line_that_leads_into_the_next_is_left_at_the_foot_of_a_page(layout: Layout) -> None:
    """An article's own byline ("by Sergei Stafeev") goes with the article's first heading, and a
    paragraph's label in the located-claims appendix with the claims that cite the paragraph."""
    bylines = {
        fold_typography(" ".join(block.split()))
        for chapter in (layout.project / "book" / "articles").glob("*.md")
        for block in FRONT_MATTER.findall(chapter.read_text(encoding="utf-8"))
    }
    assert bylines, "no article has front matter of its own: nothing to check"
    labels = [
        line.text for page in layout.pages for line in page.body if PARAGRAPH_LABEL.fullmatch(line.text)
    ]
    assert len(labels) > 20, "the located-claims appendix prints no paragraph labels"
    alone = [
        f"page {page.number} ({page.label}): {lines[-1].text!r}"
        for page in layout.pages
        if len(lines := main_text(page)) > 4
        and (lines[-1].text in bylines or PARAGRAPH_LABEL.fullmatch(lines[-1].text))
    ]
    assert not alone, "\n".join(alone)


def measure_right(layout: Layout) -> float:
    """Where a full line of text ends: the right edge most lines of the text's size share."""
    return statistics.mode(round(line.right) for page in layout.pages for line in main_text(page))


def test_no_paragraph_leaves_its_first_line_alone_at_the_foot_of_a_page(layout: Layout) -> None:
    """The last line of a page is not a paragraph's first line with the rest overleaf: a full line
    set apart from the lines above it by a paragraph's space."""
    right = measure_right(layout)
    pitch = statistics.mode(
        round(b.top - a.top, 1)
        for page in layout.pages
        for a, b in zip(main_text(page), main_text(page)[1:], strict=False)
        if b.top > a.top
    )  # the text's line spacing; a paragraph's space adds to it
    alone = []
    for page in layout.pages:
        lines = main_text(page)
        if len(lines) < 5:
            continue
        last, above = lines[-1], lines[-2]
        opens_paragraph = last.top - above.top > 1.3 * pitch
        runs_on = last.right > right - 2 and not last.text.endswith((".", ":", ";"))
        if opens_paragraph and runs_on:
            alone.append(f"page {page.number} ({page.label}): {last.text!r}")
    assert not alone, "\n".join(alone)


def test_front_matter_has_roman_folios_and_the_main_matter_arabic(layout: Layout) -> None:
    """Title page, its verso, the contents and the preface are i, ii, …; page 1 is the first part's."""
    titles = [(depth, title, page) for depth, title, page in layout.outline]
    preface = next(page for _d, title, page in titles if title == "Preface")
    first = next(page for _d, _t, page in titles if page > preface)
    labels = [p.label for p in layout.pages]
    assert labels[0] == "i", f"the title page is numbered {labels[0]}"
    assert all(re.fullmatch(r"[ivxlc]+", label) for label in labels[:first]), labels[:first]
    assert labels[first] == "1"
    assert all(label.isdigit() for label in labels[first:]), labels[first:]
    assert [int(label) for label in labels[first:]] == list(range(1, len(labels) - first + 1))
    printed = [p.foot[-1].text for p in layout.pages[:first] if p.foot]
    assert printed and all(re.fullmatch(r"[ivxlc]+", folio) for folio in printed), printed


def test_back_matter_is_unnumbered(layout: Layout) -> None:
    """References, Glossary, How to cite: chapters without a number, in the contents and the
    bookmarks; their sections unnumbered too ("The book", not "16.1 The book")."""
    numbers = expected_chapters(layout.project)
    pages = {p.docname: p for p in pages_in_order(layout.project / "book")}
    back = [d for d, n in numbers.items() if not n and not pages[d].children and d != rights.COLOPHON_DOC]
    assert back, "no unnumbered chapter: nothing to check"
    bookmarks = {title: page for _d, title, page in layout.outline}
    for docname in back:
        title = fold_typography(pages[docname].title)
        assert title in bookmarks, f"{title!r} is not a bookmark"
        opening = " ".join(line.text for line in layout.pages[bookmarks[title]].body)
        assert not re.search(r"\bChapter\b", opening.partition(title)[0]), (
            f"{title!r} opens as a numbered chapter"
        )
        sections = re.findall(r"^#{2,3} +(.+)$", pages[docname].source, flags=re.M)
        for section in sections:
            text = re.escape(fold_typography(section))
            numbered = [
                line.text
                for p in layout.pages
                for line in p.body
                if re.fullmatch(rf"\d+(\.\d+)+\.? {text}", line.text)
            ]
            assert not numbered, f"{docname}: numbered section {numbered}"
    contents = [line.text for p in layout.pages[: bookmarks["Preface"]] for line in p.body]
    for docname in back:
        title = fold_typography(pages[docname].title)
        assert any(line.startswith(title) for line in contents), f"{title!r} not unnumbered in the contents"


def test_the_back_matter_follows_without_a_part_page(layout: Layout) -> None:
    """The back matter's group title ("Back matter") is a line in the contents and a bookmark, but no
    page of its own: the References follow the last chapter as in a printed book."""
    index = (layout.project / "book" / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```\{toctree\}\n(.*?)^```", index, flags=re.M | re.S)
    captions = [re.search(r"^:caption: *(.+?) *$", b, flags=re.M) for b in blocks if ":numbered:" not in b]
    back = [fold_typography(c.group(1)) for c in captions if c]
    assert back, "the front page has no captioned toctree of unnumbered pages"
    for caption in back:
        alone = [p.number for p in layout.pages if [line.text for line in p.body] == [caption]]
        assert not alone, f"{caption!r} has a page of its own: {alone}"
        assert caption in {title for _d, title, _p in layout.outline}, f"{caption!r} is not a bookmark"
        contents = [line.text for p in layout.pages[:8] for line in p.body]
        assert any(line.startswith(caption) for line in contents), f"{caption!r} not in the contents"


def test_running_heads_carry_the_short_title_or_the_chapters(layout: Layout) -> None:
    """A verso's head is the book's short title (CITATION.cff's title without its subtitle), a recto's
    its chapter's title, whole; the version is on the title verso, not in the heads."""
    book = load_book(layout.project / "CITATION.cff")
    short = fold_typography(book.short_title)
    titles = {fold_typography(p.title) for p in pages_in_order(layout.project / "book")} | {
        "Preface",
        "Index",
    }
    heads = [(p, " ".join(line.text for line in p.head)) for p in layout.pages if p.head]
    assert any(text == short for _p, text in heads), f"no head is the short title {short!r}"
    wrong = [
        f"page {p.number} ({p.label}): {text!r}"
        for p, text in heads
        if book.version in text
        or "…" in text
        or "..." in text
        or (text != short and text not in titles and text != "Contents")
    ]
    assert not wrong, "\n".join(wrong)


def test_chapter_openers_keep_the_titles_capitalisation(layout: Layout) -> None:
    bookmarks = {title: page for _d, title, page in layout.outline}
    checked = 0
    for page in pages_in_order(layout.project / "book"):
        title = fold_typography(page.title)
        if title in bookmarks and title != title.upper():
            opening = [line.text for line in layout.pages[bookmarks[title]].body]
            assert title.upper() not in opening, f"{title!r} is set in capitals"
            checked += 1
    assert checked > 5


def chapter_spans(layout: Layout) -> dict[str, range]:
    """Each chapter's pages (0-based): from its bookmark to the next bookmark at its depth or above."""
    spans = {}
    for index, (depth, title, start) in enumerate(layout.outline):
        following = [page for d, _t, page in layout.outline[index + 1 :] if d <= depth]
        spans.setdefault(title, range(start, following[0] if following else len(layout.pages)))
    return spans


def note_marks(page: Page, left: float, right: float) -> list[int]:
    """The note numbers on a page, in reading order: superscript figures inside the text's measure
    (the margin's figures are paragraph numbers), both the calls in the text and the notes' own."""
    if not page.body:
        return []
    size = statistics.median(line.height for line in page.body)
    return [
        int(line.text)
        for line in page.body
        if line.text.isdigit() and line.height < 0.75 * size and left <= line.left and line.right <= right
    ]


def test_each_chapter_numbers_its_notes_in_one_series(layout: Layout) -> None:
    """A chapter's notes run 1, 2, 3…: an address (the article's "original page") is printed where
    it stands, not as a note numbered on from the chapter's own."""
    spans = chapter_spans(layout)
    left = min(line.left for page in layout.pages for line in main_text(page))
    right = max(line.right for page in layout.pages for line in main_text(page))
    checked = 0
    for page in pages_in_order(layout.project / "book"):
        span = spans.get(fold_typography(page.title))
        if span is None or page.children:
            continue
        marks = [n for p in span for n in note_marks(layout.pages[p], left, right)]
        series = list(dict.fromkeys(marks))  # each number where it first appears
        assert series == list(range(1, len(series) + 1)), f"{page.title!r}: notes numbered {series}"
        checked += bool(series)
    assert checked, "no chapter has notes: nothing to check"


class TextColours:
    """pypdf visitors: the fill colour each run of text is drawn in, with the first page and words."""

    def __init__(self) -> None:
        self.fill: tuple[float, ...] = (0.0,)
        self.page = 0
        self.found: dict[tuple[float, ...], tuple[int, str]] = {}

    def operator(self, op: bytes, args: list, _cm: Any, _tm: Any) -> None:
        if op in (b"rg", b"g", b"k", b"sc", b"scn"):
            self.fill = tuple(round(float(a), 2) for a in args if isinstance(a, (int, float)))

    def text(self, words: str, *_: Any) -> None:
        if words.strip():
            self.found.setdefault(self.fill, (self.page, words.strip()[:40]))


def text_colours(pdf: Path, skip: set[int]) -> dict[tuple[float, ...], tuple[int, str]]:
    """Each fill colour text is drawn in (RGB, grey or CMYK components), with a page and words."""
    colours = TextColours()
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if number in skip:
            continue
        colours.page, colours.fill = number, (0.0,)
        page.extract_text(visitor_operand_before=colours.operator, visitor_text=colours.text)
    return colours.found


def figure_pages(layout: Layout) -> set[int]:
    """The pages (1-based) that hold a figure: its own colours are the figure's (the timeline's
    colour gives an event's kind)."""
    return {p.number for p in layout.pages if any(re.match(r"Fig\. \d+(\.\d+)*:", ln.text) for ln in p.body)}


def test_text_is_printed_in_black_or_grey(
    layout: Layout, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]
) -> None:
    """On paper a link or a BibTeX record is read, not clicked: no text in colour (teal links, pale
    blue highlighting); black, and grey for the margin's paragraph numbers, only. A figure's page
    is left out: the figure's colours carry meaning."""
    latex, _proc = pdf_build
    figures = figure_pages(layout)
    assert figures, "the book has no figure: the figure pages' exception is stale"
    colours = text_colours(latex.outdir / f"{FILE_STEM}.pdf", skip=figures)
    coloured = {c: where for c, where in colours.items() if len(c) == 4 or len(set(c)) > 1}
    assert not coloured, "\n".join(f"colour {c} on page {p}: {w!r}" for c, (p, w) in coloured.items())


def font_families(pdf: Path, phrase: re.Pattern[str]) -> dict[str, str]:
    """The font families ("FreeSerif") that set runs of text matching ``phrase``, with a run for each."""
    found: dict[str, str] = {}

    def text(words: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font and phrase.search(words):
            name = str(font.get("/BaseFont", "")).lstrip("/").partition("+")[2]
            family = re.sub(r"(Bold|Italic|Oblique|-Identity-H|-)+$", "", name)
            found.setdefault(family, words.strip()[:40])

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=text)
    return found


def test_continued_captions_are_set_like_the_captions(
    pdf_build: tuple[Build, subprocess.CompletedProcess[str]],
) -> None:
    """A long table's "continued from previous page" is in the captions' serif, not sans serif."""
    latex, _proc = pdf_build
    pdf = latex.outdir / f"{FILE_STEM}.pdf"
    captions = font_families(pdf, re.compile(r"^Table \d+\.\d+:"))
    continued = font_families(pdf, re.compile(r"continue[sd] (from previous|on next) page"))
    assert captions and continued, "no long table runs over a page: nothing to check"
    assert set(continued) <= set(captions), f"captions in {captions}, their continuations in {continued}"
