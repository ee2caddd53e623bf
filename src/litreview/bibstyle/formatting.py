"""The book's formatting style (pybtex ``pybtex.style.formatting`` plugins ``litreview`` and
``litreview_printed``): unsrt, with titles as written, dates from ``date``, biblatex types.
"""

from __future__ import annotations

import re

from pybtex.database import Entry
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import (
    Node,
    first_of,
    href,
    join,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from pybtex.style.template import field as bibfield

from litreview.bibstyle.nodes import date_or_nd, urldate


def _ordinal(number: str) -> str:
    if not number.isdigit():
        return number
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dashify(text: Text) -> Text:
    """Page ranges with an en dash, as unsrt does."""
    return Text(Symbol("ndash")).join(text.split(re.compile(r"-+")))


pages = bibfield("pages", apply_func=dashify)


class Style(UnsrtStyle):
    """unsrt, but titles as written, dates from ``date``, volume without pages, web items with
    "accessed", DOIs as https links, notes everywhere, and biblatex types (online, collection, report).
    """

    default_label_style = "litreview"
    default_sorting_style = "litreview"

    def format_title(self, e: Entry, which_field: str, as_sentence: bool = True) -> Node:
        title = bibfield(which_field)  # no sentence-casing: "России" keeps its capital
        return sentence[title] if as_sentence else title

    def format_edition(self, e: Entry) -> Node:
        return optional[words[bibfield("edition", apply_func=lambda t: Text(_ordinal(str(t)))), "edition"]]

    def format_volume_and_pages(self, e: Entry) -> Node | None:
        """48(2):657–681, 174:04039, 2:32, 10(2):1877, no. 8: pages 23–27, or volume alone."""
        fields = e.fields
        volume = None
        if "volume" in fields:
            volume = join[bibfield("volume"), optional["(", bibfield("number"), ")"]]
        elif "number" in fields:
            volume = words["no.", bibfield("number")]
        where = pages if "pages" in fields else bibfield("eid") if "eid" in fields else None
        if volume is not None and where is not None:
            sep = ", pages " if "volume" not in fields else ":"
            return join[volume, sep, where]
        if volume is not None:
            return volume
        if where is not None:
            return words["pages", where]
        return None

    def get_article_template(self, e: Entry) -> Node:
        when = bibfield("issue") if "issue" in e.fields else date_or_nd
        volume_and_pages = self.format_volume_and_pages(e)
        venue = [tag("em")[bibfield("journal")], *([volume_and_pages] if volume_and_pages else []), when]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[venue],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_book_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_author_or_editor(e),
            self.format_btitle(e, "title"),
            self.format_volume_and_series(e),
            sentence[
                optional_field("publisher"),
                optional_field("address"),
                self.format_edition(e),
                date_or_nd,
            ],
            optional[sentence[self.format_isbn(e)]],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_collection_template(self, e: Entry) -> Node:
        return self.get_book_template(e)

    def get_incollection_template(self, e: Entry) -> Node:
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            words[
                "In",
                sentence[
                    optional[self.format_editor(e, as_sentence=False)],
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    self.format_chapter_and_pages(e),
                ],
            ],
            sentence[optional_field("publisher"), optional_field("address"), date_or_nd],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_techreport_template(self, e: Entry) -> Node:
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            sentence[
                words[first_of[optional_field("type"), "Technical Report"], optional_field("number")],
                bibfield("institution"),
                optional_field("address"),
                date_or_nd,
            ],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_report_template(self, e: Entry) -> Node:
        return self.get_techreport_template(e)

    def get_misc_template(self, e: Entry) -> Node:
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[optional_field("howpublished"), optional_field("organization"), date_or_nd],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_online_template(self, e: Entry) -> Node:
        return self.get_misc_template(e)

    def format_web_refs(self, e: Entry) -> Node:
        return sentence[
            optional[self.format_url(e), optional[" (", urldate, ")"]],
            optional[self.format_doi(e)],
        ]

    def format_url(self, e: Entry) -> Node:
        url = bibfield("url", raw=True)
        return href(url)[url]

    def format_doi(self, e: Entry) -> Node:
        url = join["https://doi.org/", bibfield("doi", raw=True)]
        return href(url)[url]


class PrintedStyle(Style):
    """The same entries in citation order: sphinxcontrib-bibtex hands a bibliography's entries to
    the style in the order the documents cite them, and this style keeps that order.
    """

    default_sorting_style = "litreview_printed"
