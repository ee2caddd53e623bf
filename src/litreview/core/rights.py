"""The book's rights statement and colophon: one home for who owns what, under which terms, how
the book was made, which edition it is and where it lives.

Pure Python, no Sphinx. Every edition shows what this module returns and nothing else: the web
footer's short line and the "Colophon and rights" page (:mod:`litreview.sphinxext.colophon`), the
EPUB's ``dc:rights`` (``epub_copyright`` in ``conf.py``) and the PDF's title verso.

- The editors' own text is under the licence ``CITATION.cff`` names (``license``, an SPDX id).
- Each article stays its authors' and publishers' (from its ``refs.bib`` entry: its makers, and a
  ``publisher`` or ``organization`` when the entry has one); the book reproduces it for scholarly
  review with its source named and claims no permission for it.
- The tools and their versions come from the lock file (``requirements/constraints.txt``).
- The book's address: ``CITATION.cff``'s ``url`` once published, else ``BOOK_BASEURL`` at build
  time, else none (and then nothing shows one).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import Entry

from litreview.core import bib
from litreview.core.book import Book
from litreview.core.errors import BookInfoError, LitReviewError
from litreview.core.names import prose_list

#: The environment variable that gives the book's address at build time (when CITATION.cff has none).
ADDRESS_VARIABLE = "BOOK_BASEURL"
#: The page that holds the colophon (its docname in book/).
COLOPHON_DOC = "colophon"
COLOPHON_TITLE = "Colophon and rights"


@dataclass(frozen=True)
class Licence:
    """A licence the editors' text may be under: its SPDX id, full and short names, and its deed."""

    spdx: str
    name: str
    short: str
    url: str


