"""The book's formatting style (pybtex ``pybtex.style.formatting`` plugins ``litreview`` and
``litreview_printed``): author–year, so a reader matches "Rogers (2003)" in the text with
"Rogers, Everett M. (2003). *Diffusion of Innovations*." in the list by eye.

Each entry opens with its makers (the first inverted) and the year in brackets, with the same
"a"/"b" suffix the citations show ("Stafeev (2002a)") and "n.d." when the year is not known; then
the title as written (no title at all where none was found, never a placeholder), the venue and
numbers, the ``note`` and the ``addendum`` (remarks a reader needs), and the address. The editors'
verification record (``annotation``) is not printed here: the References page shows it beside
the entry (:mod:`litreview.sphinxext.citedin`).
"""

from __future__ import annotations

import re

from pybtex.database import Entry
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.template import (
    Node,
    first_of,
    href,
    join,
    node,
    optional,
    sentence,
    tag,
    words,
)

from litreview.bibstyle.template import field as bibfield
from litreview.bibstyle.template import fuller_date, optional_field, urldate, year_or_nd
from litreview.core import bib, dates
from litreview.core.names import prose_list
from litreview.core.typography import typographic


def _ordinal(number: str) -> str:
    if not number.isdigit():
        return number
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dashify(text: Text) -> Text:
    """Page ranges with an en dash."""
    return Text(Symbol("ndash")).join(text.split(re.compile(r"-+")))


pages = bibfield("pages", apply_func=dashify)


def editors_text(text: Text) -> Text:
    """A remark the editors wrote in ``refs.bib`` (a note, an addendum), set with typographic quotes."""
    return Text(typographic(str(text)))


def issue_label(text: Text) -> Text:
    """An issue's name with its spans set with an en dash ("Fall–Winter 2002–2003")."""
    return Text(dates.span_dashes(str(text)))


@node
def makers(children, data, role: str = "author"):
    """ "Ahmadov, Anar K. and Gwendolyn Sasse": the first name inverted (it files the entry), the
    others as written, "and others" as "et al."; editors of a book get "(eds.)"."""
    assert not children
    entry = data["entry"]
    names, others = bib.people(entry, role), bib.et_al(entry, role)
    if not names:
        return Text()
    shown = [names[0].inverted, *(n.display for n in names[1:])]
    text = prose_list(shown) + (" et al." if others else "")
    if role == "editor":
        text += " (ed.)" if len(names) == 1 and not others else " (eds.)"
    return Text(text)


@node
def editors_in(children, data):
    """ "edited by Leigh Keeble and Brian D. Loader" (for a chapter in a book)."""
    assert not children
    entry = data["entry"]
    people = bib.people(entry, "editor")
    if not people:
        return Text()
    names = prose_list([p.display for p in people]) + (" et al." if bib.et_al(entry, "editor") else "")
    return Text("edited by ", names)


def head(role: str = "author") -> Node:
    """The entry's head: its makers and the year in brackets, "Rogers, Everett M. (2003)."."""
    return sentence[join(sep=" ")[makers(role=role), join["(", year_or_nd, ")"]]]


