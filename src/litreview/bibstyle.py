"""The book's bibliography style: pybtex formatting, label and sorting plugins plus an author-year
citation style for sphinxcontrib-bibtex, each a small subclass of the stock one.

Entry points (pyproject.toml): formatting ``litreview`` (sorted by surname, then year) and
``litreview_printed`` (a chapter's "Works cited": the order its article printed them); labels and
sorting ``litreview`` / ``litreview_printed``; referencing ``litreview`` (``{cite:t}`` -> "Rogers
(2003)", ``{cite:p}`` -> "(Rogers 2003)"). As a Sphinx extension, this module binds
``litreview_printed`` to the printed order recorded in seeds/*.toml; without it that style keeps
the order of citation, which sphinxcontrib-bibtex counts book-wide (documents in toctree order).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pybtex.plugin
from pybtex.database import Entry, Person
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels.alpha import LabelStyle as AlphaLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import (
    Node,
    first_of,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from pybtex.style.template import field as bibfield
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference
from sphinxcontrib.bibtex.style.template import names as cite_names

from litreview.errors import LitReviewError

NO_DATE = "n.d."
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
# ISO 8601 / EDTF as biblatex writes it: "2022-02-09", "2015-03", "2003", "2002/2003"; "XXXX" = unknown.
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
# Fields that name a work's maker when it has no author or editor, in order of preference.
CORPORATE_FIELDS = ("organization", "institution")


# -- dates -------------------------------------------------------------------------------------


def _plain(value: str) -> str:
    """A field's LaTeX-free text (``Religion \\& Gesellschaft`` -> ``Religion & Gesellschaft``)."""
    return Text.from_latex(value).render_as("text")


def _one_date(value: str) -> str | None:
    """Human form of one ISO date: "9 February 2022", "March 2015", "2003"; None when unknown."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    if month and day:
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    if month:
        return f"{MONTHS[int(month) - 1]} {year}"
    return year


def entry_year(entry: Entry) -> str | None:
    """The year the entry was published: ``year``, else the first year in biblatex ``date``."""
    if entry.fields.get("year", "").strip():
        return entry.fields["year"].strip()
    match = re.match(r"\s*(\d{4})", entry.fields.get("date", ""))
    return match.group(1) if match else None


def entry_date(entry: Entry) -> str | None:
    """The fullest date the entry has, for the reference list; None when no year is known."""
    value = entry.fields.get("date", "").strip()
    if value:
        parts = [_one_date(part) for part in value.split("/")]
        if all(parts):
            return "–".join(p for p in parts if p)
    year = entry_year(entry)
    if year and entry.fields.get("month"):
        return f"{_plain(entry.fields['month'])} {year}"
    return year


def _iso_date_text(value: str) -> str:
    """An ISO date such as a ``urldate`` in words; other text unchanged."""
    try:
        day = Date.fromisoformat(value.strip())
    except ValueError:
        return value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@node
def date_or_nd(children, data):
    """The entry's date in words, or "n.d."."""
    assert not children
    return Text(entry_date(data["entry"]) or NO_DATE)


@node
def year_or_nd(children, data):
    """The entry's year (from ``year`` or ``date``), or "n.d."; used in citations."""
    assert not children
    return Text(entry_year(data["entry"]) or NO_DATE)


@node
def urldate(children, data):
    """ "accessed 23 November 2026" from ``urldate``."""
    assert not children
    value = data["entry"].fields.get("urldate", "")
    return Text("accessed ", _iso_date_text(value)) if value else Text()


# -- formatting ----------------------------------------------------------------------------------


def _ordinal(number: str) -> str:
    if not number.isdigit():
        return number
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dashify(text: Text) -> Text:
    """Page ranges with an en dash, as unsrt does."""
    return Text(Symbol("ndash")).join(text.split(re.compile(r"-+")))


pages = bibfield("pages", apply_func=dashify)


