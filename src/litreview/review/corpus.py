"""The review's corpus table: one row per article, its counts computed from the seeds.

Words and references are counted from ``seeds/`` (the article as its chapter reproduces it, and
its printed reference list); authors, venue and date come from the article's refs.bib entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pybtex.database import BibliographyData

from litreview.core import bib
from litreview.core.errors import CorpusError
from litreview.core.names import prose_list
from litreview.core.order import reading_order
from litreview.core.seeds import SeedMeta

#: Fields that say where a work appeared, in order of preference.
VENUE_FIELDS = ("journal", "organization", "publisher", "institution", "howpublished")


@dataclass(frozen=True)
class CorpusRow:
    """One article as the corpus table shows it."""

    key: str
    slug: str
    authors: str | None
    venue: str | None
    date: str | None
    genre: str
    words: int
    references: int


def word_count(paragraphs: Sequence[str]) -> int:
    """Words in the kept article text: whitespace-separated tokens."""
    return sum(len(p.split()) for p in paragraphs)


def corpus_rows(metas: Sequence[SeedMeta], data: BibliographyData) -> list[CorpusRow]:
    """The table's facts for every seed, in the book's one order (:mod:`litreview.core.order`)."""
    from litreview.chapters.render import article_paragraphs

    rows = []
    for meta in (p.meta for p in reading_order(metas, data)):
        entry = data.entries.get(meta.key)
        if entry is None:
            raise CorpusError(
                f"article key {meta.key!r} is not in refs.bib", meta.toml_path, meta.line_of("key")
            )
        authors = [n.display for n in bib.people(entry, "author") if not n.is_organisation]
        venue = bib.field_text(entry, *VENUE_FIELDS) or None
        rows.append(
            CorpusRow(meta.key, meta.slug, prose_list(authors) or None, venue, bib.date_text(entry),
                      meta.genre, word_count(article_paragraphs(meta)), len(meta.references))
        )  # fmt: skip
    return rows
