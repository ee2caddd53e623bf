"""The five article chapters as a reader sees them in the built book.

Every expectation is computed from the seeds and their metadata (litreview.seedmeta /
litreview.convert), never pasted from a run.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Tag

from litreview.chapters.prepare import DUPLICATE, lines_span, prepare
from litreview.chapters.provenance import PROVENANCE_DOC
from litreview.chapters.render import article_paragraphs, edition_repairs
from litreview.core import bib
from litreview.core.order import reading_order
from litreview.core.seeds import SeedMeta, load_all, load_seed_meta
from support import ROOT, Build

METAS = load_all(ROOT / "seeds")


def squash(text: str) -> str:
    """Text with all whitespace removed, so inline markup and line breaks cannot matter."""
    return re.sub(r"\s+", "", text)


def sentences(paragraph: str) -> list[str]:
    """Split simply: after . ! ? followed by a space and a capital letter or an opening quote."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", paragraph) if s.strip()]


def chapter(build: Build, meta: SeedMeta) -> Tag:
    """The chapter's main content, with footnote markers and our Works-cited list taken out."""
    html = (build.outdir / "articles" / f"{meta.slug}.html").read_text(encoding="utf-8")
    return content(html)


def content(html: str) -> Tag:
    """The page's own content: the theme's article element, without sidebars and page TOC."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("article.bd-article") or soup.select_one('div[role="main"]')
    assert main is not None
    return main


def body_text(main: Tag) -> str:
    """The article's text on the page: none of what we add (title, byline, summary, edition box,
    footnote markers, Works cited, how to cite)."""
    main = BeautifulSoup(str(main), "html.parser")
    for ref in main.select("a.footnote-reference, .headerlink, .visually-hidden, p.bibliography-downloads"):
        ref.decompose()
    for node in main.select("h1, p.byline, .about-edition, .editors-summary"):
        node.decompose()
    for heading in main.find_all("h2"):
        if heading.get_text().startswith(("Works cited", "How to cite")):
            heading.find_parent("section").decompose()
    return squash(main.get_text())


@pytest.mark.slow
@pytest.mark.parametrize("meta", METAS, ids=lambda m: m.slug)
def test_every_sentence_is_on_the_page_once(html_build: Build, meta: SeedMeta) -> None:
    assert html_build.returncode == 0, html_build.stderr
    page = body_text(chapter(html_build, meta))
    kept = squash(" ".join(article_paragraphs(meta)))
    for paragraph in article_paragraphs(meta):
        for sentence in sentences(paragraph):
            needle = squash(sentence)
            assert needle in page, sentence
            assert page.count(needle) == kept.count(needle), (
                f"{sentence!r} on the page more often than in the article"
            )


@pytest.mark.slow
def test_000_prints_each_sentence_once(html_build: Build) -> None:
    meta = load_seed_meta(ROOT / "seeds" / "000_de68ed6c4e8229e3.toml")
    prep = prepare(meta)
    (first, last), *_ = prep.removed[DUPLICATE]
    duplicate = [line for line in prep.lines[first - 1 : last] if len(line) > 100]
    assert len(duplicate) >= 15
    page = body_text(chapter(html_build, meta))
    for line in duplicate:
        for sentence in sentences(line.strip()):
            if squash(" ".join(duplicate)).count(squash(sentence)) == 1:
                assert page.count(squash(sentence)) == 1, sentence


@pytest.mark.slow
@pytest.mark.parametrize("meta", METAS, ids=lambda m: m.slug)
def test_removed_lines_are_not_on_the_page(html_build: Build, meta: SeedMeta) -> None:
    prep = prepare(meta)
    page = body_text(chapter(html_build, meta))
    removed = {
        prep.lines[n - 1].strip()
        for category, blocks in prep.removed.items()
        if category != DUPLICATE  # a duplicate copy's sentences are on the page once: see above
        for first, last in blocks
        for n in range(first, last + 1)
        if prep.lines[n - 1].strip()
    }
    assert removed
    for line in removed:
        assert not re.search(rf"(?<![\w]){re.escape(squash(line))}(?![\w])", page), line


@pytest.mark.slow
def test_002_headings_are_nested(html_build: Build) -> None:
    meta = load_seed_meta(ROOT / "seeds" / "002_0115458a33be5f7d.toml")
    main = chapter(html_build, meta)
    sections = [line.lstrip("#").strip() for line in prepare(meta).lines if re.match(r"^#{2,}\s+\d+\s", line)]
    assert len(sections) == 4
    h1 = main.find("h1")
    top = h1.find_parent("section")
    h2s = [s.find("h2").get_text().rstrip("#¶").strip() for s in top.find_all("section", recursive=False)]
    assert h2s[: len(sections)] == sections
    assert not main.find("h3")


@pytest.mark.slow
@pytest.mark.parametrize(
    "meta", [m for m in METAS if any(r.kind == "join" for r in m.repairs)], ids=lambda m: m.slug
)
def test_no_paragraph_ends_where_a_break_was(html_build: Build, meta: SeedMeta) -> None:
    main = chapter(html_build, meta)
    lines = prepare(meta).lines
    for repair in meta.repairs:
        if repair.kind != "join":
            continue
        first = next(line.strip() for line in lines if line.strip().startswith(repair.line))
        nxt = next(line.strip() for line in lines if line.strip().startswith(repair.next))
        if re.match(r"^(?:-|\d+\.)\s", nxt):  # a list rejoined: both items side by side, same parent
            a, b = (
                next(
                    t
                    for t in main.find_all(["li", "p"])
                    if squash(re.sub(r"^(?:-|\d+\.)\s|\*", "", line))[:40] in squash(t.get_text())
                    and not t.find_parent(class_="about-edition")
                )
                for line in (first, nxt)
            )
            assert a.parent is b.parent and a.find_next_sibling(a.name) is b, repair.next
            continue
        tail, head = " ".join(first.split()[-4:]), " ".join(nxt.split()[:4])
        paragraph = next(
            p
            for p in main.find_all("p")
            if squash(tail) in squash(p.get_text()) and not p.find_parent(class_="about-edition")
        )
        assert squash(f"{tail} {head}") in squash(paragraph.get_text())


@pytest.mark.slow
def test_004_footnotes_one_to_six_linked_both_ways(html_build: Build) -> None:
    meta = load_seed_meta(ROOT / "seeds" / "004_79a4b91692c8b3fe.toml")
    main = chapter(html_build, meta)
    notes = main.select("aside.footnote")
    expected = sorted(r.note for r in meta.references if r.note is not None)
    assert expected == list(range(1, 7))
    assert [n.select_one(".label").get_text().strip("[]") for n in notes] == [str(i) for i in expected]
    for note, ref in zip(notes, meta.references, strict=True):
        back = note.select_one('a[role="doc-backlink"]')
        marker = main.find(id=back["href"].lstrip("#"))
        assert marker is not None and "footnote-reference" in marker["class"]
        assert marker["href"] == f"#{note['id']}"
        assert squash(ref.text) in squash(note.get_text())
        assert note.select_one("a.seedcite")["href"].endswith(f"references.html#cite-{ref.keys[0]}")
        # The printed number shows once: as the note's own label, or, renumbered, "printed as [5]".
        label = note.select_one(".label")
        text = note.get_text(" ", strip=True).removeprefix(label.get_text(" ", strip=True)).lstrip()
        text = text.removeprefix(note.select_one("a.para-num").get_text(" ", strip=True)).lstrip()
        if ref.printed != str(ref.note):
            assert text.startswith(f"(printed as [{ref.printed}])"), text
        else:
            assert f"[{ref.printed}]" not in text, text


@pytest.mark.slow
@pytest.mark.parametrize("meta", METAS, ids=lambda m: m.slug)
def test_head_edition_box_and_works_cited(html_build: Build, meta: SeedMeta) -> None:
    main = chapter(html_build, meta)
    prep = prepare(meta)
    words = main.select_one(".about-edition").get_text(" ")
    box = squash(words)
    # The box says in words what was done; the file, its digest and its lines are the appendix's.
    assert meta.seed_path.name not in words and prep.sha256[:12] not in box
    assert not re.search(r"\blines? \d+", words), words
    # … and in a reader's words, not the converter's: no "block" counts, heading "levels" or formats
    assert not re.search(r"\bblocks?\b|\blevel \d|Markdown-like", words), words
    assert main.select_one(f".about-edition a[href*='{PROVENANCE_DOC}.html']") is not None
    for category in prep.removed:
        assert squash(category) in box
    record = provenance_entry(html_build, meta)
    assert meta.seed_path.name in record and prep.sha256 in record.replace(" ", "")
    for category, blocks in prep.removed.items():
        assert all(lines_span(a, b) in record for a, b in blocks), (category, record)
    assert all(r.where in record for r in edition_repairs(prep))
    cited = {k for r in meta.references for k in r.keys}
    links = {a["href"].rsplit("#cite-", 1)[1] for a in main.select("a.seedcite")}
    assert links == cited
    works = main.find("h2", string=re.compile("Works cited")) or next(
        h for h in main.find_all("h2") if h.get_text().startswith("Works cited")
    )
    listed = {li["id"].removeprefix("cite-") for li in works.find_parent("section").select("li[id]")}
    assert listed == cited


def provenance_entry(build: Build, meta: SeedMeta) -> str:
    """The provenance appendix's record of one article: its heading line (a link to the chapter)
    and the list after it, as text."""
    html = (build.outdir / f"{PROVENANCE_DOC}.html").read_text(encoding="utf-8")
    link = content(html).select_one(f".provenance a[href$='articles/{meta.slug}.html']")
    assert link is not None, meta.slug
    paragraph = link.find_parent("p")
    return " ".join((paragraph.get_text(" ") + " " + paragraph.find_next_sibling("ul").get_text(" ")).split())


@pytest.mark.slow
def test_articles_index_shows_author_year_and_title_in_the_books_order(html_build: Build) -> None:
    html = (html_build.outdir / "articles" / "index.html").read_text(encoding="utf-8")
    items = [li for li in content(html).select("li") if li.a]
    data = bib.parse(ROOT / "refs.bib")
    placed = reading_order(METAS, data)
    assert [li.a["href"] for li in items] == [f"{p.meta.slug}.html" for p in placed]
    for li, place in zip(items, placed, strict=True):
        entry = data.entries[place.meta.key]
        names = [n.display for n in bib.people(entry, "author")] or [place.meta.attributed_to]
        assert all(squash(name) in squash(li.get_text()) for name in names), li.get_text()
        assert (bib.year(entry) or "undated") in li.get_text()
        assert squash(bib.field_text(entry, "title")) == squash(li.a.get_text())


@pytest.mark.slow
def test_every_printed_marker_links_to_each_work_it_cites(html_build: Build) -> None:
    """A marker as the article printed it ("[4-6]") reaches every work it stands for, in print order;
    a range's dash names the numbers inside it for screen readers only."""
    for meta in METAS:
        source = (ROOT / "book" / "articles" / f"{meta.slug}.md").read_text(encoding="utf-8")
        markers = re.findall(r"\{seedcite\}`+\s?(.*?)\s?<([^<>]+)>`+", source)
        main = chapter(html_build, meta)
        spans = main.select("[id^=seedcite-]")
        assert len(spans) == len(markers), meta.slug
        for span, (printed, keys) in zip(spans, markers, strict=True):
            links = [span] if span.name == "a" else span.select("a")
            assert [a["href"].rsplit("#cite-", 1)[1] for a in links] == keys.split(","), printed
            visible = BeautifulSoup(str(span), "html.parser")
            for hidden in visible.select(".visually-hidden"):
                hidden.decompose()
            assert visible.get_text() == printed.replace("\\", ""), printed


def test_our_words_in_the_chapters_use_curly_apostrophes() -> None:
    """The editor's summary and the "About this edition" box are ours: "Editor’s", "article’s"."""
    for meta in METAS:
        text = (ROOT / "book" / "articles" / f"{meta.slug}.md").read_text(encoding="utf-8")
        ours = re.sub(r"<!-- generated:begin (\w+).*?<!-- generated:end \1 -->", "", text, flags=re.S)
        box = re.search(r":::\{admonition\} About this edition\n(.*?)\n:::", text, flags=re.S).group(1)
        kept = [k.text for k in meta.kept] + [r.text for r in meta.references]
        for words in (ours, box):
            for k in kept:
                words = words.replace(k, "")
            assert not re.findall(r"[A-Za-z]'[a-z]", words), (
                f"{meta.slug}: a straight apostrophe in our words"
            )
