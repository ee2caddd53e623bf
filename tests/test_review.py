"""The comparative review: verbatim quotations, attributed claims, valid citations, and a corpus
table whose numbers are the seeds' own (counted here from seeds/ and the seed metadata)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from litreview.chapters.render import article_paragraphs
from litreview.core.bib import people
from litreview.core.order import reading_order
from litreview.core.seeds import load_all
from review_support import (
    BOOK,
    GLOSSARY,
    NAMES,
    NOTE_RE,
    PLACEHOLDERS,
    QUOTE_RE,
    REVIEW_PAGES,
    blocks_of,
    cited_keys,
    paragraphs,
    refs,
    seed_texts,
)
from support import ROOT, collapse_spaces

PAGES = [*REVIEW_PAGES, GLOSSARY]
ARTICLE_KEYS = {m.key for m in load_all(ROOT / "seeds")}
METHOD = BOOK / "review" / "method.md"
CONCLUSION = BOOK / "review" / "conclusion.md"
RQ_LABEL = re.compile(r"^\((rq\d+)\)=[ \t]*$", re.MULTILINE)
# How the review marks a conclusion of its own, as opposed to a claim of an article.
INFERENCE = re.compile(r"\b(we infer|on our reading|our inference)\b", re.IGNORECASE)
# What a reader must not meet outside the provenance appendix: the names of the project's
# internal files (the bibliographic notes, seed metadata and texts, data files) and hashes.
INTERNAL_FILE = re.compile(
    r"SOURCES\.md|[\w./-]+\.(?:toml|txt|ya?ml)\b"
    r"|(?<![\w/.-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,64}(?![\w-])"
)
BUILD_DETAIL = re.compile(r"build time|when the book is built|counted from the seeds|\bseeds/", re.IGNORECASE)


def test_the_review_has_its_pages() -> None:
    names = {p.stem for p in REVIEW_PAGES}
    assert {"introduction", "corpus", "themes", "comparison", "timeline", "gaps", "conclusion"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_quotations_are_verbatim_from_a_cited_article(page: Path) -> None:
    seeds = seed_texts()
    problems = []
    for line, para in paragraphs(page):
        articles = cited_keys(para) & ARTICLE_KEYS
        for quote in QUOTE_RE.findall(para):
            if not articles:
                problems.append(f"{page.name}:{line}: “{quote}” has no article cited beside it")
            elif not any(collapse_spaces(quote) in seeds[k] for k in articles):
                problems.append(f"{page.name}:{line}: “{quote}” is not verbatim in {sorted(articles)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_paragraphs_naming_an_article_cite_it(page: Path) -> None:
    problems = []
    for line, para in paragraphs(page):
        prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", para)  # names inside roles are not prose
        for key, names in NAMES.items():
            named = [n for n in names if re.search(rf"\b{re.escape(n)}\b", prose)]
            if named and key not in cited_keys(para):
                problems.append(f"{page.name}:{line}: names {named[0]} but does not cite {key}")
    assert not problems, "\n".join(problems)


def test_every_cited_key_is_in_refs_bib() -> None:
    known = set(parse_file(str(ROOT / "refs.bib"), bib_format="bibtex").entries)
    for page in PAGES:
        unknown = cited_keys(page.read_text(encoding="utf-8")) - known
        assert not unknown, f"{page.name} cites keys missing from refs.bib: {sorted(unknown)}"


def test_every_theme_runs_through_at_least_two_articles() -> None:
    text = (BOOK / "review" / "themes.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert len(sections) >= 4
    for section in sections:
        title = section.splitlines()[0]
        assert len(cited_keys(section) & ARTICLE_KEYS) >= 2, f"theme {title!r} cites fewer than two articles"


def _sections(text: str) -> list[tuple[str, str, int]]:
    """``## `` sections of a page: title, body and the body's first line number."""
    out = []
    for match in re.finditer(r"^## (.+)$", text, flags=re.MULTILINE):
        end = text.find("\n## ", match.end())
        body = text[match.end() : end if end >= 0 else len(text)]
        out.append((match.group(1), body, text[: match.end()].count("\n") + 1))
    return out


def test_every_fault_line_sets_articles_against_each_other_and_marks_our_inferences() -> None:
    """The synthesis follows fault lines, not a template: each section has a paragraph that compares
    two or more articles, and a paragraph in which the review marks an inference as its own."""
    text = (BOOK / "review" / "themes.md").read_text(encoding="utf-8")
    sections = _sections(text)
    assert len(sections) >= 4
    for title, body, line in sections:
        blocks = [para for _, para in blocks_of(body, line)]
        assert any(len(cited_keys(p) & ARTICLE_KEYS) >= 2 for p in blocks), f"{title!r} compares no articles"
        assert any(INFERENCE.search(p) for p in blocks), f"{title!r} marks no inference of ours"


