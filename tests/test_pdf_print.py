"""The PDF as a printed and archived book: its XMP metadata, references a reader can follow on
paper, tables set without broken names (issue 26). Built once per session (``pdf_build``)."""

from __future__ import annotations

import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from editions_support import TOCTREE, pdftotext, read_page, toctree_entries
from litreview.core import rights
from litreview.core.book import load_book
from litreview.core.outputs import FILE_STEM
from support import Build, fold_typography, squeeze

pytestmark = pytest.mark.slow

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
}


@pytest.fixture(scope="module")
def pdf(project_copy: Path, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]) -> Path:
    latex, proc = pdf_build
    assert latex.returncode == 0, latex.stderr
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return latex.outdir / f"{FILE_STEM}.pdf"


def xmp_values(root: ET.Element, name: str) -> list[str]:
    """The texts an XMP property holds (a simple value, or the items of its Alt, Bag or Seq)."""
    found = []
    for prop in root.iter(name.format(**{k: "{" + v + "}" for k, v in XMP.items()})):
        items = [li.text or "" for li in prop.iter("{" + XMP["rdf"] + "}li")]
        found += items or [prop.text or ""]
    return [" ".join(v.split()) for v in found]


def test_the_pdf_carries_xmp_metadata_from_citation_cff(project_copy: Path, pdf: Path) -> None:
    """Archives and reference managers read title, editors, rights, licence and keywords from XMP."""
    book = load_book(project_copy / "CITATION.cff")
    packet = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "<x:xmpmeta" in packet, "the PDF has no XMP metadata stream"
    root = ET.fromstring(packet[packet.index("<x:xmpmeta") : packet.index("</x:xmpmeta>") + 12])
    assert xmp_values(root, "{dc}title") == [book.title]
    assert xmp_values(root, "{dc}creator") == list(book.editor_names)
    assert xmp_values(root, "{dc}rights") == [rights.rights_line(book)]
    assert xmp_values(root, "{xmpRights}WebStatement") == [rights.licence(book).url]
    assert xmp_values(root, "{dc}subject") == list(book.keywords)
    assert xmp_values(root, "{dc}description") == [" ".join(book.abstract.split())]
    assert xmp_values(root, "{xmpMM}VersionID") == [book.version]


# -- cross-references a reader can follow on paper ----------------------------------------------

LABEL = re.compile(r"^\(([\w-]+)\)=[ \t]*\n+(#{1,2})\s+(.+?)\s*$", re.MULTILINE)
BARE_REF = re.compile(r"\{ref\}`([\w-]+)`")


def numbered_chapters(book: Path) -> list[str]:
    """The chapters the book numbers, in order: the pages of the front page's ``:numbered:``
    toctrees, a hub page (a part) replaced by its own pages."""
    found: list[str] = []
    index = (book / "index.md").read_text("utf-8")
    for block in TOCTREE.findall(index):
        if ":numbered:" not in block:
            continue
        for docname in toctree_entries("index", f"```{{toctree}}\n{block}```\n"):
            children = read_page(book, docname).children
            found += children or [docname]
    return found


def numbered_targets(book: Path) -> dict[str, tuple[str, str, str]]:
    """Each label on a chapter's or a numbered section's heading: (title, "chapter"/"§", number)."""
    targets = {}
    for number, docname in enumerate(numbered_chapters(book), start=1):
        source = (book / f"{docname}.md").read_text("utf-8")
        if docname.startswith("articles/"):
            continue  # an article keeps its own headings, unnumbered
        h2 = [m.start() for m in re.finditer(r"^## ", source, re.MULTILINE)]
        for label, level, title in LABEL.findall(source):
            if level == "#":
                targets[label] = (title, "chapter", str(number))
            else:
                at = source.index(f"({label})=")
                targets[label] = (title, "§", f"{number}.{sum(1 for p in h2 if p < at) + 1}")
    return targets


