"""The review's timeline data: dated events the articles mention, read from one YAML file.

The data (``book/review/timeline.yaml``) is the one home of the events. Each event records the
article whose words date it (``dated_by``, with those words as ``evidence``) and every article
that mentions it (``mentioned_by``): either a list of keys or, better, a mapping from each key to
the words in that article that mention the event, so that a reader (and a test) can check every
attribution against the text. :func:`load_events` checks the file and says where it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.core import yamlfile
from litreview.core.dates import PartialDate, parse_iso
from litreview.core.errors import TimelineError

KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (legend label, colour from the colour-blind-safe Okabe–Ito palette, marker shape). The
    # shape tells the kinds apart where colour does not (a black-and-white print, a grey e-reader).
    "programme": ("Programme, law or platform", "#0072B2", "s"),
    "target": ("Target, forecast or announcement", "#56B4E9", "o"),
    "measure": ("Ranking, statistic or funding", "#009E73", "^"),
    "politics": ("Politics and protest", "#D55E00", "D"),
    "war-emigration": ("War and emigration", "#CC79A7", "v"),
    "publication": ("Publication or concept", "#E69F00", "P"),
}
#: Kinds drawn hollow: what was announced or forecast, not what happened.
HOLLOW = frozenset({"target"})
REQUIRED = ("date", "label", "kind", "dated_by", "evidence", "mentioned_by")


@dataclass(frozen=True)
class Event:
    """One dated event and the articles that mention it."""

    start: PartialDate
    end: PartialDate | None
    label: str
    kind: str
    dated_by: str
    evidence: tuple[str, ...]  # the dated_by article's words that give the date
    mentioned_by: tuple[str, ...]  # every article that mentions the event, dated_by among them
    words: dict[str, tuple[str, ...]]  # per mentioning article, its words about the event (may be empty)
    also_cite: tuple[str, ...]
    note: str
    line: int

    @property
    def when(self) -> str:
        """The date or period as the table prints it."""
        if self.end is None:
            return str(self.start)
        sep = "–" if self.start.month is None and self.end.month is None else " – "
        return f"{self.start}{sep}{self.end}"


def _date(value: Any, path: Path, line: int) -> PartialDate:
    try:
        return parse_iso(str(value))
    except ValueError as err:
        raise TimelineError(f"date {value!r}: {err}", path, line) from None


def _strings(value: Any, field: str, kind: str, path: Path, line: int) -> tuple[str, ...]:
    """A string or a list of non-empty strings, as a tuple; else "FIELD must be a list of KIND"."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TimelineError(f"{field} must be a list of {kind}", path, line)
    return tuple(value)


WORDS, KEYS = "quoted words", "refs.bib keys"


def _mentions(value: Any, path: Path, line: int) -> dict[str, tuple[str, ...]]:
    """``mentioned_by``: a list of keys, or a mapping key → that article's words."""
    if isinstance(value, dict):
        return {
            str(key): _strings(words, f"mentioned_by.{key}", WORDS, path, line) if words else ()
            for key, words in value.items()
        }
    return dict.fromkeys(_strings(value, "mentioned_by", KEYS, path, line), ())


def load_events(path: Path) -> list[Event]:
    """Read and check the timeline file; events come back sorted by year (file order within a year)."""
    path = Path(path)
    root, data = yamlfile.read(path, TimelineError, "timeline data")
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise TimelineError("expected a mapping with a list under 'events'", path, 1)
    items = next(v for k, v in root.value if k.value == "events").value
    events = []
    for raw, node in zip(data["events"], items, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(raw, dict):
            raise TimelineError("an event must be a mapping", path, line)
        missing = [f for f in REQUIRED if not raw.get(f)]
        if missing:
            raise TimelineError(f"event lacks {', '.join(missing)}", path, line)
        if raw["kind"] not in KINDS:
            raise TimelineError(f"kind {raw['kind']!r} is not one of {', '.join(KINDS)}", path, line)
        words = _mentions(raw["mentioned_by"], path, line)
        if raw["dated_by"] not in words:
            raise TimelineError(f"dated_by {raw['dated_by']!r} is not among mentioned_by", path, line)
        evidence = _strings(raw["evidence"], "evidence", WORDS, path, line)
        words[raw["dated_by"]] = tuple(dict.fromkeys((*evidence, *words[raw["dated_by"]])))
        start = _date(raw["date"], path, line)
        end = _date(raw["end"], path, line) if raw.get("end") else None
        if end is not None and end.sort_key < start.sort_key:
            raise TimelineError("end is before date", path, line)
        events.append(
            Event(start, end, str(raw["label"]), raw["kind"], raw["dated_by"], evidence, tuple(words), words,
                  _strings(raw.get("also_cite", []), "also_cite", KEYS, path, line),
                  " ".join(str(raw.get("note", "")).split()), line)
        )  # fmt: skip
    return sorted(events, key=lambda e: (e.start.year, e.line))
