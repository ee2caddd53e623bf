"""The book's own facts (title, editors, version, date), read from CITATION.cff.

CITATION.cff is their one home: ``conf.py``, the "How to cite" page and the
page metadata all call :func:`load_book_info` instead of typing them again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from litreview.errors import BookInfoError


@dataclass(frozen=True)
class BookInfo:
    """What a reader needs to cite the book."""

    title: str
    editors: tuple[str, ...]
    version: str
    date_released: dt.date
    license: str
    abstract: str
    keywords: tuple[str, ...]

    @property
    def year(self) -> int:
        return self.date_released.year


def _person_name(person: dict) -> str:
    if "name" in person:
        return str(person["name"])
    parts = ("given-names", "name-particle", "family-names", "name-suffix")
    return " ".join(str(person[k]) for k in parts if k in person)


def load_book_info(path: Path) -> BookInfo:
    """Read CITATION.cff; raise :class:`BookInfoError` naming the field that is missing."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BookInfoError(f"cannot read the book's facts: {exc}", path) from exc
    if not isinstance(data, dict):
        raise BookInfoError("expected a YAML mapping", path)
    preferred = data.get("preferred-citation", {})
    for field in ("title", "version", "date-released"):
        if field not in data:
            raise BookInfoError(f"missing required field '{field}'", path)
    editors = preferred.get("editors") or data.get("authors") or []
    if not editors:
        raise BookInfoError("no editors (preferred-citation.editors) and no authors", path)
    released = data["date-released"]
    if isinstance(released, str):
        released = dt.date.fromisoformat(released)
    return BookInfo(
        title=str(data["title"]),
        editors=tuple(_person_name(p) for p in editors),
        version=str(data["version"]),
        date_released=released,
        license=str(data.get("license", "")),
        abstract=" ".join(str(data.get("abstract", "")).split()),
        keywords=tuple(str(k) for k in data.get("keywords", [])),
    )
