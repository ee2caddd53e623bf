"""The glossary: only terms the articles use, each defined with a citation and linked from the book."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from litreview.core.seeds import load_all
from review_support import BOOK, GLOSSARY, cited_keys, seed_texts
from support import ROOT

ARTICLE_KEYS = {m.key for m in load_all(ROOT / "seeds")}


@dataclass(frozen=True)
class Entry:
    terms: tuple[str, ...]
    definition: str
    line: int


def glossary_entries() -> list[Entry]:
    """The entries of the page's {glossary} block: unindented term lines, then an indented definition."""
    text = GLOSSARY.read_text(encoding="utf-8")
    start = text.index("```{glossary}")
    body = text[start:].split("\n", 1)[1]
    body = body[: body.index("\n```")]
    first_line = text[:start].count("\n") + 2
    entries, terms, definition, line = [], [], [], first_line
    for number, raw in enumerate([*body.splitlines(), ""], start=first_line):
        if not raw.strip():
            if terms:
                entries.append(Entry(tuple(terms), " ".join(definition), line))
            terms, definition = [], []
        elif raw.startswith((" ", "\t")):
            definition.append(raw.strip())
        else:
            if not terms:
                line = number
            terms.append(raw.strip())
    return entries


def fold(text: str) -> str:
    """Case, whitespace and dash variants folded, for finding a term in running text."""
    return re.sub(r"\s+", " ", text.replace("–", "-").replace("—", "-")).casefold()


ENTRIES = glossary_entries()


def test_glossary_has_the_terms_the_issue_asks_for() -> None:
    terms = {t.casefold() for e in ENTRIES for t in e.terms}
    for wanted in ("egdi", "edgi", "digital economy of the russian federation", "industry 4.0",
                   "nbic convergence", "technological sovereignty", "community networks", "wsis", "ccns",
                   "electronic russia", "e-government"):  # fmt: skip
        assert wanted in terms


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.terms[0])
def test_term_occurs_in_an_article(entry: Entry) -> None:
    seeds = [fold(t) for t in seed_texts().values()]
    assert any(fold(term) in seed for term in entry.terms for seed in seeds), (
        f"glossary.md:{entry.line}: none of {entry.terms} occurs in any seed"
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.terms[0])
def test_definition_cites_the_article_it_comes_from(entry: Entry) -> None:
    articles = cited_keys(entry.definition) & ARTICLE_KEYS
    assert articles, f"glossary.md:{entry.line}: {entry.terms[0]} cites no article"
    seeds = seed_texts()
    assert any(fold(t) in fold(seeds[k]) for t in entry.terms for k in articles), (
        f"glossary.md:{entry.line}: {entry.terms[0]} does not occur in the article(s) it cites"
    )


def _term_targets() -> set[str]:
    targets = set()
    for page in BOOK.rglob("*.md"):
        if page == GLOSSARY or "_build" in page.parts:
            continue
        for m in re.finditer(r"\{term\}`([^`]+)`", page.read_text(encoding="utf-8")):
            inner = m.group(1)
            target = re.search(r"<([^>]+)>\s*$", inner)
            targets.add(" ".join((target.group(1) if target else inner).split()).casefold())
    return targets


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.terms[0])
def test_every_term_is_used_outside_the_glossary(entry: Entry) -> None:
    targets = _term_targets()
    assert any(t.casefold() in targets for t in entry.terms), (
        f"glossary.md:{entry.line}: {entry.terms[0]} is never linked with {{term}} outside the glossary"
    )


@pytest.mark.slow
def test_glossary_renders_every_term_and_review_links_to_it(html_build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    glossary = BeautifulSoup((html_build.outdir / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    shown = {
        dt.get_text(" ", strip=True).rstrip("¶#").strip().casefold()
        for dt in glossary.select("dl.glossary dt")
    }
    for entry in ENTRIES:
        assert entry.terms[0].casefold() in shown
    themes = BeautifulSoup(
        (html_build.outdir / "review" / "themes.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert themes.select('a[href*="glossary.html#term-"]')
