"""RIS, the format EndNote, Mendeley and Zotero all import: written with rispy from the CSL-JSON
items (:mod:`litreview.core.csl`), so the two exports say the same thing about every work."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rispy

#: CSL types → RIS reference types.
RIS_TYPES = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "webpage": "ELEC",
    "paper-conference": "CPAPER",
    "thesis": "THES",
    "manuscript": "UNPB",
    "pamphlet": "PAMP",
    "patent": "PAT",
    "dataset": "DATA",
}


def _name(name: dict[str, str]) -> str:
    """RIS writes a person "Family, Given" and an organisation as its name."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    return ", ".join(p for p in (family, name.get("given", ""), name.get("suffix", "")) if p)


def ris_record(item: dict[str, Any]) -> dict[str, Any]:
    """One CSL-JSON item as a rispy record."""
    record: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(item["type"], "GEN"), "id": item["id"]}

    def put(name: str, value: Any) -> None:
        if value:
            record[name] = value

    put("authors", [_name(n) for n in item.get("author", [])])
    put("secondary_authors", [_name(n) for n in item.get("editor", [])])
    put("title", item.get("title"))
    put("secondary_title", item.get("container-title"))
    put("tertiary_title", item.get("collection-title"))
    issued = item.get("issued", {}).get("date-parts", [])
    if issued:
        first = issued[0]
        put("year", str(first[0]))
        put("date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(first)))
    put("volume", item.get("volume"))
    put("number", item.get("issue") or item.get("number"))
    page = item.get("page", "")
    if page:
        start, _, end = page.partition("-")
        put("start_page", start)
        put("end_page", end)
    elif item["type"] == "article-journal":
        put("start_page", item.get("number"))  # an article number stands in for the first page
    put("edition", item.get("edition"))
    put("publisher", item.get("publisher"))
    put("place_published", item.get("publisher-place"))
    put("issn", item.get("ISBN") or item.get("ISSN"))
    put("doi", item.get("DOI"))
    put("urls", [item["URL"]] if item.get("URL") else [])
    put("language", item.get("language"))
    put("type_of_work", item.get("genre"))
    put("notes", [n for n in (item.get("note"), item.get("annote")) if n])
    return record


class RisWriter(rispy.RisWriter):
    """rispy's writer without its numbered header line before each record ("1."), which is not RIS
    and which some importers read as part of the previous record."""

    def set_header(self, count: int) -> str:
        return ""


def ris_text(items: Iterable[dict[str, Any]]) -> str:
    """The items as one RIS file."""
    return rispy.dumps([ris_record(item) for item in items], implementation=RisWriter)
