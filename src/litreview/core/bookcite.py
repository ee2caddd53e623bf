"""How the book and its chapters are cited: BibTeX entries and formatted references, from its facts.

Issue 16 makes these compile cleanly in biblatex and BibTeX; the facts come from
:class:`~litreview.core.book.Book` (CITATION.cff), never typed twice.
"""

from __future__ import annotations

import re
from typing import Any

from pybtex.richtext import HRef, Tag, Text

from litreview.core.book import Book
from litreview.core.names import Name, prose_list


def bibtex_value(value: str) -> str:
    """A text field's value for BibTeX, with LaTeX's special characters escaped."""
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", value)


def bibtex_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """A BibTeX entry laid out like refs.bib's (fields aligned, one a line, empty fields left out)."""
    width = max(len(name) for name, _ in fields)
    lines = [f"  {name:<{width}} = {{{value}}}," for name, value in fields if value]
    return f"@{kind}{{{key},\n" + "\n".join(lines) + "\n}"


def _people(names: tuple[Name, ...]) -> str:
    return " and ".join(n.bibtex for n in names)


def book_bibtex(book: Book, url: str = "") -> str:
    """The book as a BibTeX @book entry."""
    return bibtex_entry(
        "book",
        book.key,
        [
            ("author", _people(book.authors)),
            ("editor", _people(book.editors) if book.separate_editors else ""),
            ("title", bibtex_value(book.title)),
            ("publisher", bibtex_value(book.publisher)),
            ("year", str(book.year)),
            ("date", book.date_released.isoformat()),
            ("note", f"Version {book.version}"),
            ("url", url),
        ],
    )


def chapter_key(book: Book, docname: str) -> str:
    """A chapter's key: the book's, then the page's file name ("digital2026russias-themes")."""
    return f"{book.key}-{docname.rsplit('/', 1)[-1]}"


def chapter_bibtex(book: Book, docname: str, title: str, url: str = "") -> str:
    """A chapter of ours as a BibTeX @incollection entry in the book."""
    return bibtex_entry(
        "incollection",
        chapter_key(book, docname),
        [
            ("author", _people(book.authors)),
            ("editor", _people(book.editors)),
            ("title", bibtex_value(title)),
            ("booktitle", bibtex_value(book.title)),
            ("publisher", bibtex_value(book.publisher)),
            ("year", str(book.year)),
            ("date", book.date_released.isoformat()),
            ("note", f"Version {book.version}"),
            ("url", url),
        ],
    )


def _names(names: tuple[Name, ...]) -> str:
    return prose_list([n.display for n in names])


def book_reference(book: Book, url: str = "") -> Text:
    """The book as a formatted reference, author–year like the References page's entries."""
    parts: list[Any] = [_names(book.authors), f" ({book.year}). ", Tag("em", book.title), ". "]
    if book.separate_editors:
        parts += [f"Edited by {_names(book.editors)}. "]
    if book.publisher and book.publisher not in {n.display for n in book.authors}:
        parts += [f"{book.publisher}. "]
    parts += [f"Version {book.version}, released {book.date_released.day} {book.date_released:%B %Y}."]
    if url:
        parts += [" ", HRef(url, url), "."]
    return Text(*parts)


def chapter_reference(book: Book, title: str, url: str = "") -> Text:
    """A chapter of ours as a formatted reference."""
    parts: list[Any] = [_names(book.authors), f" ({book.year}). {title}. In ", Tag("em", book.title)]
    parts += [f", edited by {_names(book.editors)}. Version {book.version}."]
    if url:
        parts += [" ", HRef(url, url), "."]
    return Text(*parts)