def test_a_cross_reference_gives_the_chapter_or_section_and_its_page(project_copy: Path, pdf: Path) -> None:
    """ "How this review was made" reads "How this review was made (chapter 2, p. 5)" in the PDF, 2
    being the chapter's number and 5 the printed number of the page where it starts."""
    book = project_copy / "book"
    targets = numbered_targets(book)
    reader = PdfReader(pdf)
    labels = reader.page_labels
    starts = {}
    for item in _outline(reader, reader.outline):
        starts.setdefault(squeeze(item.title), labels[reader.get_destination_page_number(item)])
    whole = squeeze(pdftotext(pdf))
    checked = set()
    for page in sorted((book / "review").glob("*.md")):
        for label in BARE_REF.findall(page.read_text("utf-8")):
            if label not in targets:
                continue
            title, kind, number = targets[label]
            where = re.escape(squeeze(f"{kind} {number}"))
            pattern = re.escape(squeeze(title)) + rf"[(\[]{where},p\.(\w+)[)\]]"
            found = re.findall(pattern, whole)
            assert found, f"{page.name}: {{ref}}`{label}` is not followed by “({kind} {number}, p. …)”"
            assert set(found) == {starts[squeeze(title)]}, (label, found, starts[squeeze(title)])
            checked.add(label)
    assert {"review-method", "review-gaps"} <= checked and any(targets[c][1] == "§" for c in checked)


def test_the_html_shows_no_printed_locator(html_build: Build) -> None:
    """On screen the link is enough: the HTML keeps the bare title."""
    page = BeautifulSoup((html_build.outdir / "review" / "corpus.html").read_text("utf-8"), "html.parser")
    text = " ".join(page.get_text(" ").split())
    assert "How this review was made" in text
    assert not re.search(r"(chapter|§) \d+(\.\d+)?, p\. \d+", text)


def _outline(reader: PdfReader, items: list) -> list:
    found = []
    for item in items:
        found += _outline(reader, item) if isinstance(item, list) else [item]
    return found


# -- the index: where a term or an author is discussed -------------------------------------------

PAGES = r"(?:[0-9ivxlc]+(?:–[0-9]+)?)"


def index_pages(text: str, headword: str) -> set[str]:
    """The pages the printed index gives for a headword ("17–27" counts as 17 and 27)."""
    match = re.search(rf"(?:^|\s){re.escape(headword)}, ({PAGES}(?:, {PAGES})*)", text)
    assert match, f"{headword!r} is not in the index"
    return {page for ref in match.group(1).split(", ") for page in ref.split("–")}


def test_the_index_gives_where_each_author_and_term_is_discussed(project_copy: Path, pdf: Path) -> None:
    """Each article's makers are indexed where the book cites the article and where its chapter
    opens, not once at the corpus chapter; a term the review links is indexed there as well as at
    its definition in the glossary."""
    from litreview.core import bib
    from litreview.core.seeds import load_all

    reader = PdfReader(pdf)
    labels = reader.page_labels
    outline = {
        fold_typography(i.title): reader.get_destination_page_number(i)
        for i in _outline(reader, reader.outline)
    }
    pages = pdftotext(pdf, "-raw").split("\f")  # -raw: an entry's wrapped lines stay together
    text = re.sub(r"–\s+", "–", " ".join(" ".join(pages[outline["Index"] :]).split()))
    data = bib.parse(project_copy / "refs.bib")
    for meta in load_all(project_copy / "seeds"):
        opens = labels[outline[fold_typography(bib.field_text(data.entries[meta.key], "title"))]]
        for name in bib.makers(data.entries[meta.key]):
            found = index_pages(text, name.inverted)
            assert opens in found and len(found) >= 5, (name.inverted, opens, found)
    glossary = range(outline["Glossary"], outline[fold_typography("How to cite")])
    defined = {labels[i] for i in glossary}
    review = " ".join(p.read_text("utf-8") for p in sorted((project_copy / "book" / "review").glob("*.md")))
    linked = {m.split(" <")[-1].rstrip(">") for m in re.findall(r"\{term\}`([^`]+)`", review)}
    headwords = re.findall(
        r"^(\S[^\n]*)\n  \S", (project_copy / "book" / "glossary.md").read_text("utf-8"), re.M
    )
    checked = 0
    for term in linked:
        headword = next((h for h in headwords if h.casefold() == term.casefold()), None)
        if headword is None:
            continue
        found = index_pages(text, headword.replace("-", "‐"))
        assert found & defined and found - defined, (headword, found)
        checked += 1
    assert checked >= 5