def review_questions() -> dict[str, str]:
    """The review questions of the method page: each label ``(rqN)=`` and the paragraph after it."""
    text = METHOD.read_text(encoding="utf-8")
    return {m.group(1): text[m.end() :].strip("\n").split("\n\n", 1)[0] for m in RQ_LABEL.finditer(text)}


def test_the_method_sets_three_to_five_specific_questions() -> None:
    questions = review_questions()
    assert 3 <= len(questions) <= 5, sorted(questions)
    for label, question in questions.items():
        assert question.rstrip().endswith("?"), f"method.md: {label} is not followed by a question"


@pytest.mark.parametrize("label", sorted(review_questions()))
def test_each_review_question_is_answered_in_the_conclusion(label: str) -> None:
    answers = [para for _, para in paragraphs(CONCLUSION) if label in refs(para)]
    assert answers, f"conclusion.md does not link the review question {label}"
    prose = [re.sub(r"\{[\w:-]+\}`[^`]*`", " ", a) for a in answers]
    assert any(
        len(p.split()) >= 60 and cited_keys(a) & ARTICLE_KEYS for p, a in zip(prose, answers, strict=True)
    ), f"conclusion.md links {label} but answers it in no paragraph of substance citing the articles"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_words_of_a_bracketed_note_are_not_given_to_the_author(page: Path) -> None:
    """Seed 000's “propaganda” sits in a bracketed “[note: …]” inside the text; a paragraph that quotes
    words found only there must say that they come from the note."""
    seeds = seed_texts()
    problems = []
    for line, para in paragraphs(page):
        for quote in QUOTE_RE.findall(para):
            for key in cited_keys(para) & ARTICLE_KEYS:
                only_in_note = collapse_spaces(quote) in seeds[key] and collapse_spaces(
                    quote
                ) not in NOTE_RE.sub(" ", seeds[key])
                if only_in_note and not re.search(r"\bnote\b", para):
                    problems.append(f"{page.name}:{line}: “{quote}” is from a bracketed note in {key}")
    assert not problems, "\n".join(problems)


READER_SOURCES = [*PAGES, BOOK / "index.md", *sorted((BOOK / "articles").glob("*-*.md"))]


def _outside_generated(text: str) -> str:
    return re.sub(r"<!-- generated:begin.*?<!-- generated:end[^>]*-->", " ", text, flags=re.DOTALL)


@pytest.mark.parametrize("page", READER_SOURCES, ids=lambda p: p.name)
def test_pages_we_write_keep_build_details_off_the_page(page: Path) -> None:
    """No internal file name, hash or account of the build in the review, glossary, home page or
    editor's summaries (the generated regions: the "About this edition" boxes, checked built)."""
    text = _outside_generated(page.read_text(encoding="utf-8"))
    found = [m.group(0) for m in INTERNAL_FILE.finditer(text)] + [
        m.group(0) for m in BUILD_DETAIL.finditer(text)
    ]
    assert not found, f"{page.name}: {found}"


def _reader_text(html: Path) -> str:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    # The provenance appendix names the files we received and their digests, for whoever checks a
    # chapter against its file; every other page, the chapters' edition boxes included, must not.
    for node in soup.select(".provenance, script, style, noscript"):
        node.decompose()
    return " ".join(soup.body.get_text(" ").split()) if soup.body else ""


def _reader_pages(outdir: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "_generated"}
    return [p for p in sorted(outdir.rglob("*.html")) if not skip & set(p.relative_to(outdir).parts)]


