"""``litreview-citations``: lint refs.bib against the book and the seeds; one `path:line: CODE message` each.

Run ``litreview-citations`` (``nox -s citations``) from the project root. Exit status:
0 no findings, 1 findings (printed one per line, or as JSON with ``--format json``), 2 bad usage.
Every rule is a small function ``(Project) -> Iterator[Finding]`` listed in ``RULES``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pybtex.database import Entry as PybtexEntry

from litreview.chapters.regions import GENERATED_MARK
from litreview.core import bib, dates, findings, myst_roles
from litreview.core.errors import LitReviewError
from litreview.core.seeds import SeedMeta, load_seed_meta
from litreview.review.timeline import load_events

# -- Records -----------------------------------------------------------------------------------


class Finding(findings.Finding):
    """One problem in the bibliography or its use; JSON adds the rule's name and level beside its code."""

    @property
    def is_reminder(self) -> bool:
        """A reminder (N…) names an editorial choice left open; it never fails the check."""
        return self.code in REMINDERS

    def as_dict(self) -> dict[str, object]:
        level = "reminder" if self.is_reminder else "error"
        return {**super().as_dict(), "rule": CODES.get(self.code, ""), "level": level}


class Entry(bib.SourceEntry):
    """One refs.bib entry as written, with what pybtex reads in it (its year, who it is by)."""

    @functools.cached_property
    def data(self) -> PybtexEntry:
        """The entry as pybtex reads it (:func:`litreview.core.bib.from_fields`)."""
        return bib.from_fields(self.key, self.type, self.fields)

    @property
    def year(self) -> str:
        """The entry's year (:func:`litreview.core.bib.year`), '' when not known (also for n.d.)."""
        return bib.year(self.data) or ""


@dataclass(frozen=True)
class Citation:
    """One key cited in the book: by a cite role, a seedcite role or a bibliography directive."""

    key: str
    path: Path
    line: int
    how: str  # "cite:p", "seedcite", "bibliography" ...


@dataclass(frozen=True)
class Project:
    """Everything the rules look at, read once."""

    bib_path: Path
    entries: tuple[Entry, ...]  # every entry, duplicates included, in file order
    citations: tuple[Citation, ...]
    chapters: tuple[Path, ...]  # article chapters (book/articles/*.md but the index)
    seeds: tuple[SeedMeta, ...]  # one per readable seeds/*.toml
    input_findings: tuple[Finding, ...]  # unreadable inputs, reported as findings
    timeline: Path | None = None  # the review's timeline data, when the book has one

    @property
    def keys(self) -> set[str]:
        """Every key refs.bib defines."""
        return {entry.key for entry in self.entries}


# -- Reading refs.bib --------------------------------------------------------------------------


def read_bib(path: Path) -> tuple[tuple[Entry, ...], tuple[Finding, ...]]:
    """refs.bib as written (core.bib.scan) and what pybtex, which Sphinx uses, cannot read."""
    if not path.is_file():
        return (), (Finding(path, 1, "E001", "refs.bib not found: the book's bibliography must exist"),)
    try:
        text = bib.read_text(path)
    except LitReviewError as err:
        return (), (Finding(path, err.line or 1, "E001", err.message),)
    source = bib.scan(path, text)
    entries = tuple(Entry(**vars(e)) for e in source.entries)
    problems = [Finding(path, p.line, "E001", p.message) for p in source.problems]
    if not problems:
        problems.extend(_pybtex_problems(path, text))
    if not entries and not problems:
        problems.append(Finding(path, 1, "E001", "refs.bib holds no entries: the book cites works from it"))
    return entries, tuple(problems)


def _pybtex_problems(path: Path, text: str) -> Iterator[Finding]:
    """Syntax errors pybtex (and so Sphinx) would stop at, which bibtexparser may have tolerated."""
    from pybtex.database import BibliographyDataError, parse_string
    from pybtex.scanner import PybtexSyntaxError

    try:
        parse_string(text, "bibtex")
    except PybtexSyntaxError as err:
        yield Finding(path, err.lineno or 1, "E001", f"pybtex (used by Sphinx) cannot parse refs.bib: {err}")
    except BibliographyDataError:
        pass  # repeated keys: reported with both lines by check_duplicate_keys


