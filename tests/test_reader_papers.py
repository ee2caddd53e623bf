"""refs.bib in a reader's own paper: two real papers cite every key, with the preambles the README
gives ("Cite from your own paper"), plus the book and each review chapter as the How-to-cite page
gives them: xelatex + biblatex/biber (authoryear) and pdflatex + natbib/BibTeX (plainnat).

Each must compile without a LaTeX error; biber must not warn; BibTeX may warn only where refs.bib
truthfully lacks a field (computed from refs.bib below, each with its reason). The printed text
must cite every work by its maker and year ("n.d." where no year is known), never "XXXX", "Title
not found", an empty year or a label made from the cite key.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import Entry

from litreview.core import bib
from litreview.core.latex import latex_to_text
from support import ROOT, Build

pytestmark = pytest.mark.slow

REFS = ROOT / "refs.bib"
NO_DATE = "n.d."
FORBIDDEN = ("XXXX", "Title not found", "[Title")
#: pdflatex's T1 fonts keep ligatures in slots 27-31, which pdftotext cannot name without cm-super.
T1_LIGATURES = str.maketrans({"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"})


def readme_preambles() -> list[str]:
    """The LaTeX preambles of the README's "Cite from your own paper" section, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Cite from your own paper", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```latex\n(.*?)```", section, flags=re.S)


@dataclass(frozen=True)
class Paper:
    """A compiled paper: its printed text (per citation line, then the list), logs and warnings."""

    citations: dict[str, str]  # key -> the printed line that cites it
    references: str  # the printed bibliography, whitespace folded
    log: str  # the LaTeX log of the last run
    bib_output: str  # what biber or BibTeX printed


def how_to_cite_bibtex(html_build: Build) -> str:
    """The BibTeX blocks of the built How-to-cite page for the book and its review chapters."""
    soup = BeautifulSoup((html_build.outdir / "how-to-cite.html").read_text(encoding="utf-8"), "html.parser")
    blocks = [pre.get_text() for pre in soup.select(".how-to-cite-bibtex pre")]
    ours = [b for b in blocks if re.match(r"@(book|incollection)\{", b.strip())]
    refs_keys = set(bib.parse(REFS).entries)
    return "\n\n".join(b for b in ours if re.match(r"@\w+\{([^,]+),", b.strip()).group(1) not in refs_keys)


def citing_body(keys: list[str], textual: str, parenthetical: str) -> str:
    """One paragraph per key, numbered (not named: the key must never appear in print)."""
    return "\n".join(
        rf"\noindent Cite {n}: \{textual}{{{key}}} and \{parenthetical}{{{key}}}.\par"
        for n, key in enumerate(keys, start=1)
    )


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", check=False,
                          timeout=600)  # fmt: skip


