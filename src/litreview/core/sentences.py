"""The sentence around a point in a paragraph's plain text: what the review's located claims show.

The review's prose is plain text here, its parenthetical citations left out; a sentence ends after
". ", "! " or "? " (a closing quotation mark or bracket may follow the stop) before a capital
letter, an opening quotation mark or bracket.
"""

from __future__ import annotations

import re

_END = re.compile(r"(?<=[.!?])[”’\")\]]*\s+(?=[A-Z“‘\"(\[])")
_EMPTY_BRACKETS = re.compile(r"\(\s*(?:[,;]\s*)*\)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[,.;:!?)\]])")


def tidy(text: str) -> str:
    """Whitespace collapsed, brackets emptied by a left-out citation dropped, no space before
    punctuation."""
    text = _EMPTY_BRACKETS.sub("", " ".join(text.split()))
    return " ".join(_SPACE_BEFORE_PUNCTUATION.sub("", text).split())


def sentence_around(text: str, offset: int) -> str:
    """The sentence of ``text`` that holds the character at ``offset``, tidied."""
    start = 0
    for match in _END.finditer(text):
        if match.end() > offset:
            return tidy(text[start : match.start() + len(match.group().rstrip())])
        start = match.end()
    return tidy(text[start:])
