"""A date printed on a line of its own, read as ISO, as precise as printed.

The shapes sites print: "Published 14 March 2021", "Jun 7, 2020", "October 2019", "03.11.2021"
(day.month.year), "3 ноября 2021", "Posted 2020-07-15", each optionally after a word saying what
the date is ("Published", "Posted on", "Updated:", "Опубликовано"). A line with more than a date
on it is not a date line: a sentence that mentions a date is the article's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def numbered(names: str) -> dict[str, int]:
    """The twelve month names, in calendar order, each with its number."""
    return {name: n for n, name in enumerate(names.split(), 1)}


MONTHS = {
    # English, full and abbreviated
    **numbered("january february march april may june july august september october november december"),
    **numbered("jan feb mar apr may jun jul aug sep oct nov dec"),
    "sept": 9,
    # Russian: the genitive of a day's date ("3 ноября") and the nominative of a month ("ноябрь 2021")
    **numbered("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
    **numbered("январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"),
}
LEAD = re.compile(
    r"^(?:(?:first\s+)?(?:published|posted|updated|last updated|date|dated|опубликовано|дата публикации|"
    r"обновлено)(?:\s+on)?\s*:?\s*)",
    re.IGNORECASE,
)
MONTH = r"(?P<month>[^\W\d_]{3,9})\.?"
SHAPES = (
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})"),
    re.compile(rf"(?P<day>\d{{1,2}})\s+{MONTH},?\s+(?P<year>\d{{4}})(?:\s*(?:г\.|года))?"),
    re.compile(rf"{MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"),
    re.compile(rf"{MONTH},?\s+(?P<year>\d{{4}})(?:\s*(?:г\.|года))?"),
)
TIME = re.compile(r"\s*(?:,|at|в)?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class PrintedDate:
    iso: str  # "2021-03-14", "2019-10"
    year: str
    doubt: str = ""  # why the reading may be wrong, "" when the shape is unambiguous


def read_date_line(text: str) -> PrintedDate | None:
    """The date a line prints, when the line is only a date (and what it is), else None."""
    rest = TIME.sub("", LEAD.sub("", text.strip().strip("*_ ").rstrip(".")))
    for shape in SHAPES:
        m = shape.fullmatch(rest.strip())
        if not m:
            continue
        parts = m.groupdict()
        month = MONTHS.get(parts["month"].lower()) if parts.get("month") is not None else int(parts["mon"])
        if not month or not 1 <= month <= 12:
            continue
        year = parts["year"]
        if not 1500 <= int(year) <= 2100:
            continue
        day = parts.get("day")
        if day is None:
            return PrintedDate(f"{year}-{month:02d}", year)
        if not 1 <= int(day) <= 31:
            continue
        doubt = ""
        if shape is SHAPES[1] and int(day) <= 12:
            doubt = f"{m.group(0)} read as day.month.year, as Russian and most European sites print it"
        return PrintedDate(f"{year}-{month:02d}-{int(day):02d}", year, doubt)
    return None
