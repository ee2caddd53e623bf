"""The author-year citation style for sphinxcontrib-bibtex (``sphinxcontrib.bibtex.style.referencing``
plugin ``litreview``): {cite:t} "Rogers (2003)", {cite:p} "(Rogers 2003)", organisations for
corporate or anonymous works, "n.d." without a year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pybtex.richtext import Text
from pybtex.style.template import Node, join, node, tag
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference
from sphinxcontrib.bibtex.style.template import names as cite_names

from litreview.bibstyle.template import field as bibfield
from litreview.bibstyle.template import year_or_nd
from litreview.core import bib


@node
def author_or_maker(children, data, **kwargs):
    """Citation name: authors, else editors, else organization/institution, else the title."""
    assert not children
    entry = data["entry"]
    found = bib.maker_field(entry, ("title",))
    if found in bib.MAKER_ROLES:
        return cite_names(found, **kwargs).format_data(data)
    if found == "title":
        return tag("em")[bibfield("title")].format_data(data)
    if found:
        return bibfield(found).format_data(data)
    return Text(entry.key)


@dataclass
class MakerPersonStyle(PersonStyle):
    """Person style whose fallback for works without persons is the organisation, then the title."""

    def author_or_editor_or_title(self, full: bool) -> Node:
        return author_or_maker(
            sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other
        )


@dataclass
class ParentheticalStyle(BasicAuthorYearParentheticalReferenceStyle):
    """(Rogers 2003), with the year read from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                join(sep=self.author_year_sep)[
                    self.person.author_or_editor_or_title(full="s" in role_name), year_or_nd
                ]
            ],
            post_text,
        ]


@dataclass
class TextualStyle(BasicAuthorYearTextualReferenceStyle):
    """Rogers (2003), with the year read from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    pre_text, reference[year_or_nd], post_text
                ],
                self.bracket.right,
            ],
        ]


@dataclass
class YearStyle(ExtraYearReferenceStyle):
    """{cite:year}: the year from ``year`` or ``date``."""

    def inner(self, role_name: str) -> Node:
        return reference[year_or_nd]


def _round(sep: str = ", ") -> BracketStyle:
    return BracketStyle(left="(", right=")", sep=sep)


@dataclass
class ReferenceStyle(AuthorYearReferenceStyle):
    """Author-year in round brackets, no comma: {cite:t} "Rogers (2003)", {cite:p} "(Rogers 2003)",
    several works "(Rogers 2003; Negroponte 1995)"; "n.d." without a year; organisations for
    corporate or anonymous works ("Free Russia Institute (2022)").
    """

    bracket_textual: BracketStyle = field(default_factory=lambda: _round())
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: _round("; "))
    bracket_author: BracketStyle = field(default_factory=lambda: _round())
    bracket_label: BracketStyle = field(default_factory=lambda: _round("; "))
    bracket_year: BracketStyle = field(default_factory=lambda: _round())
    person: PersonStyle = field(default_factory=MakerPersonStyle)
    author_year_sep: str = " "

    def __post_init__(self) -> None:
        self.styles.extend(
            [
                ParentheticalStyle(
                    bracket=self.bracket_parenthetical,
                    person=self.person,
                    author_year_sep=self.author_year_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                TextualStyle(
                    bracket=self.bracket_textual,
                    person=self.person,
                    text_reference_sep=self.text_reference_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket_label),
                YearStyle(bracket=self.bracket_year),
                ExtraEmptyReferenceStyle(),
            ]
        )
        # GroupReferenceStyle's __post_init__ maps role names to the styles just listed; calling
        # AuthorYearReferenceStyle's would add its stock styles a second time.
        super(AuthorYearReferenceStyle, self).__post_init__()
