"""The "Located claims" appendix (issue 31): the review's extraction record, generated from its
paragraph locators, in every edition. Expected values come from the review's sources and the seeds."""

from __future__ import annotations

import functools
import posixpath
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editions_support import pdftotext
from litreview.core import bib
from litreview.core.order import article_keys
from litreview.core.outputs import FILE_STEM
from litreview.core.seeds import load_all
from litreview.core.sentences import sentence_around, tidy
from review_support import QUOTE_RE, REVIEW_PAGES
from support import ROOT, Build, fold_typography
from test_review_locators import SLUGS, located

PAGE = "located-claims"


def expected_locators() -> dict[tuple[str, int, int], set[str]]:
    """(chapter slug, first, last) → the review pages whose sources cite it with that locator."""
    found: defaultdict[tuple[str, int, int], set[str]] = defaultdict(set)
    for page in REVIEW_PAGES:
        for key, locator in located(page.read_text(encoding="utf-8")):
            found[(SLUGS[key], locator.first, locator.last)].add(f"review/{page.stem}")
    return dict(found)


@functools.lru_cache(maxsize=64)
def soup_of(path: Path) -> BeautifulSoup:
    """A built page, parsed once (the tests only read it)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def listed(outdir: Path, suffix: str) -> dict[tuple[str, int, int], list[tuple[str, str, str]]]:
    """What the appendix lists: (slug, first, last) → [(claim, page, section id)]."""
    page = soup_of(outdir / f"{PAGE}{suffix}")
    found: dict[tuple[str, int, int], list[tuple[str, str, str]]] = {}
    for item in page.select("li.located-claims-paragraph"):
        link = item.select_one("a.located-claims-para")
        chapter, _, ident = link["href"].partition("#")
        label = link.get_text().removeprefix("¶").strip()
        first, _, last = label.partition("–")
        assert ident == f"para-{first}", link
        slug = posixpath.basename(chapter).removesuffix(suffix)
        claims = []
        for claim in item.select("span.located-claim"):
            back = claim.find_next_sibling("a", class_="located-claims-section")
            target, _, section = back["href"].partition("#")
            claims.append((claim.get_text(), target.removesuffix(suffix), section))
        found[(slug, int(first), int(last or first))] = claims
    return found


def test_the_appendix_lists_every_review_locator_under_its_article_and_paragraph(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    found = listed(html_build.outdir, ".html")
    expected = expected_locators()
    assert set(found) == set(expected)
    for where, claims in found.items():
        assert {page for _c, page, _s in claims} == expected[where], where
    total = sum(len(c) for c in found.values())
    in_sources = sum(len(located(p.read_text(encoding="utf-8"))) for p in REVIEW_PAGES)
    # a sentence that names the same paragraph twice is listed once under it
    assert 0.9 * in_sources <= total <= in_sources


def test_a_claim_is_set_like_the_review_with_typographic_apostrophes(html_build: Build) -> None:
    """The appendix quotes the review's sentences as the review prints them: "Russia’s", not the
    straight apostrophe of the Markdown source."""
    claims = [claim for found in listed(html_build.outdir, ".html").values() for claim, _p, _s in found]
    sources = " ".join(p.read_text(encoding="utf-8") for p in REVIEW_PAGES)
    assert "'s " in sources, "the review's sources hold no apostrophe: nothing to check"
    assert sum("’" in claim for claim in claims) >= 5
    assert not [claim for claim in claims if "'" in claim]


def test_the_articles_follow_the_book_and_carry_their_chapter_titles(html_build: Build) -> None:
    page = soup_of(html_build.outdir / f"{PAGE}.html")
    titles = [r.get_text() for r in page.select(".located-claims-article")]
    # an article the review never locates is not listed
    located_slugs = {where[0] for where in expected_locators()}
    slugs = [
        SLUGS[key]
        for key in article_keys(load_all(ROOT / "seeds"), bib.parse(ROOT / "refs.bib"))
        if SLUGS[key] in located_slugs
    ]
    assert titles == [
        soup_of(html_build.outdir / "articles" / f"{slug}.html").h1.get_text().rstrip("#¶ ") for slug in slugs
    ]


def test_each_link_lands_on_its_paragraph_and_on_the_section_that_locates_it(html_build: Build) -> None:
    """The ¶ link reaches the numbered paragraph; the section link reaches a review section that holds a
    locator naming the same paragraphs of the same article; the sentence's quotations are the section's."""
    for (slug, first, last), claims in listed(html_build.outdir, ".html").items():
        chapter = soup_of(html_build.outdir / "articles" / f"{slug}.html")
        assert chapter.find(id=f"para-{first}") is not None and chapter.find(id=f"para-{last}") is not None
        for claim, page, section in claims:
            held = soup_of(html_build.outdir / f"{page}.html").find(id=section)
            assert held is not None and held.name == "section", (page, section)
            labels = {
                (posixpath.basename(a["href"].partition("#")[0]).removesuffix(".html"), a.get_text())
                for a in held.select("a.para-locator")
            }
            label = f"para. {first}" if first == last else f"paras. {first}–{last}"
            assert (slug, label) in labels, (slug, label, page, section)
            text = fold_typography(held.get_text())
            for quote in QUOTE_RE.findall(claim):
                assert fold_typography(f"“{quote}”") in text, (claim, page)


def test_a_claim_is_its_sentence_with_narrative_citations_as_names() -> None:
    text = "One sentence. Sear says “Yes.” and more, with a note . Another (see x)."
    at = text.index("says")
    assert sentence_around(text, at) == "Sear says “Yes.” and more, with a note."
    assert sentence_around(text, text.index("Another")) == "Another (see x)."
    assert tidy("Empty ( ) brackets ( ; ) and a gap , here .") == "Empty brackets and a gap, here."


def test_the_method_links_the_appendix(html_build: Build) -> None:
    method = soup_of(html_build.outdir / "review" / "method.html")
    links = [
        a for a in method.select("a") if a.get("href", "").endswith(f"../{PAGE}.html#review-located-claims")
    ]
    assert links and links[0].get_text() == "Located claims"


@pytest.mark.slow
def test_the_epub_has_the_same_appendix(html_build: Build, epub_build: Build) -> None:
    assert epub_build.returncode == 0, epub_build.stderr
    in_html = listed(html_build.outdir, ".html")
    in_epub = listed(epub_build.outdir, ".xhtml")
    assert {k: [(c, p) for c, p, _s in v] for k, v in in_epub.items()} == {
        k: [(c, p) for c, p, _s in v] for k, v in in_html.items()
    }


@pytest.mark.slow
def test_the_pdf_has_the_appendix(
    html_build: Build, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]
) -> None:
    latex, proc = pdf_build
    assert proc.returncode == 0, proc.stderr + proc.stdout
    text = fold_typography(pdftotext(latex.outdir / f"{FILE_STEM}.pdf"))
    start = text.index("This appendix is the review's extraction record")  # the page's own opening
    appendix = " ".join(text[start:].split()).replace("- ", "")
    page = soup_of(html_build.outdir / f"{PAGE}.html")
    for title in page.select(".located-claims-article"):
        assert fold_typography(title.get_text()) in appendix
    claims = [fold_typography(c.get_text()) for c in page.select("span.located-claim")]
    # hyphenation breaks a few words across lines: compare the claims' opening words
    missing = [c for c in claims if " ".join(c.split()[:5]).replace("- ", "") not in appendix]
    assert not missing, missing[:5]