# -- Reading the book ----------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_CODE_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "raw", "math"}
_RST_ROLE = re.compile(
    r"(?<![\w}]):(?P<name>(?:foot)?cite(?::[a-z]+)?):(?P<ticks>`+)(?P<body>.+?)(?P=ticks)(?!`)", re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """Replace text by spaces, keeping newlines so offsets and line numbers survive."""
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_code(text: str) -> str:
    """Blank out HTML comments and code blocks (where a role is an example, not a citation)."""
    text = _COMMENT.sub(_blank, text)
    out: list[str] = []
    stack: list[tuple[str, int, bool]] = []  # (fence char, fence length, is code)
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line.rstrip("\n"))
        if stack and stack[-1][2]:  # inside a code block: only its closing fence matters
            char, length, _ = stack[-1]
            if (
                match
                and match["fence"][0] == char
                and len(match["fence"]) >= length
                and not match["info"].strip()
            ):
                stack.pop()
                out.append(line)
            else:
                out.append(re.sub(r"[^\n]", " ", line))
            continue
        if match:
            char, length, info = match["fence"][0], len(match["fence"]), match["info"].strip()
            if not info and stack and stack[-1][0] == char and length >= stack[-1][1]:
                stack.pop()
            elif info or char != ":":
                name = re.match(r"\{([\w:-]+)\}", info)
                is_code = char != ":" and (name is None or name.group(1) in _CODE_DIRECTIVES)
                stack.append((char, length, is_code))
        out.append(line)
    return "".join(out)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_CITE_ORIGINAL = re.compile(r"^\s*(?:`{3,}|:{3,})\{cite-original\}\s+(?P<key>\S+)\s*$", re.MULTILINE)


def find_citations(path: Path, text: str) -> Iterator[Citation]:
    """Every key cited in one MyST or rST source, with the line of its role or directive.

    Besides the cite roles: ``{seedcite}`` (a printed reference marker), the keys a
    ``{bibliography}`` lists or names in its ``:filter:`` (a chapter's Works cited), and the key of
    ``{cite-original}`` (a chapter's "How to cite the original article", which prints the entry).
    """
    masked = mask_code(text)
    for match in myst_roles.roles(masked):
        name, body, line = match["name"], match["body"], _line_at(masked, match.start())
        if myst_roles.is_cite(name):
            for key in myst_roles.split_keys(body):
                yield Citation(key, path, line, name)
        elif name == "seedcite":
            target = re.search(r"<([^<>]*)>\s*$", body)
            for key in myst_roles.split_keys(target.group(1)) if target else []:
                yield Citation(key, path, line, name)
    for match in _RST_ROLE.finditer(masked):
        for key in myst_roles.split_keys(match["body"]):
            yield Citation(key, path, _line_at(masked, match.start()), match["name"])
    for match in _CITE_ORIGINAL.finditer(masked):
        yield Citation(match["key"], path, _line_at(masked, match.start()), "cite-original")
    yield from _bibliography_keys(path, masked)


