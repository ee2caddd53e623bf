"""COinS: an entry as an OpenURL 1.0 ContextObject (Z39.88-2004 KEV), which Zotero's connector imports."""

from __future__ import annotations

from urllib.parse import urlencode

from pybtex.database import Entry

from litreview.core import bib

BOOKS = frozenset({"book", "mvbook", "collection", "proceedings"})
BOOK_PARTS = frozenset({"inbook", "incollection", "inproceedings"})


def _kev_date(entry: Entry) -> str:
    try:
        issued = bib.issued(entry)
    except ValueError:  # reported once, with file and line, by the build and the citations lint
        return ""
    return issued[0].iso() if issued else ""


def coins(entry: Entry) -> str:
    """The text of a COinS span's ``title`` attribute for ``entry``."""
    kind = entry.type.lower()
    authors = bib.people(entry, "author")
    title = bib.field_text(entry, "title")
    if kind == "article":
        fmt, genre = "journal", "article"
        pairs = [("rft.atitle", title), ("rft.jtitle", bib.field_text(entry, "journal", "journaltitle"))]
        pairs += [
            ("rft.volume", bib.field_text(entry, "volume")),
            ("rft.issue", bib.field_text(entry, "issue", "number")),
        ]
    elif kind in BOOK_PARTS or kind in BOOKS:
        fmt, genre = "book", "bookitem" if kind in BOOK_PARTS else "book"
        if kind in BOOK_PARTS:
            pairs = [("rft.atitle", title), ("rft.btitle", bib.field_text(entry, "booktitle"))]
        else:
            pairs = [("rft.btitle", title)]
        pairs += [
            ("rft.pub", bib.field_text(entry, "publisher")),
            ("rft.place", bib.field_text(entry, "location", "address")),
        ]
    else:  # web pages, reports, documents: Dublin Core
        fmt, genre = "dc", ""
        pairs = [("rft.type", "webpage" if kind == "online" else kind), ("rft.title", title)]
        pairs += [("rft.publisher", bib.field_text(entry, "publisher", "organization", "institution"))]
        pairs += [("rft.source", bib.field_text(entry, "journal", "journaltitle", "howpublished"))]
    head = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}"), ("rft.genre", genre)]
    pairs = head + pairs
    if fmt == "dc":
        pairs += [("rft.creator", a.inverted) for a in authors]
    else:
        if authors and not authors[0].literal:
            pairs += [("rft.aulast", authors[0].family), ("rft.aufirst", authors[0].given)]
        pairs += [("rft.aucorp" if a.literal else "rft.au", a.inverted) for a in authors]
        pages = bib.raw_field(entry, "pages").replace("--", "-").split("-")
        pairs += [("rft.pages", "-".join(pages)), ("rft.spage", pages[0])]
        if len(pages) > 1:
            pairs += [("rft.epage", pages[-1])]
    pairs += [("rft.date", _kev_date(entry))]
    if bib.raw_field(entry, "doi"):
        pairs += [("rft_id", f"info:doi/{bib.raw_field(entry, 'doi')}")]
    if bib.raw_field(entry, "url"):
        pairs += [("rft_id", bib.raw_field(entry, "url"))]
    return urlencode([(k, v) for k, v in pairs if v])
