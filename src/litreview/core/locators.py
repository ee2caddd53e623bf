"""Paragraph locators: the post-text of a citation of an article, "para. 14" or "paras. 3–5".

The review cites a passage of one of the five articles as APA cites a web page without page
numbers: by the paragraph number its chapter prints in the margin
(:mod:`litreview.chapters.paragraphs`). In MyST that is sphinxcontrib-bibtex's post-text::

    {cite:p}`khumaryanndrussia{para. 14}`       → (Khumaryan n.d., para. 14)
    {cite:t}`searnddigital{paras. 3–5}`         → Sear (n.d., paras. 3–5)

A post-text that starts with "para" (or "¶") must be one of these two forms (a range with an en dash or a
hyphen, its first number lower than its last); any other post-text ("p. 5", "ch. 2") is not a
locator and is left to sphinxcontrib-bibtex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litreview.core.errors import LitReviewError

_LOOKS_LIKE = re.compile(r"^\s*(?:para|¶)", re.IGNORECASE)
_SINGLE = re.compile(r"^para\. (?P<first>[1-9]\d*)$")
_RANGE = re.compile(r"^paras\. (?P<first>[1-9]\d*)[–-](?P<last>[1-9]\d*)$")


class LocatorError(LitReviewError):
    """A citation's paragraph locator is malformed, runs backwards or names a missing paragraph."""


@dataclass(frozen=True)
class Locator:
    """The paragraphs a citation points to: ``first`` to ``last`` (equal for one paragraph)."""

    first: int
    last: int
    written: str  # the post-text as the source writes it (what sphinxcontrib-bibtex prints)

    @property
    def numbers(self) -> range:
        return range(self.first, self.last + 1)

    def label(self) -> str:
        """How the locator reads: "para. 14", "paras. 3–5"."""
        return f"para. {self.first}" if self.first == self.last else f"paras. {self.first}–{self.last}"


def parse(post: str) -> Locator | None:
    """The locator in a citation's post-text; None if the post-text is not a paragraph locator.

    Raises :class:`LocatorError` (no location: the caller adds it) for a post-text that starts
    with "para" but is not "para. N" or "paras. N–M" with N < M.
    """
    if not _LOOKS_LIKE.match(post):
        return None
    text = post.strip()
    single = _SINGLE.match(text)
    if single:
        n = int(single["first"])
        return Locator(n, n, post)
    spread = _RANGE.match(text)
    if spread:
        first, last = int(spread["first"]), int(spread["last"])
        if last < first:
            raise LocatorError(f"locator {post!r} runs backwards: write 'paras. {last}–{first}'")
        if last == first:
            raise LocatorError(f"locator {post!r} names one paragraph: write 'para. {first}'")
        return Locator(first, last, post)
    raise LocatorError(
        f"malformed paragraph locator {post!r}: write 'para. 14' for one paragraph, 'paras. 3–5' for a range"
    )