def _bibliography_keys(path: Path, masked: str) -> Iterator[Citation]:
    """Keys a {bibliography} directive lists in its content or names in a ``:filter:`` on ``key``
    (``key in {"a", "b"}``, ``key == "a"``); `:all:` cites nothing."""
    lines = masked.splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^\s*(`{3,}|:{3,})\{bibliography\}", lines[index])
        index += 1
        if not opening:
            continue
        fence = opening.group(1)
        in_yaml = False
        while index < len(lines) and not re.match(rf"^\s*{re.escape(fence)}\s*$", lines[index]):
            stripped = lines[index].strip()
            filter_ = re.match(r"^:filter:\s*(?P<expr>.*)$", stripped)
            if stripped == "---":
                in_yaml = not in_yaml
            elif filter_ and re.search(r"\bkey\b", filter_["expr"]):
                for quoted in re.findall(r"\"([^\"]+)\"|'([^']+)'", filter_["expr"]):
                    yield Citation(quoted[0] or quoted[1], path, index + 1, "bibliography")
            elif stripped and not in_yaml and not stripped.startswith(":"):
                for key in stripped.split():
                    yield Citation(key, path, index + 1, "bibliography")
            index += 1


def _book_sources(book: Path) -> list[Path]:
    return sorted(p for p in book.rglob("*") if p.suffix in {".md", ".rst"} and "_build" not in p.parts)


# -- Reading the seeds ---------------------------------------------------------------------------


def read_seeds(seeds: Path) -> tuple[tuple[SeedMeta, ...], tuple[Finding, ...]]:
    """Load every seeds/*.toml through litreview.core.seeds; report each unreadable one, never raise."""
    if not seeds.is_dir():
        return (), (Finding(seeds, 1, "E002", "seeds directory not found: cannot check printed references"),)
    metas: list[SeedMeta] = []
    problems: list[Finding] = []
    for seed in sorted(seeds.glob("*.txt")):
        if not seed.with_suffix(".toml").is_file():
            message = f"seed {seed.name} has no metadata file {seed.stem}.toml: its references go unchecked"
            problems.append(Finding(seed, 1, "E002", message))
    for toml_path in sorted(seeds.glob("*.toml")):
        try:
            metas.append(load_seed_meta(toml_path))
        except LitReviewError as err:
            where = err.path or toml_path
            problems.append(Finding(where, err.line or 1, "E002", f"seed metadata: {err.message}"))
        except Exception as err:  # a loader bug must not hide the other findings behind a traceback
            message = f"seed metadata could not be read ({type(err).__name__}: {err})"
            problems.append(Finding(toml_path, 1, "E002", message))
    return tuple(metas), tuple(problems)


def load_project(
    root: Path, bib: Path | None = None, book: Path | None = None, seeds: Path | None = None
) -> Project:
    """Read refs.bib, the book's sources and the seed metadata under ``root``."""
    bib_path = bib or root / "refs.bib"
    book = book or root / "book"
    entries, bib_problems = read_bib(bib_path)
    citations: list[Citation] = []
    problems = list(bib_problems)
    if not book.is_dir():
        problems.append(Finding(book, 1, "E003", "book directory not found: no citations to check"))
    for source in _book_sources(book) if book.is_dir() else []:
        citations.extend(find_citations(source, source.read_text(encoding="utf-8")))
    articles = book / "articles"
    chapters = tuple(sorted(p for p in articles.glob("*.md") if p.name != "index.md"))
    metas, seed_problems = read_seeds(seeds or root / "seeds")
    problems.extend(seed_problems)
    timeline = book / "review" / "timeline.yaml"
    return Project(bib_path, entries, tuple(citations), chapters, metas, tuple(problems),
                   timeline if timeline.is_file() else None)  # fmt: skip


# -- Normalisation helpers -----------------------------------------------------------------------


def fold_for_comparison(text: str) -> str:
    """Fold case, accents, LaTeX braces/commands and punctuation away: 'Élan {T}alk!' -> 'elan talk'."""
    text = re.sub(r"\\[a-zA-Z]+\s*|\\.", "", text)
    text = text.replace("{", "").replace("}", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text.casefold())
    return " ".join(text.split())


def first_maker(entry: Entry) -> str:
    """Who the work is by, first (:func:`litreview.core.bib.makers`), folded for comparison."""
    makers = bib.makers(entry.data)
    return fold_for_comparison(makers[0].surname) if makers else ""


# -- Rules: each takes the project and yields findings -----------------------------------------


def check_unknown_keys(project: Project) -> Iterator[Finding]:
    """A cited key that refs.bib does not define."""
    keys = project.keys
    for cite in project.citations:
        if cite.key not in keys:
            yield Finding(
                cite.path,
                cite.line,
                "C001",
                f"{{{cite.how}}} cites '{cite.key}', which refs.bib does not define",
            )


def check_uncited_entries(project: Project) -> Iterator[Finding]:
    """An entry that no cite role, seedcite role or explicit bibliography key cites."""
    cited = {cite.key for cite in project.citations}
    for entry in project.entries:
        if entry.key not in cited:
            message = (
                f"entry '{entry.key}' is cited nowhere in the book (cite it, or remove it from refs.bib)"
            )
            yield Finding(project.bib_path, entry.line, "C002", message)


def check_seed_references(project: Project) -> Iterator[Finding]:
    """A reference printed in a seed (or the seed's own article) that maps to no refs.bib entry."""
    keys = project.keys
    for meta in project.seeds:
        fix = f"(fix in {meta.toml_path.name})"
        if meta.key not in keys:
            message = f"the article's own key '{meta.key}' is not in refs.bib {fix}"
            yield Finding(meta.toml_path, meta.line_of("key"), "C003", message)
        for ref in meta.references:
            for key in ref.keys:
                if key not in keys:
                    message = (
                        f"printed reference {ref.label!r} (line {ref.line} of {meta.seed_path.name}) maps to "
                        f"'{key}', not in refs.bib {fix}"
                    )
                    yield Finding(meta.toml_path, ref.toml_line, "C003", message)


def check_duplicate_keys(project: Project) -> Iterator[Finding]:
    """Two entries under the same key (BibTeX keeps one, silently)."""
    first_line: dict[str, int] = {}
    for entry in project.entries:
        if entry.key in first_line:
            message = f"duplicate key '{entry.key}' (first defined on line {first_line[entry.key]})"
            yield Finding(project.bib_path, entry.line, "C004", message)
        else:
            first_line[entry.key] = entry.line


def _doi_core(doi: str) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.IGNORECASE).casefold()


def _identities(entry: Entry) -> Iterator[tuple[str, ...]]:
    """What makes two entries one work: DOI; title + year + first author; venue + volume + first page; URL."""
    fields = entry.fields
    if fields.get("doi"):
        yield ("the same DOI", _doi_core(fields["doi"]))
    title = fields.get("title", "").strip()
    if title and not title.startswith("["):  # "[Title not found]" describes, it is not a title
        yield (
            "the same title, year and first author",
            fold_for_comparison(title),
            entry.year,
            first_maker(entry),
        )
    venue = fields.get("journal") or fields.get("journaltitle")
    first_page = fields.get("eid") or re.split(r"[-–]", fields.get("pages", ""))[0].strip()
    if venue and fields.get("volume") and first_page:
        yield (
            "the same venue, volume and first page",
            fold_for_comparison(venue),
            fields["volume"].strip(),
            first_page,
        )
    if fields.get("url"):
        yield ("the same url", _url_core(fields["url"]))


def _url_core(url: str) -> str:
    """A URL without scheme, www., fragment, tracking parameters or trailing slash (host case folded)."""
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("utm_"))
    host = parts.netloc.casefold().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def check_duplicate_works(project: Project) -> Iterator[Finding]:
    """One work under two keys: the same DOI, title + year + first author (normalised), venue or URL."""
    seen: dict[tuple[str, ...], Entry] = {}
    for entry in project.entries:
        for identity in _identities(entry):
            other = seen.setdefault(identity, entry)
            if other is not entry and other.key != entry.key:
                message = f"'{entry.key}' and '{other.key}' (line {other.line}) are one work: {identity[0]}"
                yield Finding(project.bib_path, entry.line, "C005", message)
                break


def check_doi_format(project: Project) -> Iterator[Finding]:
    """A ``doi`` field must hold the bare DOI (10.xxxx/...), not a URL or a ``doi:`` prefix."""
    for entry in project.entries:
        doi = entry.fields.get("doi")
        if doi is None:
            continue
        line = entry.line_of("doi")
        if re.match(r"\s*(https?://|www\.|doi\.org/|dx\.doi\.org/)", doi, re.IGNORECASE):
            yield Finding(
                project.bib_path,
                line,
                "C006",
                f"doi of '{entry.key}' is a URL: write the bare DOI {_doi_core(doi)}",
            )
        elif re.match(r"\s*doi:", doi, re.IGNORECASE):
            yield Finding(
                project.bib_path,
                line,
                "C006",
                f"doi of '{entry.key}' has a 'doi:' prefix: write {_doi_core(doi)}",
            )
        elif not re.fullmatch(r"10\.\d{4,9}/\S+", doi.strip()):
            yield Finding(
                project.bib_path, line, "C006", f"doi of '{entry.key}' is not a DOI (10.NNNN/...): {doi!r}"
            )


def check_urldate(project: Project) -> Iterator[Finding]:
    """A ``urldate`` records the day a page was really opened: an ISO day, not after today, beside a
    ``url``. A url needs none: most addresses are as an article printed them, or were checked
    against archived copies, and no access date is invented for them."""
    today = dt.date.today()
    for entry in project.entries:
        value = entry.fields.get("urldate", "").strip()
        if not value:
            continue
        line = entry.line_of("urldate")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            yield Finding(
                project.bib_path, line, "C007", f"urldate of '{entry.key}' is not a day (YYYY-MM-DD)"
            )
            continue
        if day > today:
            message = f"urldate of '{entry.key}' is {value}, after today: give the day the page was opened"
            yield Finding(project.bib_path, line, "C007", message)
        if not entry.fields.get("url"):
            message = f"'{entry.key}' has a urldate but no url: an access date belongs to an address"
            yield Finding(project.bib_path, line, "C007", message)


def check_howpublished_url(project: Project) -> Iterator[Finding]:
    r"""``\url{}`` in ``howpublished``: the address belongs in ``url`` (with ``urldate``)."""
    for entry in project.entries:
        if "\\url" in entry.fields.get("howpublished", ""):
            message = f"howpublished of '{entry.key}' holds \\url{{}}: move the address to the url field"
            yield Finding(project.bib_path, entry.line_of("howpublished"), "C008", message)


_LATEX_ESCAPES = [
    (re.compile(r"\\[`'^\"~=.][\s{]*[A-Za-z\\]|\\[uvHckbdrt]\s*\{\s*\\?[A-Za-z]"), "an accent command"),
    (re.compile(r"\\(ss|o|O|ae|AE|oe|OE|aa|AA|l|L|i|j)(?![A-Za-z])"), "a special-letter command"),
    (re.compile(r"\\text[a-z]+|\\ldots|\\dots"), "a text-symbol command"),
    (re.compile(r"``|''"), "LaTeX quotes (use “ ” or ‘ ’)"),
    (re.compile(r"(?<!-)---(?!-)"), "an em-dash --- (use —)"),
    (re.compile(r"(?<!-)--(?!-)"), "an en-dash -- (use –)"),
]
_NOT_TEXT = bib.RAW_FIELDS | {"pages"}  # "--" in pages is a range