#: The licences the book knows how to name (SPDX id → licence).
LICENCES = {
    licence.spdx: licence
    for licence in (
        Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "CC BY 4.0",
                "https://creativecommons.org/licenses/by/4.0/"),
        Licence("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "CC BY-SA 4.0",
                "https://creativecommons.org/licenses/by-sa/4.0/"),
        Licence("CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0 International",
                "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
        Licence("CC0-1.0", "Creative Commons Zero v1.0 Universal", "CC0 1.0",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
    )
}  # fmt: skip

#: What the licence covers: the text the editors wrote.
OWN_TEXT = (
    "the preface, the comparative review, the editors' summaries and “About this edition” boxes, "
    "the glossary, How to cite, the provenance of the texts and this colophon"
)

#: The tools the colophon names, in the order it names them: (package in the lock file, name shown).
TOOLS = (
    ("sphinx", "Sphinx"),
    ("myst-parser", "MyST-Parser"),
    ("sphinxcontrib-bibtex", "sphinxcontrib-bibtex"),
    ("pybtex", "pybtex"),
    ("sphinx-book-theme", "Sphinx Book Theme"),
    ("pydata-sphinx-theme", "PyData Sphinx Theme"),
    ("docutils", "Docutils"),
)

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


@dataclass(frozen=True)
class ArticleRights:
    """Who owns one reproduced article, and where it came from, as its refs.bib entry says."""

    key: str
    title: str
    makers: tuple[str, ...]
    publisher: str  # the entry's publisher or organization, "" when it names none
    year: str  # the entry's year, "n.d." when it has none (never a copyright year of ours)
    venue: str
    source: str  # its address (url, else the DOI's), "" when none is known

    @property
    def holders(self) -> str:
        """Who the copyright stays with: its makers and its publisher (named when the entry names it)."""
        publisher = self.publisher if self.publisher and self.publisher not in self.makers else ""
        return f"{prose_list(self.makers)}, and with {publisher or 'its original publisher'}"

    def line(self) -> str:
        """One sentence a reader sees: the work, who keeps its copyright, where it was taken from."""
        venue = f", {self.venue}" if self.venue else ""
        source = f"Source: {self.source}." if self.source else "Source: no public address is known."
        return (
            f"{prose_list(self.makers)} ({self.year}), “{self.title}”{venue}. "
            f"Copyright remains with {self.holders}. {source}"
        )


@dataclass(frozen=True)
class Colophon:
    """Everything the "Colophon and rights" page and the PDF's title verso say."""

    title: str
    editors: str
    licence: Licence
    articles: tuple[ArticleRights, ...]
    tools: tuple[tuple[str, str], ...]  # (name, version)
    version: str
    released: dt.date
    address: str

    @property
    def own_text(self) -> str:
        """The licence statement for the editors' own text."""
        return (
            f"The editors' own text ({OWN_TEXT}) is © {self.released.year} {self.editors}, "
            f"licensed under the {self.licence.name} licence ({self.licence.short}): {self.licence.url}"
        )

    @property
    def articles_statement(self) -> str:
        """What the book claims for the articles it reproduces: nothing beyond reproducing them."""
        return (
            f"The {number(len(self.articles))} articles are not the editors'. Each is reproduced, "
            "unchanged, for scholarly review and comment, with its source named; its copyright "
            "remains with its authors and publishers, as listed below. The book claims no licence "
            "or permission for them, and the licence above does not cover them."
        )

    @property
    def made_with(self) -> str:
        """How the book was made: the tools and the versions the lock file pins."""
        tools = prose_list([f"{name} {version}" for name, version in self.tools])
        return f"Made with {tools}; the PDF is set with XeLaTeX."

    @property
    def edition(self) -> str:
        return f"Version {self.version}, released {self.released.day} {self.released:%B %Y}."

    @property
    def address_line(self) -> str:
        """Where the book lives, or "" when it has no address."""
        return f"The book's address: {self.address}" if self.address else ""


NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number(n: int) -> str:
    """A small count in words, as the book writes it ("five articles")."""
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


# -- the API ---------------------------------------------------------------------------------------


def licence(book: Book, path: Path | str | None = None) -> Licence:
    """The licence CITATION.cff names for the editors' text; BookInfoError when none or unknown."""
    if not book.license:
        raise BookInfoError("missing 'license' (an SPDX id, e.g. CC-BY-4.0) for the editors' text", path)
    if book.license not in LICENCES:
        known = ", ".join(LICENCES)
        raise BookInfoError(f"license {book.license!r} is not one the book can name ({known})", path)
    return LICENCES[book.license]


def rights_line(book: Book) -> str:
    """The short rights statement: the web footer's line and the EPUB's ``dc:rights``."""
    return (
        f"The editors' text is licensed under {licence(book).short}; the articles remain the "
        "copyright of their authors and publishers."
    )


def address(book: Book, environ: Mapping[str, str] | None = None) -> str:
    """The book's address: CITATION.cff's ``url``, else ``BOOK_BASEURL``, else ""; it ends in "/"."""
    environ = os.environ if environ is None else environ
    found = (book.url or environ.get(ADDRESS_VARIABLE, "")).strip()
    return found if not found or found.endswith("/") else found + "/"


def article_rights(key: str, entry: Entry) -> ArticleRights:
    """One article's rights from its refs.bib entry."""
    doi = bib.raw_field(entry, "doi")
    return ArticleRights(
        key=key,
        title=bib.field_text(entry, "title"),
        makers=tuple(n.display for n in bib.makers(entry)),
        publisher=bib.field_text(entry, "publisher", "organization"),
        year=bib.year(entry) or "n.d.",
        venue=bib.field_text(entry, "journal", "journaltitle", "howpublished"),
        source=bib.raw_field(entry, "url") or (f"https://doi.org/{doi}" if doi else ""),
    )


def tool_versions(constraints: Path, tools: Sequence[tuple[str, str]] = TOOLS) -> tuple[tuple[str, str], ...]:
    """(name, version) of each tool, as the lock file pins it; LitReviewError naming a missing one."""
    try:
        text = Path(constraints).read_text(encoding="utf-8")
    except OSError as exc:
        raise LitReviewError(f"cannot read the lock file: {exc}", constraints) from exc
    pins = {}
    for line in text.splitlines():
        if match := PIN.match(line.strip()):
            pins[re.sub(r"[-_.]+", "-", match.group(1).lower())] = match.group(2)
    missing = [package for package, _name in tools if package not in pins]
    if missing:
        raise LitReviewError(f"the lock file pins no version of {', '.join(missing)}", constraints)
    return tuple((name, pins[package]) for package, name in tools)


def colophon(
    book: Book, entries: Mapping[str, Entry], article_keys: Sequence[str], constraints: Path, url: str = ""
) -> Colophon:
    """The whole colophon: licence, the articles' rights (in the book's order), tools, edition, address."""
    missing = [key for key in article_keys if key not in entries]
    if missing:
        raise LitReviewError(f"the articles {', '.join(missing)} are not in the bibliography")
    return Colophon(
        title=book.title,
        editors=prose_list(list(book.editor_names)),
        licence=licence(book),
        articles=tuple(article_rights(key, entries[key]) for key in article_keys),
        tools=tool_versions(constraints),
        version=book.version,
        released=book.date_released,
        address=url,
    )
