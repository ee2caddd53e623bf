"""The review as the editors mean it to be (the book's content, not the code): a synthesis that
argues from the articles' own words. An editor reshaping the review meets these here.
"""

from __future__ import annotations

from review_support import QUOTE_RE, REVIEW_PAGES, paragraphs


def test_the_review_quotes_the_articles() -> None:
    quotes = [q for page in REVIEW_PAGES for _, para in paragraphs(page) for q in QUOTE_RE.findall(para)]
    assert len(quotes) >= 50  # the synthesis argues from the texts, not from memory