def check_latex_escapes(project: Project) -> Iterator[Finding]:
    r"""LaTeX escapes where UTF-8 belongs: {\"o}, \'e, \c{c}, ---, ``...'' (``--`` in pages is a range)."""
    for entry in project.entries:
        for name, value in entry.fields.items():
            if name in _NOT_TEXT:
                continue
            for pattern, what in _LATEX_ESCAPES:
                match = pattern.search(value)
                if match:
                    message = (
                        f"{name} of '{entry.key}' uses {what}: '{match.group(0)}'; write the UTF-8 character"
                    )
                    yield Finding(project.bib_path, entry.line_of(name), "C009", message)
                    break


# Fields each entry type needs, as groups of alternatives ("author or editor"). Only the types both
# biblatex and BibTeX styles know (an @online or @collection falls back to @misc with a warning in
# BibTeX: use @misc or @book). Every entry names a maker, so no tool cites it by its key (a group
# author where there is no person), and a year (`n.d.` where none is known), so every tool prints
# one. A title that was not found is left out, never invented: the entry's `addendum` then says so.
REQUIRED_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title", "addendum"), ("journal",), ("year",)),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "incollection": (("author",), ("title",), ("booktitle",), ("year",)),
    "misc": (("author", "editor"), ("title", "howpublished", "url"), ("year",)),
    "techreport": (("author", "institution"), ("title",), ("institution",), ("year",)),
}


