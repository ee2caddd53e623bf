"""The PDF edition, read back as a reader (and pdftotext, pdffonts, pypdf) sees it."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from editions_support import (
    CYRILLIC,
    cyrillic_titles,
    edition_problems,
    expected_chapters,
    pages_in_order,
    part_titles,
    pdftotext,
)
from litreview.core import bib, rights
from litreview.core.book import load_book
from litreview.core.order import reading_order
from litreview.core.outputs import FILE_STEM
from litreview.core.seeds import load_all
from litreview.review.timeline import KINDS, load_events
from support import Build, build_pdf, copy_project, fold_typography, sphinx_build, squeeze

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class PdfBook:
    project: Path
    pdf: Path
    pages: list[str]  # text of each page, from pdftotext
    outline: list[tuple[int, str, int]]  # (depth, title, 0-based page) in document order
    page_count: int


def flatten_outline(reader: PdfReader, items: list, depth: int = 0) -> list[tuple[int, str, int]]:
    """Bookmarks in document order; a part's number ("II Back matter") is dropped from its title."""
    found: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            found += flatten_outline(reader, item, depth + 1)
        else:
            title = (
                re.sub(r"^[IVXLC]+ ", "", fold_typography(item.title))
                if depth == 0
                else fold_typography(item.title)
            )
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
    outline = flatten_outline(reader, reader.outline)
    return PdfBook(project_copy, pdf, text.split("\f"), outline, len(reader.pages))


def chapters_in_order(book: Path) -> list:
    """The pages the PDF sets as parts and chapters: every page but the colophon, which is the title
    verso (litreview.sphinxext.colophon)."""
    return [p for p in pages_in_order(book) if p.docname != rights.COLOPHON_DOC]


def test_the_colophon_is_the_title_verso_not_a_chapter(pdf_book: PdfBook) -> None:
    titles = [title for _depth, title, _page in pdf_book.outline]
    assert fold_typography(rights.COLOPHON_TITLE) not in titles
    assert fold_typography(rights.COLOPHON_TITLE) in fold_typography(pdf_book.pages[1])


def test_the_pdf_lands_at_its_stable_path(pdf_book: PdfBook) -> None:
    assert pdf_book.pdf == pdf_book.project / "_build" / "latex" / f"{FILE_STEM}.pdf"
    assert pdf_book.pdf.stat().st_size > 0


def test_title_page_has_title_editors_and_date_and_its_verso_the_version(pdf_book: PdfBook) -> None:
    """A press's title page: the title, the editors in full, the date; the edition statement (the
    version and its release date) on the verso, not under the title like a software release."""
    info = load_book(pdf_book.project / "CITATION.cff")
    first, verso = (fold_typography(page) for page in pdf_book.pages[:2])
    assert fold_typography(info.title) in first
    assert all(fold_typography(editor) in first for editor in info.editor_names)
    assert f"{info.date_released.day} {info.date_released:%B %Y}" in first
    assert info.version not in first
    assert f"Version {info.version}" in verso


def test_pdf_metadata_comes_from_citation_cff(pdf_book: PdfBook) -> None:
    info = load_book(pdf_book.project / "CITATION.cff")
    meta = PdfReader(pdf_book.pdf).metadata
    assert meta.title == info.title
    assert all(editor in meta.author for editor in info.editor_names)
    assert fold_typography(meta.subject) == fold_typography(info.abstract)
    assert all(keyword in meta["/Keywords"] for keyword in info.keywords)


def test_every_page_of_the_book_is_a_bookmark_in_reading_order(pdf_book: PdfBook) -> None:
    expected = [fold_typography(p.title) for p in chapters_in_order(pdf_book.project / "book")]
    titles = [title for _depth, title, _page in pdf_book.outline]
    position = -1
    for title in expected:  # each after the one before: a section may share a later chapter's title
        later = titles[position + 1 :]
        assert title in later, f"{title!r} is not a bookmark after {titles[position]!r}"
        position += 1 + later.index(title)
    assert "Index" in titles and "contents" in fold_typography(pdf_book.pages[1] + pdf_book.pages[2]).lower()


