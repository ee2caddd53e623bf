"""Seed text is untrusted: every character that could start MyST markup comes out escaped.

Plain text is backslash-escaped; a line that could open a block (``#``, ``-``, ``1.``, ``:``…) gets a
leading backslash; the ``{seedcite}`` role written around a printed reference marker is built so
that no text inside it can close it. A :class:`Piece` pairs the MyST we write with its plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_ALWAYS = frozenset("\\`*_{}[]<>&!|$~^")
_LINE_START = frozenset("#-+=:%()")
_ORDERED_START = re.compile(r"^(\s*\d{1,9})([.)])")


def escape(text: str) -> str:
    """Backslash-escape every character that can start a Markdown/MyST inline construct.

    The colon of "scheme://" is escaped too, so that no linkifier turns a printed URL into a link.
    """
    out = "".join("\\" + c if c in _ALWAYS else c for c in text.replace("\t", " "))
    return out.replace("://", "\\://")


def fix_line_start(line: str) -> str:
    """Make sure a generated line cannot start a block construct (#, -, +, =, :, %, (, 1.)."""
    stripped = line.lstrip()
    if not stripped:
        return ""
    if stripped[0] in _LINE_START:
        return "\\" + stripped
    return _ORDERED_START.sub(r"\1\\\2", stripped, count=1)


def seedcite(text: str, keys: Sequence[str]) -> str:
    """The {seedcite} role: TEXT as printed, linked to the merged entry of the first key."""
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    body = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{{seedcite}}{fence}{body} <{','.join(keys)}>{fence}"


@dataclass(frozen=True)
class Piece:
    """A run of inline content: ``myst`` is what goes in the chapter, ``plain`` its text."""

    myst: str
    plain: str


def text_piece(raw: str) -> Piece:
    return Piece(escape(raw), raw)


def join_pieces(pieces: Iterable[Piece]) -> Piece:
    pieces = list(pieces)
    return Piece("".join(p.myst for p in pieces), "".join(p.plain for p in pieces))
