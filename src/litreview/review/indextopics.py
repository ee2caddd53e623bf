"""The book's index: the topics it discusses and the spellings a reader may look them up by.

The data (``book/index-topics.yaml``) is the one home of the index's headings. Each topic has one
``heading``; the ``words`` that mark where the book discusses it (found whole, any case, unless the
topic says ``case: exact``); the variant spellings a reader may look up instead (``see``: each
prints "Variant, see Heading"); and related headings (``also``: "see also"). ``names`` gives
variant spellings of people's names (a transliteration, a spelling in a source) the same way.
:func:`load_index_topics` checks the file and says where it is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from litreview.core import yamlfile
from litreview.core.errors import IndexTopicsError

FIELDS = {"heading", "words", "see", "also", "case", "line"}


@dataclass(frozen=True)
class Topic:
    """One heading of the index and how the book's text names it."""

    heading: str
    words: tuple[str, ...]
    see: tuple[str, ...]  # variant spellings: "Variant, see Heading"
    also: tuple[str, ...]  # related headings: "see also"
    exact_case: bool
    line: int


@dataclass(frozen=True)
class IndexTopics:
    """The topics and the name variants, with one pattern that finds any topic's words."""

    topics: tuple[Topic, ...]
    names: tuple[Topic, ...]

    def pattern(self) -> re.Pattern[str] | None:
        """All topics' words as one pattern, the longest first, each a whole word (group per word)."""
        words = sorted({w for t in self.topics for w in t.words}, key=lambda w: (-len(w), w))
        if not words:
            return None
        return re.compile("|".join(rf"(?<![\w‐-])({_word(w)})(?![\w‐-])" for w in words), re.IGNORECASE)

    def topic_of(self, found: str) -> Topic | None:
        """The topic whose words include ``found`` (as the text spells it)."""
        spelled = " ".join(found.split())
        for topic in self.topics:
            for word in topic.words:
                same = spelled == word if topic.exact_case else fold(found) == fold(word)
                if same:
                    return topic
        return None

    def topic_named(self, text: str) -> Topic | None:
        """The topic whose heading, word or variant is ``text``, any case (a glossary term linked)."""
        folded = fold(text)
        for topic in self.topics:
            if folded in {fold(v) for v in (topic.heading, *topic.words, *topic.see)}:
                return topic
        return None


def fold(text: str) -> str:
    return " ".join(text.replace("‐", "-").replace("’", "'").split()).casefold()


def _word(word: str) -> str:
    """A word as a pattern: its spaces match any white space, its hyphen either hyphen."""
    parts = [re.escape(p) for p in word.split()]
    return r"\s+".join(parts).replace(r"\-", "[-‐]").replace("'", "['’]")


def _strings(value: Any, field: str, path: Path, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise IndexTopicsError(f"{field} must be a list of non-empty strings", path, line)
    return tuple(" ".join(v.split()) for v in value)


def _entries(data: dict[str, Any], root: yaml.Node, section: str, path: Path) -> list[Topic]:
    raw_items = data.get(section) or []
    if not isinstance(raw_items, list):
        raise IndexTopicsError(f"'{section}' must be a list", path, 1)
    nodes: list[yaml.Node] = next((v.value for k, v in root.value if k.value == section), [])
    found = []
    for raw, node in zip(raw_items, nodes, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(raw, dict) or not isinstance(raw.get("heading"), str) or not raw["heading"].strip():
            raise IndexTopicsError("an entry must be a mapping with a heading", path, line)
        unknown = set(raw) - FIELDS
        if unknown:
            raise IndexTopicsError(f"unknown field(s): {', '.join(sorted(unknown))}", path, line)
        if raw.get("case", "any") not in ("any", "exact"):
            raise IndexTopicsError("case must be 'any' or 'exact'", path, line)
        if section == "names" and raw.get("words"):
            raise IndexTopicsError("a name has no words: it is found where its work is cited", path, line)
        found.append(
            Topic(" ".join(raw["heading"].split()), _strings(raw.get("words"), "words", path, line),
                  _strings(raw.get("see"), "see", path, line), _strings(raw.get("also"), "also", path, line),
                  raw.get("case") == "exact", line)
        )  # fmt: skip
    return found


def load_index_topics(path: Path) -> IndexTopics:
    """Read and check the index topics: one heading once, a word or a variant for one heading only,
    every "see also" naming a heading of the file."""
    path = Path(path)
    root, data = yamlfile.read(path, IndexTopicsError, "the index topics")
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or root is None:
        raise IndexTopicsError("expected a mapping with a list under 'topics'", path, 1)
    topics = _entries(data, root, "topics", path)
    names = _entries(data, root, "names", path)
    owner: dict[str, Topic] = {}
    for topic in (*topics, *names):
        for spelling in (topic.heading, *topic.words, *topic.see):
            other = owner.setdefault(fold(spelling), topic)
            if other.heading != topic.heading or (spelling == topic.heading and other is not topic):
                raise IndexTopicsError(
                    f"{spelling!r} is given for {other.heading!r} (line {other.line}) too", path, topic.line
                )
    headings = {t.heading for t in (*topics, *names)}
    for topic in topics:
        if not topic.words:
            raise IndexTopicsError(f"topic {topic.heading!r} has no words to find it by", path, topic.line)
        missing = [h for h in topic.also if h not in headings]
        if missing:
            raise IndexTopicsError(
                f"'also' names no heading of this file: {', '.join(missing)}", path, topic.line
            )
    return IndexTopics(tuple(topics), tuple(names))