def compile_paper(workdir: Path, engine: str, backend: str, tex: str, keys: list[str]) -> Paper:
    (workdir / "paper.tex").write_text(tex, encoding="utf-8")
    latex = [engine, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    first = run(latex, workdir)
    assert first.returncode == 0, first.stdout[-3000:]
    bib_run = run([backend, "paper"], workdir)
    assert bib_run.returncode == 0, bib_run.stdout + bib_run.stderr
    for _ in range(2):
        again = run(latex, workdir)
        assert again.returncode == 0, again.stdout[-3000:]
    text = run(["pdftotext", "-enc", "UTF-8", "paper.pdf", "-"], workdir).stdout.translate(T1_LIGATURES)
    body, _, references = text.partition("References")
    lines = " ".join(body.split())
    citations = {}
    for n, key in enumerate(keys, start=1):
        match = re.search(rf"Cite {n}: (.*?)\.(?= Cite \d+:|$)", lines)
        assert match, f"citation {n} ({key}) not printed"
        citations[key] = match.group(1)
    return Paper(citations, " ".join(references.split()),
                 (workdir / "paper.log").read_text(encoding="utf-8", errors="replace"),
                 bib_run.stdout + bib_run.stderr)  # fmt: skip


def makers(entry: Entry) -> list[str]:
    """The surnames (or organisation) a citation of ``entry`` must print, from refs.bib."""
    return [fold(n.surname) for n in bib.makers(entry)]


def fold(text: str) -> str:
    """Typographic apostrophes as pdflatex's T1 fonts give them back to pdftotext ("Gel’man")."""
    return text.replace("’", "'")


def year_printed(entry: Entry) -> str:
    """The year a citation must print: the known year, else "n.d."."""
    return bib.year(entry) or NO_DATE


def book_keys(extra: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", extra, flags=re.M)


@pytest.fixture(scope="module")
def refs() -> dict[str, Entry]:
    return dict(bib.parse(REFS).entries)


def write_paper(workdir: Path, html_build: Build, refs, preamble: str, cite: tuple[str, str],
                closing: str, engine: str, backend: str) -> Paper:  # fmt: skip
    """A paper citing every refs.bib key and the book's own entries (book.bib), compiled."""
    shutil.copy(REFS, workdir / "refs.bib")
    extra = how_to_cite_bibtex(html_build)
    (workdir / "book.bib").write_text(extra, encoding="utf-8")
    keys = [*refs, *book_keys(extra)]
    tex = preamble + "\\begin{document}\n" + citing_body(keys, *cite) + closing + "\\end{document}\n"
    return compile_paper(workdir, engine, backend, tex, keys)


@pytest.fixture(scope="module")
def biblatex_paper(tmp_path_factory: pytest.TempPathFactory, html_build: Build, refs) -> Paper:
    preamble = readme_preambles()[0] + "\\addbibresource{book.bib}\n"
    return write_paper(tmp_path_factory.mktemp("biblatex-paper"), html_build, refs, preamble,
                       ("textcite", "parencite"), "\n\\printbibliography\n", "xelatex", "biber")  # fmt: skip


@pytest.fixture(scope="module")
def natbib_paper(tmp_path_factory: pytest.TempPathFactory, html_build: Build, refs) -> Paper:
    closing = "\n\\bibliographystyle{plainnat}\n\\bibliography{refs,book}\n"
    return write_paper(tmp_path_factory.mktemp("natbib-paper"), html_build, refs, readme_preambles()[1],
                       ("citet", "citep"), closing, "pdflatex", "bibtex")  # fmt: skip


def latex_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("!") or "undefined on input line" in line]


def expected_bibtex_warnings(refs: dict[str, Entry]) -> dict[str, str]:
    """Warning line → why refs.bib is right to cause it (computed from refs.bib, for plainnat)."""
    expected = {}
    for key, entry in refs.items():
        kind, fields = entry.type.lower(), entry.fields
        if "title" not in fields and kind in {"article", "book", "incollection", "techreport"}:
            expected[f"Warning--empty title in {key}"] = "its title was not found; none is invented"
        if "publisher" not in fields and kind in {"book", "incollection"}:
            expected[f"Warning--empty publisher in {key}"] = "the article names no publisher"
        if kind == "article" and "number" in fields and "volume" not in fields:
            expected[f"Warning--there's a number but no volume in {key}"] = (
                "an issue of a journal without volumes"
            )
    return expected


# -- biblatex + biber -------------------------------------------------------------------------


def test_biblatex_paper_compiles_without_an_error(biblatex_paper: Paper) -> None:
    assert latex_errors(biblatex_paper.log) == []


def test_biber_prints_no_warning(biblatex_paper: Paper) -> None:
    problems = [line for line in biblatex_paper.bib_output.splitlines() if re.match(r"(WARN|ERROR)", line)]
    assert problems == []


def test_biblatex_cites_every_work_by_maker_and_year(biblatex_paper: Paper, refs) -> None:
    for key, entry in refs.items():
        printed = fold(biblatex_paper.citations[key])
        assert all(name in printed for name in makers(entry)[:1]), (key, printed)
        assert year_printed(entry) in printed, (key, printed)


# -- natbib + BibTeX --------------------------------------------------------------------------


def test_natbib_paper_compiles_without_an_error(natbib_paper: Paper) -> None:
    assert latex_errors(natbib_paper.log) == []


def test_bibtex_warns_only_where_refs_bib_truthfully_lacks_a_field(natbib_paper: Paper, refs) -> None:
    warnings = [line for line in natbib_paper.bib_output.splitlines() if line.startswith("Warning--")]
    expected = expected_bibtex_warnings(refs)
    assert sorted(warnings) == sorted(expected), "\n".join(sorted(set(warnings) ^ set(expected)))


def test_natbib_cites_every_work_by_maker_and_year(natbib_paper: Paper, refs) -> None:
    for key, entry in refs.items():
        printed = fold(natbib_paper.citations[key])
        assert all(name in printed for name in makers(entry)[:1]), (key, printed)
        assert year_printed(entry) in printed, (key, printed)


# -- both -------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["biblatex_paper", "natbib_paper"])
def test_nothing_prints_a_placeholder_an_empty_year_or_a_key_label(which: str, request, refs) -> None:
    paper: Paper = request.getfixturevalue(which)
    text = " ".join(paper.citations.values()) + " " + paper.references
    for word in FORBIDDEN:
        assert word not in text, word
    assert not re.search(r"\(\s*\)|, \)|\(\s*,", text), "an empty year"
    for key in refs:
        for short in {key[:3], key[:3].capitalize()}:
            label = rf"(?:^|[(\s]){re.escape(short)}(?:\s\(|[,)])"  # "oec (n.d.)", "(oec, 2020)", "(oec)"
            assert not re.search(label, text), (key, short)  # plainnat's fallback: the key's first letters


@pytest.mark.parametrize("which", ["biblatex_paper", "natbib_paper"])
def test_the_book_and_its_chapters_cite_as_the_how_to_cite_page_gives_them(
    which: str, request, html_build: Build
) -> None:
    paper: Paper = request.getfixturevalue(which)
    extra = how_to_cite_bibtex(html_build)
    keys = book_keys(extra)
    assert keys, "the How-to-cite page gives no BibTeX for the book"
    year = re.search(r"year\s*=\s*\{(\d{4})\}", extra).group(1)
    for key in keys:
        assert year in paper.citations[key], (key, paper.citations[key])


def test_titles_print_as_written_apart_from_case(biblatex_paper: Paper, refs) -> None:
    """Every title refs.bib gives is in the biblatex paper's list (biblatex keeps case as written)."""
    printed = re.sub(r"[\s\-‐]+", "", biblatex_paper.references).casefold()
    for key, entry in refs.items():
        if "title" in entry.fields:
            title = re.sub(r"[\s\-‐]+", "", latex_to_text(entry.fields["title"])).casefold()
            assert title[:40] in printed, key


def test_protected_proper_nouns_keep_their_capitals_in_bibtex(natbib_paper: Paper) -> None:
    """plainnat lowercases titles; every word refs.bib braces keeps its capitals ("Russia", "BRICs")."""
    protected = {
        word
        for source in bib.scan(REFS).entries
        for word in re.findall(r"\{([^{}\\]+)\}", source.fields.get("title", ""))
        if not re.search(r"[А-Яа-яЁё]", word)
    }
    assert protected, "no title protects a word"
    for word in protected:
        assert word in natbib_paper.references, word


def test_titles_bibtex_would_lowercase_brace_their_acronyms() -> None:
    """An all-capitals or mixed-case word (ICTs, COVID-19) in a title BibTeX styles lowercase must be
    braced, or a reader's bibliography prints "icts"."""
    lowercased_types = {"article", "incollection", "misc", "techreport"}
    problems = []
    for source in bib.scan(REFS).entries:
        if source.type not in lowercased_types:
            continue
        unbraced = re.sub(r"\{[^{}]*\}", "", source.fields.get("title", ""))
        problems += [(source.key, w) for w in re.findall(r"\b\w*[A-Z]\w*[A-Z]\w*\b", unbraced)]
    assert problems == []
