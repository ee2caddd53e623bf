"""Dates as the book writes them: parsed from ISO 8601 / EDTF once, printed in one style.

refs.bib writes dates as biblatex does (ISO 8601-2, "EDTF"): ``2022-02-09``, ``2015-03``,
``2003``, a range ``2002/2003``, an open end ``2002/..``, unspecified digits ``XXXX`` (year not
known) or ``2022-XX``, and the qualifiers ``?`` and ``~``. Unknown parts are left out, never
guessed. Readers see "9 February 2022", "March 2015", "2002–2003"; machines get date-parts (CSL),
"2022/02/09" (Google Scholar) or "2022-02-09" (Dublin Core).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
#: BibTeX's three-letter month macros (and the first three letters of a month name).
MONTH_ABBREVIATIONS = {name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)}
NO_DATE = "n.d."
SEASONS = ("Spring", "Summer", "Fall", "Autumn", "Winter")
_NAMED = "|".join((*MONTHS, *SEASONS))
#: The hyphen between a span's two ends: two numbers ("2002-2003") or two named parts of a year
#: ("Fall-Winter", "January-March").
_SPAN = re.compile(rf"(?<=\d)-(?=\d)|\b(?P<first>{_NAMED})-(?=(?:{_NAMED})\b)")

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EDTF_PART = re.compile(r"^([\dX]{4})(?:-([\dX]{2})(?:-([\dX]{2}))?)?$")
_EDTF_ONE = r"[\dX]{4}(?:-[\dX]{2}(?:-[\dX]{2})?)?[?~%]?"
#: A whole EDTF value as refs.bib may write it: one date, or a range with an open or closed end.
EDTF = re.compile(rf"^(?:{_EDTF_ONE}(?:/(?:{_EDTF_ONE}|\.\.)?)?|(?:\.\.)?/{_EDTF_ONE})$")


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the source gives it: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"no month {self.month}")
        if self.day is not None and (self.month is None or not 1 <= self.day <= 31):
            raise ValueError(f"no day {self.day} in month {self.month}")

    @property
    def parts(self) -> list[int]:
        """CSL date-parts: [2022, 2, 9], [2015, 3] or [2003]."""
        return [p for p in (self.year, self.month, self.day) if p is not None]

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order; a bare year sorts before its months and days."""
        return (self.year, self.month or 0, self.day or 0)

    def iso(self) -> str:
        """2022-02-09, 2015-03 or 2003 (Dublin Core, COinS)."""
        return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(self.parts))

    def scholar(self) -> str:
        """2022/02/09, 2015/03 or 2003 (Google Scholar's ``citation_publication_date``)."""
        return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(self.parts))

    def __str__(self) -> str:
        """What a reader sees: "9 February 2022", "March 2015", "2003"."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    # where the date lies on a year axis (the timeline figure)
    @property
    def begin(self) -> float:
        if self.month is None:
            return float(self.year)
        return self.year + (self.month - 1) / 12 + ((self.day or 1) - 1) / 365

    @property
    def finish(self) -> float:
        if self.month is None:
            return self.year + 1.0
        return self.begin + (1 / 12 if self.day is None else 1 / 365)

    @property
    def middle(self) -> float:
        return (self.begin + self.finish) / 2


def parse_iso(value: str) -> PartialDate:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError for anything else."""
    match = _ISO.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    return PartialDate(year, month, day)  # type: ignore[arg-type]


def parse_edtf(value: str) -> list[PartialDate]:
    """The known dates of an EDTF value: one, two for a range, none for ``XXXX`` or an open end.

    Digits given as ``X`` end what is known (``2022-XX`` is the year 2022). ValueError if malformed.
    """
    value = value.strip()
    if not EDTF.match(value):
        raise ValueError(f"not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD, XXXX, ranges with /): {value!r}")
    dates = []
    for piece in value.split("/"):
        piece = piece.strip().rstrip("?~%")
        if piece in {"", ".."}:
            continue
        match = _EDTF_PART.match(piece)
        assert match is not None  # EDTF matched the whole value
        known: list[int] = []
        for group in match.groups():
            if group is None or "X" in group:
                break
            known.append(int(group))
        if known:
            dates.append(PartialDate(*known))
    return dates


def from_year_month(year: str, month: str = "") -> PartialDate | None:
    """BibTeX's ``year`` and ``month`` ("2008", "oct" or "10"); None when there is no year, or when
    the year says it is not known ("n.d.", which BibTeX styles print as it is)."""
    year = year.strip()
    if not year or year == NO_DATE:
        return None
    if not year.isdigit():
        raise ValueError(f"year is not a number: {year!r}")
    key = month.strip().lower()[:3]
    if not key:
        return PartialDate(int(year))
    number = int(key) if key.isdigit() else MONTH_ABBREVIATIONS.get(key)
    if number is None:
        raise ValueError(f"not a month: {month!r}")
    return PartialDate(int(year), number)


def span_dashes(label: str) -> str:
    """A printed span set with an en dash, as the book sets its own dates: "Fall-Winter
    2002-2003" → "Fall–Winter 2002–2003". A hyphen inside a word or a code ("1632-r") stays."""
    return _SPAN.sub(lambda m: f"{m['first'] or ''}–", label)


def span_text(dates: list[PartialDate]) -> str | None:
    """A date or range as a reader reads it ("2002–2003", "9 February 2022"); None if none known."""
    if not dates:
        return None
    return "–".join(str(d) for d in dates)


def iso_day_text(value: str) -> str:
    """An ISO day (an access date) in words: "2026-11-23" → "23 November 2026"; other text unchanged."""
    try:
        day = parse_iso(value)
    except ValueError:
        return value
    return str(day)
