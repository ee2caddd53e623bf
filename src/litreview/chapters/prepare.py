"""A seed accounted for line by line: its parts found, what is not the article removed, repairs made.

Every non-blank seed line is kept in a part of the article or removed by a metadata rule with a
category; anything else is an error naming the seed's line. Line-level repairs (joins, moves,
heading levels, missing figures) are applied here and described twice: in words for the chapter's
"About this edition" box, and with the seed lines they touched for the provenance appendix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from litreview.chapters.markdown import LIST_ITEM, md_plain
from litreview.core.errors import ConvertError, SeedMetaError
from litreview.core.seeds import DropRule, Repair, SeedMeta, find_blocks, part_blocks, read_seed_lines

DUPLICATE = "duplicate copy of the article"


@dataclass
class Line:
    no: int
    text: str
    joined: tuple[int, ...] = ()  # seed lines joined onto this one by a repair


def lines_span(first: int, last: int) -> str:
    """Seed lines as the provenance appendix names them: "line 5", "lines 54–55"."""
    return f"line {first}" if first == last else f"lines {first}–{last}"


@dataclass(frozen=True)
class Repaired:
    """One repair: what a reader is told (no file or line), and where in the seed it was made."""

    text: str
    where: str = ""  # "line 40", "lines 54–55"; "" when it is not one place


@dataclass
class Prepared:
    """A seed after parts were found, removals applied and line-level repairs made."""

    meta: SeedMeta
    lines: list[str]
    parts: dict[str, list[Line]]
    removed: dict[str, list[tuple[int, int]]]  # category -> blocks (first, last line)
    repaired: list[Repaired] = field(default_factory=list)
    figures: dict[int, str] = field(default_factory=dict)  # caption line -> what (e.g. "Fig. 1")
    trailing_space: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.meta.seed_path.read_bytes()).hexdigest()


def err(meta: SeedMeta, message: str, line: int | None = None, *, toml: bool = False) -> ConvertError:
    return ConvertError(message, meta.toml_path if toml else meta.seed_path, line)


def quote(text: str, words: int = 6, tail: bool = False) -> str:
    """A short quotation of seed text for the edition box: the first (or last) few words."""
    parts = text.split()
    if len(parts) <= words:
        return text
    return "…" + " ".join(parts[-words:]) if tail else " ".join(parts[:words]) + "…"


def _blocks_of(numbers: Iterable[int], lines: list[str]) -> list[tuple[int, int]]:
    """Group line numbers into blocks: runs separated only by blank lines."""
    blocks: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if blocks and all(not lines[k - 1].strip() for k in range(blocks[-1][1] + 1, n)):
            blocks[-1] = (blocks[-1][0], n)
        else:
            blocks.append((n, n))
    return blocks


def drop_matches(
    rule: DropRule, lines: list[str], free: Collection[int]
) -> tuple[list[int], list[tuple[int, int]], int]:
    """What one [[drop]] rule removes among the ``free`` lines: (lines, blocks, what its count counts).

    A start/end rule counts blocks (each wholly free); a text or pattern rule counts lines, and its
    blocks are runs of them separated only by blank lines.
    """
    if rule.start:
        blocks = [
            (s, e)
            for s, e in find_blocks(lines, rule.start, rule.end)
            if all(n in free for n in range(s, e + 1))
        ]
        return [n for s, e in blocks for n in range(s, e + 1)], blocks, len(blocks)
    pattern = re.compile(rule.pattern) if rule.pattern else None
    hits = [
        n
        for n in sorted(free)
        if lines[n - 1].strip()
        and (lines[n - 1].strip() in rule.texts or (pattern and pattern.fullmatch(lines[n - 1].strip())))
    ]
    return hits, _blocks_of(hits, lines), len(hits)


def prepare(meta: SeedMeta) -> Prepared:
    """Account for every line of the seed and apply the line-level repairs of its metadata."""
    try:
        lines = read_seed_lines(meta.seed_path)
    except SeedMetaError as exc:
        raise ConvertError(exc.message, exc.path, exc.line) from None
    if lines and lines[-1] == "":
        lines = lines[:-1]
    raw = meta.seed_path.read_bytes().decode("utf-8").replace("\r\n", "\n").split("\n")
    trailing = any(r != r.rstrip() for r in raw)

    owner: dict[int, str] = {}  # line -> "part:<kind>" | "dup" | "drop:<category>"
    removed: dict[str, list[tuple[int, int]]] = {}
    parts: dict[str, list[Line]] = {}
    for part in meta.parts:
        blocks = part_blocks(meta, part, lines)
        first, last = blocks[0]
        for other_first, other_last in blocks[1:]:
            copy_a = lines[first - 1 : last]
            copy_b = lines[other_first - 1 : other_last]
            if copy_a != copy_b:
                diff = next(
                    (i for i, (a, b) in enumerate(zip(copy_a, copy_b, strict=False)) if a != b),
                    min(len(copy_a), len(copy_b)),
                )
                raise err(
                    meta,
                    f"part {part.kind!r}: the copy printed at lines {other_first}-{other_last} differs "
                    f"from the first copy (lines {first}-{last}) at its line {diff + 1}",
                    other_first + diff,
                )
            for n in range(other_first, other_last + 1):
                owner[n] = "dup"
            removed.setdefault(DUPLICATE, []).append((other_first, other_last))
        for n in range(first, last + 1):
            if n in owner:
                raise err(meta, f"part {part.kind!r} overlaps another part", n)
            owner[n] = f"part:{part.kind}"
        parts[part.kind] = [Line(n, lines[n - 1]) for n in range(first, last + 1)]

    dropped: set[int] = set()
    for rule in meta.drop:
        free = {n for n in range(1, len(lines) + 1) if owner.get(n) != "dup" and n not in dropped}
        hits, blocks, found = drop_matches(rule, lines, free)
        if found != rule.count:
            unit = "block(s)" if rule.start else "line(s)"
            message = f"drop rule {rule.category!r} matches {found} {unit}, declared {rule.count}"
            raise err(meta, message, rule.toml_line, toml=True)
        dropped.update(hits)
        removed.setdefault(rule.category, []).extend(blocks)
        for n in hits:
            owner.setdefault(n, f"drop:{rule.category}")

    for kind in parts:
        parts[kind] = [Line(ln.no, "") if ln.no in dropped else ln for ln in parts[kind]]

    prepared = Prepared(meta, lines, parts, removed, trailing_space=trailing)
    for repair in meta.repairs:
        _apply_repair(prepared, repair)

    for n, text in enumerate(lines, 1):
        if text.strip() and n not in owner:
            raise err(
                meta,
                f"line is neither part of the article nor removed by a rule of {meta.toml_path.name}: "
                f"{quote(text.strip())!r}",
                n,
            )
    return prepared


def _find(prep: Prepared, prefix: str, toml_line: int, kinds: Sequence[str] | None = None) -> tuple[str, int]:
    """The (part kind, index) of the one kept line starting with ``prefix``."""
    hits = [
        (kind, i)
        for kind, part in prep.parts.items()
        if kinds is None or kind in kinds
        for i, ln in enumerate(part)
        if ln.text.strip().startswith(prefix)
    ]
    if len(hits) != 1:
        raise err(
            prep.meta,
            f"repair: {len(hits)} kept line(s) start with {prefix!r}, expected 1",
            toml_line,
            toml=True,
        )
    return hits[0]


def _apply_repair(prep: Prepared, repair: Repair) -> None:
    meta = prep.meta
    kind, i = _find(prep, repair.line, repair.toml_line)
    part = prep.parts[kind]
    line = part[i]
    if repair.kind == "move":
        part[i] = Line(line.no, "")
        target = prep.parts[repair.to]
        target.extend([Line(line.no, ""), Line(line.no, line.text)])
        prep.repaired.append(
            Repaired(
                f"moved the {repair.what} to the {_PART_NAMES[repair.to]}: "
                f"“{quote(md_plain(meta.format, line.text), 8)}”",
                lines_span(line.no, line.no),
            )
        )
    elif repair.kind == "join":
        _, j = _find(prep, repair.next, repair.toml_line, [kind])
        nxt = part[j]
        between = part[i + 1 : j]
        if j <= i or any(b.text.strip() for b in between):
            raise err(
                meta, f"join: the line starting with {repair.next!r} does not follow line {line.no}", nxt.no
            )
        if LIST_ITEM.match(nxt.text):
            del part[i + 1 : j]
            prep.repaired.append(
                Repaired(
                    f"rejoined a list split by a {repair.cause}, "
                    f"before “{quote(md_plain(meta.format, nxt.text), 5)}”",
                    lines_span(line.no, nxt.no),
                )
            )
        else:
            part[i] = Line(line.no, line.text.rstrip() + " " + nxt.text.strip(), (*line.joined, nxt.no))
            del part[i + 1 : j + 1]
            prep.repaired.append(
                Repaired(
                    f"joined a paragraph split by a {repair.cause}: "
                    f"“{quote(md_plain(meta.format, line.text), 4, tail=True)}” + "
                    f"“{quote(md_plain(meta.format, nxt.text), 4)}”",
                    lines_span(line.no, nxt.no),
                )
            )
    elif repair.kind == "heading-level":
        m = re.match(r"^(#{1,6})\s", line.text)
        if meta.format != "markdown" or m is None:
            raise err(meta, "heading-level: not a Markdown heading line", line.no)
        part[i] = Line(line.no, "#" * repair.level + line.text[len(m.group(1)) :])
        prep.repaired.append(
            Repaired(
                f"the heading “{md_plain(meta.format, line.text[len(m.group(0)) :])}” is printed "
                f"{_levels(len(m.group(1)) - repair.level)} the headings of the sections beside it; it "
                "is set at their level",
                lines_span(line.no, line.no),
            )
        )
    elif repair.kind == "missing-figure":
        prep.figures[line.no] = repair.what
        prep.repaired.append(
            Repaired(
                f"{repair.what}: the text we received prints its caption but not the image; "
                "the caption is kept and marked “Figure not received”, and no image is shown",
                lines_span(line.no, line.no),
            )
        )


_PART_NAMES = {
    "front": "front matter",
    "body": "body",
    "notes": "notes",
    "references": "reference list",
    "author": "author’s note",
}


def _levels(deeper: int) -> str:
    """ "one level below", "two levels above": how far a printed heading sits from its siblings'."""
    n = abs(deeper)
    words = {1: "one level", 2: "two levels", 3: "three levels"}.get(n, f"{n} levels")
    return f"{words} {'below' if deeper > 0 else 'above'}"
