"""The book's bibliography style (litreview.bibstyle) as a reader sees it in a small built book:
author-year citations in round brackets, titles as written (Cyrillic capitals kept), surname order
with Ё filed as Е and "Élan" as E, and a chapter's Works cited in the order its article printed them.

Test root: tests/roots/test-bibstyle (its own frozen refs.bib; seeds/ copied in); expectations come
from that refs.bib, its cyrillic.bib and the seed metadata.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pybtex.database import BibliographyData, Entry, Person, parse_file
from pybtex.richtext import Text

from litreview.bibstyle.sorting import PrintedSortingStyle, sort_text
from litreview.bibstyle.template import entry_date
from litreview.core.bib import year as entry_year
from litreview.core.seeds import load_all
from litreview.sphinxext.bibbinding import printed_rank
from support import ROOT, build_root, copy_root, fold_typography

BIB = ROOT / "tests" / "roots" / "test-bibstyle" / "refs.bib"  # frozen: the live refs.bib may change
CYRILLIC_BIB = ROOT / "tests" / "roots" / "test-bibstyle" / "cyrillic.bib"


@dataclass(frozen=True)
class Book:
    """The built fixture book: its pages parsed, and what sphinx-build printed."""

    index: BeautifulSoup
    printed: BeautifulSoup
    references: BeautifulSoup
    output: str


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    src = copy_root("bibstyle", tmp_path_factory.mktemp("bibstyle") / "book")
    shutil.copytree(ROOT / "seeds", src / "seeds")
    build = build_root(src)
    return Book(build.page("index.html"), build.page("printed.html"), build.page("references.html"),
                build.status + build.warnings)  # fmt: skip


@pytest.fixture(scope="module")
def bib() -> BibliographyData:
    return parse_file(str(BIB), "bibtex")


def latex_text(value: str) -> str:
    return Text.from_latex(value).render_as("text")


def surname(person: Person) -> str:
    return latex_text(" ".join(person.prelast_names + person.last_names))


def cited_name(entry: Entry) -> str:
    """What an author-year citation should name: surnames, else the organisation."""
    persons = entry.persons.get("author") or entry.persons.get("editor")
    if not persons:
        return latex_text(entry.fields["organization"])
    if len(persons) == 1:
        return surname(persons[0])
    if len(persons) == 2:
        return f"{surname(persons[0])} and {surname(persons[1])}"
    return f"{surname(persons[0])} et al."


def year(entry: Entry) -> str:
    """The year refs.bib gives ("n.d." where it is not known)."""
    return entry.fields["year"]


def citations(soup: BeautifulSoup) -> list:
    return soup.select("span.bibtex-citation")


def citation_for(soup: BeautifulSoup, key: str):
    (found,) = [c for c in citations(soup) if c.select_one(f'a[href$="#cite-{key}"]')]
    return found


def reference_keys(soup: BeautifulSoup) -> list[str]:
    return [node["id"].removeprefix("cite-") for node in soup.select("div.citation[id^=cite-]")]


def reference_text(soup: BeautifulSoup, key: str) -> str:
    return " ".join(soup.select_one(f"div.citation#cite-{key}").get_text(" ").split())


def base_letter(text: str) -> str:
    """The letter a reader files a name under: first letter, diacritics dropped, Ё as Е."""
    first = unicodedata.normalize("NFD", text.strip().replace("Ё", "Е").replace("ё", "е"))[0]
    return first.casefold()


# -- citations ----------------------------------------------------------------------------------


def test_cite_t_and_cite_p_are_author_year_with_round_brackets(book, bib):
    rogers = bib.entries["rogers2003diffusion"]
    textual, parenthetical = [
        c for c in citations(book.index) if c.select_one('a[href$="#cite-rogers2003diffusion"]')
    ]
    assert textual.get_text() == f"{cited_name(rogers)} ({year(rogers)})"
    assert parenthetical.get_text() == f"({cited_name(rogers)} {year(rogers)})"


def test_several_works_in_one_citation_are_separated_by_semicolons(book, bib):
    borsi, negroponte = bib.entries["borsi2015evolution"], bib.entries["negroponte1995being"]
    citation = citation_for(book.index, "borsi2015evolution")
    expected = f"({cited_name(borsi)} {year(borsi)}; {cited_name(negroponte)} {year(negroponte)})"
    assert citation.get_text() == expected


def test_an_unsigned_work_is_cited_by_the_organisation_that_published_it(book, bib):
    essay = bib.entries["erofeev2022learning"]
    (group,) = essay.persons["author"]
    assert str(group).startswith("{") and not group.first_names  # a group author, not a person
    assert (
        citation_for(book.index, "erofeev2022learning").get_text() == f"{cited_name(essay)} ({year(essay)})"
    )


def test_a_corporate_author_without_date_is_cited_with_nd(book, bib):
    brief = bib.entries["worldbankndcovid"]
    assert brief.fields["year"] == "n.d." and "date" not in brief.fields
    assert (
        citation_for(book.index, "worldbankndcovid").get_text()
        == f"({surname(brief.persons['author'][0])} n.d.)"
    )


def test_every_citation_links_to_its_stable_anchor_with_a_tooltip(book, bib):
    for citation in citations(book.index):
        for link in citation.find_all("a"):
            key = link["href"].split("#cite-", 1)[1]
            assert link["href"] == f"references.html#cite-{key}"
            entry = bib.entries[key]
            assert cited_name(entry).split(" and ")[0].removesuffix(" et al.") in link["title"], key
            if "title" in entry.fields:
                assert latex_text(entry.fields["title"]) in link["title"], key


# -- the reference list ----------------------------------------------------------------------------


def test_titles_and_remarks_are_printed_as_written_and_the_verification_apart(book, bib):
    """Titles exactly as written; the editors' own remarks and verification as written, set with
    typographic apostrophes and quotes ("the publisher’s page")."""
    apostrophes = 0
    for key, entry in bib.entries.items():
        text = reference_text(book.references, key)
        if "title" in entry.fields:
            assert " ".join(latex_text(entry.fields["title"]).split()) in text, key
        for name in ("note", "addendum"):
            if name in entry.fields:
                remark = " ".join(latex_text(entry.fields[name]).split())
                assert fold_typography(remark) in fold_typography(text), (key, name)
                apostrophes += remark.count("'")
                assert remark.replace("'", "’") in text or "'" not in remark, (key, name, text)
        verification = book.references.select_one(f"div.citation#cite-{key} p.verification")
        if "annotation" in entry.fields:
            record = " ".join(latex_text(entry.fields["annotation"]).split())
            apostrophes += record.count("'")
            assert record.replace("'", "’") in verification.get_text(" "), key
            entry_text = book.references.select_one(f"div.citation#cite-{key} > p").get_text(" ")
            assert record.replace("'", "’") not in entry_text, key  # not part of the reference
    assert apostrophes, "the test bibliography's remarks hold no apostrophe: nothing to check"


def test_each_entry_opens_with_what_its_citation_prints(book, bib):
    """Author–year: a reader finds "Stafeev (2002a)" by reading the list's entry heads."""
    for key, entry in bib.entries.items():
        head = " ".join(book.references.select_one(f"div.citation#cite-{key} > p").get_text(" ").split())
        first = latex_text(" ".join(entry.persons.get("author", entry.persons.get("editor"))[0].last_names))
        assert head.startswith(first), (key, head[:60])
        letters = re.search(r"\((\d{4}|n\.d\.)([a-z]?)\)", head)
        assert letters and letters.group(1) == year(entry), (key, head[:80])


