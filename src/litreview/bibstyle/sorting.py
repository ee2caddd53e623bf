"""Sorting (pybtex plugins ``pybtex.style.sorting`` ``litreview`` and ``litreview_printed``): by
surname with Cyrillic kept whole and Ё as Е, or in the order an article printed its references.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from pybtex.database import Entry, Person
from pybtex.style.sorting import BaseSortingStyle

from litreview.core import bib
from litreview.core.latex import latex_to_text


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def sort_text(value: str) -> str:
    """Collation text: LaTeX decoded, Ё as Е, Latin diacritics dropped ("Élan" -> "elan"),
    Cyrillic letters kept whole (Й stays after И), punctuation dropped, casefolded.
    """
    text = latex_to_text(value).replace("ё", "е").replace("Ё", "Е")
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
    """Who the entry is by (:func:`litreview.core.bib.maker_field`): its people, else a corporate
    or title text, else the key."""
    found = bib.maker_field(entry, ("title", "howpublished"))
    if found in bib.MAKER_ROLES:
        return list(entry.persons[found]), ""
    return [], entry.fields[found] if found else entry.key


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
            name_key = sort_text(re.sub(r"^(The|A|An)\s+", "", latex_to_text(text)))
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
