"""Drafting the metadata from a reading: drop rules, parts, structure, repairs, references, slug and key."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

from litreview.chapters.markdown import LIST_ITEM
from litreview.chapters.prepare import drop_matches
from litreview.chapters.scaffold.draft import Draft, Table
from litreview.chapters.scaffold.line_shapes import (
    ATX_HEADING,
    CLOSED,
    FIGURE,
    FOOTNOTE_MARK,
    GLUED_AFTER,
    ITEM_PATTERNS,
    NUMBERED_HEADING,
    PREVIEW_WIDTH,
    TITLE_CATEGORY,
    ascii_word,
    markdown_to_text,
    opens_lowercase,
    prefix,
    significant_words,
    words,
)
from litreview.chapters.scaffold.reading import PageReading
from litreview.core.seeds import SLUG_RE, DropRule, find_blocks, marker_lines


class MetadataDrafter:
    """Turns what the drafter read into the draft's tables, with counts checked like the converter's."""

    def __init__(self, seed: Path, reading: PageReading):
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
        return Draft(
            self.seed, r.lines, r.fmt, top, comments, self.tables, role, r.title, r.title_line,
            tuple(r.authors), r.byline_line, tuple(r.dates), tuple(r.people),
            r.date.iso if r.date else "", r.date.year if r.date else "", r.date_line, tuple(r.doubts.items()),
        )  # fmt: skip

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
            text = markdown_to_text(r.fmt, r.text(n))
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
                        level_fields = {
                            "kind": "heading-level",
                            "line": self._unique_prefix(n),
                            "level": usual,
                        }
                        comment = f"line {n}: its numbered siblings are level {usual}"
                        repairs.append(Table("repairs", level_fields, comment, n))
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
        title = markdown_to_text(r.fmt, r.title)
        people = [family for family, _given in r.people] or [a.split()[-1] for a in r.authors if a.split()]
        surnames = [s for s in (ascii_word(p) for p in people) if s]
        significant = significant_words(title)
        slug_words = [*surnames[:2], *significant[:2]]
        slug = "-".join(slug_words)
        if not SLUG_RE.match(slug):
            slug = "article-" + self.seed.name[:3]
        first_word = significant[0].replace("-", "") if significant else ""
        year = r.date.year if r.date else "nd"
        key = f"{surnames[0]}{year}{first_word}" if surnames and first_word else ""
        top: dict[str, Any] = {"slug": slug, "key": key, "format": r.fmt, "genre": ""}
        comments = {
            "slug": "the chapter's file name (proposed from the byline and the title)",
            "key": (
                "proposed from the byline and the title: authorYEARword"
                + (f", the year from line {r.date_line}" if r.date else ", 'nd' as the seed prints no date")
                if key
                else "fill in: the article's own refs.bib key, authorYEARword ('nd' for no date)"
            )
            + "".join(f"\n? {what}: {why}" for what, why in r.doubts.items()),
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