def test_same_maker_same_year_works_get_letters_in_list_order_and_citations_agree(book, bib):
    groups: dict[tuple[str, str], list[str]] = {}
    for key in reference_keys(book.references):
        if key in bib.entries:
            groups.setdefault((cited_name(bib.entries[key]), year(bib.entries[key])), []).append(key)
    shared = [keys for keys in groups.values() if len(keys) > 1]
    assert shared, "refs.bib has no two works by one maker in one year to test with"
    letter_of = {}
    for keys in shared:
        for key, expected in zip(keys, "abcdefghijklmnopqrstuvwxyz", strict=False):
            head = book.references.select_one(f"div.citation#cite-{key} > p").get_text(" ")
            assert re.search(rf"\((?:\d{{4}}|n\.d\.){expected}\)", head), (key, head[:80])
            letter_of[key] = expected
    cited = [k for k in letter_of if book.index.select_one(f'span.bibtex-citation a[href$="#cite-{k}"]')]
    assert cited, "the test root cites none of them"
    for key in cited:
        assert citation_for(book.index, key).get_text().endswith(f"{letter_of[key]})"), key


def letters_shown(references: BeautifulSoup, keys: list[str]) -> dict[str, str]:
    """The letter after each work's year in the list ("2002a" → "a")."""
    found = {}
    for key in keys:
        head = references.select_one(f"div.citation#cite-{key} > p").get_text(" ")
        found[key] = re.search(r"\((?:\d{4}|n\.d\.)([a-z]?)\)", head).group(1)
    return found


