"""The book's timeline data against its sources (content, not code): every event dated by the words
of an article that mentions it, every article a row names shown to mention it in its own words, and
no article mentioning as past what happened after it was published.

These check book/review/timeline.yaml, the seeds and refs.bib as an editor leaves them; the code that
reads and draws the timeline is tested in tests/test_timeline.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
import yaml
from pybtex.database import parse_file

from litreview.core.seeds import load_all
from litreview.review import timeline
from review_support import BOOK, QUOTE_RE, seed_texts
from support import ROOT, collapse_spaces

DATA = BOOK / "review" / "timeline.yaml"
ARTICLE_KEYS = {m.key for m in load_all(ROOT / "seeds")}
EVENTS = timeline.load_events(DATA)
RAW_EVENTS: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["events"]


def test_the_timeline_has_the_events_the_articles_date() -> None:
    years = {e.start.year for e in EVENTS}
    assert {2002, 2011, 2012, 2014, 2016, 2017, 2019, 2020, 2021, 2022} <= years
    # every event is dated by an article; an article on no event is an editorial choice (a reminder, N002)
    assert {e.dated_by for e in EVENTS} <= ARTICLE_KEYS


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.start}-{e.label[:30]}")
def test_event_is_dated_by_the_words_of_an_article_that_mentions_it(event: timeline.Event) -> None:
    seeds = seed_texts()
    assert set(event.mentioned_by) <= ARTICLE_KEYS, (
        f"timeline.yaml:{event.line}: mentioned_by must be articles"
    )
    assert event.dated_by in event.mentioned_by
    text = seeds[event.dated_by]
    for words in event.evidence:
        assert collapse_spaces(words) in text, (
            f"timeline.yaml:{event.line}: not verbatim in {event.dated_by}: {words}"
        )
    evidence = " ".join(event.evidence)
    assert str(event.start.year) in evidence and str(event.start.year) in text
    if event.end is not None:
        assert str(event.end.year) in text


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.start}-{e.label[:30]}")
def test_quoted_words_in_labels_and_notes_are_the_articles(event: timeline.Event) -> None:
    seeds = seed_texts()
    for quote in QUOTE_RE.findall(f"{event.label} {event.note}"):
        assert any(collapse_spaces(quote) in seeds[k] for k in event.mentioned_by), (
            f"timeline.yaml:{event.line}: {quote}"
        )


def evidence_problems(raw: dict[str, Any], seeds: dict[str, str]) -> list[str]:
    """What is wrong with one event's "mentioned by" articles, read from the YAML and the seeds: each
    article must be given words of its own, and each of those words must be verbatim in its seed."""
    mentioned = raw.get("mentioned_by")
    if not isinstance(mentioned, dict):
        return [
            f"{raw['label']}: mentioned_by must map each article to the words in which it mentions the event"
        ]
    evidence = raw["evidence"] if isinstance(raw["evidence"], list) else [raw["evidence"]]
    problems = []
    for key, given in mentioned.items():
        words = [given] if isinstance(given, str) else list(given or [])
        if key == raw["dated_by"]:
            words = [*evidence, *words]
        if not words:
            problems.append(f"{raw['label']}: no words of {key} mention it")
        problems += [
            f"{raw['label']}: not verbatim in {key}: {w}"
            for w in words
            if collapse_spaces(str(w)) not in seeds.get(key, "")
        ]
    return problems


def _published() -> dict[str, dt.date | None]:
    """Each article's latest possible publication day, from refs.bib (None if undated)."""
    entries = parse_file(str(ROOT / "refs.bib"), bib_format="bibtex").entries
    days: dict[str, dt.date | None] = {}
    for key in ARTICLE_KEYS:
        date = str(entries[key].fields.get("date", "")).split("/")[-1]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            days[key] = dt.date.fromisoformat(date)
        elif re.fullmatch(r"\d{4}", date):
            days[key] = dt.date(int(date), 12, 31)
        else:
            days[key] = None
    return days


def chronology_problems(event: timeline.Event, published: dict[str, dt.date | None]) -> list[str]:
    """An article cannot mention as past what had not begun when it was published: an event (or the
    last part of a period) that starts after a dated article's publication may be in it only as a
    target, forecast or announcement."""
    last = event.end or event.start
    begins = dt.date(last.year, last.month or 1, last.day or 1)
    return [
        f"{event.label} ({event.when}): {key} was published on {published[key]}, before it"
        for key in event.mentioned_by
        if published.get(key) and begins > published[key] and event.kind != "target"  # type: ignore[operator]
    ]


@pytest.mark.parametrize("raw", RAW_EVENTS, ids=lambda r: f"{r['date']}-{str(r['label'])[:30]}")
def test_every_article_a_row_names_mentions_the_event_in_its_own_words(raw: dict[str, Any]) -> None:
    problems = evidence_problems(raw, seed_texts())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.start}-{e.label[:30]}")
def test_no_article_mentions_an_event_after_it_was_published(event: timeline.Event) -> None:
    problems = chronology_problems(event, _published())
    assert not problems, "\n".join(problems)


def test_the_evidence_checks_can_fail() -> None:
    seeds = seed_texts()
    emigration = next(r for r in RAW_EVENTS if r["label"].startswith("Emigration of IT specialists"))
    # Issue 14, item 1: the essay of 9 February 2022 listed as mentioning the departures of 2022.
    essay_words = "the emigration’s pace has by now sped up"
    wrong = {
        **emigration,
        "mentioned_by": {**emigration["mentioned_by"], "erofeev2022learning": [essay_words]},
    }
    assert not evidence_problems(wrong, seeds)  # the words are the essay's own ...
    event = next(e for e in EVENTS if e.label == emigration["label"])
    wrong_event = dataclasses.replace(event, mentioned_by=(*event.mentioned_by, "erofeev2022learning"))
    assert chronology_problems(wrong_event, _published())  # ... but it was published before the departures
    assert evidence_problems(
        {**emigration, "mentioned_by": ["khumaryanndrussia", "erofeev2022learning"]}, seeds
    )
    no_words = {**emigration, "mentioned_by": {**emigration["mentioned_by"], "erofeev2022learning": []}}
    assert evidence_problems(no_words, seeds)
    invented = {
        **emigration,
        "mentioned_by": {"khumaryanndrussia": ["100,000 IT specialists left in March 2022"]},
    }
    assert evidence_problems(invented, seeds)
