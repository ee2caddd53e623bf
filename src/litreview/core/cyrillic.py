"""Where Cyrillic text runs: the one definition behind lang="ru" in HTML and Russian in LaTeX."""

from __future__ import annotations

import re

#: The Cyrillic blocks of Unicode (basic, supplement, extended A–C).
CYRILLIC = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
#: A run of Cyrillic words with the spaces and punctuation between them, marked as one span.
CYRILLIC_RUN = re.compile(rf"[{CYRILLIC}]+(?:[\s\-‐–—,.:;!?«»„“”\"'’()]+[{CYRILLIC}]+)*")


def split_cyrillic(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (run, is_cyrillic) pieces, in order, losing nothing."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in CYRILLIC_RUN.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos : match.start()], False))
        pieces.append((match.group(), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces
