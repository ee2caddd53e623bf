"""`nox -s citations`: each rule catches its planted fault in tests/fixtures/citations/<rule>/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from litreview.tools import citations as lc
from support import ROOT, line_of

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
LINE_FORMAT = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<code>[CEN]\d{3}) (?P<message>.+)$")


def found(rule: lc.Rule, case: str) -> list[tuple[str, int, str]]:
    """(file relative to the fixture, line, code) of what ``rule`` finds in fixture ``case``."""
    root = FIXTURES / case
    project = lc.load_project(root)
    return sorted((f.path.relative_to(root).as_posix(), f.line, f.code) for f in rule(project))


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview.tools.citations", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


# -- one test per rule -------------------------------------------------------------------------


def test_unknown_key_names_file_and_line_of_each_role():
    chapter = FIXTURES / "unknown-key" / "book" / "articles" / "chapter.md"
    assert found(lc.check_unknown_keys, "unknown-key") == [
        ("book/articles/chapter.md", line_of(chapter, "ghost2020role"), "C001"),
        ("book/articles/chapter.md", line_of(chapter, "ghost2021seed"), "C001"),
        ("book/articles/chapter.md", line_of(chapter, "ghost2022listed"), "C001"),
    ]


def test_roles_in_code_blocks_and_comments_are_not_citations():
    keys = {c.key for c in lc.load_project(FIXTURES / "unknown-key").citations}
    assert keys == {"known2019work", "ghost2020role", "ghost2021seed", "ghost2022listed"}


def test_citation_syntaxes_myst_rst_seedcite_and_pre_post_text():
    text = (
        "A {cite:p}`{see}one2001a{p. 5}, two2002b` and {cite:t}``three2003c``.\n"
        "rST :cite:p:`four2004d` and {seedcite}`[4-6] <five2005e,six2006f>`.\n"
        "::::{note}\n```{bibliography}\n:filter: False\nseven2007g\n```\n::::\n"
    )
    cites = [(c.key, c.line) for c in lc.find_citations(Path("x.md"), text)]
    assert sorted(cites) == [
        ("five2005e", 2),
        ("four2004d", 2),
        ("one2001a", 1),
        ("seven2007g", 6),
        ("six2006f", 2),
        ("three2003c", 1),
        ("two2002b", 1),
    ]


def test_a_chapters_works_cited_filter_and_how_to_cite_name_their_keys():
    text = (
        "```{bibliography}\n:list: bullet\n:filter: key in {\"one2001a\", 'two2002b'}\n```\n"
        "```{bibliography}\n:filter: docname in docnames\n```\n"
        "```{cite-original} three2003c\n```\n"
        "````\n```{cite-original} four2004d\n```\n````\n"  # an example in a code block: not a citation
    )
    cites = sorted((c.key, c.line, c.how) for c in lc.find_citations(Path("x.md"), text))
    assert cites == [
        ("one2001a", 3, "bibliography"),
        ("three2003c", 8, "cite-original"),
        ("two2002b", 3, "bibliography"),
    ]


def test_uncited_entry_and_bibliography_all_does_not_cite():
    bib = FIXTURES / "uncited-entry" / "refs.bib"
    assert found(lc.check_uncited_entries, "uncited-entry") == [
        ("refs.bib", line_of(bib, "@book{lonely2018work"), "C002")
    ]


def test_seed_reference_mapping_to_no_entry_is_reported_at_its_toml_line():
    toml = FIXTURES / "unmapped-seed-reference" / "seeds" / "000_tiny.toml"
    second_reference = [
        n for n, line in enumerate(toml.read_text().splitlines(), 1) if line == "[[references]]"
    ][1]
    assert found(lc.check_seed_references, "unmapped-seed-reference") == [
        ("seeds/000_tiny.toml", line_of(toml, "key = "), "C003"),  # the article's own key is not in refs.bib
        ("seeds/000_tiny.toml", second_reference, "C003"),  # the [[references]] table naming ghost2018work
    ]
    assert line_of(toml, "key = ") != 1  # the line of the key itself, not the file's first line


def test_duplicate_key():
    bib = FIXTURES / "duplicate-key" / "refs.bib"
    second = [n for n, line in enumerate(bib.read_text().splitlines(), 1) if "@book{twice2019work" in line][1]
    assert found(lc.check_duplicate_keys, "duplicate-key") == [("refs.bib", second, "C004")]


def test_one_work_under_two_keys_by_doi_and_by_normalised_title_year_author():
    bib = FIXTURES / "duplicate-work" / "refs.bib"
    findings = list(lc.check_duplicate_works(lc.load_project(FIXTURES / "duplicate-work")))
    assert [(f.line, f.code) for f in findings] == [
        (line_of(bib, "@article{ahmadov2015voice"), "C005"),
        (line_of(bib, "@book{muller2001vital"), "C005"),
    ]
    assert "same DOI" in findings[0].message
    assert "same title, year and first author" in findings[1].message  # muller2002elan: another year, kept


def test_doi_holding_a_url_or_prefix():
    bib = FIXTURES / "doi-format" / "refs.bib"
    assert found(lc.check_doi_format, "doi-format") == [
        ("refs.bib", line_of(bib, "https://doi.org/10.1234/url.2019"), "C006"),
        ("refs.bib", line_of(bib, "doi:10.1234/prefix.2019"), "C006"),
    ]


def test_urldate_is_a_day_that_happened_beside_an_address():
    bib = FIXTURES / "urldate" / "refs.bib"
    assert found(lc.check_urldate, "urldate") == [
        ("refs.bib", line_of(bib, "2999-01-01"), "C007"),  # after today
        ("refs.bib", line_of(bib, "2020-01-01"), "C007"),  # no url
    ]  # a url without urldate (an address as printed) and a past day beside a url are fine


def test_url_in_howpublished():
    bib = FIXTURES / "url-in-howpublished" / "refs.bib"
    assert found(lc.check_howpublished_url, "url-in-howpublished") == [
        ("refs.bib", line_of(bib, "\\url{"), "C008")
    ]


def test_latex_escapes_where_utf8_belongs():
    bib = FIXTURES / "latex-escape" / "refs.bib"
    assert found(lc.check_latex_escapes, "latex-escape") == [
        ("refs.bib", line_of(bib, 'G{\\"o}del'), "C009"),
        ("refs.bib", line_of(bib, "Fran\\c{c}ois"), "C009"),
        ("refs.bib", line_of(bib, "\\'Etude"), "C009"),
        ("refs.bib", line_of(bib, "Before---After"), "C009"),
    ]  # range2000pages (pages 657--681, \& and Cyrillic) is fine


def test_missing_required_fields_and_unknown_type():
    bib = FIXTURES / "missing-field" / "refs.bib"
    findings = list(lc.check_required_fields(lc.load_project(FIXTURES / "missing-field")))
    assert [(f.line, f.code) for f in findings] == [
        (line_of(bib, "@article{nojournal2019work"), "C010"),
        (line_of(bib, "@inproceedings{proc2019work"), "C010"),
        (line_of(bib, "@online{webpage2019site"), "C010"),
        (line_of(bib, "@misc{nobodyndpage"), "C010"),
    ]  # edited2019book: an editor stands in for the author; untitled2019work: its addendum says why
    assert "journal" in findings[0].message
    assert "@inproceedings" in findings[1].message
    assert "@online" in findings[2].message and "@misc" in findings[2].message
    assert "author or editor" in findings[3].message


def test_date_and_year_that_disagree_or_a_date_that_is_not_iso():
    bib = FIXTURES / "date-year-mismatch" / "refs.bib"
    assert found(lc.check_date_year, "date-year-mismatch") == [
        ("refs.bib", line_of(bib, "year      = {2019}"), "C011"),
        ("refs.bib", line_of(bib, "March 2020"), "C011"),
        ("refs.bib", line_of(bib, "date         = {2020}"), "C011"),  # year n.d. with a date
        ("refs.bib", line_of(bib, "{twenty}"), "C011"),
    ]  # year n.d. alone, and 2002/2003 (a range), are fine


def test_key_convention():
    bib = FIXTURES / "key-convention" / "refs.bib"
    assert found(lc.check_key_convention, "key-convention") == [
        ("refs.bib", line_of(bib, "{Smith2020Word"), "C012"),
        ("refs.bib", line_of(bib, "{smith-2020-word"), "C012"),
        ("refs.bib", line_of(bib, "{smith2021word"), "C012"),
        ("refs.bib", line_of(bib, "{smithndword"), "C012"),
    ]


def test_latex_special_characters_in_printed_fields():
    bib = FIXTURES / "latex-special" / "refs.bib"
    assert found(lc.check_latex_special_characters, "latex-special") == [
        ("refs.bib", line_of(bib, "addendum     = {The article prints"), "C014"),
        ("refs.bib", line_of(bib, "Growth of 50% a Year"), "C014"),
    ]  # the url, the escaped 50\% and R\&D, and the annotation (no style prints it) are fine


def test_article_chapter_that_cites_nothing():
    assert found(lc.check_chapters_cite, "chapter-cites-nothing") == [("book/articles/silent.md", 1, "C013")]


def test_every_rule_has_a_fixture_that_trips_it():
    tripped = {f.code for case in FIXTURES.iterdir() for f in lc.lint(lc.load_project(case))}
    assert set(lc.RULES) <= tripped


# -- a freshly added article: no rule fires, two reminders, exit 0 -------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A book with an article just added: its chapter generated, no summary, on no timeline event."""
    root = shutil.copytree(FIXTURES / "fresh-article", tmp_path / "fresh")
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.chapters", "--root", str(root)], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return root


