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
from printed_index import Entry, read_index
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


@pytest.fixture(scope="module")
def printed_index(pdf: Path) -> list[Entry]:
    """The index as printed: from its bookmark to the last page."""
    reader = PdfReader(pdf)
    first = next(page for _depth, title, page in _outline_pages(reader) if title == "Index")
    return read_index(pdf, first + 1, len(reader.pages))


def _outline_pages(
    reader: PdfReader, items: list | None = None, depth: int = 0
) -> list[tuple[int, str, int]]:
    """Bookmarks in order as (depth, title, 0-based page)."""
    found: list[tuple[int, str, int]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += _outline_pages(reader, item, depth + 1)
        else:
            found.append((depth, fold_typography(item.title), reader.get_destination_page_number(item)))
    return found


def _headed(entries: list[Entry], heading: str) -> list[Entry]:
    return [e for e in entries if squeeze(e.text).casefold() == squeeze(heading).casefold()]


def test_the_index_gives_where_each_author_and_term_is_discussed(
    project_copy: Path, pdf: Path, printed_index: list[Entry]
) -> None:
    """Each article's makers are indexed where the book cites the article and where its chapter
    opens, not once at the corpus chapter; a term the review links is indexed there as well as at
    its definition in the glossary."""
    from litreview.core import bib
    from litreview.core.seeds import load_all
    from litreview.review.indextopics import load_index_topics

    reader = PdfReader(pdf)
    labels = reader.page_labels
    outline = {title: page for _d, title, page in _outline_pages(reader)}
    data = bib.parse(project_copy / "refs.bib")
    for meta in load_all(project_copy / "seeds"):
        opens = labels[outline[fold_typography(bib.field_text(data.entries[meta.key], "title"))]]
        for name in bib.makers(data.entries[meta.key]):
            (entry,) = _headed(printed_index, name.inverted)
            assert opens in entry.pages and len(entry.all_pages) >= 5, (name.inverted, opens, entry)
    glossary = range(outline["Glossary"], outline[fold_typography("How to cite")])
    defined = {labels[i] for i in glossary}
    review = " ".join(p.read_text("utf-8") for p in sorted((project_copy / "book" / "review").glob("*.md")))
    linked = {m.split(" <")[-1].rstrip(">") for m in re.findall(r"\{term\}`([^`]+)`", review)}
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    for term in linked:
        topic = topics.topic_named(term)
        assert topic is not None, f"{term!r} is linked but has no heading in index-topics.yaml"
        (entry,) = _headed(printed_index, topic.heading)
        assert entry.pages & defined and entry.pages - defined, (topic.heading, entry.pages)
    assert len(linked) >= 5


def test_each_topic_is_one_heading_at_the_pages_that_name_it(
    project_copy: Path, pdf: Path, printed_index: list[Entry]
) -> None:
    """Every topic of book/index-topics.yaml is one heading, and each page it (or a subentry) gives
    prints one of the topic's words there, its definition's page in the glossary aside."""
    from litreview.review.indextopics import load_index_topics

    reader = PdfReader(pdf)
    physical = {label: i for i, label in enumerate(reader.page_labels)}
    outline = {title: page for _d, title, page in _outline_pages(reader)}
    glossary = {
        reader.page_labels[i] for i in range(outline["Glossary"], outline[fold_typography("How to cite")])
    }
    # -raw as well: a table cell's lines stay together in the order they were set
    pages = [
        squeeze(a + b).casefold()
        for a, b in zip(pdftotext(pdf).split("\f"), pdftotext(pdf, "-raw").split("\f"), strict=True)
    ]
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    wrong = []
    for topic in topics.topics:
        found = _headed(printed_index, topic.heading)
        assert len(found) == 1, f"{topic.heading!r} is {len(found)} headings"
        words = [squeeze(w).casefold() for w in topic.words]
        for page in sorted(found[0].all_pages - glossary):
            if not any(w in pages[physical[page]] for w in words):
                wrong.append(f"{topic.heading}: p. {page}")
    assert not wrong, f"the index gives pages that do not name the topic: {wrong}"


def test_other_spellings_send_the_reader_to_the_one_heading(
    project_copy: Path, printed_index: list[Entry]
) -> None:
    """A variant a reader may look up ("Digital government", "Sear, Muhammad J") prints "see" and
    the heading, with no page of its own; a glossary term's other spellings too; a related
    heading prints "see also"."""
    from litreview.review.indextopics import load_index_topics

    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    glossary = (project_copy / "book" / "glossary.md").read_text("utf-8")
    block = glossary[glossary.index("```{glossary}") : glossary.rindex("```")]
    groups = [g.splitlines() for g in re.findall(r"^((?:\S[^\n]*\n)+)  \S", block.split("\n", 1)[1], re.M)]
    expected = {(v, t.heading) for t in (*topics.topics, *topics.names) for v in t.see}
    for group in (g for g in groups if len(g) > 1):
        heading = next((t.heading for s in group if (t := topics.topic_named(s))), group[0])
        expected |= {(s, heading) for s in group if squeeze(s) != squeeze(heading)}
    assert len(expected) >= 10
    for variant, heading in sorted(expected):
        (entry,) = _headed(printed_index, variant)
        assert [squeeze(s) for s in entry.see] == [squeeze(heading)], (variant, entry)
        assert not entry.all_pages, (variant, entry)
        (target,) = _headed(printed_index, heading)
        assert target.all_pages, (heading, target)
    for topic in topics.topics:  # related headings: "see also", after the pages
        if topic.also:
            (entry,) = _headed(printed_index, topic.heading)
            assert sorted(map(squeeze, entry.see_also)) == sorted(map(squeeze, topic.also)), entry


def test_a_topic_s_subentries_name_the_article_that_discusses_it(
    project_copy: Path, pdf: Path, printed_index: list[Entry]
) -> None:
    """A topic's subentry "Sear on" gives pages inside that article's chapter; an author's
    subentries name the chapters of ours that cite the article."""
    from litreview.core import bib
    from litreview.core.seeds import load_all

    reader = PdfReader(pdf)
    labels = reader.page_labels
    items = _outline_pages(reader)
    data = bib.parse(project_copy / "refs.bib")
    chapters = {}
    for meta in load_all(project_copy / "seeds"):
        entry = data.entries[meta.key]
        title = fold_typography(bib.field_text(entry, "title"))
        at = next(i for i, (_d, t, _p) in enumerate(items) if t == title)
        depth, _t, start = items[at]
        pages = range(start, next(p for d, _t, p in items[at + 1 :] if d <= depth))
        chapters[f"{bib.cited_name(entry)} on"] = {labels[i] for i in pages}
    subentries = [(e.text, s) for e in printed_index for s in e.subentries if s.text in chapters]
    assert len({text for text, _s in subentries}) >= 10, subentries
    outside = [(t, s.text, s.pages - chapters[s.text]) for t, s in subentries if s.pages - chapters[s.text]]
    assert not outside, outside
    review = {fold_typography(t) for t in re.findall(r"^# (.+)$", _review_text(project_copy), re.M)}
    for meta in load_all(project_copy / "seeds"):
        for name in bib.makers(data.entries[meta.key]):
            (entry,) = _headed(printed_index, name.inverted)
            assert {s.text for s in entry.subentries} & review, (name.inverted, entry.subentries)


def _review_text(project: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((project / "book" / "review").glob("*.md")))


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
    from litreview.chapters.render import own_sources
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
        on_screen, on_paper = own_sources(meta)
        assert entries and squeeze(on_screen) in squeeze(section.get_text(" ")), meta.slug
        start = starts[title]
        end = min(p for p in opens if p > start)
        chapter = squeeze(" ".join(pages[start:end]))
        assert squeeze(f"{on_paper} The verified entry") in chapter, meta.slug
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


def test_no_line_opens_with_the_punctuation_of_the_word_before_it(project_copy: Path, pdf: Path) -> None:
    """An article that prints a space before its full stop ("Leningrad .") keeps it, but no line of
    the PDF opens with that full stop."""
    chapters = " ".join(p.read_text("utf-8") for p in (project_copy / "book" / "articles").glob("*.md"))
    assert re.search(r"\w +[.,;:](\s|$)", chapters), "no article prints a space before punctuation"
    opening = [line for line in pdftotext(pdf, "-layout").splitlines() if re.match(r"\s*[.,;:!?] ", line)]
    assert not opening, opening


def test_paper_prints_references_not_bibtex_code(project_copy: Path, pdf: Path, html_build: Build) -> None:
    """BibTeX is for copying into a .bib file, which nobody does from paper: the PDF prints each How
    to cite entry as its reference and says where the records are; the web edition keeps them."""
    web = BeautifulSoup((html_build.outdir / "how-to-cite.html").read_text("utf-8"), "html.parser")
    records = [pre.get_text() for pre in web.select(".how-to-cite-bibtex pre")]
    assert records, "the web edition's How to cite has no BibTeX"
    text = pdftotext(pdf)
    heads = {m.group(0) for r in records for m in [re.match(r"@\w+\{[^,]+,", r)] if m}
    assert heads and not [h for h in heads if h in text], "a BibTeX record is printed"
    assert "refs.bib" in text