def test_chapters_are_numbered(pdf_book: PdfBook) -> None:
    """Chapters 1, 2, … as the HTML and EPUB number them; the back matter is in the contents, unnumbered."""
    numbers = expected_chapters(pdf_book.project)
    chapters = [p for p in chapters_in_order(pdf_book.project / "book") if not p.children]
    toc = fold_typography("\n".join(pdf_book.pages[1 : pdf_book.outline[0][2]]))
    assert (
        chapters
        and any(numbers[c.docname] for c in chapters)
        and not all(numbers[c.docname] for c in chapters)
    )
    for chapter in chapters:
        start = " ".join(fold_typography(chapter.title).split()[:3])
        number = numbers[chapter.docname]
        if number:
            assert f"{number} {start}" in toc, (
                f"chapter {number} ({chapter.title!r}) is not numbered in the contents"
            )
        else:
            assert start in toc, f"{chapter.title!r} is not in the contents"
            assert not re.search(rf"(^|\n)\d+ {re.escape(start)}", toc), f"{chapter.title!r} is numbered"


def chapter_pages(pdf_book: PdfBook, title: str) -> range:
    """The pages from a chapter's bookmark up to (not including) the next bookmark at its depth or above."""
    items = pdf_book.outline
    index = next(i for i, (_d, t, _p) in enumerate(items) if t == fold_typography(title))
    depth, _title, start = items[index]
    following = [p for d, _t, p in items[index + 1 :] if d <= depth]
    end = following[0] if following else len(pdf_book.pages)
    return range(start, max(end, start + 1))


def test_each_works_cited_list_stays_inside_its_chapter(pdf_book: PdfBook) -> None:
    pages = [p for p in chapters_in_order(pdf_book.project / "book") if p.works_cited_heading]
    assert pages, "no chapter has a filtered {bibliography} list yet"
    for page in pages:
        span = chapter_pages(pdf_book, page.title)
        heading = fold_typography(page.works_cited_heading)
        inside = [n for n in span if heading in fold_typography(pdf_book.pages[n])]
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
    # The preamble loads the book's package, shipped beside the .tex, which sets Russian up.
    style = pdf_book.pdf.with_name("litreview.sty").read_text(encoding="utf-8")
    assert r"\usepackage{litreview}" in tex.split(r"\begin{document}", 1)[0]
    assert r"\setotherlanguage{russian}" in style
    assert r"\DeclareRobustCommand{\litrussian}" in style
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
    assert len(links) > len(chapters_in_order(pdf_book.project / "book"))


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


# -- print: every row, no overfull box, a clean index and front matter --------------------------


def latex_log(pdf_book: PdfBook) -> str:
    return pdf_book.pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")


def test_no_overfull_vbox(pdf_book: PdfBook) -> None:
    """A box taller than the page (a table that cannot break) loses what does not fit."""
    found = re.findall(r"^Overfull \\vbox.*$", latex_log(pdf_book), re.M)
    assert not found, "\n".join(found)


def test_no_overfull_hbox(pdf_book: PdfBook) -> None:
    """Nothing runs into the margin: long addresses break, table columns fit their words."""
    found = re.findall(r"^Overfull \\hbox.*$", latex_log(pdf_book), re.M)
    assert not found, "\n".join(found)


def without_locators(squeezed: str) -> str:
    """Squeezed text without the PDF's cross-reference locators ("[chapter7,p.35]", "(p.69)") and
    the links they follow when those read "chapter" alone, so a cell reads the same in both editions."""
    squeezed = re.sub(r"[(\[](?:(?:chapter|§)[\d.]+,)?p\.[0-9ivxlc]+[)\]]", "", squeezed)
    # a paragraph locator's page ("para.3,p.37", "paras.4–5,pp.60–61"): the PDF's alone
    squeezed = re.sub(r"(paras?\.[\d–-]+),pp?\.[0-9ivxlc]+(?:–[0-9ivxlc]+)?", r"\1", squeezed)
    return squeezed.replace("(chapter)", "")