@pytest.mark.slow
def test_no_reader_facing_page_names_an_internal_file(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    problems = []
    for page in _reader_pages(html_build.outdir):
        text = _reader_text(page)
        for m in INTERNAL_FILE.finditer(text):
            context = text[max(0, m.start() - 60) : m.end() + 20]
            problems.append(f"{page.relative_to(html_build.outdir)}: {m.group(0)!r} in …{context}…")
    assert not problems, "\n".join(problems)


def test_the_internal_file_check_can_fail() -> None:
    offending = (
        "which SOURCES.md judges",
        "drawn from book/review/timeline.yaml",
        "seed 001_a99c662e468ee4e4.txt",
        "(SHA-256 2113006ef476…)",
        "the metadata in 004_79a4b91692c8b3fe.toml",
    )
    for text in offending:
        assert INTERNAL_FILE.search(text), text
    for text in ("DOI 10.1051/e3sconf/202017404039", "ISBN 978-1-61977-581-7", "36th of 193", "refs.bib"):
        assert not INTERNAL_FILE.search(text), text


@pytest.mark.slow
def test_review_pages_show_no_build_details(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    problems = []
    for page in _reader_pages(html_build.outdir / "review"):
        text = _reader_text(page)
        problems += [f"{page.name}: {m.group(0)!r}" for m in BUILD_DETAIL.finditer(text)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_conclusion_links_every_review_question(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    method = BeautifulSoup(
        (html_build.outdir / "review" / "method.html").read_text(encoding="utf-8"), "html.parser"
    )
    conclusion = BeautifulSoup(
        (html_build.outdir / "review" / "conclusion.html").read_text(encoding="utf-8"), "html.parser"
    )
    for label in review_questions():
        target = method.find(id=label)
        assert target is not None and "?" in target.get_text(), label
        assert conclusion.select_one(f'a[href$="method.html#{label}"]'), label


@pytest.mark.parametrize("path", [*PAGES, BOOK / "review" / "timeline.yaml"], ids=lambda p: p.name)
def test_no_placeholder_text(path: Path) -> None:
    found = PLACEHOLDERS.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name}: {found}"


def test_review_toctree_comes_before_the_articles() -> None:
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    # The articles' toctree has no caption: its one entry, the page "The articles", names it.
    review, articles = index.find(":caption: The review"), index.find("articles/index")
    assert 0 <= review < articles
    block = index[review : index.find("```", review)]
    for page in REVIEW_PAGES:
        assert f"review/{page.stem}" in block, f"review/{page.stem} is not in the review toctree"
    assert re.search(r":caption: Back matter[^`]*\bglossary\b", index)


def test_undated_and_inferred_facts_are_marked() -> None:
    text = " ".join(collapse_spaces(p.read_text(encoding="utf-8")) for p in REVIEW_PAGES)
    assert "written no earlier than July 2022" in text
    assert re.search(r"infer\w* [^.]*Sergei Erofeev|Sergei Erofeev[^.]*infer", text)
    assert "World Bank" in text and "worldbankndcovid" in text
    for ref in ("reference 9", "reference 10", "reference 14", "reference 15", "reference 16"):
        assert ref in text, f"the limits do not mention seed 002's {ref}"


@pytest.mark.slow
def test_corpus_table_numbers_are_the_seeds_own(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    soup = BeautifulSoup(
        (html_build.outdir / "review" / "corpus.html").read_text(encoding="utf-8"), "html.parser"
    )
    table = soup.select_one("table.corpus-table")
    header = [c.get_text(" ", strip=True) for c in table.select("thead th")]
    rows = [[c.get_text(" ", strip=True) for c in tr.select("td")] for tr in table.select("tbody tr")]
    bib = parse_file(str(ROOT / "refs.bib"), bib_format="bibtex").entries
    metas = [
        placed.meta for placed in reading_order(load_all(ROOT / "seeds"), parse_file(str(ROOT / "refs.bib")))
    ]
    assert len(rows) == len(metas)  # one row per article, in the book's one order
    for meta, cells in zip(metas, rows, strict=True):
        row = dict(zip(header, cells, strict=True))
        words = sum(len(p.split()) for p in article_paragraphs(meta))
        assert int(row["Words"].replace(",", "")) == words, meta.key
        assert int(row["References"]) == len(meta.references), meta.key
        assert row["Genre"] == meta.genre
        for name in people(bib[meta.key], "author"):  # persons, or the group cited in their place
            assert name.surname in row["Article"], meta.key
        date = str(bib[meta.key].fields.get("date", ""))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            y, _m, d = map(int, date.split("-"))
            assert f"{d} " in row["Date"] and str(y) in row["Date"], meta.key
        elif bib[meta.key].fields.get("year") == "n.d.":
            assert row["Date"].startswith("Undated"), meta.key
    # Every row links to its entry in the bibliography.
    for tr, meta in zip(table.select("tbody tr"), metas, strict=True):
        assert tr.select_one(f'a[href$="#cite-{meta.key}"]'), meta.key


@pytest.mark.slow
def test_review_pages_render_their_citations_as_links(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    for page in REVIEW_PAGES:
        html = (html_build.outdir / "review" / f"{page.stem}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        hrefs = {a["href"].rsplit("#cite-", 1)[-1] for a in soup.select('a[href*="#cite-"]')}
        assert cited_keys(page.read_text(encoding="utf-8")) <= hrefs, page.name
