"""Sorting and labels (pybtex plugins ``litreview`` and ``litreview_printed``): by surname with
Cyrillic kept whole and Ё as Е, or in the order an article printed its references.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from pybtex.database import Entry, Person
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

from litreview.bibstyle.nodes import cited_year
from litreview.core import bib
from litreview.core.latex import plain
from litreview.core.names import short_list


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def sort_text(value: str) -> str:
    """Collation text: LaTeX decoded, Ё as Е, Latin diacritics dropped ("Élan" -> "elan"),
    Cyrillic letters kept whole (Й stays after И), punctuation dropped, casefolded.
    """
    text = plain(value).replace("ё", "е").replace("Ё", "Е")
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
    for name in (*bib.CORPORATE_FIELDS, "title", "howpublished"):
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
            name_key = sort_text(re.sub(r"^(The|A|An)\s+", "", plain(text)))
        return (name_key, bib.year(entry) or "", sort_text(entry.fields.get("title", "")))


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


def _letters(value: str) -> str:
    """The letters and digits of a name, any script ("Gel’man" -> "Gelman", "Гельман" kept)."""
    return "".join(char for char in unicodedata.normalize("NFC", plain(value)) if char.isalnum())


class LabelStyle(BaseLabelStyle):
    """Author–year labels ("Rogers 2003", "Borsi and Metiu 2015", "Stafeev 2002a", "World Bank n.d."):
    what the citations print, so a label (where a builder shows one) matches the text."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield f"{cited_name(entry)} {cited_year(entry)}"


def cited_name(entry: Entry) -> str:
    """The makers as a citation names them: "Rogers", "Borsi and Metiu", "Zhironkin et al."."""
    surnames = [n.surname for n in bib.makers(entry)]
    if not surnames:
        return plain(entry.fields.get("title", entry.key))
    return short_list(surnames, "and")
