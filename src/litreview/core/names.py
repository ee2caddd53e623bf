"""People and organisations, and lists of them in prose: one home for "A, B and C".

A :class:`Name` comes from a refs.bib person (pybtex) or a CITATION.cff person, and writes itself
the way each reader of it expects: in prose ("Sergei Stafeev"), inverted for catalogues and
Google Scholar ("Stafeev, Sergei"), as BibTeX ("Stafeev, Sergei") or as CSL-JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litreview.core.latex import latex_to_text


@dataclass(frozen=True)
class Name:
    """A person split into parts (CSL's family/given), or an organisation as one literal name."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    @classmethod
    def from_person(cls, person: Any) -> Name:
        """Split a pybtex ``Person``; a name wholly in braces (``{World Bank}``) is an organisation."""
        last = person.last_names
        alone = len(last) == 1 and not (person.first_names or person.middle_names or person.prelast_names)
        if alone and last[0].startswith("{") and last[0].endswith("}"):
            return cls(literal=latex_to_text(last[0]))
        return cls(
            family=latex_to_text(" ".join(last)),
            given=latex_to_text(" ".join(person.first_names + person.middle_names)),
            particle=latex_to_text(" ".join(person.prelast_names)),
            suffix=latex_to_text(" ".join(person.lineage_names)),
        )

    @classmethod
    def from_cff(cls, person: Mapping[str, Any]) -> Name:
        """A CITATION.cff person (``family-names``, ``given-names``…) or entity (``name``)."""
        if "name" in person:
            return cls(literal=str(person["name"]))
        return cls(
            family=str(person["family-names"]),
            given=str(person.get("given-names", "")),
            particle=str(person.get("name-particle", "")),
            suffix=str(person.get("name-suffix", "")),
        )

    @property
    def is_organisation(self) -> bool:
        return bool(self.literal)

    @property
    def surname(self) -> str:
        """The family name with its particle ("van der Berg"), or the organisation's name."""
        return self.literal or " ".join(p for p in (self.particle, self.family) if p)

    @property
    def display(self) -> str:
        """The name as a reader writes it: "Sergei Stafeev", "World Bank"."""
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.particle, self.family, self.suffix) if p)

    @property
    def inverted(self) -> str:
        """Family name first, the form Google Scholar and catalogues use: "Stafeev, Sergei"."""
        if self.literal:
            return self.literal
        return ", ".join(p for p in (self.surname, self.given, self.suffix) if p)

    @property
    def bibtex(self) -> str:
        """The name as a BibTeX field writes it: "von Last, Jr, First", organisations braced."""
        if self.literal:
            return "{" + self.literal + "}"
        return ", ".join(p for p in (self.surname, self.suffix, self.given) if p)

    def csl(self) -> dict[str, str]:
        """The name as a CSL-JSON name object."""
        if self.literal:
            return {"literal": self.literal}
        parts = {
            "family": self.family,
            "given": self.given,
            "non-dropping-particle": self.particle,
            "suffix": self.suffix,
        }
        return {k: v for k, v in parts.items() if v}


def prose_list(items: Sequence[str], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C" (no serial comma, as the book writes)."""
    items = [str(i) for i in items if str(i)]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def short_list(surnames: Sequence[str], conjunction: str = "&") -> str:
    """The short form of a list of makers, as an author–year citation or a figure's tag gives it:
    "Sear", "Ezdina and Dotsenko" (or "Ezdina & Dotsenko"), "Zhironkin et al."."""
    if len(surnames) <= 2:
        return f" {conjunction} ".join(surnames)
    return f"{surnames[0]} et al."