def test_no_row_of_a_table_is_lost(pdf_book: PdfBook, html_build: Build) -> None:
    """Every cell of every table the review shows (in its HTML, built from the same sources) is printed."""
    text = without_locators(squeeze(pdftotext(pdf_book.pdf, "-raw")))
    cells = 0
    for page in chapters_in_order(pdf_book.project / "book"):
        soup = BeautifulSoup((html_build.outdir / f"{page.docname}.html").read_text("utf-8"), "html.parser")
        for cell in soup.select("article table th, article table td"):
            cells += 1
            words = cell.get_text(" ", strip=True)
            assert without_locators(squeeze(words)) in text, (
                f"{page.docname}: a table cell is not in the PDF: {words[:80]!r}"
            )
    assert cells, "the book has no table"


def test_every_timeline_event_is_printed(pdf_book: PdfBook) -> None:
    events = load_events(pdf_book.project / "book" / "review" / "timeline.yaml")
    text = squeeze(pdftotext(pdf_book.pdf, "-raw"))
    for event in events:
        assert squeeze(event.label) in text, event.label
        assert squeeze(event.when) in text, event.when


def test_the_timeline_figure_is_searchable_text_in_no_type_3_font(pdf_book: PdfBook) -> None:
    """The figure's words are text, not pictures of glyphs: pdffonts lists no Type 3 font, and the
    page that shows the figure's legend (its kinds of event, which only the figure prints) holds
    every event's label from timeline.yaml as text."""
    fonts = subprocess.run(["pdffonts", str(pdf_book.pdf)], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in fonts, fonts
    events = load_events(pdf_book.project / "book" / "review" / "timeline.yaml")
    legend = [label for label, _colour, _shape in KINDS.values()]
    pages = pdftotext(pdf_book.pdf, "-raw").split("\f")
    shown = [squeeze(p) for p in pages if all(squeeze(label) in squeeze(p) for label in legend)]
    assert len(shown) == 1, f"the legend is on {len(shown)} pages"
    missing = [e.label for e in events if squeeze(e.label) not in shown[0].replace("- ", "-")]
    assert not missing, f"not found as text on the figure's page: {missing}"


def index_headwords(pdf_book: PdfBook) -> list[str]:
    """The index's headwords (makeindex/xindy's .ind): first-level entries, without their "(extra)"."""
    ind = pdf_book.pdf.with_suffix(".ind").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"^\s*\\item \\spxentry\{(.*?)\}(?:\\spxextra|,|$)", ind, re.M)]


def test_the_index_has_no_headword_twice_by_case(pdf_book: PdfBook) -> None:
    words = [
        fold_typography(w.replace(r"\sphinxhyphen {}", "-").replace(r"\sphinxhyphen{}", "-"))
        for w in index_headwords(pdf_book)
    ]
    assert len(words) > 10
    folded = [w.casefold() for w in words]
    twice = sorted({w for w in words if folded.count(w.casefold()) > 1})
    assert not twice, f"index headwords that differ only by case or an (extra): {twice}"


def test_index_headwords_are_not_typewriter(pdf_book: PdfBook) -> None:
    start = next(page for _depth, title, page in pdf_book.outline if title == "Index")
    pages = ["-f", str(start + 1), "-l", str(len(pdf_book.pages))]
    fonts = subprocess.run(
        ["pdffonts", *pages, str(pdf_book.pdf)], capture_output=True, text=True, check=True
    )
    faces = [row.split()[0].partition("+")[2] for row in fonts.stdout.splitlines()[2:]]
    assert faces, "no font on the index pages"
    assert not [f for f in faces if re.search(r"Mono|Courier|^(cm|lm)tt", f)], (
        f"typewriter in the index: {faces}"
    )


def test_the_preface_is_front_matter_and_page_one_is_the_first_part(pdf_book: PdfBook) -> None:
    labels = PdfReader(pdf_book.pdf).page_labels
    preface = next(page for _d, title, page in pdf_book.outline if title == "Preface")
    first = next(page for _d, title, page in pdf_book.outline if page > preface)
    assert re.fullmatch(r"[ivxlc]+", labels[preface]), f"the preface is numbered {labels[preface]}"
    assert labels[first] == "1", f"the first part after the preface starts on page {labels[first]}"
    toc = fold_typography("\n".join(pdf_book.pages[1:preface]))
    assert re.search(rf"Preface {labels[preface]}\b", toc), (
        f"the contents miss the preface's page label: {toc[:300]}"
    )