def check_required_fields(project: Project) -> Iterator[Finding]:
    """Fields an entry of its type cannot do without (REQUIRED_FIELDS); an unknown type is a finding too."""
    for entry in project.entries:
        groups = REQUIRED_FIELDS.get(entry.type)
        if groups is None:
            known = ", ".join(f"@{name}" for name in REQUIRED_FIELDS)
            message = f"'{entry.key}' is a @{entry.type}, a type the book does not use (use one of {known})"
            yield Finding(project.bib_path, entry.line, "C010", message)
            continue
        for group in groups:
            if not any(entry.fields.get(name, "").strip() for name in group):
                needed = " or ".join(group)
                yield Finding(
                    project.bib_path, entry.line, "C010", f"@{entry.type} '{entry.key}' lacks {needed}"
                )


def check_date_year(project: Project) -> Iterator[Finding]:
    """``year`` is four digits, or ``n.d.`` (then no ``date``: biblatex prints its own "n.d."); ``date``
    is ISO 8601 and falls in that year (BibTeX reads ``year``, biblatex ``date``)."""
    for entry in project.entries:
        date, year = entry.fields.get("date", "").strip(), entry.fields.get("year", "").strip()
        if year and year != dates.NO_DATE and not re.fullmatch(r"\d{4}", year):
            message = f"year of '{entry.key}' is {year!r}: write four digits, or n.d. when it is not known"
            yield Finding(project.bib_path, entry.line_of("year"), "C011", message)
        elif date and not dates.EDTF.match(date):
            message = f"date of '{entry.key}' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD): {date!r}"
            yield Finding(project.bib_path, entry.line_of("date"), "C011", message)
        elif date and year == dates.NO_DATE:
            message = f"'{entry.key}' has year n.d. but date {date}: an unknown year has no date"
            yield Finding(project.bib_path, entry.line_of("date"), "C011", message)
        elif date and year and date[:4] != year:
            message = f"'{entry.key}' has date {date} but year {year}: keep one, or make them agree"
            yield Finding(project.bib_path, entry.line_of("year"), "C011", message)


