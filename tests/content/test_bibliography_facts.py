"""The book's bibliography as docs/sources.md records it: where the evidence corrected what an
article printed, refs.bib holds the verified value in the field and the printed one in the
``addendum``; what is only inferred stays out of the fields.

These check the book's content (its facts), not the code: an editor who corrects an entry with new
evidence updates docs/sources.md and the test here together. What the seeds printed is read from
the seed files, never typed here.
"""

from __future__ import annotations

import re

import pytest
from pybtex.database import BibliographyData, Entry, parse_file

from litreview.core.seeds import load_all
from support import ROOT

BIB = ROOT / "refs.bib"
SEEDS = ROOT / "seeds"
METAS = load_all(SEEDS)
ALL_KEYS = list(
    dict.fromkeys([m.key for m in METAS] + [k for m in METAS for r in m.references for k in r.keys])
)


@pytest.fixture(scope="module")
def bib() -> BibliographyData:
    return parse_file(str(BIB), "bibtex")


def entry(bib: BibliographyData, key: str) -> Entry:
    return bib.entries[key]


def seed_lines(number: str) -> list[str]:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def seed002_reference(number: int) -> str:
    """Reference ``number`` of seed 002's numbered list, as printed (without its number)."""
    lines = seed_lines("002")
    references = lines[lines.index("## References") :]
    (line,) = [line for line in references if line.startswith(f"{number}. ")]
    return line.split(". ", 1)[1]


def seed004_notes() -> list[str]:
    """Seed 004's notes list in printed order (the printed "[5]" occurs twice)."""
    return [m.group(1) for line in seed_lines("004") if (m := re.match(r"^\[\d+\] (.*)$", line))]


def test_rogers_holds_the_verified_year_and_the_note_the_printed_one(bib):
    printed_year = re.search(r"\((\d{4})\)$", seed002_reference(14)).group(1)
    rogers = entry(bib, "rogers2003diffusion")
    assert rogers.fields["year"] == "2003" != printed_year
    assert f"year {printed_year}" in rogers.fields["addendum"]


def test_negroponte_holds_the_first_edition_year_and_the_note_the_printed_one(bib):
    printed_year = re.search(r"\((\d{4})\)$", seed002_reference(3)).group(1)
    negroponte = entry(bib, "negroponte1995being")
    assert negroponte.fields["year"] == "1995" != printed_year
    assert f"year {printed_year}" in negroponte.fields["addendum"]


def test_wilson_holds_the_verified_year_and_authors_and_the_note_what_was_printed(bib):
    printed = seed002_reference(16)
    printed_year = re.search(r"\((\d{4})\)$", printed).group(1)
    assert printed.startswith("*")  # the seed gives no authors, only the italic title
    wilson = entry(bib, "wilson2003dreaming")
    assert wilson.fields["year"] == "2003" != printed_year
    assert [p.last_names[0] for p in wilson.persons["author"]] == ["Wilson", "Purushothaman"]
    assert f"year {printed_year}" in wilson.fields["addendum"]
    assert "no authors" in wilson.fields["addendum"]


def test_borsi_holds_the_verified_volume_issue_pages_and_the_note_the_printed_ones(bib):
    volume, page = re.search(r"\*\*(\d+)\*\*, (\d+)", seed002_reference(15)).groups()
    borsi = entry(bib, "borsi2015evolution")
    assert (borsi.fields["volume"], borsi.fields["number"], borsi.fields["pages"]) == ("48", "2", "657--681")
    assert borsi.fields["volume"] != volume
    assert f"volume {volume}" in borsi.fields["addendum"]
    assert f"page {page}" in borsi.fields["addendum"]


