"""refs.bib: every article and every work they print, once each; docs/sources.md's policy on
discrepancies; clean UTF-8 data; and a file that pybtex, our style and biber's data-model validation
all accept without a warning.

The facts themselves (what docs/sources.md records as verified, and what the seeds printed) are
checked in tests/content/test_bibliography_facts.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pybtex.plugin
import pytest
from pybtex.database import BibliographyData, Entry, parse_file

from litreview.core import bib as bibcore
from litreview.core.seeds import load_all
from support import ROOT

BIB = ROOT / "refs.bib"
SEEDS = ROOT / "seeds"

# The keys refs.bib must hold, derived from the seeds' metadata: each article's own entry, then the
# works its printed references map to (never a list typed here: a new article adds its own).
METAS = load_all(SEEDS)
ALL_KEYS = list(
    dict.fromkeys([m.key for m in METAS] + [k for m in METAS for r in m.references for k in r.keys])
)
DATE = re.compile(r"^(XXXX|\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?)$")


@pytest.fixture(scope="module")
def bib() -> BibliographyData:
    return parse_file(str(BIB), "bibtex")


def entry_line(key: str) -> int:
    """The line of the entry ``key`` in refs.bib (for a message a maintainer can act on)."""
    return bibcore.scan(BIB).line(key) or 1


def entry(bib: BibliographyData, key: str) -> Entry:
    return bib.entries[key]


def test_refs_bib_holds_every_article_and_every_work_they_print_once_each():
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(set(keys)) == len(keys), [k for k in keys if keys.count(k) > 1]
    assert set(keys) == set(ALL_KEYS)


def test_every_entry_loads_in_pybtex_and_formats_in_the_book_style(bib):
    assert set(bib.entries) == set(ALL_KEYS)
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "litreview")()
    formatted = {e.key: e.text.render_as("text") for e in style.format_entries(bib.entries.values())}
    assert set(formatted) == set(ALL_KEYS)
    for key, text in formatted.items():
        assert len(text) > 20, key


def test_no_latex_escapes_and_braces_only_around_whole_words_of_titles():
    text = BIB.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("%"))
    # Only the escapes LaTeX needs in text ("\&", and "\_" in an address a note quotes), never {\"o} or \'
    assert re.findall(r"\\(?![&_%#$])", body) == []
    assert "``" not in body and "''" not in body
    for key, fields in parse_file(str(BIB), "bibtex").entries.items():
        for name, value in fields.fields.items():
            groups = re.findall(r"\{([^{}]*)\}", value)
            if name == "title":  # case protection for BibTeX styles: one or more whole words
                assert all(re.fullmatch(r"[\w.'’ -]+", g) for g in groups), (key, groups)
            else:
                assert not groups, (key, name)


def test_dois_are_bare_and_no_access_date_is_invented(bib):
    """An access date is a day somebody opened the page: it must say so in the verification record."""
    for key in ALL_KEYS:
        fields = entry(bib, key).fields
        if "doi" in fields:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"]), key
        if "url" in fields:
            assert fields["url"].startswith(("http://", "https://")), key
        if "urldate" in fields:
            day = date.fromisoformat(fields["urldate"])
            assert day <= date.today(), key
            assert f"opened on {fields['urldate']}" in fields.get("annotation", ""), key


def test_every_entry_has_a_year_or_says_it_has_none(bib):
    """BibTeX reads ``year`` (n.d. prints "n.d."); biblatex reads ``date``, which must agree."""
    for key in ALL_KEYS:
        fields = entry(bib, key).fields
        year = fields["year"]
        if year == "n.d.":
            assert "date" not in fields, key  # biblatex then prints its own "n.d."
            assert re.match(r"^[a-z]+nd[a-z0-9]+$", key), key  # the key convention's "nd" (no date)
        else:
            assert re.fullmatch(r"\d{4}", year), key
            if "date" in fields:  # optional beside a year: the day or month where known
                assert DATE.match(fields["date"]) and fields["date"].startswith(year), key
        assert "XXXX" not in fields.get("date", ""), key


def expected_datamodel_warnings(bib: BibliographyData) -> dict[str, str]:
    """What biber's data-model check says of refs.bib by design, each with its reason, from refs.bib.

    (A reader's biber run, without ``--validate-datamodel`` and with the README's source map,
    prints none of them: tests/test_reader_papers.py.)"""
    expected = {}
    for key, e in bib.entries.items():
        if e.fields.get("year") == "n.d.":
            why = "year n.d. so that BibTeX styles print it; the README's source map drops it for biber"
            expected[f"WARN - legacy year field 'n.d.' in entry '{key}' is not an integer"] = why
            invalid = f"WARN - Datamodel: Entry '{key}' (refs.bib): Invalid value of field 'year' must be"
            expected[invalid] = why
        if "title" not in e.fields:
            why = "the title was not found; none is invented"
            expected[f"WARN - Datamodel: Entry '{key}' (refs.bib): Missing mandatory field 'title'"] = why
        if e.type == "book" and "author" not in e.persons:
            why = "an edited volume: BibTeX knows no @collection, so @book with editors"
            expected[f"WARN - Datamodel: Entry '{key}' (refs.bib): Missing mandatory field 'author'"] = why
    return expected


def test_biber_validates_refs_bib_with_only_the_warnings_its_policy_causes(tmp_path, bib):
    shutil.copy(BIB, tmp_path / "refs.bib")
    proc = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "refs.bib"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Datamodel validation complete" in output
    problems = [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))]
    expected = expected_datamodel_warnings(bib)
    unexplained = [line for line in problems if not any(line.startswith(e) for e in expected)]
    assert unexplained == []
    assert all(any(line.startswith(e) for line in problems) for e in expected)  # the checks are real