KEY_CONVENTION = re.compile(r"^[a-z]+(\d{4}|nd)[a-z0-9]+$")


def check_key_convention(project: Project) -> Iterator[Finding]:
    """Keys are lowercase ASCII ``authorYEARword``, ``nd`` standing for no year (SOURCES.md)."""
    for entry in project.entries:
        if not KEY_CONVENTION.fullmatch(entry.key):
            message = (
                f"key '{entry.key}' breaks the convention authorYEARword (lowercase ASCII, 'nd' for no year)"
            )
            yield Finding(project.bib_path, entry.line, "C012", message)
            continue
        key_year = re.match(r"^[a-z]+?(\d{4})", entry.key)
        if key_year and entry.year and key_year.group(1) != entry.year:
            message = f"key '{entry.key}' says {key_year.group(1)} but the entry's year is {entry.year}"
            yield Finding(project.bib_path, entry.line, "C012", message)
        elif key_year and not entry.year:
            message = f"key '{entry.key}' says {key_year.group(1)} but the entry has no year or date"
            yield Finding(project.bib_path, entry.line, "C012", message)
        elif not key_year and entry.year:
            message = f"key '{entry.key}' says 'nd' (no year) but the entry's year is {entry.year}"
            yield Finding(project.bib_path, entry.line, "C012", message)


# Characters LaTeX reads as commands in a reader's paper, and their UTF-8 or escaped forms.
_LATEX_ACTIVE = re.compile(r"(?<!\\)[_%#^$]")


def check_latex_special_characters(project: Project) -> Iterator[Finding]:
    r"""A ``_``, ``%``, ``#``, ``^`` or ``$`` in a printed text field stops a reader's LaTeX paper
    ("Missing $ inserted"); addresses belong in ``url``/``doi``, which LaTeX reads verbatim."""
    for entry in project.entries:
        for name, value in entry.fields.items():
            if name in _NOT_TEXT or name == "annotation":
                continue
            match = _LATEX_ACTIVE.search(value)
            if match:
                message = (
                    f"{name} of '{entry.key}' holds {match.group(0)!r}, which LaTeX reads as a command: "
                    "escape it, or put an address in url"
                )
                yield Finding(project.bib_path, entry.line_of(name), "C014", message)


def check_chapters_cite(project: Project) -> Iterator[Finding]:
    """An article chapter must cite something (at least the article it reproduces)."""
    citing = {cite.path for cite in project.citations}
    for chapter in project.chapters:
        if chapter not in citing:
            yield Finding(
                chapter, 1, "C013", "this article chapter cites nothing: cite the article it reproduces"
            )


# -- Reminders: editorial choices a new article leaves open; printed, never failing --------------


def remind_editors_summary(project: Project) -> Iterator[Finding]:
    """A generated article chapter with nothing of the editors' own around its generated regions."""
    for chapter in project.chapters:
        text = chapter.read_text(encoding="utf-8")
        if GENERATED_MARK not in text:
            continue  # a hand-written chapter is all the editors' own
        outside = re.sub(r"<!-- generated:begin (\S+).*?<!-- generated:end \1 -->", "", text, flags=re.DOTALL)
        if not outside.strip():
            message = (
                "reminder: no editor's summary (optional: an editorial choice); to add one, write it between "
                'the head and body regions (README.md, "Adding an article")'
            )
            yield Finding(chapter, 1, "N001", message)


