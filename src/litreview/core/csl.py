"""refs.bib entries as CSL-JSON, the format Zotero, Mendeley, Pandoc and citeproc read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pybtex.database import BibliographyData, Entry

from litreview.core import bib, dates
from litreview.core.errors import CitingError

# BibTeX/biblatex entry types → CSL types (https://docs.citationstyles.org/en/stable/specification.html#appendix-iii-types).
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "misc": "document",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}
# Plain-text fields copied one to one (BibTeX name → CSL name); the first present one wins.
CSL_TEXT_FIELDS = {
    "title": ("title",),
    "container-title": ("journal", "journaltitle", "booktitle"),
    "collection-title": ("series",),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "edition": ("edition",),
    "publisher": ("publisher", "institution", "school"),
    "publisher-place": ("location", "address"),
    "language": ("langid", "language"),
    "ISBN": ("isbn",),
    "ISSN": ("issn",),
    "abstract": ("abstract",),
    "note": ("note",),
}


def csl_item(key: str, entry: Entry) -> dict[str, Any]:
    """One bibliography entry as a CSL-JSON item; raise ValueError on a malformed date."""
    item: dict[str, Any] = {"id": key, "type": CSL_TYPES.get(entry.type.lower(), "document")}
    for csl_name, bib_names in CSL_TEXT_FIELDS.items():
        value = bib.field_text(entry, *bib_names)
        if value:
            item[csl_name] = value
    organization = bib.field_text(entry, "organization")
    if entry.type.lower() == "online" and "container-title" not in item and organization:
        item["container-title"] = organization  # the website's name
    elif "publisher" not in item and organization:
        item["publisher"] = organization
    if "container-title" not in item and bib.field_text(entry, "howpublished"):
        item["container-title"] = bib.field_text(entry, "howpublished")
    for role in ("author", "editor", "translator"):
        if bib.people(entry, role):
            item[role] = [n.csl() for n in bib.people(entry, role)]
    if bib.raw_field(entry, "pages"):
        item["page"] = bib.field_text(entry, "pages").replace("–", "-")
    if bib.raw_field(entry, "doi"):
        item["DOI"] = bib.raw_field(entry, "doi")
    if bib.raw_field(entry, "url"):
        item["URL"] = bib.raw_field(entry, "url")
    issued = bib.issued(entry)
    if issued:
        item["issued"] = {"date-parts": [d.parts for d in issued]}
    if bib.raw_field(entry, "urldate"):
        accessed = dates.parse_edtf(bib.raw_field(entry, "urldate"))
        item["accessed"] = {"date-parts": [d.parts for d in accessed]}
    return item


def csl_json(bibdata: BibliographyData, sources: Iterable[bib.BibSource] = ()) -> list[dict[str, Any]]:
    """Every entry as CSL-JSON, in refs.bib order; raise CitingError naming the bad entry's line."""
    items = []
    for key, entry in bibdata.entries.items():
        try:
            items.append(csl_item(key, entry))
        except (ValueError, KeyError) as exc:
            where: tuple[Path | None, int | None] = (None, None)
            for source in sources:
                if source.line(key):
                    where = (source.path, source.line(key))
                    break
            raise CitingError(f"entry '{key}': {exc}", *where) from exc
    return items
