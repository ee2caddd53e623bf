"""The book's own facts (title, authors, editors, version, date…), read from CITATION.cff.

CITATION.cff is their one home: ``conf.py``, the "How to cite" page, the page metadata and the
PDF's title page all call :func:`load_book` instead of typing them again.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from litreview.core.errors import BookInfoError
from litreview.core.names import Name

#: Words a key's "first word" skips (the refs.bib key convention, authorYEARword).
TITLE_SKIP = frozenset({"a", "an", "the", "is", "on", "of", "in", "to", "for"})


@dataclass(frozen=True)
class Book:
    """What a reader needs to cite the book."""

    title: str
    authors: tuple[Name, ...]
    editors: tuple[Name, ...]
    version: str
    date_released: dt.date
    license: str = ""
    abstract: str = ""
    publisher: str = ""
    keywords: tuple[str, ...] = ()
    url: str = ""  # where the book is published, once it is (CITATION.cff's `url`)

    @property
    def year(self) -> int:
        return self.date_released.year

    @property
    def short_title(self) -> str:
        """The title without its subtitle, for running heads: "Russia’s Digital Transformation, 2002–2022"."""
        return self.title.partition(": ")[0].strip() or self.title

    @property
    def editor_names(self) -> tuple[str, ...]:
        """The editors as a reader writes them: ("Ada Lovelace", "Charles Babbage")."""
        return tuple(e.display for e in self.editors)

    @property
    def separate_editors(self) -> bool:
        """True when the editors are not simply the authors again."""
        return self.editors != self.authors

    @property
    def key(self) -> str:
        """A BibTeX key in the bibliography's convention: first author, year, first title word."""
        first = self.authors[0]
        who = first.literal.split()[0] if first.literal else first.family
        words = [w for w in self.title.split() if ascii_word(w) not in TITLE_SKIP]
        return f"{ascii_word(who)}{self.year}{ascii_word(words[0])}"


def ascii_word(word: str) -> str:
    """Lower-case ASCII letters and digits only ("Russia’s" → "russias")."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _people(items: Any, path: Path, role: str) -> tuple[Name, ...]:
    if not isinstance(items, list):
        raise BookInfoError(f"{role} must be a list of people", path)
    people = []
    for person in items:
        if not isinstance(person, dict) or ("name" not in person and "family-names" not in person):
            raise BookInfoError(f"each of the {role} needs 'name' or 'family-names'", path)
        people.append(Name.from_cff(person))
    return tuple(people)


def load_book(path: Path) -> Book:
    """Read CITATION.cff; raise :class:`BookInfoError` naming the field that is missing."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BookInfoError(f"cannot read the book's facts: {exc}", path) from exc
    if not isinstance(data, dict):
        raise BookInfoError("expected a YAML mapping", path)
    for name in ("title", "version", "date-released", "authors"):
        if name not in data:
            raise BookInfoError(f"missing required field '{name}'", path)
    preferred = data.get("preferred-citation") or {}
    authors = _people(preferred.get("authors") or data["authors"], path, "authors")
    editors = _people(preferred.get("editors") or data["authors"], path, "editors")
    if not authors:
        raise BookInfoError("no authors", path)
    released = data["date-released"]
    if isinstance(released, str):
        try:
            released = dt.date.fromisoformat(released)
        except ValueError:
            raise BookInfoError(f"date-released is not YYYY-MM-DD: {released!r}", path) from None
    return Book(
        title=str(data["title"]),
        authors=authors,
        editors=editors,
        version=str(data["version"]),
        date_released=released,
        license=str(data.get("license", "")),
        abstract=" ".join(str(data.get("abstract", "")).split()),
        keywords=tuple(str(k) for k in data.get("keywords", [])),
        publisher=_entity_name(preferred.get("publisher")),
        url=str(data.get("url") or "").strip(),
    )


def _entity_name(entity: Any) -> str:
    """A CFF entity's name (``publisher: {name: …}``), or "" when there is none."""
    return str(entity.get("name", "")) if isinstance(entity, dict) else str(entity or "")
