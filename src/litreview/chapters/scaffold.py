"""``litreview-new-article`` (``nox -s new-article``): draft a seed's metadata from its raw text.

``litreview-new-article seeds/NNN_name.txt`` reads the raw article and writes a draft
``seeds/NNN_name.toml`` for a person to review: a numbered preview of the seed's lines with what
the draft does with each; a proposed slug and key; the title, byline, body start and end it
guessed; the lines that look like site chrome (navigation, share and subscribe prompts, comments,
cookie banners, "Posted by", lists of recent posts…) as ``[[drop]]`` rules with a category and a
count each; a second printed copy of the article (``copies``); the repairs the text seems to need;
and a trailing reference or notes list as ``[[references]]`` with empty ``keys``. It records the
seed's SHA-256 in ``seeds/SHA256SUMS`` (the record of the seeds as received) and prints a refs.bib
stub for the article, marked unverified, with the title and authors only as the seed prints them.
It never overwrites a file.

Every guess is a heuristic read from the text alone, the same for every seed. What only a person
can know is left empty, and ``litreview-chapters`` refuses it with the line to fill in: the
article's ``key`` and ``genre``, and each printed reference's ``keys``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.chapters.markdown import LIST_ITEM, md_plain
from litreview.chapters.prepare import drop_matches
from litreview.core.errors import LitReviewError, SeedMetaError
from litreview.core.files import write_atomic, write_new
from litreview.core.seeds import SLUG_RE, DropRule, find_blocks, marker_lines, read_seed_lines

COMMAND = "litreview-new-article"
SEED_NAME = re.compile(r"^\d{3}_.+\.txt$")
SUMS = "SHA256SUMS"
TITLE_CATEGORY = "title as printed, shown once as the chapter title"
PREVIEW_WIDTH = 90
LISTING = "list of recent posts on the site"

# -- what a line looks like -----------------------------------------------------------------------

#: Site chrome: category -> the forms a whole stripped line may take (case-insensitive); first match wins.
CHROME_FORMS: dict[str, tuple[str, ...]] = {
    "cookie banner": (
        r".{0,300}\b(?:we use cookies|uses? cookies|accept (?:all )?cookies|cookie (?:policy|settings|"
        r"preferences|consent))\b.{0,300}",
    ),
    "comment form": (
        r"post a comment", r"leave a (?:comment|reply)", r"add a comment", r"\d+ comments?",
        r"comments?(?: \(\d+\))?:?", r"remember (?:personal info|me)\??",
        r"\*? ?denotes (?:a )?required fields?\.?", r"required fields are marked.{0,20}",
        r"your e-?mail address will not be published.{0,60}", r"(?:name|e-?mail|website|comment)\s*\*?:?",
        r"submit(?: comment)?",
    ),
    "share buttons": (
        r"share(?: (?:this|the))?(?: (?:post|article|page|story))?(?: (?:on|via) .{1,30})?[:.!]?",
        r"tweet(?: this)?", r"e-?mail this(?: \w+)?", r"print(?: this)?(?: page| article)?",
    ),
    "subscription prompt": (
        r"(?:subscribe|sign up|join our|get our)\b.{0,80}", r".{0,40}\bnewsletter\b.{0,40}",
    ),
    LISTING: (r"(?:recent|related|latest|popular|more|other|similar|trending) (?:posts|articles|stories|news|"
              r"reads|reading):?",),
    "site navigation (link to more posts by the author)": (r"more (?:from|by) .{1,60}",),
    "site navigation": (
        r".{0,40}\bmenu", r"skip to (?:the )?(?:main )?content", r"(?:main )?navigation", r"search",
        r"log ?in", r"sign in", r"back to top", r"(?:next|previous|older|newer) (?:post|article)s?", r"home",
    ),
    "post metadata": (r"posted (?:by|on|in)\b.{0,100}",),
    "page-break rule": (r"-{3,}", r"\*{3,}", r"_{3,}"),
    "number": (r"\d{1,7}",),  # a reaction count above the article, a page number inside it
}  # fmt: skip
CHROME = tuple(
    (category, re.compile("|".join(forms), re.IGNORECASE)) for category, forms in CHROME_FORMS.items()
)
BREADCRUMB = re.compile(r"^home\b.{2,200}$|^[^>»›]{1,60}(?:\s[>»›/|]\s[^>»›]{1,60}){2,}$", re.IGNORECASE)
DATE_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn|winter|issue|no|vol)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")
URL_LINE = re.compile(r"^<?https?://\S+>?$")
ITEM_PATTERNS = (r"(?P<label>\d+)\. (?P<text>.+)", r"\[(?P<label>\d+)\] (?P<text>.+)")
#: "Surname, I." or "Surname, I," opening a printed reference.
AUTHOR_FIRST = re.compile(r"^[^\W\d_][\w’'-]+,\s+(?:[^\W\d_]\.\s?)+|^[^\W\d_][\w’'-]+,\s+[^\W\d_],")
REFERENCE_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?P<name>references?|sources?|notes|endnotes|footnotes|bibliography|works cited|"
    r"literature|further reading|reading list)(?:\s*:\s*(?P<rest>.*)|\s*)$",
    re.IGNORECASE,
)
AUTHOR_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?(?:about the (?:authors?|writer|contributors?)|author bio(?:graphy)?|biography|"
    r"the authors?)\s*:?$",
    re.IGNORECASE,
)
AFFILIATION = re.compile(
    r"universit|institut|college|school|academy|department|faculty|laborator|centre|center|advis[eo]r|"
    r"professor|lecturer|researcher|fellow|director|editor|correspondent|consultant|analyst|scientist|"
    r"economist|sociologist|journalist|founder|futurist|ph\.?\s?d|\be-?mail\b|@",
    re.IGNORECASE,
)
GREETING = re.compile(r"^(?:dear|hi|hello|hey)\b[^.!?]{0,60}[,!:]?$", re.IGNORECASE)
POSTED_BY = re.compile(r"^posted by:\s*(?P<who>.+)$", re.IGNORECASE)
FIGURE = re.compile(r"^(?P<what>(?:fig\.|figure)\s*\d+)", re.IGNORECASE)
FOOTNOTE_MARK = re.compile(r"^(<sup>[^<]{1,6}</sup>|[†‡§¹²³⁴⁵⁶⁷⁸⁹])")
NUMBERED_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+\d+(?:\.\d+)*\.?\s+\S")
ATX_HEADING = re.compile(r"^#{1,6}\s+\S")
CLOSED = re.compile(r"[.!?:;,…]$")  # a line that ends a sentence or a clause: not a heading or a title
GLUED_AFTER = '.,;:!?)”"’»'  # what a note number printed glued to the text follows
STOPWORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "of", "in", "on", "at",
    "to", "for", "and", "or", "by", "with", "from", "how", "why", "what", "when", "where",
    "who", "whose", "which", "does", "do", "did", "can", "will", "its", "it", "this", "that",
    "these", "those", "as", "into", "towards", "toward", "about", "after", "before", "between",
    "over", "under",
})  # fmt: skip


def words(text: str) -> list[str]:
    return text.split()


def prefix(text: str, count: int = 6) -> str:
    """The stripped line up to the end of its ``count``-th word (the line's own spacing kept)."""
    stripped = text.strip()
    found = list(re.finditer(r"\S+", stripped))
    return stripped if len(found) <= count else stripped[: found[count - 1].end()]


def chrome_category(text: str) -> str | None:
    """The category of site chrome a stripped line looks like, or None."""
    if not text or len(words(text)) > (60 if "cookie" in text.lower() else 12):
        return None
    return next((category for category, pattern in CHROME if pattern.fullmatch(text)), None)


def is_date_line(text: str) -> bool:
    """A short line that is only a date or an issue label ("Fall-Winter 2002-2003", "12 March 2021")."""
    if not YEAR.search(text) or len(words(text)) > 6:
        return False
    return not re.sub(r"[\d\s,./–—-]+", "", DATE_WORDS.sub("", text))


def plain(fmt: str, text: str) -> str:
    """A line without its Markdown markup (a heading's hashes too)."""
    text = text.strip()
    if fmt != "markdown":
        return text
    return md_plain(fmt, re.sub(r"^#{1,6}\s+", "", text))


def names_in(fmt: str, text: str) -> list[str]:
    """The people a byline names ("by A B and C D", "*A B*<sup>1</sup>, and *C D*"), or []."""
    text = re.sub(r"<sup>.*?</sup>", "", text.strip())
    if fmt == "markdown":
        text = re.sub(r"[*_\\]", "", text)
    by = re.match(r"^by\s+(.+)$", text, re.IGNORECASE)
    text = by.group(1) if by else text
    if re.search(r"\d", text) or len(words(text)) > 12:
        return []
    people = [p.strip() for p in re.split(r",\s*and\s+|\s+and\s+|\s*&\s*|,\s*", text) if p.strip()]
    token = re.compile(r"^[^\W\d_][\w’'.-]*$")
    for person in people:
        tokens = person.split()
        if not 2 <= len(tokens) <= 4 or not all(token.match(t) and t[0].isupper() for t in tokens):
            return []
    return people


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def significant_words(title: str) -> list[str]:
    """The title's words that are not function words, as slug words ("Neo-Industrial" → "neo-industrial")."""
    found = []
    for word in re.findall(r"[\w’'-]+", title):
        if word.lower().strip("’'-") in STOPWORDS:
            continue
        slugged = "-".join(p for p in (ascii_word(w) for w in re.split(r"[-’']", word)) if p)
        if slugged:
            found.append(slugged)
    return found


def surname(person: str) -> str:
    return ascii_word(person.split()[-1]) if person.split() else ""


def item_match(text: str) -> re.Match[str] | None:
    return next((m for p in ITEM_PATTERNS if (m := re.fullmatch(p, text))), None)


def reference_like(text: str) -> bool:
    """A line that looks like one item of a printed reference list (a year or an address in it)."""
    if URL_LINE.match(text):
        return True
    m = item_match(text)
    body = m.group("text") if m else text
    return bool((m or AUTHOR_FIRST.match(text)) and (YEAR.search(body) or "http" in body))


def opens_lowercase(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return bool(first) and first.islower()


# -- the draft -------------------------------------------------------------------------------------


@dataclass
class Table:
    """One ``[[name]]`` table of the draft: its fields in order, and a comment above it."""

    name: str
    fields: dict[str, Any]
    comment: str = ""
    line: int = 0  # the seed line it is about (for ordering)


@dataclass
class Draft:
    """What the scaffold proposes for one seed."""

    seed: Path
    lines: list[str]
    fmt: str
    top: dict[str, Any]
    top_comments: dict[str, str]
    tables: list[Table]
    role: dict[int, str]  # seed line -> what the draft does with it
    title: str = ""
    title_line: int = 0
    authors: tuple[str, ...] = ()
    byline_line: int = 0
    printed_dates: tuple[tuple[int, str], ...] = ()

    @property
    def unaccounted(self) -> list[int]:
        return [n for n, r in sorted(self.role.items()) if r == "?"]


@dataclass
class _Reading:
    """The drafter's working state: what each line was found to be."""

    lines: list[str]
    fmt: str = "text"
    copy_lines: set[int] = field(default_factory=set)
    copies: int = 1
    chrome: dict[int, str] = field(default_factory=dict)
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    parts: dict[str, tuple[int, int]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    title: str = ""
    title_line: int = 0
    authors: list[str] = field(default_factory=list)
    byline_line: int = 0
    dates: list[tuple[int, str]] = field(default_factory=list)

    def text(self, n: int) -> str:
        return self.lines[n - 1].strip()

    @property
    def size(self) -> int:
        return len(self.lines)

    def content(self, numbers: Iterable[int]) -> list[int]:
        """Lines that may be the article's: not blank, chrome, a later printed copy or a comment."""
        comment = {n for s, e, _ in self.comments for n in range(s, e + 1)}
        return [
            n
            for n in numbers
            if self.text(n) and n not in self.chrome and n not in self.copy_lines and n not in comment
        ]


def repeated_run(lines: list[str]) -> tuple[int, int, list[int]] | None:
    """The longest run of lines the seed prints more than once: (first, last, first line of each copy).

    Only a run of three lines and a hundred words or more counts as a copy of the article.
    """
    where: dict[str, list[int]] = {}
    for n, line in enumerate(lines, 1):
        if line.strip():
            where.setdefault(line, []).append(n)
    best: tuple[int, int, int] | None = None  # (words, first, length)
    for positions in where.values():
        for i, a in enumerate(positions):
            for b in positions[i + 1 :]:
                if a > 1 and lines[a - 2] == lines[b - 2]:
                    continue  # inside a longer run
                length = 0
                while (
                    a + length < b
                    and b + length <= len(lines)
                    and lines[a + length - 1] == lines[b + length - 1]
                ):
                    length += 1
                size = sum(len(words(lines[a + k - 1])) for k in range(length))
                if best is None or size > best[0]:
                    best = (size, a, length)
    if best is None:
        return None
    size, first, length = best
    block = lines[first - 1 : first - 1 + length]
    while block and not block[-1].strip():
        block.pop()
    if size < 100 or sum(1 for line in block if line.strip()) < 3:
        return None
    starts: list[int] = []
    for n in range(1, len(lines) - len(block) + 2):
        if lines[n - 1 : n - 1 + len(block)] == block and (not starts or n >= starts[-1] + len(block)):
            starts.append(n)
    return first, first + len(block) - 1, starts


class Drafter:
    """Reads one seed, line by line, and proposes its metadata (:meth:`draft`)."""

    def __init__(self, seed: Path):
        self.seed = Path(seed)
        lines = read_seed_lines(self.seed)
        if lines and lines[-1] == "":
            lines = lines[:-1]
        self.r = _Reading(lines)

    def draft(self) -> Draft:
        r = self.r
        r.fmt = self._format()
        copy = repeated_run(r.lines)
        if copy:
            first, last, starts = copy
            for start in starts[1:]:
                r.copy_lines.update(range(start, start + last - first + 1))
            r.copies = len(starts)
        for n in range(1, r.size + 1):
            if n not in r.copy_lines and (category := chrome_category(r.text(n))):
                r.chrome[n] = category
        self._title()
        self._listings()
        front_last = self._byline()
        if copy:
            body_first, body_last = copy[0], copy[1]
        else:
            after = max(front_last, r.title_line)
            body_first = next((n for n in r.content(range(after + 1, r.size + 1)) if r.text(n) != r.title), 0)
            if not body_first:
                raise SeedMetaError("no line of the seed looks like the article's text", self.seed)
            body_last = 0
        for n, category in list(r.chrome.items()):
            if category == "number":
                r.chrome[n] = "reaction count" if n < body_first else "page number"
        self._comments(body_first)
        tail_end = self._author(body_last or body_first)
        refs = self._references(body_last or body_first, tail_end)
        if not body_last:
            ends = [x for x in (refs[0] if refs else 0, r.parts.get("author", (0, 0))[0]) if x]
            stop = min(ends) if ends else r.size + 1
            content = r.content(range(body_first, stop))
            body_last = content[-1] if content else body_first
        r.parts["body"] = (body_first, body_last)
        if r.copies > 1:
            r.options["body"] = {"copies": r.copies}
        return Builder(self.seed, r).build()

    # -- reading ------------------------------------------------------------------------------

    def _format(self) -> str:
        lines = [line.strip() for line in self.r.lines]
        headings = sum(1 for line in lines if ATX_HEADING.match(line))
        inline = sum(1 for line in lines if re.search(r"\*\*\S|<sup>|\]\((?:https?|mailto):", line))
        return "markdown" if headings >= 2 or (headings and inline) else "text"

    def _title(self) -> None:
        """The first short line of text; dates and breadcrumbs above it are chrome."""
        r = self.r
        content = r.content(range(1, r.size + 1))
        candidates = [n for n in content if not is_date_line(r.text(n)) and not BREADCRUMB.match(r.text(n))]
        if r.fmt == "markdown":
            candidates = [n for n in candidates if re.match(r"^#\s+\S", r.text(n))][:1] or candidates
        if candidates and len(words(r.text(candidates[0]))) <= 25:
            r.title_line, r.title = candidates[0], r.text(candidates[0])
        for n in range(1, r.title_line):
            text = r.text(n)
            if not text or n in r.copy_lines:
                continue
            if is_date_line(text):
                r.chrome[n] = "date as printed above the article"
                r.dates.append((n, text))
            elif BREADCRUMB.match(text) or (r.chrome.get(n) == "site navigation" and text.lower() == "home"):
                ends = bool(r.title) and plain(r.fmt, text).endswith(plain(r.fmt, r.title))
                r.chrome[n] = "breadcrumb navigation" + (", ending in the title" if ends else "")

    def _listings(self) -> None:
        """A "Recent posts" heading claims the short lines under it, and the same lines elsewhere."""
        r = self.r
        items: set[str] = set()
        for n in sorted(k for k, c in r.chrome.items() if c == LISTING):
            blanks = 0
            for m in range(n + 1, r.size + 1):
                text = r.text(m)
                if not text:
                    blanks += 1
                    if blanks >= 2:
                        break
                    continue
                blanks = 0
                closed = CLOSED.search(text.rstrip('”"’» '))
                if m in r.chrome or m in r.copy_lines or len(words(text)) > 15 or closed:
                    break
                items.add(text)
        for m in range(1, r.size + 1):
            if m not in r.copy_lines and r.text(m) in items:
                r.chrome[m] = LISTING

    def _byline(self) -> int:
        """The byline under the title, and the lines under it naming roles or affiliations: the front
        part. Returns its last line (0 when there is no byline)."""
        r = self.r
        if not r.title_line:
            return 0
        after = [n for n in r.content(range(r.title_line + 1, r.size + 1)) if r.text(n) != r.title]
        people = names_in(r.fmt, r.text(after[0])) if after else []
        if not people:
            return 0
        r.authors, r.byline_line = people, after[0]
        last = after[0]
        for n in after[1:]:
            if len(words(r.text(n))) > 20 or not AFFILIATION.search(r.text(n)):
                break
            last = n
        r.parts["front"] = (after[0], last)
        return last

    def _comments(self, body_first: int) -> None:
        """Readers' comments: each ends in its "Posted by:" line and starts at a greeting or after a gap."""
        r = self.r
        previous = body_first
        for n in range(body_first + 1, r.size + 1):
            m = POSTED_BY.match(r.text(n))
            if not m or n in r.copy_lines:
                continue
            start = 0
            for k in range(n - 1, previous, -1):
                if r.text(k) and (
                    GREETING.match(r.text(k)) or (k > 2 and not r.text(k - 1) and not r.text(k - 2))
                ):
                    start = k
                    break
            if not start:
                r.chrome[n] = "post metadata"
                continue
            year = YEAR.search(m.group("who"))
            r.comments.append(
                (start, n, "a reader’s comment" + (f" (posted in {year.group(0)})" if year else ""))
            )
            for k in range(start, n + 1):
                r.chrome.pop(k, None)
            previous = n

    def _author(self, after: int) -> int:
        """The author's note after the article: under a heading ("About the Author"), or the byline's
        name on a line of its own with the biography below it. Returns the article's last line."""
        r = self.r
        content = r.content(range(after + 1, r.size + 1))
        if not content:
            return after
        end = content[-1]
        for n in content:
            if AUTHOR_HEADING.match(r.text(n)):
                r.parts["author"] = (n, end)
                r.options["author"] = {"heading_line": True}
                return end
        names = set(r.authors)
        for n in content:
            if r.text(n) in names and n + 1 <= r.size and r.text(n + 1):
                last = n
                while last + 1 <= r.size and r.text(last + 1) and last + 1 not in r.chrome:
                    last += 1
                r.parts["author"] = (n, last)
                return end
        return end

    def _references(self, after: int, end: int) -> tuple[int, int] | None:
        """A reference or notes list after the body: under a heading, or a trailing run of items."""
        r = self.r
        stop = r.parts["author"][0] - 1 if "author" in r.parts else end
        content = r.content(range(after + 1, stop + 1))
        if not content:
            return None
        options: dict[str, Any] = {}
        heads = [n for n in content if (m := REFERENCE_HEADING.match(r.text(n))) and not m.group("rest")]
        inline = [
            n for n in content if (m := REFERENCE_HEADING.match(r.text(n))) and m.group("rest")
            and reference_like(m.group("rest"))
        ]  # fmt: skip
        if heads:
            first = heads[-1]
            options["heading_line"] = True
            name = REFERENCE_HEADING.match(r.text(first)).group("name").lower()  # type: ignore[union-attr]
            options["kind"] = "notes" if name in ("notes", "endnotes", "footnotes") else ""
        elif inline:
            first = inline[-1]
        else:
            run = []
            for n in reversed(content):
                if not reference_like(r.text(n)):
                    break
                run.insert(0, n)
            if not run:
                return None
            first = run[0]
        last = [n for n in content if n >= first][-1]
        items = (
            [n for n in content if first < n <= last] if heads else [n for n in content if first <= n <= last]
        )
        if not items:
            return None
        r.parts["references"] = (first, last)
        r.options["references"] = options
        return first, last


class Builder:
    """Turns what the drafter read into the draft's tables, with counts checked like the converter's."""

    def __init__(self, seed: Path, reading: _Reading):
        self.seed = seed
        self.r = reading
        self.tables: list[Table] = []
        self.dropped: dict[int, str] = {}
        self.moved: set[int] = set()
        self.headings: list[str] = []

    def build(self) -> Draft:
        r = self.r
        body = r.parts["body"]
        self._drops()
        self._parts()
        if r.fmt == "text":
            self._text_structure(*body)
        self._repairs(*body)
        self._references(*body)
        top, comments = self._top()
        role = self._roles()
        return Draft(self.seed, r.lines, r.fmt, top, comments, self.tables, role, r.title, r.title_line,
                     tuple(r.authors), r.byline_line, tuple(r.dates))  # fmt: skip

    # -- drops ----------------------------------------------------------------------------------

    def _drops(self) -> None:
        """One rule per kind of chrome (and per comment), in the order they first appear."""
        r = self.r
        rules: list[tuple[int, DropRule, str]] = []
        if r.title:
            first = min(n for n in range(1, r.size + 1) if r.text(n) == r.title and n not in r.copy_lines)
            rules.append((first, DropRule(TITLE_CATEGORY, 0, texts=(r.title,)), ""))
        by_category: dict[str, list[int]] = {}
        for n in sorted(r.chrome):
            by_category.setdefault(r.chrome[n], []).append(n)
        for category, numbers in by_category.items():
            texts = tuple(dict.fromkeys(r.text(n) for n in numbers))
            rules.append((numbers[0], DropRule(category, 0, texts=texts), ""))
        for start, end, category in r.comments:
            rules.append((start, self._block_rule(category, start, end), f"lines {start}–{end}"))
        free = {n for n in range(1, r.size + 1) if n not in r.copy_lines}
        for line, rule, note in sorted(rules, key=lambda item: item[0]):
            hits, _blocks, found = drop_matches(rule, r.lines, free)
            free -= set(hits)
            for n in hits:
                self.dropped[n] = rule.category
            fields: dict[str, Any] = {"category": rule.category}
            if rule.start:
                fields |= {"start": rule.start, "end": rule.end}
            elif len(rule.texts) == 1:
                fields["text"] = rule.texts[0]
            else:
                fields["texts"] = list(rule.texts)
            fields["count"] = found
            unit = "block" if rule.start else "line"
            where = note or ("line " if len(hits) == 1 else "lines ") + ", ".join(str(n) for n in hits)
            self.tables.append(
                Table("drop", fields, f"{found} {unit}{'s' if found != 1 else ''}: {where}", line)
            )

    def _block_rule(self, category: str, start: int, end: int) -> DropRule:
        """A start/end rule removing exactly lines start..end, else a rule listing their texts."""
        r = self.r
        free = {n for n in range(1, r.size + 1) if n not in r.copy_lines}
        for words_ in (6, 12, 10_000):
            rule = DropRule(category, 1, start=prefix(r.text(start), words_), end=prefix(r.text(end), words_))
            if drop_matches(rule, r.lines, free)[1] == [(start, end)]:
                return rule
        texts = tuple(dict.fromkeys(r.text(n) for n in range(start, end + 1) if r.text(n)))
        return DropRule(category, 0, texts=texts)

    # -- parts ----------------------------------------------------------------------------------

    def _parts(self) -> None:
        r = self.r
        order = ("front", "body", "references", "author")
        for kind in order:
            if kind not in r.parts:
                continue
            first, last = r.parts[kind]
            options = dict(r.options.get(kind, {}))
            options.pop("kind", None)
            copies = options.get("copies", 1)
            fields: dict[str, Any] = {"kind": kind}
            note = ""
            for count in (6, 12, 10_000):
                start, end = prefix(r.text(first), count), prefix(r.text(last), count)
                blocks = find_blocks(r.lines, start, end)
                if len(blocks) == copies and blocks[0] == (first, last):
                    break
            else:
                note = "; check start and end: they do not single out these lines"
            fields |= {"start": start, "end": end}
            starts, ends = len(marker_lines(r.lines, start)), len(marker_lines(r.lines, end))
            if starts != 1:
                fields["start_count"] = starts
            if ends != 1:
                fields["end_count"] = ends
            fields |= options
            where = f"line {first}" if first == last else f"lines {first}–{last}"
            self.tables.append(Table("parts", fields, where + note, first))

    # -- structure of plain-text seeds ---------------------------------------------------------------

    def _kept(self, first: int, last: int) -> list[int]:
        r = self.r
        return [
            n for n in range(first, last + 1) if r.text(n) and n not in self.dropped and n not in self.moved
        ]

    def _text_structure(self, first: int, last: int) -> None:
        """Headings (short lines standing alone) and lists (runs of numbered or bulleted lines)."""
        r = self.r
        kept = self._kept(first, last)
        for n in kept:
            text = r.text(n)
            alone = (n == first or not r.text(n - 1)) and (n == r.size or not r.text(n + 1))
            if (
                alone and len(words(text)) <= 12 and not CLOSED.search(text)
                and not LIST_ITEM.match(text) and text[0].isupper() and text != r.title
            ):  # fmt: skip
                self.headings.append(text)
        run: list[int] = []
        for n in [*kept, 0]:
            if n and LIST_ITEM.match(r.text(n)) and (not run or n == run[-1] + 1):
                run.append(n)
                continue
            if len(run) >= 2:
                ordered = bool(re.match(r"^\s*\d", r.text(run[0])))
                fields: dict[str, Any] = {"start": prefix(r.text(run[0])), "end": prefix(r.text(run[-1]))}
                if ordered:
                    fields["ordered"] = True
                self.tables.append(Table("lists", fields, f"lines {run[0]}–{run[-1]}", run[0]))
            run = [n] if n and LIST_ITEM.match(r.text(n)) else []

    # -- repairs --------------------------------------------------------------------------------------

    def _repairs(self, first: int, last: int) -> None:
        r = self.r
        repairs: list[Table] = []
        front = ""
        if "front" in r.parts:
            f_first, f_last = r.parts["front"]
            front = " ".join(r.text(n) for n in range(f_first, f_last + 1))
        for n in self._kept(first, last):  # a footnote to the byline, printed in the body
            mark = FOOTNOTE_MARK.match(r.text(n))
            if front and mark and mark.group(1) in front:
                self.moved.add(n)
                fields = {
                    "kind": "move",
                    "line": self._unique_prefix(n),
                    "to": "front",
                    "what": "footnote to the byline",
                }
                repairs.append(Table("repairs", fields, f"line {n}", 0))
        kept = self._kept(first, last)
        for a, b in itertools.pairwise(kept):
            ta, tb = r.text(a), r.text(b)
            if LIST_ITEM.match(ta) and LIST_ITEM.match(tb) and r.fmt == "markdown":
                between = [n for n in range(a + 1, b) if r.text(n)]
                if between and all(n in self.dropped or n in self.moved for n in between):
                    fields = {"kind": "join", "line": self._unique_prefix(a), "next": self._unique_prefix(b)}
                    repairs.append(
                        Table("repairs", fields, f"lines {a}–{b}: a list split by a page break", a)
                    )
                continue
            if LIST_ITEM.match(tb) or ATX_HEADING.match(tb) or ATX_HEADING.match(ta) or ta in self.headings:
                continue
            open_end = ta[-1].isalnum() or ta[-1] in ",-–("
            if open_end and opens_lowercase(tb) and not any(r.text(n) for n in range(a + 1, b)):
                fields = {"kind": "join", "line": self._unique_prefix(a), "next": self._unique_prefix(b)}
                if b == a + 1:
                    fields["cause"] = "line break"
                repairs.append(Table("repairs", fields, f"lines {a}–{b}: a sentence split across them", a))
        for n in self._kept(first, last):
            text = plain(r.fmt, r.text(n))
            m = FIGURE.match(text)
            previous = [k for k in range(max(1, n - 4), n) if r.text(k)]
            has_image = any(r.text(k).startswith("![") for k in previous)
            if m and not has_image:
                what = re.sub(r"\s+", " ", m.group("what")).rstrip(".")
                fields = {"kind": "missing-figure", "line": self._unique_prefix(n), "what": what}
                repairs.append(Table("repairs", fields, f"line {n}: a caption without its figure", n))
        if r.fmt == "markdown":
            numbered = [
                (n, len(m.group("hashes")))
                for n in self._kept(first, last)
                if (m := NUMBERED_HEADING.match(r.text(n)))
            ]
            if numbered:
                usual = Counter(level for _, level in numbered).most_common(1)[0][0]
                for n, level in numbered:
                    if level != usual:
                        fields = {"kind": "heading-level", "line": self._unique_prefix(n), "level": usual}
                        comment = f"line {n}: its numbered siblings are level {usual}"
                        repairs.append(Table("repairs", fields, comment, n))
        if "references" in r.parts:
            items = self._items()
            gaps = list(itertools.pairwise(items))
            tight = [g for g in gaps if g[1] == g[0] + 1]
            if gaps and len(tight) * 3 >= len(gaps) * 2:
                for a, b in gaps:
                    if b != a + 1:
                        fields = {
                            "kind": "join",
                            "line": self._unique_prefix(a),
                            "next": self._unique_prefix(b),
                        }
                        repairs.append(
                            Table("repairs", fields, f"lines {a}–{b}: the list split by a blank", a)
                        )
        moves = [t for t in repairs if t.fields["kind"] == "move"]
        self.tables.extend(moves + sorted((t for t in repairs if t not in moves), key=lambda t: t.line))

    def _unique_prefix(self, n: int) -> str:
        """A prefix of line n that no other line starts with."""
        r = self.r
        for count in (6, 10, 16, 10_000):
            candidate = prefix(r.text(n), count)
            if marker_lines(r.lines, candidate) == [n] or count == 10_000:
                return candidate
        raise AssertionError("unreachable")

    # -- printed references ---------------------------------------------------------------------------

    def _items(self) -> list[int]:
        r = self.r
        first, last = r.parts["references"]
        heading = r.options.get("references", {}).get("heading_line", False)
        return [n for n in self._kept(first + (1 if heading else 0), last)]

    def _references(self, body_first: int, body_last: int) -> None:
        r = self.r
        if "references" not in r.parts:
            return
        items = self._items()
        texts = [r.text(n) for n in items]
        pattern = next((p for p in ITEM_PATTERNS if all(re.fullmatch(p, t) for t in texts)), None)
        labels = [re.fullmatch(pattern, t).group("label") for t in texts] if pattern else []  # type: ignore[union-attr]
        part = next(t for t in self.tables if t.name == "parts" and t.fields["kind"] == "references")
        if pattern:
            part.fields["item_pattern"] = pattern
        body = [r.text(n) for n in self._kept(body_first, body_last)]
        kind = r.options["references"].get("kind") or ""
        markers = self._glued_markers(body, len(items)) if labels else {}
        cited_in_brackets = any(
            re.search(rf"\[{re.escape(label)}(?:\]|[-–,])", " ".join(body)) for label in labels
        )
        if not kind:
            kind = (
                "notes"
                if labels and not cited_in_brackets and len(markers) * 2 >= len(items)
                else "references"
            )
        part.fields["kind"] = kind
        if kind == "notes":
            for note in sorted(markers):
                after, printed = markers[note]
                self.tables.append(
                    Table("markers", {"after": after, "printed": printed, "note": note}, "", 0)
                )
        unique_labels = len(set(labels)) == len(labels)
        for i, (n, text) in enumerate(zip(items, texts, strict=True), 1):
            fields: dict[str, Any]
            if kind == "notes":
                fields = {"label": f"note {i}"}
                if labels and labels[i - 1] != str(i):
                    fields["printed"] = labels[i - 1]
                fields |= {"keys": [], "note": i}
            elif labels and unique_labels:
                fields = {"label": labels[i - 1], "keys": []}
            else:
                fields = {"label": str(i)}
                if labels:
                    fields["printed"] = labels[i - 1]
                fields["keys"] = []
            shown = text if len(text) <= PREVIEW_WIDTH else text[: PREVIEW_WIDTH - 1] + "…"
            self.tables.append(Table("references", fields, f"line {n}: {shown}", n))

    def _glued_markers(self, body: list[str], count: int) -> dict[int, tuple[str, str]]:
        """Note numbers 1..count printed glued to the text ("anyway”.1"), each found exactly once."""
        found: dict[int, tuple[str, str]] = {}
        for note in range(1, count + 1):
            number = str(note)
            hits = [
                (text, m.start())
                for text in body
                for m in re.finditer(rf"(?<=[{re.escape(GLUED_AFTER)}]){number}(?!\d)(?=\s|$)", text)
            ]
            if len(hits) != 1:
                continue
            text, pos = hits[0]
            before = text[:pos]
            starts = [m.start() for m in re.finditer(r"\S+", before)]
            for take in (4, 6, 10, len(starts)):
                after = before[starts[-min(take, len(starts))] :]
                needle = after + number
                total = sum(len(re.findall(re.escape(needle) + r"(?!\d)", t)) for t in body)
                if total == 1:
                    found[note] = (after, number)
                    break
        return found

    # -- top-level keys and the preview --------------------------------------------------------------

    def _top(self) -> tuple[dict[str, Any], dict[str, str]]:
        r = self.r
        title = plain(r.fmt, r.title)
        surnames = [s for s in (surname(a) for a in r.authors) if s]
        significant = significant_words(title)
        slug_words = [*surnames[:2], *significant[:2]]
        slug = "-".join(slug_words)
        if not SLUG_RE.match(slug):
            slug = "article-" + self.seed.name[:3]
        first_word = significant[0].replace("-", "") if significant else ""
        key = f"{surnames[0]}nd{first_word}" if surnames and first_word else ""
        top: dict[str, Any] = {"slug": slug, "key": key, "format": r.fmt, "genre": ""}
        comments = {
            "slug": "the chapter's file name (proposed from the byline and the title)",
            "key": (
                "proposed from the byline and the title: authorYEARword, 'nd' as the seed prints no date"
                if key
                else "fill in: the article's own refs.bib key, authorYEARword ('nd' for no date)"
            ),
            "format": "'text', or 'markdown' when the seed is Markdown-like",
            "genre": "fill in: what kind of text it is (shown in the chapter's edition box), e.g. 'op-ed'",
        }
        if self.headings:
            top["headings"] = self.headings
            comments["headings"] = "short lines standing alone in the body, set as section headings"
        return top, comments

    def _roles(self) -> dict[int, str]:
        r = self.r
        role: dict[int, str] = {}
        for kind, (first, last) in r.parts.items():
            for n in range(first, last + 1):
                if r.text(n):
                    role[n] = "refs" if kind == "references" else kind
        for n in r.copy_lines:
            if r.text(n):
                role[n] = "copy"
        for n, category in self.dropped.items():
            if not r.text(n):
                continue
            role[n] = "title" if category == TITLE_CATEGORY else "drop"
        for n in self.moved:
            role[n] = "moved"
        for n in range(1, r.size + 1):
            if r.text(n) and n not in role:
                role[n] = "?"
        return role


# -- writing -------------------------------------------------------------------------------------------


#: What a TOML comment or literal string cannot hold: control characters but the tab.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if ("\\" in value or '"' in value) and "'" not in value and not CONTROL.search(value):
            return f"'{value}'"  # a literal string: patterns and quotes stay readable
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's
    if isinstance(value, list | tuple):
        inner = [toml_value(v) for v in value]
        if sum(len(i) + 2 for i in inner) <= 80:
            return "[" + ", ".join(inner) + "]"
        return "[\n" + "".join(f"  {i},\n" for i in inner) + "]"
    raise TypeError(f"no TOML for {value!r}")


def dump_toml(data: dict[str, Any]) -> str:
    """A metadata file's data (top-level values, then arrays of tables) as TOML, without comments."""
    top = [f"{key} = {toml_value(value)}" for key, value in data.items() if not _is_tables(value)]
    out = ["\n".join(top)] if top else []
    for name, items in data.items():
        if _is_tables(items):
            for item in items:
                out.append(
                    f"[[{name}]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in item.items()).rstrip()
                )
    return "\n\n".join(out) + "\n"


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _comment_lines(text: str) -> list[str]:
    return [f"# {CONTROL.sub('�', line)}".rstrip() for line in text.split("\n")]


def render_toml(draft: Draft) -> str:
    """The draft metadata file: a guide, the numbered preview, then the proposed keys and tables."""
    name = draft.seed.name
    out = [
        f"# Draft metadata for {name}, written by {COMMAND} from the seed alone: review every value.",
        "# The article's title, authors, venue, date and URL live in refs.bib under `key`, nowhere else.",
        "# Fill in what is empty (key, genre, and every `keys = []` below), correct what the draft got",
        "# wrong, then run `nox -s chapters`: it names the file and line of anything still wrong.",
        '# README.md ("Adding an article") explains each table; the other seeds/*.toml are worked examples.',
        "#",
        "# The seed, line by line, and what this draft does with each line:",
        "#   title: the title as printed (the chapter's title comes from refs.bib); front, body, refs,",
        "#   notes, author: kept in that part; drop: removed by a [[drop]] rule; copy: a second printed",
        "#   copy of the article; moved: moved by a repair; ?: not accounted for (keep it in a part, or",
        "#   add a [[drop]] rule with a category).",
    ]
    width = len(str(len(draft.lines)))
    for n, line in enumerate(draft.lines, 1):
        shown = line.strip()
        if len(shown) > PREVIEW_WIDTH:
            shown = shown[: PREVIEW_WIDTH - 1] + "…"
        tag = draft.role.get(n, "")
        out.append(f"# {n:>{width}} {tag:<6}| {CONTROL.sub('�', shown)}".rstrip())
    out.append("")
    for key, value in draft.top.items():
        comment = draft.top_comments.get(key)
        if comment:
            out.extend(_comment_lines(comment))
        out.append(f"{key} = {toml_value(value)}")
    for table in draft.tables:
        out.append("")
        if table.comment:
            out.extend(_comment_lines(table.comment))
        out.append(f"[[{table.name}]]")
        out.extend(f"{key} = {toml_value(value)}" for key, value in table.fields.items())
    return "\n".join(out) + "\n"


def _bib_text(text: str) -> str:
    return re.sub(r"([{}&%$#_\\])", r"\\\1", text)


def bib_stub(draft: Draft) -> str:
    """An unverified refs.bib entry for the article: the title and authors as printed, nothing else."""
    key = draft.top.get("key") or "FILL-IN-KEY"
    lines_of = [f"title (line {draft.title_line})"] if draft.title_line else []
    if draft.authors:
        lines_of.append(f"author{'s' if len(draft.authors) > 1 else ''} (line {draft.byline_line})")
    known = " and ".join(lines_of) + " as the seed prints " + ("them" if len(lines_of) > 1 else "it")
    out = [
        f"% refs.bib stub for seeds/{draft.seed.name}, drafted by {COMMAND}: UNVERIFIED.",
        "% " + (known if lines_of else "The seed prints no title") + "; nothing else is known from the seed.",
        "% Check every field against the original; set the entry type; add only the venue, year, date",
        "% and url you can verify (year = {n.d.} when none is known; a urldate only for a page opened,",
        "% that day); say in addendum what the seed printed differently, in annotation how it was checked.",
    ]
    for n, text in draft.printed_dates:
        out.append(f"% The seed prints a date above the article (line {n}): {text}")
    out.append(f"@misc{{{key},")
    if draft.title:
        out.append(f"  title        = {{{_bib_text(plain(draft.fmt, draft.title))}}},")
    if draft.authors:
        out.append(f"  author       = {{{_bib_text(' and '.join(draft.authors))}}},")
    out.append("  annotation   = {Unverified: drafted from the seed, not yet checked against the original},")
    out.append("}")
    return "\n".join(out) + "\n"


# -- the record of the seeds as received -----------------------------------------------------------


def read_sums(path: Path) -> list[tuple[str, str, int]]:
    """(digest, file name, line) of each line of SHA256SUMS."""
    if not path.is_file():
        return []
    found = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            raise SeedMetaError("not a `SHA-256  file name` line", path, n)
        found.append((parts[0], parts[1].lstrip("*").strip(), n))
    return found


def recorded_sums(seed: Path) -> tuple[Path, str | None]:
    """SHA256SUMS beside the seed, with its new text if the seed must be added (None if recorded).

    A seed recorded with other bytes is an error: the record is of the seed as received.
    """
    sums = seed.parent / SUMS
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    rows = read_sums(sums)
    for recorded, name, line in rows:
        if name == seed.name:
            if recorded != digest:
                raise SeedMetaError(
                    f"records another SHA-256 for {seed.name} ({recorded[:12]}…; the file's is "
                    f"{digest[:12]}…): a seed is kept byte for byte as received",
                    sums,
                    line,
                )
            return sums, None
    rows_text = sorted([(name, recorded) for recorded, name, _ in rows] + [(seed.name, digest)])
    return sums, "".join(f"{d}  {name}\n" for name, d in rows_text)


# -- the command line ---------------------------------------------------------------------------------


def draft_for(seed: Path) -> Draft:
    """The draft metadata for one seed (nothing is written)."""
    return Drafter(seed).draft()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Draft seeds/NNN_name.toml from a raw seed seeds/NNN_name.txt, for you to review; "
        "record the seed's SHA-256 in seeds/SHA256SUMS; print a refs.bib stub for the article.",
        epilog="Never overwrites a file. Exit status: 0 drafted, 1 bad input (file:line: message), "
        "2 bad usage.",
    )
    parser.add_argument("seed", type=Path, help="the raw article, seeds/NNN_name.txt (UTF-8)")
    args = parser.parse_args(argv)
    cwd = Path.cwd()
    seed = args.seed if args.seed.is_absolute() else cwd / args.seed
    toml = seed.with_suffix(".toml")
    try:
        if not seed.is_file():
            raise SeedMetaError("seed file not found", seed)
        if not SEED_NAME.match(seed.name):
            raise SeedMetaError("a seed is named NNN_<anything>.txt (three digits set its place)", seed)
        if toml.exists():
            raise SeedMetaError(
                f"already exists: {COMMAND} never overwrites a file (move it away to draft again)", toml
            )
        sums, new_sums = recorded_sums(seed)
        draft = draft_for(seed)
        write_new(toml, render_toml(draft))
    except LitReviewError as err:
        print(err.located(cwd), file=sys.stderr)
        return 1
    except FileExistsError:
        print(f"{_rel(toml, cwd)}: already exists: {COMMAND} never overwrites a file", file=sys.stderr)
        return 1
    print(f"wrote {_rel(toml, cwd)}: a draft to review")
    if new_sums is not None:
        write_atomic(sums, new_sums)
        print(f"recorded the SHA-256 of {seed.name} in {_rel(sums, cwd)} (the seed as received)")
    missing = draft.unaccounted
    if missing:
        shown = ", ".join(str(n) for n in missing[:12]) + ("…" if len(missing) > 12 else "")
        print(f"{len(missing)} line(s) of the seed are not accounted for (marked ? in the preview): {shown}")
    print("\nThe article's refs.bib entry, to check and complete before you paste it into refs.bib:\n")
    print(bib_stub(draft))
    print(
        "Next: review the draft; fill in key, genre and every `keys = []`; add the refs.bib entries; "
        'then run `nox -s chapters` (README.md, "Adding an article").'
    )
    return 0


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
