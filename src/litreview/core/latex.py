"""LaTeX → plain text: the one place a BibTeX field's markup is decoded.

refs.bib holds UTF-8 by policy (the citations lint forbids LaTeX escapes, rule C009), so most
fields have nothing to decode; :func:`latex_to_text` returns those unchanged without calling the decoder,
which is the costliest step of formatting a large bibliography, and :func:`rich` gives them to the
bibliography style as rich text the same way.
"""

from __future__ import annotations

import functools

from pybtex.richtext import Text

#: Characters and runs that the LaTeX decoder changes: commands, groups, ties, comments, maths,
#: dashes ("--" → "–"), TeX quotes and ligatures ("``" → "“", ",," → "„", "?`" → "¿", "!`" → "¡")
#: and white space (runs collapsed to one space, leading space dropped). tests/test_latex.py
#: checks the list against the decoder.
_ACTIVE_CHARS = frozenset("\\{}$~%\n\r\t")
_ACTIVE_RUNS = ("--", "``", "''", ",,", "?`", "!`", "  ")


def needs_decoding(value: str) -> bool:
    """True if the LaTeX decoder would change ``value``."""
    return (
        not _ACTIVE_CHARS.isdisjoint(value)
        or any(run in value for run in _ACTIVE_RUNS)
        or value[:1].isspace()
    )


@functools.lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """A field's text without LaTeX markup: braces dropped, ``--`` → "–", ``\\&`` → "&"."""
    if not needs_decoding(value):
        return value
    return Text.from_latex(value).render_as("text")


def rich(value: str) -> Text:
    """A field as pybtex's rich text, what ``Text.from_latex`` gives; decoded only where that changes it."""
    if not needs_decoding(value):
        return Text(value)
    return Text.from_latex(value)
