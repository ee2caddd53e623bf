"""The PDF's index as a reader sees it: headings, their locators, subentries and cross-references.

Read from the index pages' text with its layout (``pdftotext -bbox-layout``): in each of the two
columns a heading starts at the column's edge, a subentry is indented (LaTeX's ``\\subitem``, 20pt)
and a wrapped line further (40pt), so which line belongs to which entry is what the page shows.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from support import fold_typography

XHTML = "{http://www.w3.org/1999/xhtml}"
MARGIN = 60  # pt: the running head sits above, the folio below
PAGE = r"(?:[ivxlc]+|\d+)(?:–\d+)?"
#: "Heading, 3, 5–7, see also X" → the heading, then what follows its first locator or "see".
ENTRY = re.compile(rf"^(?P<head>.+?)(?:, (?P<rest>(?:{PAGE}(?=,|$)|see ).*))?$")


@dataclass
class Entry:
    """One heading or subentry: its words, its pages and what it refers the reader to."""

    text: str
    pages: set[str] = field(default_factory=set)
    see: list[str] = field(default_factory=list)  # "see" targets
    see_also: list[str] = field(default_factory=list)
    subentries: list[Entry] = field(default_factory=list)

    @property
    def all_pages(self) -> set[str]:
        return self.pages.union(*(s.pages for s in self.subentries))


def _lines(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(column's left edge, x, y, text) of each printed line of one page (1-based), in reading order."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    root = ET.fromstring(out)
    sheet = next(root.iter(f"{XHTML}page"))
    width, height = float(sheet.get("width", "0")), float(sheet.get("height", "0"))
    lines = []
    for line in root.iter(f"{XHTML}line"):
        words = [w.text or "" for w in line.iter(f"{XHTML}word")]
        y = float(line.get("yMin", 0))
        if MARGIN < y < height - MARGIN:  # not the running head or the folio
            lines.append((float(line.get("xMin", 0)), y, " ".join(words)))
    columns = [[ln for ln in lines if (ln[0] < width / 2) == left] for left in (True, False)]
    found = []
    for column in columns:
        edge = min((x for x, _y, _t in column), default=0.0)
        found += [(edge, x, y, t) for x, y, t in sorted(column, key=lambda ln: ln[1])]
    return found


def _locators(entry: Entry, rest: str) -> None:
    rest = fold_typography(rest)
    locs, _, also = rest.partition("see also ")
    locs, _, see = locs.partition("see ")
    entry.pages |= {p for ref in re.findall(PAGE, locs.replace(",", " ")) for p in ref.split("–")}
    entry.see += [s.strip() for s in see.split(";") if s.strip()]
    entry.see_also += [s.strip() for s in also.split(";") if s.strip()]


def read_index(pdf: Path, first: int, last: int) -> list[Entry]:
    """The index printed on pages ``first``–``last`` (1-based): its headings in order."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending = ""  # an entry's text so far, before its wrapped lines are all read
    level = 0

    def close() -> None:
        nonlocal current
        if not pending:
            return
        match = ENTRY.match(fold_typography(pending))
        assert match, pending
        entry = Entry(match.group("head").rstrip(","))
        _locators(entry, match.group("rest") or "")
        if level == 0:
            entries.append(entry)
            current = entry
        elif current is not None:
            current.subentries.append(entry)

    for page in range(first, last + 1):
        lines = _lines(pdf, page)
        for edge, x, _y, text in lines:
            if re.fullmatch(r"[A-Z]|Index", text):  # a letter group's head, the index's title
                continue
            indent = x - edge
            if indent > 30:  # a wrapped line continues the entry (a word hyphenated at its end, joined)
                pending = pending[:-1] + text if re.search(r"[a-z]-$", pending) else f"{pending} {text}"
                continue
            close()
            pending, level = text, 0 if indent < 10 else 1
    close()
    return entries