class Style(BaseStyle):
    """Author–year entries for the book's References page (sorted by maker, then year and title)."""

    default_label_style = "litreview"
    default_sorting_style = "litreview"
    default_name_style = "plain"

    # -- pieces --------------------------------------------------------------------------------

    def format_head(self, e: Entry) -> Node:
        role = bib.maker_field(e)
        return head(role if role in bib.MAKER_ROLES else "author")

    def format_title(self, e: Entry, which_field: str = "title", italic: bool = False) -> Node:
        """The title as written (no sentence-casing: "России" keeps its capital); nothing if none."""
        title = bibfield(which_field)
        return optional[tag("em")[title] if italic else title]

    def format_volume_and_pages(self, e: Entry) -> Node | None:
        """48(2):657–681, 174:04039, 2:32, 10(2):1877, no. 8: pages 23–27, or volume alone."""
        fields = e.fields
        volume = None
        if "volume" in fields:
            volume = join[bibfield("volume"), optional["(", bibfield("number"), ")"]]
        elif str(fields.get("number", "")).isdigit():  # an issue number: "no. 8"
            volume = words["no.", bibfield("number")]
        elif "number" in fields:  # an issue's name: "Fall–Winter 2002–2003"
            volume = bibfield("number", apply_func=issue_label)
        where = pages if "pages" in fields else bibfield("eid") if "eid" in fields else None
        if volume is not None and where is not None:
            return join[volume, ", pages " if "volume" not in fields else ":", where]
        if volume is not None:
            return volume
        if where is not None:
            return words["pages", where]
        return None

    def format_remarks(self, e: Entry) -> Node:
        """The remarks a reader needs: ``note``, then ``addendum``."""
        note, addendum = (optional_field(name, apply_func=editors_text) for name in ("note", "addendum"))
        return sentence(add_period=True)[note, addendum]

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

    def format_isbn(self, e: Entry) -> Node:
        return optional[words["ISBN", bibfield("isbn")]]

    def format_edition(self, e: Entry) -> Node:
        return optional[words[bibfield("edition", apply_func=lambda t: Text(_ordinal(str(t)))), "edition"]]

    def format_publisher(self, e: Entry) -> Node:
        """ "New York: Free Press", "Free Press" or "Rockhampton, Australia"."""
        return first_of[
            optional[join(sep=": ")[bibfield("address"), bibfield("publisher")]],
            optional_field("publisher"),
            optional_field("address"),
        ]

    # -- entry types ---------------------------------------------------------------------------

    def get_article_template(self, e: Entry) -> Node:
        venue = [tag("em")[bibfield("journal")]]
        volume_and_pages = self.format_volume_and_pages(e)
        if volume_and_pages is not None:
            venue.append(volume_and_pages)
        return toplevel[
            self.format_head(e),
            sentence[self.format_title(e)] if "title" in e.fields else Text(),
            sentence[*venue, optional[fuller_date]],
            self.format_remarks(e),
            self.format_web_refs(e),
        ]

    def get_book_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_head(e),
            sentence[self.format_title(e, italic=True)],
            sentence[optional[self.format_edition(e)], optional[self.format_publisher(e)]],
            sentence[self.format_isbn(e)] if "isbn" in e.fields else Text(),
            self.format_remarks(e),
            self.format_web_refs(e),
        ]

    def get_incollection_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_head(e),
            sentence[self.format_title(e)],
            sentence[
                words["In", tag("em")[bibfield("booktitle")]],
                optional[editors_in],
                optional[words["pages", pages]],
            ],
            sentence[optional[self.format_publisher(e)]],
            self.format_remarks(e),
            self.format_web_refs(e),
        ]

    def get_techreport_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_head(e),
            sentence[self.format_title(e)],
            sentence[
                words[first_of[optional_field("type"), "Technical report"], optional_field("number")],
                bibfield("institution"),
                optional_field("address"),
                optional[fuller_date],
            ],
            sentence[self.format_isbn(e)] if "isbn" in e.fields else Text(),
            self.format_remarks(e),
            self.format_web_refs(e),
        ]

    def get_report_template(self, e: Entry) -> Node:
        return self.get_techreport_template(e)

    def get_misc_template(self, e: Entry) -> Node:
        return toplevel[
            self.format_head(e),
            sentence[self.format_title(e)] if "title" in e.fields else Text(),
            sentence[optional_field("howpublished"), optional_field("organization"), optional[fuller_date]],
            self.format_remarks(e),
            self.format_web_refs(e),
        ]

    def get_online_template(self, e: Entry) -> Node:
        return self.get_misc_template(e)

    def get_collection_template(self, e: Entry) -> Node:
        return self.get_book_template(e)


class PrintedStyle(Style):
    """The same entries in the order their article printed them (a chapter's "Works cited")."""

    default_sorting_style = "litreview_printed"
