"""The provenance appendix (``book/provenance.md``): for each article, the file we received, its
SHA-256 digest, and the seed lines each removal and repair touched.

A reader of a chapter meets the edition's account in words (the "About this edition" box); file
names, digests and line numbers are for whoever checks a chapter against its file, and stand here,
once, in the back matter of every edition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litreview.chapters.escape import escape
from litreview.chapters.prepare import DUPLICATE, Prepared, Repaired, lines_span

if TYPE_CHECKING:
    from litreview.chapters.render import Chapter

#: The appendix's page (its docname in book/) and title.
PROVENANCE_DOC = "provenance"
PROVENANCE_TITLE = "Provenance of the texts"


@dataclass(frozen=True)
class Provenance:
    """Where one chapter's text came from, line by line."""

    file: str  # the seed's file name
    sha256: str
    line_count: int
    form: str  # "plain text" or "Markdown-like text"
    trailing_space: bool
    removed: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # (category, blocks of seed lines)
    repairs: tuple[Repaired, ...]


def provenance(prep: Prepared, repairs: Sequence[Repaired]) -> Provenance:
    """A chapter's provenance from its prepared seed and the repairs its box lists."""
    order = [DUPLICATE] + [r.category for r in prep.meta.drop]
    removed = tuple((cat, tuple(prep.removed[cat])) for cat in dict.fromkeys(order) if prep.removed.get(cat))
    return Provenance(
        file=prep.meta.seed_path.name,
        sha256=prep.sha256,
        line_count=len(prep.lines),
        form="plain text" if prep.meta.format == "text" else "Markdown-like text",
        trailing_space=prep.trailing_space,
        removed=removed,
        repairs=tuple(repairs),
    )


def grouped(digest: str, size: int = 8) -> str:
    """A digest in groups of ``size`` characters, as fingerprints are printed: readable, and a line
    may break between groups (on a phone, an e-reader, a printed page)."""
    return " ".join(digest[i : i + size] for i in range(0, len(digest), size))


def _entry(chapter: Chapter, byline: str) -> str:
    record = chapter.provenance
    assert record is not None
    spaces = "; spaces at line ends not reproduced" if record.trailing_space else ""
    lines = [
        f"**{byline}: [{escape(chapter.title)}](articles/{chapter.filename})**",
        "",
        f"- File received: `{record.file}` ({record.form}, {record.line_count} lines{spaces})",
        f"- SHA-256: `{grouped(record.sha256)}`",
    ]
    removed = "; ".join(
        f"{escape(cat)}: {', '.join(lines_span(a, b) for a, b in blocks)}" for cat, blocks in record.removed
    )
    lines.append(f"- Removed: {removed or 'nothing'}.")
    if record.repairs:
        lines.append("- Repaired:")
        lines += [
            f"  - {r.where}: {escape(r.text)}" if r.where else f"  - {escape(r.text)}" for r in record.repairs
        ]
    else:
        lines.append("- Repaired: nothing")
    return "\n".join(lines)


def provenance_page(entries: Sequence[tuple[Chapter, str]]) -> str:
    """The appendix's MyST: each article in the book's order, as ``entries`` give it (chapter, byline)."""
    articles = "\n\n".join(_entry(chapter, byline) for chapter, byline in entries)
    return (
        f"({PROVENANCE_DOC})=\n# {PROVENANCE_TITLE}\n\n"
        "Each article in this book is a chapter generated from a file we received. For each, this "
        "appendix names that file, gives its SHA-256 digest, and lists by line what the edition "
        "removed from it and where it repaired it, so that anyone who holds the same file can check "
        "the chapter against it. The chapters’ “About this edition” boxes say the same in words.\n\n"
        f":::{{container}} provenance\n\n{articles}\n\n:::"
    )
