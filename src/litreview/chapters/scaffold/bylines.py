"""Who wrote it: the people a byline names, in refs.bib form (surname, given names).

The shapes sites print: "By Name, role", "Name and Name", "Name, Name and Name", a name as a
profile link (``[Name](url)``) with a job line under it, a name alone on a line (Latin or
Cyrillic), "*Name*<sup>1</sup>, and *Name*". A role after the names ("health policy
correspondent") is not a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPLICIT = re.compile(
    r"^(?:(?:posted|written|words|text|story|reporting)\s+)?by:?\s+|^(?:автор[ыа]?|текст)\s*:?\s+",
    re.IGNORECASE,
)
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
#: Words in a site's, a publication's or an organisation's name, never in a person's.
ORGANISATION_WORDS = frozenset(
    [
        "review",
        "news",
        "daily",
        "weekly",
        "journal",
        "institute",
        "institution",
        "centre",
        "center",
        "forum",
        "ledger",
        "courier",
        "times",
        "post",
        "blog",
        "lab",
        "laboratory",
        "university",
        "ministry",
        "policy",
        "paper",
        "brief",
        "report",
        "herald",
        "gazette",
        "tribune",
        "press",
        "media",
        "digital",
        "online",
        "magazine",
        "bulletin",
        "observer",
        "monitor",
        "today",
        "world",
        "international",
        "group",
        "council",
        "foundation",
        "association",
        "society",
        "agency",
        "office",
        "service",
        "bank",
        "company",
        "research",
        "studies",
        "вестник",
        "новости",
        "журнал",
        "блог",
        "газета",
        "институт",
        "центр",
        "университет",
        "министерство",
    ]
)
TOKEN = re.compile(r"^[^\W\d_](?:[\w’'-]*[^\W\d_])?\.?$")
SPLIT_NAMES = re.compile(r",\s*(?:and|и)\s+|\s+(?:and|и)\s+|\s*&\s*|,\s*")
#: Endings of Russian surnames: "Смирнова Анна" is surname first, "Анна Смирнова" given name first.
RUSSIAN_SURNAME = re.compile(r"(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|ых|их|ко|юк|ук)$")


@dataclass(frozen=True)
class Byline:
    people: tuple[tuple[str, str], ...]  # (surname, given names)
    printed: tuple[str, ...]  # each name as printed
    how: str  # "by", "list", "link", "alone": how the line names them
    doubt: str = ""


def name_shaped(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or not all(TOKEN.match(t) and t[0].isupper() for t in tokens):
        return False
    if sum(1 for t in tokens if len(t.rstrip(".")) > 1) < 2:
        return False
    return not any(t.lower().strip(".’'") in ORGANISATION_WORDS for t in tokens)


def surname_and_given(name: str) -> tuple[tuple[str, str], str]:
    """(surname, given names) of a printed name, and why the order is a guess ("" when it is not)."""
    tokens = name.split()
    if re.search(r"[а-яё]", name, re.IGNORECASE):
        first, last = tokens[0], tokens[-1]
        if RUSSIAN_SURNAME.search(first.lower()) and not RUSSIAN_SURNAME.search(last.lower()):
            return (first, " ".join(tokens[1:])), f"{name}: read as surname first (its ending)"
        return (last, " ".join(tokens[:-1])), ""
    return (tokens[-1], " ".join(tokens[:-1])), ""


def read_byline(fmt: str, text: str) -> Byline | None:
    """The people a byline line names, or None when the line is not a byline."""
    text = re.sub(r"<sup>.*?</sup>", "", text.strip())
    how = ""
    if fmt == "markdown" or LINK.search(text):
        if LINK.fullmatch(text.strip("*_ ")):
            how = "link"
        text = LINK.sub(r"\1", text)
        text = re.sub(r"[*_\\]", "", text)
    explicit = EXPLICIT.match(text)
    if explicit:
        how, text = "by", text[explicit.end() :]
    text = text.strip().rstrip(".")
    if not text or re.search(r"\d", text) or len(text.split()) > 16:
        return None
    people: list[tuple[str, str]] = []
    printed: list[str] = []
    doubts: list[str] = []
    segments = [s.strip() for s in re.split(r",(?!\s*(?:and|и)\s)", text)]
    for i, segment in enumerate(segments):
        names = [p.strip() for p in SPLIT_NAMES.split(segment) if p.strip()]
        if names and all(name_shaped(n) for n in names):
            for name in names:
                person, doubt = surname_and_given(name)
                people.append(person)
                printed.append(name)
                if doubt:
                    doubts.append(doubt)
            continue
        if how == "by" and people and i > 0:
            break  # the role after the names: "By Anna Volkova, health policy correspondent"
        return None
    if not people:
        return None
    if not how:
        how = "list" if len(people) > 1 else "alone"
    if how == "alone" and len(printed[0].split()) > 3:
        return None
    if how == "alone":
        doubts.insert(0, "a name alone on a line, read as the byline")
    return Byline(tuple(people), tuple(printed), how, "; ".join(doubts))