class Style(UnsrtStyle):
    """unsrt, but titles as written, dates from ``date``, volume without pages, web items with
    "accessed", DOIs as https links, notes everywhere, and biblatex types (online, collection, report).
    """

    default_label_style = "litreview"
    default_sorting_style = "litreview"

    def format_title(self, e: Entry, which_field: str, as_sentence: bool = True) -> Node:
        title = bibfield(which_field)  # no sentence-casing: "России" keeps its capital
        return sentence[title] if as_sentence else title

    def format_edition(self, e: Entry) -> Node:
        return optional[words[bibfield("edition", apply_func=lambda t: Text(_ordinal(str(t)))), "edition"]]

    def format_volume_and_pages(self, e: Entry) -> Node | None:
        """48(2):657–681, 174:04039, 2:32, 10(2):1877, no. 8: pages 23–27, or volume alone."""
        fields = e.fields
        volume = None
        if "volume" in fields:
            volume = join[bibfield("volume"), optional["(", bibfield("number"), ")"]]
        elif "number" in fields:
            volume = words["no.", bibfield("number")]
        where = pages if "pages" in fields else bibfield("eid") if "eid" in fields else None
        if volume is not None and where is not None:
            sep = ", pages " if "volume" not in fields else ":"
            return join[volume, sep, where]
        if volume is not None:
            return volume
        if where is not None:
            return words["pages", where]
        return None

    def get_article_template(self, e: Entry) -> Node:
        when = bibfield("issue") if "issue" in e.fields else date_or_nd
        volume_and_pages = self.format_volume_and_pages(e)
        venue = [tag("em")[bibfield("journal")], *([volume_and_pages] if volume_and_pages else []), when]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[venue],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_book_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_author_or_editor(e),
            self.format_btitle(e, "title"),
            self.format_volume_and_series(e),
            sentence[
                optional_field("publisher"),
                optional_field("address"),
                self.format_edition(e),
                date_or_nd,
            ],
            optional[sentence[self.format_isbn(e)]],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_collection_template(self, e: Entry) -> Node:
        return self.get_book_template(e)

    def get_incollection_template(self, e: Entry) -> Node:
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            words[
                "In",
                sentence[
                    optional[self.format_editor(e, as_sentence=False)],
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    self.format_chapter_and_pages(e),
                ],
            ],
            sentence[optional_field("publisher"), optional_field("address"), date_or_nd],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_techreport_template(self, e: Entry) -> Node:
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            sentence[
                words[first_of[optional_field("type"), "Technical Report"], optional_field("number")],
                bibfield("institution"),
                optional_field("address"),
                date_or_nd,
            ],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_report_template(self, e: Entry) -> Node:
        return self.get_techreport_template(e)

    def get_misc_template(self, e: Entry) -> Node:
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[optional_field("howpublished"), optional_field("organization"), date_or_nd],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_online_template(self, e: Entry) -> Node:
        return self.get_misc_template(e)

    def format_web_refs(self, e: Entry) -> Node:
        return sentence[
            optional[self.format_url(e), optional[" (", urldate, ")"]],
            optional[self.format_doi(e)],
        ]

    def format_url(self, e: Entry) -> Node:
        url = bibfield("url", raw=True)
        return href(url)[url]

    def format_doi(self, e: Entry) -> Node:
        url = join["https://doi.org/", bibfield("doi", raw=True)]
        return href(url)[url]


class PrintedStyle(Style):
    """The same entries in citation order: sphinxcontrib-bibtex hands a bibliography's entries to
    the style in the order the documents cite them, and this style keeps that order.
    """

    default_sorting_style = "litreview_printed"


# -- sorting and labels ----------------------------------------------------------------------------


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def sort_text(value: str) -> str:
    """Collation text: LaTeX decoded, Ё as Е, Latin diacritics dropped ("Élan" -> "elan"),
    Cyrillic letters kept whole (Й stays after И), punctuation dropped, casefolded.
    """
    text = _plain(value).replace("ё", "е").replace("Ё", "Е")
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if kept and _is_cyrillic(kept[-1]):
                kept.append(char)
        elif char.isalnum() or char.isspace():
            kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).casefold().split())


def _surname(person: Person) -> str:
    return " ".join(person.prelast_names + person.last_names)


def maker(entry: Entry) -> tuple[list[Person], str]:
    """Who the entry is by: its authors, else its editors, else a corporate or title text."""
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return list(entry.persons[role]), ""
    for name in (*CORPORATE_FIELDS, "title", "howpublished"):
        if entry.fields.get(name):
            return [], entry.fields[name]
    return [], entry.key


class SortingStyle(BaseSortingStyle):
    """By first author's surname (then the others), else organization or title; then year, title."""

    def sorting_key(self, entry: Entry) -> tuple[str, str, str]:
        persons, text = maker(entry)
        if persons:
            name_key = "   ".join(
                sort_text(_surname(p)) + "  " + sort_text(" ".join(p.first_names + p.middle_names))
                for p in persons
            )
        else:
            name_key = sort_text(re.sub(r"^(The|A|An)\s+", "", _plain(text)))
        return (name_key, entry_year(entry) or "", sort_text(entry.fields.get("title", "")))


class PrintedSortingStyle(BaseSortingStyle):
    """The order the articles printed their references (``printed_rank``: key -> position); works
    without a rank keep the order sphinxcontrib-bibtex passes in, which is the order of citation.
    """

    printed_rank: Mapping[str, int] = MappingProxyType({})

    def sort(self, entries: Iterable[Entry]) -> list[Entry]:
        unranked = len(self.printed_rank)
        ranked = sorted(
            enumerate(entries), key=lambda pair: (self.printed_rank.get(pair[1].key, unranked), pair[0])
        )
        return [entry for _, entry in ranked]


def printed_rank(seeds_dir: Path) -> dict[str, int]:
    """Each cited key's position in the seeds' printed reference lists (seed order, then printed)."""
    if not any(seeds_dir.glob("*.toml")):
        return {}
    from litreview.seedmeta import load_all  # only when there is seed metadata to read

    rank: dict[str, int] = {}
    for meta in load_all(seeds_dir):
        for ref in meta.references:
            for key in ref.keys:
                rank.setdefault(key, len(rank))
    return rank