def test_an_edit_that_reorders_two_works_of_one_year_moves_their_letters(tmp_path: Path, bib) -> None:
    """The letters are kept between builds; a refs.bib edit that swaps the two works' authors and
    titles swaps their letters on the rebuild, in the list and in the citations."""
    src = copy_root("bibstyle", tmp_path / "book")
    refs = src / "refs.bib"
    shutil.copytree(ROOT / "seeds", src / "seeds")
    before = build_root(src)
    groups: dict[tuple[str, str], list[str]] = {}
    for key in reference_keys(before.page("references.html")):
        if key in bib.entries:
            groups.setdefault((cited_name(bib.entries[key]), year(bib.entries[key])), []).append(key)
    first, second = next(keys for keys in groups.values() if len(keys) == 2)
    letters = letters_shown(before.page("references.html"), [first, second])
    assert letters == {first: "a", second: "b"}

    text = refs.read_text(encoding="utf-8")
    fields = {}  # key -> {field: its whole line}
    for key in (first, second):
        block = text[text.index(f"{{{key},") :].split("\n@", 1)[0]
        fields[key] = {f: re.search(rf"^\s*{f}\s*=.*$", block, re.M).group(0) for f in ("author", "title")}
    for field in ("author", "title"):
        a, b = fields[first][field], fields[second][field]
        text = text.replace(a, "\0").replace(b, a).replace("\0", b)
    refs.write_text(text, encoding="utf-8")

    after = build_root(src)  # an incremental rebuild
    assert letters_shown(after.page("references.html"), [first, second]) == {first: "b", second: "a"}
    cited = {first: "b", second: "a"}
    cited = {k: v for k, v in cited.items() if after.page("index.html").select_one(f'a[href$="#cite-{k}"]')}
    assert cited, "the test root cites neither work"
    for key, expected in cited.items():
        assert citation_for(after.page("index.html"), key).get_text().endswith(f"{expected})"), key


def test_web_items_show_their_address_and_an_access_date_only_when_one_is_recorded(book, bib):
    for key, entry in bib.entries.items():
        if "url" in entry.fields:
            text = reference_text(book.references, key)
            link = book.references.select_one(f'div.citation#cite-{key} a[href="{entry.fields["url"]}"]')
            assert link is not None, key
            assert ("accessed" in text) == ("urldate" in entry.fields), key
            assert "()" not in text, key


def test_dois_are_links_to_doi_org(book, bib):
    for key, entry in bib.entries.items():
        if "doi" in entry.fields:
            href = f"https://doi.org/{entry.fields['doi']}"
            assert book.references.select_one(f'div.citation#cite-{key} a[href="{href}"]') is not None, key


def test_references_are_filed_alphabetically_under_the_first_surname_or_organisation(book, bib):
    keys = [k for k in reference_keys(book.references) if k in bib.entries]
    assert set(keys) == set(bib.entries)
    letters = []
    for key in keys:
        entry = bib.entries[key]
        persons = entry.persons.get("author") or entry.persons.get("editor")
        maker = (
            surname(persons[0])
            if persons
            else latex_text(entry.fields.get("organization", entry.fields["title"]))
        )
        letters.append(base_letter(maker.removeprefix("The ")))
    assert letters == sorted(letters)
    # Gel’man (Гельман) is filed under G with the apostrophe ignored, between F… and H… works
    gelman = keys.index("gelman2019nedostoinoe")
    assert letters[gelman] == "g" and letters[gelman - 1] <= "g" <= letters[gelman + 1]


def test_cyrillic_names_sort_as_a_russian_reader_expects(book):
    cyrillic = parse_file(str(CYRILLIC_BIB), "bibtex").entries
    shown = [k for k in reference_keys(book.references) if k in cyrillic]
    names = [surname(cyrillic[k].persons["author"][0]) for k in shown]
    # Latin before Cyrillic; "Élan" between "Eagle" and "Ezra"; Ё filed with Е (Ежов < Ёлкин < Ершов)
    # and Й after И, both as in a Russian dictionary.
    assert names == ["Eagle", "Élan", "Ezra", "Агеев", "Ежов", "Ёлкин", "Ершов", "Иванов", "Йошкин"]


def test_labels_are_what_the_citations_print(book):
    """Where a builder shows a label, it is the author–year of the citation ("Ершов 2010")."""
    cyrillic = parse_file(str(CYRILLIC_BIB), "bibtex").entries
    for key, entry in cyrillic.items():
        label = book.references.select_one(f"div.citation#cite-{key} .label").get_text(strip=True).strip("[]")
        assert label == f"{surname(entry.persons['author'][0])} {entry.fields['year']}", key