def band_lines(pdf: Path, number: int, top: int, height: int) -> list[str]:
    """The non-empty lines of page ``number`` in the A4-wide band from y ``top`` down ``height`` points."""
    page = ["-f", str(number), "-l", str(number)]
    text = pdftotext(pdf, "-layout", *page, "-x", "0", "-y", str(top), "-W", "595", "-H", str(height))
    return [line.strip() for line in text.splitlines() if line.strip()]


def body_lines(pdf: Path, number: int) -> list[str]:
    """A page's lines between its running head and foot (the text area of an A4 page, from y 60 to 780)."""
    return band_lines(pdf, number, 60, 720)


def test_no_page_holds_only_one_or_two_lines(pdf_book: PdfBook) -> None:
    """A page with a paragraph's last two lines (or a heading alone) wastes a sheet; part pages are titles."""
    short = []
    parts = {fold_typography(t) for t in part_titles(pdf_book.project)}  # "Back matter" is not numbered
    for number in range(1, pdf_book.page_count + 1):
        lines = body_lines(pdf_book.pdf, number)
        if (
            0 < len(lines) <= 2
            and not lines[0].startswith("Part ")
            and fold_typography(lines[0]) not in parts
        ):
            short.append(f"page {number}: {lines}")
    assert not short, "\n".join(short)


def test_the_references_introduction_says_what_the_pdf_offers(pdf_book: PdfBook) -> None:
    text = squeeze("\n".join(pdf_book.pages))
    assert not edition_problems(pdf_book.project / "book" / "references.md", text, "latex", "latex")


def test_notes_show_their_number_once_and_leave_no_empty_heading(pdf_book: PdfBook) -> None:
    text = fold_typography("\n".join(pdf_book.pages))
    for meta in load_all(pdf_book.project / "seeds"):
        notes = [r for r in meta.references if r.note is not None]
        if not notes:
            continue
        chapter = next(p for p in pages_in_order(pdf_book.project / "book") if p.docname.endswith(meta.slug))
        span = chapter_pages(pdf_book, chapter.title)
        titles = [t for _d, t, p in pdf_book.outline if p in span]
        assert not any(t.endswith("Notes") for t in titles), f"{chapter.title}: an empty Notes heading"
        for ref in notes:
            start = fold_typography(ref.text)[:25]
            if ref.printed and ref.printed != str(ref.note):
                assert f"(printed as [{ref.printed}]) {start}" in text, start
            else:
                assert f"[{ref.printed}] {start}" not in text, f"note {ref.note} shows its number twice"


def test_the_articles_come_in_the_books_order(pdf_book: PdfBook) -> None:
    data = bib.parse(pdf_book.project / "refs.bib")
    placed = reading_order(load_all(pdf_book.project / "seeds"), data)
    titles = [fold_typography(bib.field_text(data.entries[p.meta.key], "title")) for p in placed]
    bookmarks = [t for _d, t, _p in pdf_book.outline]
    assert [t for t in bookmarks if t in titles] == titles


def test_references_open_with_the_author_and_show_the_editors_verification(pdf_book: PdfBook) -> None:
    """Author–year in print as on the web: no "[Label]" before an entry, whose first words are its
    first maker's name; under it, the editors' record of how its facts were checked."""
    data = bib.parse(pdf_book.project / "refs.bib")
    start = next(p for d, t, p in pdf_book.outline if d == 1 and t == "References")  # the chapter
    following = [p for d, _t, p in pdf_book.outline if d <= 1 and p > start]
    text = "\n".join(pdf_book.pages[start : following[0] if following else None])
    assert not re.search(r"^\s*\[[^\]]+\] ", text, flags=re.MULTILINE)
    lines = [fold_typography(line) for line in text.splitlines()]
    for key, entry in data.entries.items():
        maker = (bib.people(entry, "author") or bib.people(entry, "editor"))[0]
        assert any(line.startswith(fold_typography(maker.surname)) for line in lines), key
        record = bib.field_text(entry, "annotation")
        if record:
            assert squeeze(f"Editors' verification: {record}") in squeeze(text), key