def _letters(value: str) -> str:
    """The letters and digits of a name, any script ("Gel’man" -> "Gelman", "Гельман" kept)."""
    return "".join(char for char in unicodedata.normalize("NFC", _plain(value)) if char.isalnum())


class LabelStyle(AlphaLabelStyle):
    """alpha labels ("Rog03", "BM15", "Гел19") built from Unicode surnames and ``date`` years."""

    def format_label(self, entry: Entry) -> str:
        persons, text = maker(entry)
        if not persons:
            base = _letters(re.sub(r"^(The|A|An)\s+", "", _plain(text)))[:3]
        elif len(persons) == 1:
            base = _letters(_surname(persons[0]))[:3]
        else:
            shown = persons[:3] if len(persons) > 4 else persons
            base = "".join(_letters(_surname(p))[:1] for p in shown)
            base += "+" if len(persons) > 4 else ""
        year = entry_year(entry)
        return base + (year[-2:] if year else "")


# -- citations (sphinxcontrib-bibtex referencing style) --------------------------------------------


@node
def author_or_maker(children, data, **kwargs):
    """Citation name: authors, else editors, else organization/institution, else the title."""
    assert not children
    entry = data["entry"]
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return cite_names(role, **kwargs).format_data(data)
    for name in CORPORATE_FIELDS:
        if entry.fields.get(name):
            return bibfield(name).format_data(data)
    if entry.fields.get("title"):
        return tag("em")[bibfield("title")].format_data(data)
    return Text(entry.key)


@dataclass
class MakerPersonStyle(PersonStyle):
    """Person style whose fallback for works without persons is the organisation, then the title."""

    def author_or_editor_or_title(self, full: bool) -> Node:
        return author_or_maker(
            sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other
        )


@dataclass
class ParentheticalStyle(BasicAuthorYearParentheticalReferenceStyle):
    """(Rogers 2003), with the year read from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                join(sep=self.author_year_sep)[
                    self.person.author_or_editor_or_title(full="s" in role_name), year_or_nd
                ]
            ],
            post_text,
        ]


@dataclass
class TextualStyle(BasicAuthorYearTextualReferenceStyle):
    """Rogers (2003), with the year read from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    pre_text, reference[year_or_nd], post_text
                ],
                self.bracket.right,
            ],
        ]


@dataclass
class YearStyle(ExtraYearReferenceStyle):
    """{cite:year}: the year from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return reference[year_or_nd]


def _round(sep: str = ", ") -> BracketStyle:
    return BracketStyle(left="(", right=")", sep=sep)


@dataclass
class ReferenceStyle(AuthorYearReferenceStyle):
    """Author-year in round brackets, no comma: {cite:t} "Rogers (2003)", {cite:p} "(Rogers 2003)",
    several works "(Rogers 2003; Negroponte 1995)"; "n.d." without a year; organisations for
    corporate or anonymous works ("Free Russia Institute (2022)").
    """

    bracket_textual: BracketStyle = field(default_factory=lambda: _round())
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: _round("; "))
    bracket_author: BracketStyle = field(default_factory=lambda: _round())
    bracket_label: BracketStyle = field(default_factory=lambda: _round("; "))
    bracket_year: BracketStyle = field(default_factory=lambda: _round())
    person: PersonStyle = field(default_factory=MakerPersonStyle)
    author_year_sep: str = " "

    def __post_init__(self) -> None:
        self.styles.extend(
            [
                ParentheticalStyle(
                    bracket=self.bracket_parenthetical,
                    person=self.person,
                    author_year_sep=self.author_year_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                TextualStyle(
                    bracket=self.bracket_textual,
                    person=self.person,
                    text_reference_sep=self.text_reference_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket_label),
                YearStyle(bracket=self.bracket_year),
                ExtraEmptyReferenceStyle(),
            ]
        )
        # GroupReferenceStyle's __post_init__ maps role names to the styles just listed; calling
        # AuthorYearReferenceStyle's would add its stock styles a second time.
        super(AuthorYearReferenceStyle, self).__post_init__()


# -- Sphinx extension: the printed order of each article's references -------------------------------


def _register_printed_order(app: Sphinx, config: Config) -> None:
    """Bind ``litreview_printed`` sorting to the seeds' printed reference order for this build."""
    try:
        rank = printed_rank(Path(app.confdir) / config.litreview_seeds_dir)
    except LitReviewError as err:  # a malformed seed TOML: say where, no traceback
        raise ConfigError(str(err)) from err
    bound = type("SeedPrintedSortingStyle", (PrintedSortingStyle,), {"printed_rank": MappingProxyType(rank)})
    pybtex.plugin.register_plugin("pybtex.style.sorting", "litreview_printed", bound, force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    """Make ``:style: litreview_printed`` list a chapter's works in the order its article printed them."""
    if "litreview_seeds_dir" not in app.config:  # litreview.corpus may have registered it
        app.add_config_value("litreview_seeds_dir", "seeds", "env", types=[str])
    app.connect("config-inited", _register_printed_order)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