def remind_timeline(project: Project) -> Iterator[Finding]:
    """An article that no event of the review's timeline names among those that mention it."""
    if project.timeline is None:
        return
    try:
        events = load_events(project.timeline)
    except LitReviewError:
        return  # the build reports a malformed timeline, with its line
    mentioned = {key for event in events for key in event.mentioned_by}
    for meta in project.seeds:
        if meta.key not in mentioned:
            message = (
                f"reminder: the article '{meta.key}' ({meta.seed_path.name}) is on no event of the timeline "
                "(optional: an editorial choice); an event it mentions lists it under mentioned_by"
            )
            yield Finding(project.timeline, 1, "N002", message)


Rule = Callable[[Project], Iterable[Finding]]
RULES: dict[str, tuple[str, Rule]] = {
    "C001": ("unknown-key", check_unknown_keys),
    "C002": ("uncited-entry", check_uncited_entries),
    "C003": ("unmapped-seed-reference", check_seed_references),
    "C004": ("duplicate-key", check_duplicate_keys),
    "C005": ("duplicate-work", check_duplicate_works),
    "C006": ("doi-format", check_doi_format),
    "C007": ("urldate-not-an-access-day", check_urldate),
    "C008": ("url-in-howpublished", check_howpublished_url),
    "C009": ("latex-escape", check_latex_escapes),
    "C010": ("missing-field", check_required_fields),
    "C011": ("date-year-mismatch", check_date_year),
    "C012": ("key-convention", check_key_convention),
    "C013": ("chapter-cites-nothing", check_chapters_cite),
    "C014": ("latex-special-character", check_latex_special_characters),
}
REMINDERS: dict[str, tuple[str, Rule]] = {
    "N001": ("no-editors-summary", remind_editors_summary),
    "N002": ("not-on-the-timeline", remind_timeline),
}
CODES = {
    "E001": "bib-unreadable",
    "E002": "seed-metadata-unreadable",
    "E003": "book-missing",
    **{code: name for code, (name, _rule) in RULES.items()},
    **{code: name for code, (name, _rule) in REMINDERS.items()},
}


def lint(project: Project) -> list[Finding]:
    """Every finding and reminder: unreadable inputs first, then each rule's, sorted by file and line."""
    findings = list(project.input_findings)
    for _name, rule in (*RULES.values(), *REMINDERS.values()):
        findings.extend(rule(project))
    return sorted(set(findings), key=lambda f: (str(f.path), f.line, f.code, f.message))


# -- Command line ---------------------------------------------------------------------------------


def _relative(finding: Finding, root: Path) -> Finding:
    try:
        path = finding.path.resolve().relative_to(root.resolve())
    except ValueError:
        path = finding.path
    return Finding(path, finding.line, finding.code, finding.message)


def main(argv: list[str] | None = None) -> int:
    """Lint and print; 0 when clean, 1 when anything was found."""
    parser = argparse.ArgumentParser(
        prog="litreview-citations",
        description="Check refs.bib against the book's citations and the seeds' printed references.",
        epilog="Exit status: 0 no findings (reminders N… never fail), 1 findings, 2 bad usage. Rules: "
        + ", ".join(f"{code} {name}" for code, name in CODES.items()),
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current directory)"
    )
    parser.add_argument("--bib", type=Path, help="bibliography (default: ROOT/refs.bib)")
    parser.add_argument("--book", type=Path, help="book sources (default: ROOT/book)")
    parser.add_argument("--seeds", type=Path, help="seeds and their metadata (default: ROOT/seeds)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    args = parser.parse_args(argv)

    project = load_project(args.root, args.bib, args.book, args.seeds)
    findings = [_relative(f, args.root) for f in lint(project)]
    if args.format == "json":
        print(json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
    errors = [f for f in findings if not f.is_reminder]
    reminders = len(findings) - len(errors)
    summary = f"{len(errors)} finding(s)" if errors else "no findings"
    if reminders:
        summary += f" and {reminders} reminder(s) (optional)"
    if args.format == "text":
        print(
            f"{summary} in {len(project.entries)} entries and {len(project.citations)} citations",
            file=sys.stderr,
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
