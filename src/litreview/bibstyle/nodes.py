"""Template nodes the formatting and citation styles share: dates and access dates, or "n.d.".

A work's date comes from ``date`` (biblatex's ISO 8601-2) or ``year``; a year that is not known
prints "n.d." (no date), never an empty year or "XXXX".
"""

from __future__ import annotations

from pybtex.richtext import Text
from pybtex.style.template import node

from litreview.core import bib, dates


def entry_date(entry) -> str | None:
    """The fullest date the entry has, in words; None when not known."""
    try:
        return dates.span_text(bib.issued(entry))
    except ValueError:
        return None


@node
def date_or_nd(children, data):
    """The entry's date in words, or "n.d."."""
    assert not children
    return Text(entry_date(data["entry"]) or dates.NO_DATE)


@node
def year_or_nd(children, data):
    """The entry's year (from ``year`` or ``date``), or "n.d."; used in citations."""
    assert not children
    return Text(bib.year(data["entry"]) or dates.NO_DATE)


@node
def urldate(children, data):
    """ "accessed 23 November 2026" from ``urldate``."""
    assert not children
    value = data["entry"].fields.get("urldate", "")
    return Text("accessed ", dates.iso_day_text(value)) if value else Text()