def test_a_fresh_articles_chapter_cites_its_works_and_its_article(fresh: Path):
    project = lc.load_project(fresh)
    chapter = fresh / "book" / "articles" / "fresh-article.md"
    hows = {(c.key, c.how) for c in project.citations if c.path == chapter}
    assert ("writer2021fibre", "cite-original") in hows  # How to cite the original article
    assert ("critic2020fibre", "bibliography") in hows  # Works cited
    codes = {f.code for f in lc.lint(project)}
    assert not codes & {"C002", "C013"}, codes


def test_editorial_choices_are_reminders_that_never_fail(fresh: Path):
    proc = run_cli("--root", str(fresh))
    assert proc.returncode == 0, proc.stdout
    rows = [LINE_FORMAT.match(line) for line in proc.stdout.splitlines()]
    assert all(rows), proc.stdout
    assert sorted((m["path"], int(m["line"]), m["code"]) for m in rows) == [  # type: ignore[index]
        ("book/articles/fresh-article.md", 1, "N001"),
        ("book/review/timeline.yaml", 1, "N002"),
    ]
    assert all(m["message"].startswith("reminder: ") and "optional" in m["message"] for m in rows)  # type: ignore[index]
    assert "no findings and 2 reminder(s)" in proc.stderr
    as_json = json.loads(run_cli("--root", str(fresh), "--format", "json").stdout)["findings"]
    assert {(f["code"], f["level"]) for f in as_json} == {("N001", "reminder"), ("N002", "reminder")}