def test_works_cited_list_follows_the_articles_printed_order(book, bib):
    shown = [li["id"].removeprefix("cite-") for li in book.printed.select("#works-cited-in-this-article li")]
    printed_order = [key for meta in load_all(ROOT / "seeds") for ref in meta.references for key in ref.keys]
    cited = ["wilson2003dreaming", "negroponte1995being", "borsi2015evolution", "kose2008global"]
    assert set(shown) == set(cited)
    assert shown == sorted(shown, key=printed_order.index)
    assert shown != cited  # not the order of citation (nor the book-wide one: index.md cites two first)
    assert shown != sorted(shown, key=lambda k: sort_text(cited_name(bib.entries[k])))  # not alphabetical


def test_build_prints_no_bibtex_warning(book):
    assert "WARNING" not in book.output


# -- the pieces, without a build ---------------------------------------------------------------------


def test_sort_text_folds_latin_diacritics_and_yo_but_keeps_short_i():
    assert sort_text("Élan") == sort_text("Elan") == "elan"
    assert sort_text("Ёлкин") == sort_text("Елкин")
    assert sort_text("Йошкин") != sort_text("Иошкин")
    assert sort_text("Gel’man") == "gelman"


def test_year_and_date_are_read_from_either_field():
    def make(**fields: str) -> Entry:
        return Entry("misc", fields=fields)

    assert entry_year(make(date="2022-02-09")) == "2022"
    assert entry_date(make(date="2022-02-09")) == "9 February 2022"
    assert entry_date(make(year="2002", date="2002/2003")) == "2002–2003"
    assert entry_year(make(date="XXXX")) is None and entry_date(make(date="XXXX")) is None
    assert entry_date(make(year="2008", month="October")) == "October 2008"


def test_printed_rank_follows_the_seed_metadata():
    """Seeds in order, each reference list as printed; a work two articles print (a new article citing
    one already in refs.bib) ranks where it is first printed; a reference naming two works ranks both."""

    def seed(*printed: tuple[str, ...]) -> SimpleNamespace:
        return SimpleNamespace(references=[SimpleNamespace(keys=keys) for keys in printed])

    first = seed(("zeta2001a",), ("alpha2002b", "mu2003c"))
    second = seed(("mu2003c",), ("beta2004d",))
    assert printed_rank([first, second]) == {"zeta2001a": 0, "alpha2002b": 1, "mu2003c": 2, "beta2004d": 3}
    assert printed_rank([second, first]) == {"mu2003c": 0, "beta2004d": 1, "zeta2001a": 2, "alpha2002b": 3}


def test_printed_sorting_puts_ranked_works_first_and_keeps_citation_order_for_the_rest():
    class Ranked(PrintedSortingStyle):
        printed_rank = MappingProxyType({"second": 1, "first": 0})

    entries = []
    for key in ("unranked1", "second", "unranked2", "first"):
        entries.append(Entry("misc"))
        entries[-1].key = key
    assert [e.key for e in Ranked().sort(entries)] == ["first", "second", "unranked1", "unranked2"]


def test_the_printed_sorting_entry_point_alone_keeps_the_order_of_citation():
    """As installed (before any build binds it to the seeds), the plugin ranks nothing."""
    (point,) = importlib.metadata.entry_points(group="pybtex.style.sorting", name="litreview_printed")
    entries = []
    for key in ("unranked1", "second", "unranked2", "first"):
        entries.append(Entry("misc"))
        entries[-1].key = key
    assert [e.key for e in point.load()().sort(entries)] == ["unranked1", "second", "unranked2", "first"]


def test_an_issue_named_by_its_season_and_years_prints_its_spans_with_en_dashes(book, bib):
    """An issue label kept in ``number`` as the magazine printed it ("Fall-Winter 2002-2003") is set
    in the list as the book sets every span: "Fall–Winter 2002–2003"; the BibTeX keeps the hyphens."""
    labels = {
        key: entry.fields["number"]
        for key, entry in bib.entries.items()
        if re.search(r"\d-\d", entry.fields.get("number", ""))
    }
    assert labels, "the test bibliography has no issue label with a span"
    for key, label in labels.items():
        text = reference_text(book.references, key)
        assert re.sub(r"(?<=\w)-(?=\w)", "–", label) in text, (key, text)
        assert label not in text, (key, text)
