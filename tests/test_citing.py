"""Citing the book and its sources: How to cite, "cited in", COinS, downloads, CITATION.cff.

Expected values come from CITATION.cff, refs.bib and the seed metadata, never from a run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from cffconvert import Citation
from pybtex.database import BibliographyData, parse_string

from citing_support import (
    bib,
    cff,
    cff_family,
    cff_people,
    family,
    given,
    is_organisation,
    page,
    project_of,
    unbraced,
)
from litreview.core import dates
from litreview.core.bib import issued
from litreview.core.bib import scan as scan_bib
from litreview.core.csl import csl_json
from litreview.core.errors import CitingError
from litreview.core.seeds import load_all
from support import ROOT, Build, RootBuild, build_root, copy_root

BIBER = shutil.which("biber")


@pytest.fixture(scope="module")
def book(citing_build: RootBuild) -> RootBuild:
    """The citing test root, built once per session; it must build without a warning."""
    assert citing_build.warnings == ""
    return citing_build


def bibtex_blocks(soup: BeautifulSoup) -> list[BibliographyData]:
    """Every BibTeX block on the page, parsed by pybtex (as a reader's tools would)."""
    blocks = soup.select(".how-to-cite-bibtex pre")
    return [parse_string(b.get_text(), "bibtex") for b in blocks]


# -- How to cite


def assert_book_entry_matches_cff(entry, project: Path) -> None:
    data = cff(project)
    assert unbraced(entry.fields["title"]).replace("\\&", "&") == data["title"]
    released = str(data["date-released"])
    assert entry.fields["date"] == released
    assert entry.fields["year"] == released[:4]
    assert data["version"] in entry.fields["note"]
    authors = entry.persons["author"]
    expected = cff_people(project, "authors")
    assert [family(p) for p in authors] == [cff_family(p) for p in expected]
    assert [given(p) for p in authors] == [p.get("given-names", "") for p in expected]


def test_how_to_cite_gives_the_book_as_bibtex_from_citation_cff(book: RootBuild) -> None:
    soup = page(book, "how-to-cite.html")
    parsed = bibtex_blocks(soup)
    books = [e for data in parsed for e in data.entries.values() if e.type == "book"]
    assert len(books) == 1
    assert_book_entry_matches_cff(books[0], project_of(book))
    assert "url" not in books[0].fields  # no base URL: no invented address


def test_how_to_cite_gives_each_review_chapter_in_the_book(book: RootBuild) -> None:
    soup = page(book, "how-to-cite.html")
    chapters = [e for data in bibtex_blocks(soup) for e in data.entries.values() if e.type == "incollection"]
    review_pages = sorted((book.outdir / "review").glob("*.html"))
    assert len(chapters) == len(review_pages) >= 1
    title = page(book, "review/overview.html").find("h1").get_text().strip("#¶ \n")
    assert unbraced(chapters[0].fields["title"]) == title
    assert unbraced(chapters[0].fields["booktitle"]).replace("\\&", "&") == cff(project_of(book))["title"]


def test_how_to_cite_gives_each_article_as_its_original_entry(book: RootBuild) -> None:
    soup = page(book, "how-to-cite.html")
    entries = bib(project_of(book)).entries
    originals = {k: e for data in bibtex_blocks(soup) for k, e in data.entries.items() if k in entries}
    assert set(originals) == {"writer2021essay", "anonndpost"}  # the fixture's two article chapters
    for key, entry in originals.items():
        assert dict(entry.fields) == dict(entries[key].fields)
        assert entry.persons == entries[key].persons


def test_cite_original_in_a_chapter_shows_the_formatted_entry(book: RootBuild) -> None:
    soup = page(book, "articles/writer-essay.html")
    box = soup.select_one(".how-to-cite")
    entry = bib(project_of(book)).entries["writer2021essay"]
    assert (
        unbraced(entry.fields["title"]).lower() in box.select_one(".how-to-cite-reference").get_text().lower()
    )
    assert list(bibtex_blocks(soup)[0].entries) == ["writer2021essay"]


def test_how_to_cite_bibtex_validates_in_biber(book: RootBuild, tmp_path: Path) -> None:
    assert BIBER, "biber is a system package of the project (system-packages.txt)"
    soup = page(book, "how-to-cite.html")
    ours = [b.get_text() for b in soup.select(".how-to-cite-bibtex pre") if "@book" in b.get_text()
            or "@incollection" in b.get_text()]  # fmt: skip
    (tmp_path / "ours.bib").write_text("\n\n".join(ours), encoding="utf-8")
    proc = subprocess.run([BIBER, "--tool", "--validate-datamodel", "ours.bib"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARN" not in proc.stdout + proc.stderr


# -- References page: cited in, COinS, downloads


def cited_in_links(soup: BeautifulSoup, key: str) -> list[str]:
    entry = soup.find(id=f"cite-{key}")
    para = entry.select_one(".cited-in")
    return [a["href"] for a in para.find_all("a")] if para else []


def page_cites(build: Build | RootBuild, href: str, key: str) -> bool:
    """The linked page links to the key's entry, and the link's fragment is an anchor on it."""
    target = urlsplit(href)
    soup = page(build, target.path)
    if target.fragment and soup.find(id=target.fragment) is None:
        return False
    links = {urlsplit(urljoin(target.path, a["href"])) for a in soup.find_all("a", href=True)}
    return any(link.path == "references.html" and link.fragment == f"cite-{key}" for link in links)


def assert_cited_in_is_true(build: Build | RootBuild, keys: list[str]) -> None:
    soup = page(build, "references.html")
    for key in keys:
        hrefs = cited_in_links(soup, key)
        assert hrefs, f"{key}: no 'cited in'"
        for href in hrefs:
            assert page_cites(build, href, key), f"{key}: {href} does not cite it"


def test_cited_in_links_point_at_pages_that_cite_the_key(book: RootBuild) -> None:
    assert_cited_in_is_true(book, list(bib(project_of(book)).entries))
    # the chapter that reproduces an article does not count as citing it ({cite-original})
    soup = page(book, "references.html")
    assert not any("writer-essay" in h for h in cited_in_links(soup, "writer2021essay"))


def coins_of(soup: BeautifulSoup) -> dict[str, dict[str, list[str]]]:
    """Each entry's COinS, decoded: {key: {KEV name: [values]}}."""
    found = {}
    for span in soup.select("span.Z3988"):
        entry = span.find_parent(id=lambda i: bool(i) and i.startswith("cite-"))
        found[entry["id"].removeprefix("cite-")] = parse_qs(span["title"])
    return found


def assert_coins_match_bib(soup: BeautifulSoup, project: Path) -> None:
    entries = bib(project).entries
    coins = coins_of(soup)
    assert set(coins) == set(entries)
    for key, entry in entries.items():
        kev = coins[key]
        assert kev["ctx_ver"] == ["Z39.88-2004"]
        titles = kev.get("rft.atitle", []) + kev.get("rft.btitle", [])[:1] + kev.get("rft.title", [])
        if "title" in entry.fields:
            assert titles[0] == unbraced(entry.fields["title"]), key
        people = kev.get("rft.au", []) + kev.get("rft.aucorp", []) + kev.get("rft.creator", [])
        expected = [
            family(p) if is_organisation(p) else f"{family(p)}, {given(p)}"
            for p in entry.persons.get("author", [])
            if str(p) != "others"  # BibTeX's "and others" is not a person
        ]
        assert sorted(people) == sorted(expected), key
        assert kev.get("rft.date", []) == [d.iso() for d in issued(entry)][:1], key
        if "url" in entry.fields:
            assert entry.fields["url"] in kev["rft_id"]
        if "doi" in entry.fields:
            assert f"info:doi/{entry.fields['doi']}" in kev["rft_id"]


def test_coins_span_per_entry_decodes_to_the_entry(book: RootBuild) -> None:
    assert_coins_match_bib(page(book, "references.html"), project_of(book))


def download_hrefs(build: Build | RootBuild) -> dict[str, Path]:
    soup = page(build, "references.html")
    links = soup.select(".bibliography-downloads a")
    return {Path(a["href"]).suffix: build.outdir / a["href"] for a in links}


def assert_downloads(build: Build | RootBuild, project: Path) -> None:
    files = download_hrefs(build)
    assert set(files) == {".bib", ".json", ".ris"}
    assert files[".bib"].read_bytes() == (project / "refs.bib").read_bytes()
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in files.values())  # a web server serves them
    entries = bib(project).entries
    items = json.loads(files[".json"].read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == list(entries)
    for item in items:
        entry = entries[item["id"]]
        expected = [
            {"literal": family(p)} if is_organisation(p) else (family(p), given(p))
            for p in entry.persons.get("author", [])
            if str(p) != "others"  # BibTeX's "and others" is not a person
        ]
        shown = [
            a
            if "literal" in a
            else (" ".join(filter(None, (a.get("non-dropping-particle"), a["family"]))), a["given"])
            for a in item.get("author", [])
        ]
        assert shown == expected, item["id"]
        if "title" in entry.fields:
            assert item["title"] == unbraced(entry.fields["title"])
        known = issued(entry)
        if known:
            assert item["issued"]["date-parts"] == [d.parts for d in known], item["id"]
        else:
            assert "issued" not in item  # no date is made up for a style to print


def test_downloads_resolve_and_match_refs_bib(book: RootBuild) -> None:
    assert_downloads(book, project_of(book))


def test_csl_types_and_names(book: RootBuild) -> None:
    items = {i["id"]: i for i in json.loads((book.outdir / "refs.json").read_text(encoding="utf-8"))}
    assert items["smith2019journal"]["type"] == "article-journal"
    assert items["smith2019journal"]["author"][1] == {
        "family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}  # fmt: skip
    assert items["smith2019journal"]["page"] == "101-118"
    assert items["writer2021essay"]["type"] == "webpage"
    assert items["writer2021essay"]["container-title"] == "Free Press Institute"  # the site
    assert items["petrov2010kniga"]["author"] == [{"family": "Петров", "given": "Пётр"}]
    assert items["worldbankndreport"]["author"] == [{"literal": "World Bank"}]


def test_malformed_date_names_the_entry_and_its_line(tmp_path: Path) -> None:
    bibfile = tmp_path / "bad.bib"
    bibfile.write_text("@misc{a,\n  title = {A},\n}\n\n@misc{b,\n  title = {B},\n  date = {May 2020},\n}\n")
    data = parse_string(bibfile.read_text(), "bibtex")
    with pytest.raises(CitingError) as caught:
        csl_json(data, [scan_bib(bibfile)])
    assert str(caught.value).startswith(f"{bibfile}:5: entry 'b'")
    assert [d.parts for d in dates.parse_edtf("2002/2003")] == [[2002], [2003]]


def test_malformed_date_is_a_warning_at_the_entrys_line(tmp_path: Path) -> None:
    project = copy_root("citing", tmp_path / "book")
    refs = project / "refs.bib"
    refs.write_text(refs.read_text().replace("date         = {2021-06-05}", "date = {June 2021}"))
    build = build_root(project)
    line = next(n for n, t in enumerate(refs.read_text().splitlines(), 1) if "writer2021essay" in t)
    assert f"refs.bib:{line}: WARNING:" in build.warnings and "writer2021essay" in build.warnings


# -- CITATION.cff


def cffconvert_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """`cffconvert --validate -i PATH`, the check a contributor runs."""
    cli = Path(sys.executable).with_name("cffconvert")  # installed with the test extra, beside python
    command = [str(cli), "--validate", "-i", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_citation_cff_validates() -> None:
    Citation((ROOT / "CITATION.cff").read_text(encoding="utf-8")).validate()  # raises on a schema error
    proc = cffconvert_validate(ROOT / "CITATION.cff")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_citation_cff_validation_can_fail(tmp_path: Path) -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken = tmp_path / "CITATION.cff"
    broken.write_text(text.replace("date-released:", "date-released: soon\nreleased-on:"), encoding="utf-8")
    proc = cffconvert_validate(broken)
    assert proc.returncode != 0
    assert "soon" in proc.stdout + proc.stderr


# -- the real book


@pytest.mark.slow
def test_book_references_have_coins_cited_in_and_downloads(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    project = project_of(html_build)
    assert_coins_match_bib(page(html_build, "references.html"), project)
    assert_cited_in_is_true(html_build, list(bib(project).entries))
    assert_downloads(html_build, project)


@pytest.mark.slow
def test_book_how_to_cite_matches_citation_cff_and_refs_bib(html_build: Build) -> None:
    project = project_of(html_build)
    soup = page(html_build, "how-to-cite.html")
    parsed = [e for data in bibtex_blocks(soup) for e in data.entries.values()]
    books = [e for e in parsed if e.type == "book" and "version" in e.fields.get("note", "").lower()]
    assert len(books) == 1
    assert_book_entry_matches_cff(books[0], project)
    review = sorted((html_build.outdir / "review").glob("*.html"))
    assert len([e for e in parsed if e.type == "incollection"]) == len(review) >= 1
    entries = bib(project).entries
    originals = {k: e for data in bibtex_blocks(soup) for k, e in data.entries.items() if k in entries}
    assert set(originals) == {meta.key for meta in load_all(ROOT / "seeds")}
    for key, entry in originals.items():
        assert dict(entry.fields) == dict(entries[key].fields) and entry.persons == entries[key].persons