def test_kose_names_otrok_and_the_note_keeps_the_printed_otok_and_234(bib):
    printed = seed002_reference(10)
    authors, rest = printed.split(", NBER", 1)
    printed_second = authors.split(", ")[1].split()[-1]
    printed_number = re.search(r"\*\*\d+\*\*, (\d+)", rest).group(1)
    kose = entry(bib, "kose2008global")
    second = kose.persons["author"][1].last_names[0]
    assert second == "Otrok" != printed_second
    assert printed_second in kose.fields["addendum"]
    assert f"“{printed_number}”" in kose.fields["addendum"]
    assert kose.fields["number"] == "14292"


def test_ahmadov_holds_the_verified_volume_pages_year_doi_and_the_note_the_printed_ones(bib):
    notes = seed004_notes()
    assert len(notes) == 6 and notes[5].startswith("Ahmadov")  # the second printed [5] is note 6
    volume, issue, when, pages = re.search(r"(\d+)\((\d+)\), (\w+ \d{4}), pp\. ([\d-]+)", notes[5]).groups()
    ahmadov = entry(bib, "ahmadov2016voice")
    assert (ahmadov.fields["volume"], ahmadov.fields["pages"], ahmadov.fields["year"]) == (
        "49",
        "78--114",
        "2016",
    )
    assert ahmadov.fields["doi"] == "10.1177/0010414015600468"
    assert ahmadov.fields["volume"] != volume
    for printed in (f"{volume}({issue})", when, pages):
        assert printed in ahmadov.fields["addendum"]


def test_strategy_title_is_the_decrees_and_the_note_keeps_the_printed_until_2035(bib):
    printed_title = seed002_reference(9).split(". Approved", 1)[0]
    assert "until 2035" in printed_title
    strategy = entry(bib, "presidentrf2016strategy")
    assert "until 2035" not in strategy.fields["title"]
    assert printed_title in strategy.fields["addendum"]


def test_roco_and_bainbridge_are_editors_not_the_printed_authors(bib):
    assert seed002_reference(1).startswith("M. C. Roco, W. S. Bainbridge,")
    roco = entry(bib, "roco2003converging")
    assert "author" not in roco.persons
    assert [p.last_names[0] for p in roco.persons["editor"]] == ["Roco", "Bainbridge"]
    assert "editors" in roco.fields["addendum"]


def test_gelman_holds_the_full_cyrillic_title_and_the_note_the_printed_short_one(bib):
    printed = seed004_notes()[4]
    short_title, publisher = re.search(r"\(\d{4}\) (.+?)\. (.+?)\.$", printed).groups()
    gelman = entry(bib, "gelman2019nedostoinoe")
    title = gelman.fields["title"]
    assert title.startswith(short_title) and title != short_title
    assert re.search("[А-Яа-я]", title)  # Cyrillic stays Cyrillic
    assert short_title in gelman.fields["addendum"] and publisher in gelman.fields["addendum"]


def test_keeble_loader_book_title_is_verified_and_the_note_keeps_the_printed_one(bib):
    (line,) = [line for line in seed_lines("003") if line.startswith("Stafeev, S, ")]
    printed_book = re.search(r',[”"] in (.+?), ed\. by', line).group(1)
    chapter = entry(bib, "stafeev2001community")
    assert chapter.fields["booktitle"] != printed_book
    assert "Social" in chapter.fields["booktitle"]
    assert printed_book in chapter.fields["addendum"]


def test_inferred_facts_stay_out_of_the_fields(bib):
    essay = entry(bib, "erofeev2022learning")
    assert all("Erofeev" not in str(p) for p in essay.persons["author"])  # authorship only inferred
    assert "Erofeev" in essay.fields["annotation"] and "inferred" in essay.fields["annotation"]
    assert "journal" not in entry(bib, "ezdinandneoindustrial").fields  # venue only inferred
    for key in ALL_KEYS:
        fields = entry(bib, key).fields
        if "E3S" in fields.get("journal", ""):
            assert "doi" not in fields, key  # E3S DOIs are inferred from a pattern, never resolved
            assert "10.1051/e3sconf/" in fields["annotation"], key