# -- tables: no word broken at a line's end -------------------------------------------------------

LIST_TABLE = re.compile(r"^:::\{list-table\}[^\n]*\n(.*?)^:::$", re.MULTILINE | re.DOTALL)


def test_the_appraisal_table_breaks_no_word(project_copy: Path, pdf: Path) -> None:
    """Table 3.2 (six columns) sets every word whole: no author's name ("Dot-senko", "Khu-maryan")
    and no other word of its cells ("fi-nancial") is hyphenated at a line's end."""
    from litreview.core import bib
    from litreview.core.seeds import load_all

    source = (project_copy / "book" / "review" / "corpus.md").read_text("utf-8")
    table = next(t for t in LIST_TABLE.findall(source) if ":name: appraisal-table" in t)
    words = {w.casefold() for w in re.findall(r"\w+", table)}
    hyphenated = {w.casefold() for w in re.findall(r"\w+-\w+", table)}
    data = bib.parse(project_copy / "refs.bib")
    surnames = {n.surname for m in load_all(project_copy / "seeds") for n in bib.makers(data.entries[m.key])}
    # -raw: each cell's lines in order, and a word hyphenated at a line's end kept as printed
    pages = [p for p in pdftotext(pdf, "-raw").split("\f") if "Table 3.2" in p]
    assert pages, "no page holds Table 3.2"
    broken = []
    for page in pages:
        lines = page.splitlines()
        for line, following in itertools.pairwise(lines):
            end, start = re.search(r"(\w+)[-‐]$", line), re.match(r"\s*(\w+)", following)
            if end and start:
                joined = (end.group(1) + start.group(1)).casefold()
                if joined in words and f"{end.group(1)}-{start.group(1)}".casefold() not in hyphenated:
                    broken.append(f"{end.group(1)}-/{start.group(1)}")
    assert not broken, broken
    text = " ".join(pages)
    assert all(surname in text for surname in surnames if surname in table), surnames


# -- each article's sources: what a reader needs, once per use ----------------------------------


def test_in_print_a_chapter_sends_its_works_cited_to_the_references(
    project_copy: Path, pdf: Path, html_build: Build
) -> None:
    """On paper a chapter keeps the article's own list and says where the verified entries are (the
    References, with its page), instead of printing them a second time; on screen the list stays,
    saying why it repeats the article's own."""
    from litreview.chapters.render import OWN_LIST
    from litreview.core.seeds import load_all

    reader = PdfReader(pdf)
    labels = reader.page_labels
    items = [
        (fold_typography(i.title), reader.get_destination_page_number(i))
        for i in _outline(reader, reader.outline)
    ]
    starts = dict(reversed(items))  # a title's first bookmark
    back = dict(items)["References"]  # the back matter's, after any article's own "References"
    pages = pdftotext(pdf).split("\f")
    references = labels[back]
    soups = {
        m: BeautifulSoup(
            (html_build.outdir / "articles" / f"{m.slug}.html").read_text("utf-8"), "html.parser"
        )
        for m in load_all(project_copy / "seeds")
    }
    titles = {
        m: fold_typography(s.select_one("h1").get_text(" ", strip=True).rstrip("#").strip())
        for m, s in soups.items()
    }
    opens = sorted([starts[t] for t in titles.values()] + [back])
    checked = 0
    for meta, soup in soups.items():
        if not meta.references:
            continue
        title = titles[meta]
        heading = next(h for h in soup.find_all("h2") if h.get_text().startswith("Works cited"))
        section = heading.find_parent("section")
        entries = [squeeze(li.get_text(" ")) for li in section.select("li")]
        assert entries and squeeze(OWN_LIST) in squeeze(section.get_text(" ")), meta.slug
        start = starts[title]
        end = min(p for p in opens if p > start)
        chapter = squeeze(" ".join(pages[start:end]))
        assert squeeze(f"{OWN_LIST} The verified entry") in chapter, meta.slug
        assert squeeze(f"References (p. {references})") in chapter, meta.slug
        assert not [e for e in entries if e[:60] in chapter], f"{meta.slug}: the works are printed again"
        checked += 1
    assert checked >= 3


