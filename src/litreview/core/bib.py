"""refs.bib: read once, and every question about an entry answered here.

Two views of the same file. :func:`parse` gives pybtex's data, the same that sphinxcontrib-bibtex
builds the book from; a syntax error is a :class:`BibError` at the line of the broken entry (not
where pybtex gave up, often the end of the file). :func:`scan` gives the file as written, with
bibtexparser: each entry's raw text, its line and its fields' lines, for error messages, the
citations lint and "the entry exactly as refs.bib holds it".

The helpers below take a pybtex ``Entry`` and return plain text: a field's value without LaTeX
markup, its people as :class:`~litreview.core.names.Name`, its publication date as
:class:`~litreview.core.dates.PartialDate`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, BibliographyDataError, Entry, Person
from pybtex.database import parse_string as pybtex_parse_string
from pybtex.scanner import PybtexError

from litreview.core import dates
from litreview.core.errors import BibError
from litreview.core.latex import latex_to_text
from litreview.core.names import Name, short_list

#: Fields that name a work's maker when it has no author or editor, in order of preference.
CORPORATE_FIELDS = ("organization", "institution")
#: The roles whose people a work is by, in order of preference.
MAKER_ROLES = ("author", "editor")
#: Fields whose value is not text to decode (addresses, identifiers, dates).
RAW_FIELDS = frozenset({"url", "doi", "urldate", "date", "eprint", "isbn", "issn", "file"})


# -- the file as written (bibtexparser) ----------------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    """One entry as refs.bib writes it: raw text and values (outer delimiters removed), 1-based lines."""

    key: str
    type: str
    line: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        """The line of field ``name``, or of the entry when the field is absent."""
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Problem:
    """A stretch of the file that is not a readable entry: its first line and what is wrong."""

    line: int
    message: str


@dataclass(frozen=True)
class BibSource:
    """Every entry of one .bib file in file order (a repeated key included), and what failed to parse."""

    path: Path
    entries: tuple[SourceEntry, ...]
    problems: tuple[Problem, ...]

    @functools.cached_property
    def by_key(self) -> dict[str, SourceEntry]:
        """The first entry of each key."""
        found: dict[str, SourceEntry] = {}
        for entry in self.entries:
            found.setdefault(entry.key, entry)
        return found

    def line(self, key: str) -> int | None:
        entry = self.by_key.get(key)
        return entry.line if entry else None

    def text(self, key: str) -> str:
        """The entry exactly as the file writes it, from ``@type{key,`` to its closing brace."""
        if key not in self.by_key:
            raise BibError(f"no entry {key!r}", self.path)
        return self.by_key[key].text


def _strip_delimiters(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in {("{", "}"), ('"', '"')}:
        return value[1:-1]
    return value


def scan(path: Path, text: str | None = None) -> BibSource:
    """Read ``path`` as written; never raises for bad syntax (see :attr:`BibSource.problems`)."""
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock
    from bibtexparser.model import Entry as BpEntry

    if text is None:
        text = read_text(path)
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its complaints become Problems
    library = bibtexparser.parse_string(text, parse_stack=[])
    entries: list[SourceEntry] = []
    problems: list[Problem] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, BpEntry | DuplicateBlockKeyBlock):
            entry = block if isinstance(block, BpEntry) else block.ignore_error_block
            if not isinstance(entry, BpEntry):
                continue
            fields = {f.key.lower(): _strip_delimiters(str(f.value)) for f in entry.fields}
            lines = {f.key.lower(): f.start_line + 1 for f in entry.fields}
            raw = entry.raw.strip() if entry.raw else ""
            entries.append(SourceEntry(entry.key, entry.entry_type.lower(), line, raw, fields, lines))
        elif isinstance(block, ParsingFailedBlock):
            error = block.error
            detail = getattr(error, "abort_reason", "") or getattr(error, "message", "") or str(error)
            detail = " ".join(str(detail).split()) or "not a BibTeX entry"
            end = getattr(error, "end_index", None)
            if end is not None:
                detail += f" (the parser gave up on line {text.count(chr(10), 0, end) + 1})"
            problems.append(Problem(line, f"this entry cannot be parsed: {detail}"))
    return BibSource(Path(path), tuple(entries), tuple(problems))


def read_text(path: Path) -> str:
    """The file's text; BibError (with the line) if it is missing or not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise BibError(f"cannot read the bibliography: {err.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BibError("not valid UTF-8: save the bibliography as UTF-8", path, line) from None


# -- the data (pybtex) ---------------------------------------------------------------------------


def parse(path: Path, text: str | None = None) -> BibliographyData:
    """pybtex's reading of ``path``; BibError at the broken entry's line if it cannot be read."""
    if text is None:
        text = read_text(path)
    try:
        return pybtex_parse_string(text, "bibtex")
    except (PybtexError, BibliographyDataError) as err:
        raise syntax_error(path, text, err) from None


def check(path: Path) -> None:
    """Raise BibError if pybtex (and so Sphinx) cannot read ``path``."""
    parse(path)


def syntax_error(path: Path, text: str, err: Exception) -> BibError:
    """Where an entry is broken: bibtexparser finds the entry itself; pybtex's line is where it gave up."""
    source = scan(path, text)
    gave_up = getattr(err, "lineno", None)
    message = " ".join(str(getattr(err, "message", "") or err).split())
    if source.problems:
        first = source.problems[0]
        said = f"gave up on line {gave_up})" in first.message
        where = (
            f" (pybtex gave up on line {gave_up})" if gave_up and gave_up != first.line and not said else ""
        )
        return BibError(f"{first.message}{where}", path, first.line)
    repeated = re.match(r"repeated bibliography entry: (\S+)", message)
    if repeated:
        lines = [e.line for e in source.entries if e.key.lower() == repeated.group(1).lower()]
        if len(lines) > 1:
            return BibError(
                f"the key {repeated.group(1)!r} is also used on line {lines[0]}: one work, one entry",
                path,
                lines[1],
            )
    return BibError(f"pybtex cannot read it: {message}", path, gave_up)


def digest(paths: Iterable[Path], encoding: str = "utf-8") -> str:
    """A digest of the files' bytes: entries parsed from the same bytes are the same."""
    sha = hashlib.sha256(encoding.encode())
    for path in paths:
        sha.update(str(path).encode() + b"\0")
        try:
            sha.update(Path(path).read_bytes())
        except OSError:
            sha.update(b"<missing>")
        sha.update(b"\0")
    return sha.hexdigest()


def fingerprint(entry: Entry, entries: Mapping[str, Entry] | None = None, _depth: int = 0) -> tuple:
    """Everything that can be derived from ``entry``, as plain data: its key, type, fields and
    people (every part of every name), and the same of the entry its ``crossref`` names (looked up
    in ``entries``, e.g. the ``BibliographyData.entries`` it came from; ``("missing", key)`` if it
    is not there). Two entries with equal fingerprints give the same formatted text, CSL-JSON…
    """
    persons = tuple(
        (role, tuple((tuple(p.first_names), tuple(p.middle_names), tuple(p.prelast_names),
                      tuple(p.last_names), tuple(p.lineage_names)) for p in people))
        for role, people in entry.persons.items()
    )  # fmt: skip
    parent: tuple = ()
    crossref = entry.fields.get("crossref") if _depth < 8 else None
    if crossref:
        if entries is None:  # pybtex before 0.25 linked an entry to its data
            collection = getattr(entry, "collection", None)
            entries = getattr(collection, "entries", None)
        found = entries.get(crossref) if entries is not None else None
        parent = ("missing", crossref) if found is None else fingerprint(found, entries, _depth + 1)
    return (entry.key, entry.type, tuple(entry.fields.items()), persons, parent)


def fingerprint_digest(entry: Entry, entries: Mapping[str, Entry] | None = None) -> str:
    """:func:`fingerprint` as a short string, for keys of caches kept on disk."""
    return hashlib.sha256(repr(fingerprint(entry, entries)).encode("utf-8")).hexdigest()[:32]


# -- one entry's facts ----------------------------------------------------------------------------


def field_text(entry: Entry, *names: str) -> str:
    """The first of the named fields that the entry has, as plain text ("" if none)."""
    for name in names:
        value = entry.fields.get(name)
        if value:
            return str(value).strip() if name in RAW_FIELDS else latex_to_text(str(value))
    return ""


def raw_field(entry: Entry, name: str) -> str:
    """A field that must not be read as LaTeX (URL, DOI, dates, pages), stripped of spaces."""
    return str(entry.fields.get(name, "")).strip()


def people(entry: Entry, role: str) -> tuple[Name, ...]:
    """The entry's people in one role ("author", "editor"), split into parts; BibTeX's "and others"
    ends a list, it is not a person (see :func:`et_al`)."""
    return tuple(Name.from_person(p) for p in entry.persons.get(role, []) if str(p) != "others")


def et_al(entry: Entry, role: str) -> bool:
    """True when the list of names in ``role`` ends with BibTeX's "and others"."""
    names = entry.persons.get(role, [])
    return bool(names) and str(names[-1]) == "others"


def maker_field(entry: Entry, fallbacks: tuple[str, ...] = ()) -> str | None:
    """Where the entry names who the work is by: a role of :data:`MAKER_ROLES` that has people, else
    the first of :data:`CORPORATE_FIELDS` and then ``fallbacks`` (e.g. ``("title",)``) it has; None
    when it has none of them. Every "who is it by" in the book starts here."""
    for role in MAKER_ROLES:
        if entry.persons.get(role):
            return role
    for name in (*CORPORATE_FIELDS, *fallbacks):
        if entry.fields.get(name):
            return name
    return None


def makers(entry: Entry) -> tuple[Name, ...]:
    """Who a work is by: its authors, else its editors, else a corporate name (organization…)."""
    found = maker_field(entry)
    if found in MAKER_ROLES:
        return people(entry, found)
    return (Name(literal=field_text(entry, found)),) if found else ()


def cited_name(entry: Entry, conjunction: str = "and") -> str:
    """The makers as a citation names them: "Rogers", "Borsi and Metiu", "Zhironkin et al."; the
    title when no one is named, else the key."""
    surnames = [n.surname for n in makers(entry)]
    if not surnames:
        return latex_to_text(str(entry.fields.get("title", entry.key)))
    return short_list(surnames, conjunction)


def from_fields(key: str, type_: str, fields: Mapping[str, str]) -> Entry:
    """A pybtex ``Entry`` from fields as a file writes them (e.g. :func:`scan`'s): the people of
    :data:`MAKER_ROLES` split and parsed by pybtex, as when it reads the file itself."""
    entry = Entry(type_, fields={k: v for k, v in fields.items() if k not in MAKER_ROLES})
    entry.key = key
    for role in MAKER_ROLES:
        for name in split_name_list(fields.get(role, "")):
            entry.add_person(Person(name), role)
    return entry


def issued(entry: Entry) -> list[dates.PartialDate]:
    """When the work appeared, from ``date`` or else ``year`` (+ ``month``); [] if not known.

    ValueError if a date is malformed (the citations lint reports it with its line).
    """
    value = raw_field(entry, "date")
    if value:
        return dates.parse_edtf(value)
    found = dates.from_year_month(raw_field(entry, "year"), latex_to_text(raw_field(entry, "month")))
    return [found] if found else []


def year(entry: Entry) -> str | None:
    """The (first) year the work appeared; None when not known."""
    try:
        found = issued(entry)
    except ValueError:
        return None
    return str(found[0].year) if found else None


def date_text(entry: Entry) -> str | None:
    """The fullest date a reader needs: "9 February 2022", "2002–2003"; a periodical's issue label
    ("Fall-Winter 2002-2003", in ``issue`` or, for BibTeX, ``number``) when it names the year, its
    spans set with an en dash ("Fall–Winter 2002–2003"); None when the date is not known."""
    issue = field_text(entry, "issue")
    number = field_text(entry, "number")
    if not issue and entry.type.lower() == "article" and number and not number.isdigit():
        issue = number  # an issue's name ("Fall-Winter 2002-2003") kept where BibTeX reads it
    try:
        found = issued(entry)
    except ValueError:
        found = []
    if issue and found and str(found[0].year) in issue:
        return dates.span_dashes(issue)
    return dates.span_text(found)
