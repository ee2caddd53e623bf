"""The rules (C001–C014): each takes the project and yields findings; ``RULES`` lists them by code."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from litreview.core import bib, dates
from litreview.tools.citations.project import Entry, Finding, Project

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
    """Keys are lowercase ASCII ``authorYEARword``, ``nd`` standing for no year (docs/sources.md)."""
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