# -- tables whose rows are too tall for a page: one block per row --------------------------------


def test_a_table_of_page_tall_rows_is_printed_one_block_per_row(pdf: Path, html_build: Build) -> None:
    """Table 3.2's rows are paragraphs: in print each article is a block, its name on a line of its
    own, then each column's heading beside that article's cell. Table 5.1, a grid of short cells,
    keeps its columns: its head row prints every column's heading on one line."""
    soup = BeautifulSoup((html_build.outdir / "review" / "corpus.html").read_text("utf-8"), "html.parser")
    table = soup.select_one("table#appraisal-table")
    assert table is not None, "review/corpus.html has no table#appraisal-table"
    labels = [fold_typography(th.get_text(" ", strip=True)) for th in table.select("thead th")]
    stubs = [
        fold_typography(" ".join(tr.find(["th", "td"]).get_text().split())) for tr in table.select("tbody tr")
    ]
    pages = [p for p in pdftotext(pdf, "-layout").split("\f") if "Table 3.2" in p]
    lines = [fold_typography(line) for page in pages for line in page.splitlines()]
    assert [line for line in lines if line in stubs] == stubs, "each article's name heads its block, in order"
    for label in labels[1:]:
        start = " ".join(label.split()[:2])  # a heading may wrap after its first words
        rows = [line for line in lines if line.startswith(start)]
        assert len(rows) == len(stubs), (label, rows)
    assert not any(all(label.split()[0] in line for label in labels) for line in lines), "no grid head row"

    grid = BeautifulSoup((html_build.outdir / "review" / "comparison.html").read_text("utf-8"), "html.parser")
    heads = [
        fold_typography(th.get_text(" ", strip=True)) for th in grid.select("table#comparison-table thead th")
    ]
    first = next(p for p in pdftotext(pdf, "-layout").split("\f") if "Table 5.1" in p)
    assert any(all(h.split()[0] in fold_typography(line) for h in heads) for line in first.splitlines()), (
        heads
    )


# -- names are not broken at a line's end -------------------------------------------------------


def test_no_capitalised_word_is_hyphenated_at_a_lines_end(pdf: Path) -> None:
    """A name ("Khumaryan", "Dotsenko", "Singapore") is set whole: no line ends with part of a
    capitalised word whose other part opens the next line. A compound written with its hyphen
    ("E-Government") may break there."""
    text = pdftotext(pdf, "-raw")
    lines = text.splitlines()
    whole = set(re.findall(r"\w+", text))
    compounds = {m.replace("‐", "-") for line in lines for m in re.findall(r"\w+[-‐]\w+", line)}
    broken = []
    for line, following in itertools.pairwise(lines):
        end, start = re.search(r"\b([A-Z]\w*)[-‐]$", line), re.match(r"\s*(\w+)", following)
        if end and start and f"{end[1]}-{start[1]}" not in compounds:
            broken.append(f"{end[1]}-/{start[1]}")
    assert not broken, broken
    assert {"Khumaryan", "Dotsenko"} <= whole, "the names the test was written for are in the book"