def test_a_summary_and_a_timeline_event_silence_the_reminders(fresh: Path):
    chapter = fresh / "book" / "articles" / "fresh-article.md"
    text = chapter.read_text(encoding="utf-8")
    summary = "Writer reports that fibre came late {cite:p}`writer2021fibre`.\n"
    end_of_head = "<!-- generated:end head -->\n"
    chapter.write_text(text.replace(end_of_head, f"{end_of_head}\n{summary}"), encoding="utf-8")
    timeline = fresh / "book" / "review" / "timeline.yaml"
    timeline.write_text(
        timeline.read_text(encoding="utf-8")
        + "  - date: 2021\n    label: Fibre arrives\n    kind: programme\n    dated_by: writer2021fibre\n"
        "    evidence: [three years after it was promised]\n    mentioned_by: [writer2021fibre]\n",
        encoding="utf-8",
    )
    proc = run_cli("--root", str(fresh))
    assert (proc.returncode, proc.stdout) == (0, "")


# -- bad input: a message a maintainer can act on, never a traceback ---------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("empty-bib", [("refs.bib", 1, "E001", "holds no entries")]),
        ("unparsable-bib", [("refs.bib", "@book{broken2019work", "E001", "gave up on line {after}")]),
        (
            "malformed-seed-metadata",
            [
                ("seeds/000_tiny.toml", 'genre = "op-ed', "E002", "invalid TOML"),
                ("seeds/001_bare.txt", 1, "E002", "no metadata file 001_bare.toml"),
            ],
        ),
    ],
)
def test_bad_input_is_a_finding_with_its_line(case: str, expected: list[tuple[str, object, str, str]]):
    root = FIXTURES / case
    proc = run_cli("--root", str(root))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [LINE_FORMAT.match(line) for line in proc.stdout.splitlines()]
    assert all(lines), proc.stdout
    for path, where, code, text in expected:
        line = where if isinstance(where, int) else line_of(root / path, where)
        if "{after}" in text:
            text = text.format(after=line_of(root / path, "@book{after2019work"))
        hits = [m for m in lines if (m["path"], int(m["line"]), m["code"]) == (path, line, code)]
        assert hits, f"no {path}:{line}: {code} in\n{proc.stdout}"
        assert text in hits[0]["message"]


def test_a_missing_refs_bib_is_a_finding(tmp_path: Path):
    proc = run_cli("--root", str(tmp_path))
    assert proc.returncode == 1
    assert "refs.bib:1: E001 refs.bib not found" in proc.stdout
    assert "Traceback" not in proc.stderr


# -- the command line -------------------------------------------------------------------------------


def test_clean_fixture_exits_zero_and_prints_nothing():
    proc = run_cli("--root", str(FIXTURES / "clean"))
    assert (proc.returncode, proc.stdout) == (0, "")
    assert "no findings" in proc.stderr


def test_text_output_is_path_line_code_message_and_json_says_the_same():
    root = FIXTURES / "unknown-key"
    text = run_cli("--root", str(root))
    as_json = run_cli("--root", str(root), "--format", "json")
    assert (text.returncode, as_json.returncode) == (1, 1)
    rows = [LINE_FORMAT.match(line) for line in text.stdout.splitlines()]
    assert rows and all(rows)
    findings = json.loads(as_json.stdout)["findings"]
    assert [(f["path"], f["line"], f["code"], f["message"]) for f in findings] == [
        (m["path"], int(m["line"]), m["code"], m["message"]) for m in rows
    ]
    assert {f["rule"] for f in findings if f["code"] == "C001"} == {"unknown-key"}


def test_the_real_book_has_no_findings():
    proc = run_cli()
    rows = [LINE_FORMAT.match(line) for line in proc.stdout.splitlines()]
    assert all(rows) and [m.group(0) for m in rows if m and m["code"][0] != "N"] == [], proc.stdout
    assert proc.returncode == 0
