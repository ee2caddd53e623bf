"""refs.bib entries as CSL-JSON, the format Zotero, Mendeley, Pandoc and citeproc read.

Written to the CSL-JSON schema (CSL 1.0.1 variables and types, which every processor reads) and
to what citation styles print from it: an article number is ``number`` (APA prints "Article
04039"), a journal issue ``issue``, a report's number ``number`` with its kind in ``genre``; a web
page's site is its ``container-title``; "and others" ends a list of names rather than becoming a
person; languages are ISO 639-1 codes. The editors' verification record goes to ``annote``,
which citation styles do not print; the remarks a reader needs (``note``, ``addendum``) to
``note``. A work whose date or title is not known has no ``issued`` or ``title``: nothing is
made up for a style to print.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pybtex.database import BibliographyData, Entry

from litreview.core import bib, dates
from litreview.core.errors import CitingError

#: refs.bib entry types → CSL types. A @misc is a web page when it has an address, else a generic
#: "article" (CSL 1.0.1's type for a work that fits no other).
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
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
}
#: biblatex ``langid`` names → ISO 639-1 codes.
LANGUAGES = {"english": "en", "american": "en", "british": "en", "russian": "ru", "german": "de",
             "ngerman": "de", "french": "fr", "ukrainian": "uk"}  # fmt: skip


def csl_type(entry: Entry) -> str:
    kind = entry.type.lower()
    if kind in ("misc", "online"):
        return "webpage" if bib.raw_field(entry, "url") else "article"
    return CSL_TYPES.get(kind, "article")


def csl_names(entry: Entry, role: str) -> list[dict[str, str]]:
    """The people of one role as CSL names; BibTeX's "and others" is not a person."""
    return [name.csl() for name in bib.people(entry, role)]


def csl_item(key: str, entry: Entry) -> dict[str, Any]:
    """One bibliography entry as a CSL-JSON item; raise ValueError on a malformed date."""
    kind = entry.type.lower()
    ctype = csl_type(entry)
    item: dict[str, Any] = {"id": key, "type": ctype}

    def put(name: str, value: str) -> None:
        if value:
            item[name] = value

    put("title", bib.field_text(entry, "title"))
    for role in ("author", "editor", "translator"):
        people = csl_names(entry, role)
        if people:
            item[role] = people
    if ctype == "webpage":
        put("container-title", bib.field_text(entry, "howpublished", "organization"))
    elif kind in ("misc", "online"):
        put("genre", bib.field_text(entry, "howpublished"))
        put("publisher", bib.field_text(entry, "organization"))
    else:
        put("container-title", bib.field_text(entry, "journal", "journaltitle", "booktitle"))
    put("collection-title", bib.field_text(entry, "series"))
    put("volume", bib.field_text(entry, "volume"))
    if kind == "article":
        put("issue", bib.field_text(entry, "issue", "number"))
        put("number", bib.field_text(entry, "eid"))  # an article number
    else:
        put("number", bib.field_text(entry, "number"))
        put("genre", bib.field_text(entry, "type"))
    put("edition", bib.field_text(entry, "edition"))
    put("publisher", bib.field_text(entry, "publisher", "institution", "school"))
    put("publisher-place", bib.field_text(entry, "location", "address"))
    put("page", bib.field_text(entry, "pages").replace("–", "-"))
    put("ISBN", bib.raw_field(entry, "isbn"))
    put("ISSN", bib.raw_field(entry, "issn"))
    put("DOI", bib.raw_field(entry, "doi"))
    put("URL", bib.raw_field(entry, "url"))
    language = bib.raw_field(entry, "langid") or bib.raw_field(entry, "language")
    put("language", LANGUAGES.get(language.lower(), language))
    put("note", " ".join(p for p in (bib.field_text(entry, "note"), bib.field_text(entry, "addendum")) if p))
    put("annote", bib.field_text(entry, "annotation"))
    issued = bib.issued(entry)
    if issued:
        item["issued"] = {"date-parts": [d.parts for d in issued]}
    if bib.raw_field(entry, "urldate"):
        accessed = dates.parse_edtf(bib.raw_field(entry, "urldate"))
        item["accessed"] = {"date-parts": [d.parts for d in accessed]}
    return item


def csl_json(
    bibdata: BibliographyData, sources: Iterable[bib.BibSource] = (), keys: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The entries (all, or ``keys`` in their refs.bib order) as CSL-JSON; raise CitingError naming
    a bad entry's line."""
    wanted = None if keys is None else set(keys)
    items = []
    for key, entry in bibdata.entries.items():
        if wanted is not None and key not in wanted:
            continue
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
