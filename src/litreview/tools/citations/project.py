"""Reading the project once: refs.bib as written, the citations of the book's pages, the seeds'
metadata; an unreadable input is a finding (E001–E003), never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import Entry as PybtexEntry

from litreview.core import bib, findings
from litreview.core.errors import LitReviewError
from litreview.core.seeds import SeedMeta, load_seed_meta
from litreview.tools.citations.sources import Citation, book_sources, find_citations

# -- Records -----------------------------------------------------------------------------------


class Finding(findings.Finding):
    """One problem in the bibliography or its use; JSON adds the rule's name and level beside its code."""

    @property
    def is_reminder(self) -> bool:
        """A reminder (N…) names an editorial choice left open; it never fails the check."""
        from litreview.tools.citations.reminders import REMINDERS

        return self.code in REMINDERS

    def as_dict(self) -> dict[str, object]:
        from litreview.tools.citations.cli import CODES

        level = "reminder" if self.is_reminder else "error"
        return {**super().as_dict(), "rule": CODES.get(self.code, ""), "level": level}


class Entry(bib.SourceEntry):
    """One refs.bib entry as written, with what pybtex reads in it (its year, who it is by)."""

    @functools.cached_property
    def data(self) -> PybtexEntry:
        """The entry as pybtex reads it (:func:`litreview.core.bib.from_fields`)."""
        return bib.from_fields(self.key, self.type, self.fields)

    @property
    def year(self) -> str:
        """The entry's year (:func:`litreview.core.bib.year`), '' when not known (also for n.d.)."""
        return bib.year(self.data) or ""


@dataclass(frozen=True)
class Project:
    """Everything the rules look at, read once."""

    bib_path: Path
    entries: tuple[Entry, ...]  # every entry, duplicates included, in file order
    citations: tuple[Citation, ...]
    chapters: tuple[Path, ...]  # article chapters (book/articles/*.md but the index)
    seeds: tuple[SeedMeta, ...]  # one per readable seeds/*.toml
    input_findings: tuple[Finding, ...]  # unreadable inputs, reported as findings
    timeline: Path | None = None  # the review's timeline data, when the book has one

    @property
    def keys(self) -> set[str]:
        """Every key refs.bib defines."""
        return {entry.key for entry in self.entries}


# -- Reading refs.bib --------------------------------------------------------------------------


def read_bib(path: Path) -> tuple[tuple[Entry, ...], tuple[Finding, ...]]:
    """refs.bib as written (core.bib.scan) and what pybtex, which Sphinx uses, cannot read."""
    if not path.is_file():
        return (), (Finding(path, 1, "E001", "refs.bib not found: the book's bibliography must exist"),)
    try:
        text = bib.read_text(path)
    except LitReviewError as err:
        return (), (Finding(path, err.line or 1, "E001", err.message),)
    source = bib.scan(path, text)
    entries = tuple(Entry(**vars(e)) for e in source.entries)
    problems = [Finding(path, p.line, "E001", p.message) for p in source.problems]
    if not problems:
        problems.extend(_pybtex_problems(path, text))
    if not entries and not problems:
        problems.append(Finding(path, 1, "E001", "refs.bib holds no entries: the book cites works from it"))
    return entries, tuple(problems)


def _pybtex_problems(path: Path, text: str) -> Iterator[Finding]:
    """Syntax errors pybtex (and so Sphinx) would stop at, which bibtexparser may have tolerated."""
    from pybtex.database import BibliographyDataError, parse_string
    from pybtex.scanner import PybtexSyntaxError

    try:
        parse_string(text, "bibtex")
    except PybtexSyntaxError as err:
        yield Finding(path, err.lineno or 1, "E001", f"pybtex (used by Sphinx) cannot parse refs.bib: {err}")
    except BibliographyDataError:
        pass  # repeated keys: reported with both lines by check_duplicate_keys


# -- Reading the seeds ---------------------------------------------------------------------------


def read_seeds(seeds: Path) -> tuple[tuple[SeedMeta, ...], tuple[Finding, ...]]:
    """Load every seeds/*.toml through litreview.core.seeds; report each unreadable one, never raise."""
    if not seeds.is_dir():
        return (), (Finding(seeds, 1, "E002", "seeds directory not found: cannot check printed references"),)
    metas: list[SeedMeta] = []
    problems: list[Finding] = []
    for seed in sorted(seeds.glob("*.txt")):
        if not seed.with_suffix(".toml").is_file():
            message = f"seed {seed.name} has no metadata file {seed.stem}.toml: its references go unchecked"
            problems.append(Finding(seed, 1, "E002", message))
    for toml_path in sorted(seeds.glob("*.toml")):
        try:
            metas.append(load_seed_meta(toml_path))
        except LitReviewError as err:
            where = err.path or toml_path
            problems.append(Finding(where, err.line or 1, "E002", f"seed metadata: {err.message}"))
        except Exception as err:  # a loader bug must not hide the other findings behind a traceback
            message = f"seed metadata could not be read ({type(err).__name__}: {err})"
            problems.append(Finding(toml_path, 1, "E002", message))
    return tuple(metas), tuple(problems)


def load_project(
    root: Path, bib: Path | None = None, book: Path | None = None, seeds: Path | None = None
) -> Project:
    """Read refs.bib, the book's sources and the seed metadata under ``root``."""
    bib_path = bib or root / "refs.bib"
    book = book or root / "book"
    entries, bib_problems = read_bib(bib_path)
    citations: list[Citation] = []
    problems = list(bib_problems)
    if not book.is_dir():
        problems.append(Finding(book, 1, "E003", "book directory not found: no citations to check"))
    for source in book_sources(book) if book.is_dir() else []:
        citations.extend(find_citations(source, source.read_text(encoding="utf-8")))
    articles = book / "articles"
    chapters = tuple(sorted(p for p in articles.glob("*.md") if p.name != "index.md"))
    metas, seed_problems = read_seeds(seeds or root / "seeds")
    problems.extend(seed_problems)
    timeline = book / "review" / "timeline.yaml"
    return Project(bib_path, entries, tuple(citations), chapters, metas, tuple(problems),
                   timeline if timeline.is_file() else None)  # fmt: skip