def foot_lines(pdf: Path, number: int) -> list[str]:
    """A page's lines from y 770 to the bottom of an A4 page: the running foot is the last of them."""
    return band_lines(pdf, number, 770, 72)


def test_every_running_foot_is_one_line_with_the_page_number(pdf_book: PdfBook) -> None:
    """A long chapter title is shortened in the foot, never wrapped onto a line below the page number's."""
    bad = []
    for number in range(1, pdf_book.page_count + 1):
        lines = foot_lines(pdf_book.pdf, number)
        if lines and not re.search(r"^([0-9]+|[ivxlc]+)\b|\b([0-9]+|[ivxlc]+)$", lines[-1]):
            bad.append(f"page {number}: {lines}")
    assert not bad, "\n".join(bad)


def test_an_articles_own_section_numbers_are_not_numbered_again(pdf_book: PdfBook) -> None:
    """'1 Introduction' as the article printed it, not '10.1 1 Introduction'."""
    headings = [
        match.group(1)
        for chapter in sorted((pdf_book.project / "book" / "articles").glob("*.md"))
        for match in re.finditer(r"^#{1,6} +([0-9][0-9.]* .+)$", chapter.read_text(encoding="utf-8"), re.M)
    ]
    assert headings, "no article prints a numbered heading: this test checks nothing"
    text = fold_typography("\n".join(pdf_book.pages))
    renumbered = [h for h in headings if re.search(rf"\b\d+\.\d+\.? {re.escape(fold_typography(h))}", text)]
    assert not renumbered, f"numbered again in the PDF: {renumbered}"
    assert all(fold_typography(h) in text for h in headings)


def paragraph_page(pdf_book: PdfBook, number: int, text: str) -> int:
    """The index of the page where an article's paragraph begins: its first words, and its margin
    number on a line of its own (pdftotext puts a margin note before or after the line beside it),
    or, for a note, its number inline before the note's first words ("¶ 12 Herbst, …")."""
    first_words = squeeze(" ".join(text.split()[:6]))
    found = [
        i for i, page in enumerate(pdf_book.pages)
        if first_words in squeeze(page)
        and (re.search(rf"^{number}$", page, re.MULTILINE) or f"¶{number}{first_words}" in squeeze(page))
    ]  # fmt: skip
    assert len(found) == 1, (number, text[:60], found)
    return found[0]


def test_a_locator_gives_its_paragraph_and_the_page_it_starts_on(pdf_book: PdfBook) -> None:
    """The review's "para. 4" reads "para. 4, p. 38" in the PDF, 38 being the printed number of the
    page where the chapter's paragraph 4 begins; the located-claims appendix lists it as "¶ 4, p. 38"."""
    from litreview.chapters.paragraphs import by_key
    from litreview.core.locators import parse
    from litreview.sphinxext.locatedclaims import paragraph_label
    from review_support import REVIEW_PAGES, citations

    numbered = by_key(pdf_book.project / "seeds")
    labels = PdfReader(pdf_book.pdf).page_labels
    whole = squeeze(" ".join(pdf_book.pages))
    checked = 0
    for page in REVIEW_PAGES:
        source = (pdf_book.project / "book" / "review" / page.name).read_text("utf-8")
        for _offset, target in citations(source):
            locator = parse(target.post) if target.post and target.key in numbered else None
            if locator is None:
                continue
            paras = numbered[target.key]
            first = labels[paragraph_page(pdf_book, locator.first, paras[locator.first - 1].text)]
            last = labels[paragraph_page(pdf_book, locator.last, paras[locator.last - 1].text)]
            pages = f"p. {first}" if first == last else f"pp. {first}–{last}"
            assert squeeze(f"{locator.label()}, {pages}") in whole, (target.key, locator, pages)
            assert squeeze(f"{paragraph_label(locator.first, locator.last)}, {pages}") in whole, (
                target,
                pages,
            )
            checked += 1
    assert checked >= 3
