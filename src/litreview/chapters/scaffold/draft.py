"""What the scaffold proposes for one seed: the draft and its tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Table:
    """One ``[[name]]`` table of the draft: its fields in order, and a comment above it."""

    name: str
    fields: dict[str, Any]
    comment: str = ""
    line: int = 0  # the seed line it is about (for ordering)


@dataclass
class Draft:
    """What the scaffold proposes for one seed."""

    seed: Path
    lines: list[str]
    fmt: str
    top: dict[str, Any]
    top_comments: dict[str, str]
    tables: list[Table]
    role: dict[int, str]  # seed line -> what the draft does with it
    title: str = ""
    title_line: int = 0
    authors: tuple[str, ...] = ()
    byline_line: int = 0
    printed_dates: tuple[tuple[int, str], ...] = ()
    people: tuple[tuple[str, str], ...] = ()  # (surname, given names), as refs.bib names them
    date: str = ""  # ISO, as precise as printed
    year: str = ""
    date_line: int = 0
    doubts: tuple[tuple[str, str], ...] = ()  # (what, why the draft is unsure of it)

    @property
    def unaccounted(self) -> list[int]:
        return [n for n, r in sorted(self.role.items()) if r == "?"]
