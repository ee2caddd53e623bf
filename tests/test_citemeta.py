"""Page metadata for Google Scholar and Zotero, OpenGraph tags and the sitemap (litreview.citemeta).

Pages of ours describe the book (editors, title, date from CITATION.cff); an article chapter
describes the original article from its refs.bib entry and never names the book as its author.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from citing_support import (
    bib,
    build_fixture,
    cff,
    cff_family,
    cff_people,
    family,
    given,
    is_organisation,
    metas,
    og,
    page,
    unbraced,
)
from litreview.core.bib import issued
from litreview.core.seeds import load_all
from support import ROOT, Build, RootBuild

BASE = "https://books.example.org/citing/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def plain_build(citing_build: RootBuild) -> RootBuild:
    """The citing test root built with no public base URL (once per session)."""
    assert citing_build.warnings == ""
    return citing_build


@pytest.fixture(scope="module")
def based_build(tmp_path_factory: pytest.TempPathFactory) -> RootBuild:
    """The citing test root built with a public base URL (html_baseurl, as BOOK_BASEURL sets the book's)."""
    build = build_fixture(tmp_path_factory.mktemp("citemeta-base") / "book", base_url=BASE)
    assert build.warnings == ""
    return build


def released(project: Path) -> dt.date:
    value = cff(project)["date-released"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def assert_describes_the_book(soup: BeautifulSoup, project: Path, title: str) -> None:
    """The page's tags name the book's editors, the title given and CITATION.cff's date."""
    editors = cff_people(project, "editors")
    authors = metas(soup, "citation_author")
    assert len(authors) == len(editors)
    for shown, editor in zip(authors, editors, strict=True):
        assert shown.startswith(cff_family(editor))
        if "given-names" in editor:
            assert shown.endswith(editor["given-names"])
    assert metas(soup, "citation_title") == [title]
    day = released(project)
    assert metas(soup, "citation_publication_date") == [f"{day.year}/{day.month:02d}/{day.day:02d}"]
    assert metas(soup, "DC.date") == [day.isoformat()]
    assert metas(soup, "DC.creator") == authors


def assert_describes_the_original(soup: BeautifulSoup, project: Path, key: str) -> None:
    """The page's tags are the original article's (refs.bib), with no trace of the book as author."""
    entry = bib(project).entries[key]
    persons = entry.persons.get("author", [])
    shown = metas(soup, "citation_author")
    assert len(shown) == len(persons)
    for text, person in zip(shown, persons, strict=True):
        assert (
            text == family(person)
            if is_organisation(person)
            else text == f"{family(person)}, {given(person)}"
        )
    assert metas(soup, "citation_title") == [unbraced(entry.fields["title"])]
    assert metas(soup, "citation_inbook_title") == []
    editors = {cff_family(e) for e in cff_people(project, "editors")}
    assert not any(e in a for e in editors for a in shown)
    assert metas(soup, "DC.source")
    if "url" in entry.fields:
        assert metas(soup, "DC.source") == [entry.fields["url"]]
        assert metas(soup, "citation_public_url") == [entry.fields["url"]]
    known = issued(entry)
    if known:
        assert metas(soup, "citation_publication_date") == [known[0].scholar()]
    else:  # no date is given that is not known (Scholar's guidelines want one: the README says so)
        assert metas(soup, "citation_publication_date") == []


# -- the fixture book: behaviour, including cases the real book lacks (persons with particles).


def test_front_page_describes_the_book(plain_build: RootBuild) -> None:
    project = plain_build.srcdir
    soup = page(plain_build, "index.html")
    assert_describes_the_book(soup, project, cff(project)["title"])
    assert metas(soup, "citation_inbook_title") == []  # the front page IS the book


def test_review_page_is_a_chapter_of_the_book(plain_build: RootBuild) -> None:
    project = plain_build.srcdir
    soup = page(plain_build, "review/overview.html")
    title = soup.find("h1").get_text().strip("#¶ \n")
    assert_describes_the_book(soup, project, title)
    assert metas(soup, "citation_inbook_title") == [cff(project)["title"]]


@pytest.mark.parametrize(("name", "key"), [("writer-essay", "writer2021essay"), ("anon-post", "anonndpost")])
def test_article_chapter_describes_the_original(plain_build: RootBuild, name: str, key: str) -> None:
    project = plain_build.srcdir
    soup = page(plain_build, f"articles/{name}.html")
    assert_describes_the_original(soup, project, key)


def test_no_byline_chapter_names_the_publishing_organisation_not_a_person(plain_build: RootBuild) -> None:
    """Scholar needs an author: an unsigned piece gives the organisation refs.bib cites it under."""
    soup = page(plain_build, "articles/anon-post.html")
    (group,) = bib(plain_build.srcdir).entries["anonndpost"].persons["author"]
    assert is_organisation(group)
    assert metas(soup, "citation_author") == [family(group)] == metas(soup, "DC.creator")


def test_without_base_url_nothing_absolute_is_invented(plain_build: RootBuild) -> None:
    assert not (plain_build.outdir / "sitemap.xml").exists()
    for html in plain_build.outdir.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        assert soup.find("meta", attrs={"property": "og:url"}) is None, html
        assert soup.find("link", rel="canonical") is None, html
        if "articles/" not in html.as_posix() or html.name == "index.html":
            contents = [m.get("content", "") for m in soup.find_all("meta")]
            assert not [c for c in contents if "://" in c], html


def test_with_base_url_pages_have_opengraph_and_a_sitemap(based_build: RootBuild) -> None:
    soup = page(based_build, "review/overview.html")
    assert og(soup, "og:url") == [BASE + "review/overview.html"]
    assert og(soup, "og:title") == [soup.find("h1").get_text().strip("#¶ \n")]
    assert og(soup, "og:type") == ["article"]
    assert og(page(based_build, "index.html"), "og:type") == ["book"]
    tree = ET.parse(based_build.outdir / "sitemap.xml")
    locs = {loc.text for loc in tree.getroot().iter(f"{SITEMAP_NS}loc")}
    pages = {p.relative_to(based_build.outdir).as_posix() for p in based_build.outdir.rglob("*.html")}
    pages -= {"genindex.html", "search.html"}
    assert locs == {BASE + p for p in pages}


# -- the real book: its facts come from CITATION.cff, refs.bib and the seed metadata.


@pytest.mark.slow
def test_book_front_page_and_review_pages_carry_citation_cff(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    project = html_build.outdir.parents[1]
    assert_describes_the_book(page(html_build, "index.html"), project, cff(project)["title"])
    review = sorted((html_build.outdir / "review").glob("*.html"))
    for html in review:
        soup = page(html_build, html.relative_to(html_build.outdir).as_posix())
        assert_describes_the_book(soup, project, metas(soup, "DC.title")[0])
        assert metas(soup, "citation_inbook_title") == [cff(project)["title"]]


@pytest.mark.slow
def test_a_browser_tab_names_the_book_once(html_build: Build) -> None:
    """The front page's <title> is the book's title alone; any other page's is its own title, then
    the book's ("3. The corpus and its appraisal — Russia's Digital Transformation, …")."""
    title = " ".join(cff(html_build.outdir.parents[1])["title"].replace("'", "’").split())
    front = page(html_build, "index.html").title.get_text().replace("'", "’")
    assert front == title, front
    corpus = page(html_build, "review/corpus.html")
    assert corpus.title.get_text().replace("'", "’").endswith(f" — {title}")


@pytest.mark.slow
def test_book_article_chapters_describe_their_originals(html_build: Build) -> None:
    project = html_build.outdir.parents[1]
    seeds = load_all(ROOT / "seeds")
    assert len(seeds) == len(list((ROOT / "seeds").glob("*.txt")))
    for meta in seeds:
        soup = page(html_build, f"articles/{meta.slug}.html")
        assert_describes_the_original(soup, project, meta.key)
