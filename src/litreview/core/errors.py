"""One exception type per kind of bad input, each able to say where it is."""

from __future__ import annotations

import contextlib
from pathlib import Path


class LitReviewError(Exception):
    """Bad input: carries the file (and line, when known) it was found in."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        return self.located()

    def located(self, root: Path | None = None) -> str:
        """``path:line: message``, the path relative to ``root`` when it lies inside it."""
        path = self.path
        if path is not None and root is not None:
            with contextlib.suppress(ValueError):
                path = path.resolve().relative_to(Path(root).resolve())
        if path is None:
            return self.message
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


class BookInfoError(LitReviewError):
    """CITATION.cff is missing a fact the book needs."""


class BibError(LitReviewError):
    """refs.bib cannot be read: a syntax error (at the line of the broken entry), or a bad value."""


class SystemPackagesError(LitReviewError):
    """A system package the build needs is missing and cannot be installed here."""


class CitingError(LitReviewError):
    """A citing directive, export or page metadata met bad bibliographic input."""


class EditionError(LitReviewError):
    """The PDF or EPUB edition did not build cleanly (LaTeX error, missing glyph, epubcheck error)."""


class SeedMetaError(LitReviewError):
    """A seed's metadata (seeds/*.toml) is missing a field, or a marker does not match its seed."""


class ConvertError(LitReviewError):
    """A seed cannot be turned into a chapter as its metadata describes."""


class LinkCheckError(LitReviewError):
    """The links cannot be checked: no built HTML book, or Sphinx's linkcheck builder failed."""


class TimelineError(LitReviewError):
    """The review's timeline data (book/review/timeline.yaml) is malformed."""


class CorpusError(LitReviewError):
    """The corpus table's notes are malformed, or an article's key is missing from refs.bib."""


class IndexTopicsError(LitReviewError):
    """The book's index topics (book/index-topics.yaml) are malformed."""
