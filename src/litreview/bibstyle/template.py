"""pybtex template nodes (sphinxcontrib-bibtex keeps its own in ``style/template.py``) the formatting
and citation styles share: the year a work is cited by, its fuller
date, its access date.

A work is cited by its year and, where the same maker has several works that year, a letter:
"Stafeev (2002a)", "Stafeev (2002b)" — biblatex's ``extradate``. The letters are computed for
the whole bibliography (:func:`extradates`) and kept on each entry as the field
``extradate`` for the build, so that citations and the list agree, and a cached formatted entry
changes whenever its letter does. A year that is not known prints "n.d." (no date), never an
empty year or "XXXX".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing, node, optional

from litreview.core import bib, dates, latex

EXTRADATE = "extradate"  # the field the a/b letter is kept in during a build (never written to refs.bib)


def entry_date(entry: Entry) -> str | None:
    """The fullest date the entry has, in words; None when not known."""
    try:
        return dates.span_text(bib.issued(entry))
    except ValueError:
        return None


def cited_year(entry: Entry) -> str:
    """What a citation prints for the year: "2003", "2002a", "n.d."."""
    return (bib.year(entry) or dates.NO_DATE) + entry.fields.get(EXTRADATE, "")


def extradates(entries: Iterable[Entry], order: Callable[[Entry], Any]) -> dict[str, str]:
    """The letters a, b, … of the works of the same maker and year, in the list's order (``order``
    is the sorting key): key → letter, for the works that share their maker and year."""
    groups: defaultdict[tuple, list[Entry]] = defaultdict(list)
    for entry in entries:
        maker = tuple(n.surname.casefold() for n in bib.makers(entry))
        groups[(maker, bib.year(entry) or dates.NO_DATE)].append(entry)
    letters: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        for index, entry in enumerate(sorted(group, key=order)):
            letters[entry.key] = "abcdefghijklmnopqrstuvwxyz"[index] if index < 26 else f"-{index + 1}"
    return letters


def set_extradates(entries: Iterable[Entry], letters: dict[str, str]) -> None:
    """Keep each entry's letter (from :func:`extradates`) on it as ``extradate``; none on the rest."""
    for entry in entries:
        if entry.key in letters:
            entry.fields[EXTRADATE] = letters[entry.key]
        else:
            entry.fields.pop(EXTRADATE, None)


@node
def field(children, data, name: str, apply_func=None, raw: bool = False):
    """An entry's field, as pybtex's ``field`` gives it, but decoded from LaTeX only where decoding
    changes it (:func:`litreview.core.latex.rich`): the decoder is the costliest step of formatting."""
    if children:
        raise ValueError(children)
    entry = data["entry"]
    try:
        value = entry._find_field(name, bib_data=data.get("bib_data"))
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    value = value if raw else latex.rich(value)
    return apply_func(value) if apply_func else value


@node
def optional_field(children, data, *args, **kwargs):
    """:func:`field`, or nothing where the entry lacks it."""
    if children:
        raise ValueError(children)
    return optional[field(*args, **kwargs)].format_data(data)


@node
def year_or_nd(children, data):
    """The year a citation prints and the list's entry heads with: "2003", "2002a", "n.d." (see
    :func:`cited_year`)."""
    assert not children
    return Text(cited_year(data["entry"]))


@node
def fuller_date(children, data):
    """The full date where it says more than the year ("9 February 2022", "October 2008"), else
    nothing (the year is already in the entry's head)."""
    assert not children
    entry = data["entry"]
    try:
        issued = bib.issued(entry)
    except ValueError:
        return Text()
    if len(issued) == 1 and issued[0].month is not None:
        return Text(str(issued[0]))
    return Text()


@node
def urldate(children, data):
    """ "accessed 23 November 2026" from ``urldate`` (only for a page really opened that day);
    missing (so that an ``optional`` around it prints nothing) when there is none."""
    assert not children
    entry = data["entry"]
    value = entry.fields.get("urldate", "")
    if not value:
        raise FieldIsMissing("urldate", entry)
    return Text("accessed ", dates.iso_day_text(value))
