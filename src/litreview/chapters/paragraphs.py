"""The articles' numbered paragraphs: the one API every other module and test reads them from.

The converter numbers each article's own text in reading order (:class:`~litreview.chapters.render.
Renderer`): each body paragraph (an abstract or a figure's caption included), each list item, then
each note. Headings, the title, byline and other front matter, the list of references, the note
about the author and our own boxes get no number. The chapter writes the number as
``{para}`14``` at the start of the paragraph, and the built page gives that paragraph the anchor
``#para-14`` (one per page, not a book-wide label). Because the numbers are assigned from the seed
and its metadata, they are the same every time a chapter is regenerated.

    >>> from litreview.chapters.paragraphs import by_key
    >>> by_key(Path("seeds"))["khumaryanndrussia"][13]
    Paragraph(number=14, anchor='para-14', kind='paragraph', text='…')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from litreview.chapters.render import PARA_ROLE, numbered_paragraphs
from litreview.core.seeds import SeedMeta, load_all

__all__ = ["PARA_ROLE", "Paragraph", "anchor", "by_key", "of_seed"]


def anchor(number: int) -> str:
    """The paragraph's anchor on its chapter's page: ``para-14``."""
    return f"para-{number}"


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph: its number, its anchor, what it is, and its plain text."""

    number: int
    anchor: str
    kind: str  # "paragraph", "item" (of a list) or "note"
    text: str  # the article's words, markup-free (note markers glued to the text left out)


def of_seed(meta: SeedMeta) -> list[Paragraph]:
    """The numbered paragraphs of one article, in order (numbers 1 … n, contiguous)."""
    return [Paragraph(p.number, anchor(p.number), p.kind, p.text) for p in numbered_paragraphs(meta)]


def by_key(seeds_dir: Path) -> dict[str, list[Paragraph]]:
    """Each article's refs.bib key mapped to its numbered paragraphs, for every seed in ``seeds_dir``."""
    return {meta.key: of_seed(meta) for meta in load_all(seeds_dir)}
