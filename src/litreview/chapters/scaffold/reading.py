"""Reading a raw page like an editor: chrome, title, byline, date, body, comments, author note, references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.chapters.scaffold.bylines import read_byline
from litreview.chapters.scaffold.line_shapes import (
    AFFILIATION,
    ATX_HEADING,
    AUTHOR_HEADING,
    BREADCRUMB,
    CLOSED,
    COMMENTS_HEADING,
    FRONT_LABEL,
    GREETING,
    LISTING,
    POSTED_BY,
    REFERENCE_HEADING,
    SEPARATED_CRUMBS,
    YEAR,
    chrome_category,
    is_date_line,
    is_job_line,
    is_prose,
    markdown_to_text,
    names_in,
    reference_like,
    words,
)
from litreview.chapters.scaffold.printed_dates import PrintedDate, read_date_line
from litreview.core.errors import SeedMetaError
from litreview.core.seeds import read_seed_lines


@dataclass
class PageReading:
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
    people: list[tuple[str, str]] = field(default_factory=list)  # (surname, given names)
    date: PrintedDate | None = None
    date_line: int = 0
    doubts: dict[str, str] = field(default_factory=dict)  # what the draft is unsure of -> why

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


class PageReader:
    """Reads one seed, line by line, and says what each line is (:meth:`read`)."""

    def __init__(self, seed: Path):
        self.seed = Path(seed)
        lines = read_seed_lines(self.seed)
        if lines and lines[-1] == "":
            lines = lines[:-1]
        self.r = PageReading(lines)

    def read(self) -> PageReading:
        """What each line is: chrome, title, byline, date, body, comments, author note, references."""
        r = self.r
        r.fmt = self._format()
        copy = repeated_run(r.lines)
        if copy:
            first, last, starts = copy
            for start in starts[1:]:
                r.copy_lines.update(range(start, start + last - first + 1))
            r.copies = len(starts)
        for n in range(1, r.size + 1):
            if n not in r.copy_lines and (
                category := chrome_category(r.text(n))
                or chrome_category(markdown_to_text(r.fmt, r.text(n)))
                or (
                    "breadcrumb navigation"
                    if SEPARATED_CRUMBS.fullmatch(markdown_to_text(r.fmt, r.text(n)))
                    else None
                )
            ):
                r.chrome[n] = category
        self._listings()
        front_last = self._front_matter()
        if front_last < 0:  # no paragraph of prose: the first short line is the title
            self._title()
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
        return r

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
                ends = bool(r.title) and markdown_to_text(r.fmt, text).endswith(
                    markdown_to_text(r.fmt, r.title)
                )
                r.chrome[n] = "breadcrumb navigation" + (", ending in the title" if ends else "")

    def _front_matter(self) -> int:
        """Title, byline, job lines and date: what stands above the article's first paragraph.

        The headline is the line nearest above the byline (a `# ` heading in a Markdown-like page),
        else the last line above the first paragraph that is neither chrome, a date nor a byline;
        lines above it are the site's or the section's name. Returns the line the body follows
        (-1 when the page has no paragraph of prose).
        """
        r = self.r
        content = r.content(range(1, r.size + 1))
        # the page's first line of text is its title or chrome, never its first paragraph
        prose = next((n for n in content[1:] if is_prose(r.text(n))), 0)
        if not prose:
            return -1
        for n in range(1, prose):
            if r.chrome.get(n) == "post metadata" and read_byline(r.fmt, r.text(n)):
                del r.chrome[n]  # "Posted by Maria Lindqvist": the byline
        content = r.content(range(1, r.size + 1))
        top = [n for n in content if n < prose]
        dated = {n: d for n in top if (d := read_date_line(markdown_to_text(r.fmt, r.text(n))))}
        labels = {n for n in top if n not in dated and is_date_line(r.text(n))}
        if dated:
            r.date_line = min(dated)
            r.date = dated[r.date_line]
            if r.date.doubt:
                r.doubts["date"] = r.date.doubt

        def following(n: int) -> int:
            return next((m for m in content if m > n and m not in r.chrome), 0)

        byline = None
        for n in top:
            if n in dated or n in labels or BREADCRUMB.match(markdown_to_text(r.fmt, r.text(n))):
                continue
            found = read_byline(r.fmt, r.text(n))
            if not found:
                continue
            after = following(n)
            if found.how in ("alone", "list") and not (
                after in dated
                or after == prose
                or is_job_line(r.text(after))
                or FRONT_LABEL.match(r.text(after))
            ):
                continue
            byline = (n, found)
            break
        front: list[int] = []
        if byline:
            n, found = byline
            r.byline_line, r.authors, r.people = n, list(found.printed), list(found.people)
            if found.doubt:
                r.doubts["author"] = f"{found.doubt} (line {n})"
            front = [n]
            for m in top:
                if m <= n or m in r.chrome:
                    continue
                text = r.text(m)
                if m in dated or FRONT_LABEL.match(text) or is_job_line(text) or (
                    found.how == "link" and m == following(n) and len(words(text)) <= 12
                    and not CLOSED.search(text)
                ):  # fmt: skip
                    front.append(m)
                    continue
                break
        taken = set(front) | set(dated) | labels
        candidates = [
            n for n in top if n not in taken and not BREADCRUMB.match(markdown_to_text(r.fmt, r.text(n)))
            and len(words(r.text(n))) <= 25
        ]  # fmt: skip
        headings = [n for n in candidates if r.fmt == "markdown" and re.match(r"^#\s+\S", r.text(n))]
        above = [n for n in candidates if byline and n < byline[0]]
        below = [n for n in candidates if not byline or n > front[-1]]
        title = headings[:1] or above[-1:] or below[:1] or candidates[-1:]
        if title:
            r.title_line, r.title = title[0], r.text(title[0])
            rest = [n for n in candidates if n < r.title_line and n not in front]
            if rest:
                r.doubts["title"] = (
                    f"line {r.title_line} read as the headline; "
                    + ("the line nearest above the byline" if above else "the last line above the article")
                    + ", below what looks like the site's or the section's name"
                    + f" (line {', '.join(map(str, rest))})"
                )
            for n in rest:
                r.chrome[n] = "site or section name above the headline"
        for n in range(1, r.title_line):
            text = r.text(n)
            if not text or n in r.copy_lines or n in front:
                continue
            if n in dated or n in labels:
                r.chrome[n] = "date as printed above the article"
                r.dates.append((n, text))
            elif BREADCRUMB.match(markdown_to_text(r.fmt, text)) or (
                r.chrome.get(n) == "site navigation" and text.lower() == "home"
            ):
                ends = bool(r.title) and markdown_to_text(r.fmt, text).endswith(
                    markdown_to_text(r.fmt, r.title)
                )
                r.chrome[n] = "breadcrumb navigation" + (", ending in the title" if ends else "")
        for n in top:
            if n > r.title_line and n not in front and (n in dated or n in labels) and n not in r.chrome:
                r.chrome[n] = "date as printed above the article"
                r.dates.append((n, r.text(n)))
        if front:
            r.parts["front"] = (front[0], front[-1])
        if not r.title:
            r.doubts["title"] = "no headline found above the article: give the title in refs.bib"
        if not r.people:
            r.doubts["author"] = "no byline found above the article: fill in the author from the page"
        if not r.date:
            r.doubts["date"] = "no date printed above the article: the key says 'nd'"
        return max([r.title_line, *front])

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
        """Readers' comments: each ends in its "Posted by:" line and starts at a greeting or after a gap;
        without those, everything under a comments heading ("12 Comments") after the article."""
        r = self.r
        self._comment_section(body_first)
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

    def _comment_section(self, body_first: int) -> None:
        r = self.r
        if any(POSTED_BY.match(r.text(n)) for n in range(body_first + 1, r.size + 1)):
            return
        heading = next(
            (n for n in range(body_first + 1, r.size + 1) if COMMENTS_HEADING.fullmatch(r.text(n))), 0
        )
        if not heading:
            return
        later = [n for n in r.content(range(heading + 1, r.size + 1))]
        if later:
            r.chrome[heading] = "readers’ comments"
            for n in later:
                r.chrome[n] = "readers’ comments"

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
            options["kind"] = (
                "notes" if name in ("notes", "endnotes", "footnotes", "примечания", "сноски") else ""
            )
        elif inline:
            first = inline[-1]
        else:
            run: list[int] = []
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
