"""The one order of the articles, everywhere the book lists them: by the earliest date each can have.

A review reader expects the articles in time order. An article's date is its refs.bib entry's
(``date``, else ``year``); an undated one is placed by its seed metadata's ``earliest`` (the
earliest date it can have, inferred, with the reason in a comment there: inferred values never go
into refs.bib); one that can be placed by neither comes last. Ties keep the seeds' order.

The sidebar and previous/next links (the articles' toctree), the articles index, the corpus
table and so the PDF and EPUB all take their order from :func:`reading_order`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pybtex.database import BibliographyData

from litreview.core import bib
from litreview.core.dates import PartialDate, parse_iso
from litreview.core.seeds import SeedMeta


@dataclass(frozen=True)
class Placed:
    """An article and the dates that place it (none: it cannot be placed, so it comes last)."""

    meta: SeedMeta
    dates: tuple[PartialDate, ...]  # refs.bib's (one, or a range), or the inferred earliest alone
    inferred: bool  # the date is the seed metadata's `earliest`, not refs.bib's

    @property
    def date(self) -> PartialDate | None:
        return self.dates[0] if self.dates else None

    @property
    def when(self) -> str:
        """The years a list of articles shows: "2002–2003", "undated, July 2022 or later", "undated"."""
        if not self.dates:
            return "undated"
        if self.inferred:
            return f"undated, {self.dates[0]} or later"
        return "–".join(dict.fromkeys(str(d.year) for d in self.dates))


def placing(meta: SeedMeta, data: BibliographyData) -> Placed:
    """The date that places one article: refs.bib's, else the seed's inferred ``earliest``."""
    entry = data.entries.get(meta.key)
    try:
        found = bib.issued(entry) if entry is not None else []
    except ValueError:  # a malformed date is the citations lint's to report
        found = []
    if found:
        return Placed(meta, tuple(found), inferred=False)
    if meta.earliest:
        return Placed(meta, (parse_iso(meta.earliest),), inferred=True)
    return Placed(meta, (), inferred=False)


def reading_order(metas: Sequence[SeedMeta], data: BibliographyData) -> list[Placed]:
    """The articles in the book's one order: placed ones by date, then those that cannot be placed."""
    placed = [placing(m, data) for m in metas]
    return sorted(placed, key=lambda p: (p.date is None, p.date.sort_key if p.date else (0, 0, 0)))


def article_keys(metas: Sequence[SeedMeta], data: BibliographyData) -> list[str]:
    """The articles' refs.bib keys in the book's one order."""
    return [p.meta.key for p in reading_order(metas, data)]
