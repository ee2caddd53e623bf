"""Typographic quotes, dashes and ellipses for text the editors write outside the Markdown sources.

Sphinx sets the book's Markdown with "smart quotes"; text that reaches a page another way (the
verification notes and remarks kept in ``refs.bib``, the review's sentences quoted in the
located-claims appendix) gets the same treatment here, with the same rules (docutils'
smartquotes, Sphinx's default action ``qDe``).
"""

from __future__ import annotations

from docutils.utils.smartquotes import educate_tokens

#: Sphinx's default ``smartquotes_action``: quotes, dashes ("--", "---"), ellipses.
ACTION = "qDe"


def typographic(text: str, language: str = "en") -> str:
    """ "the publisher's page" → "the publisher’s page"; "a 'word'" → "a ‘word’"."""
    return "".join(educate_tokens([("text", text)], attr=ACTION, language=language))
