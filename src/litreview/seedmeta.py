"""Metadata for one raw article in seeds/: where its parts are, what to drop, what to repair.

Each seed ``seeds/NNN_hash.txt`` has a TOML file beside it (``seeds/NNN_hash.toml``). Everything
seed-specific lives there; the converter (``litreview.convert``) has no per-seed branches. The
article's own bibliographic facts (title, authors, venue, date, URL) are NOT here: they have one
home, its entry in ``refs.bib``; the TOML names only its ``key``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.errors import SeedMetaError

FORMATS = ("text", "markdown")
PART_KINDS = ("front", "body", "notes", "references", "author")
REPAIR_KINDS = ("join", "move", "heading-level", "missing-figure")


@dataclass(frozen=True)
class PrintedReference:
    """One item of the article's own reference list (or notes list), as printed."""

    label: str  # our name for it: "5", "Source 3", "note 6" ...
    text: str  # the printed reference text exactly as in the seed (without its printed number)
    keys: tuple[str, ...]  # refs.bib key(s) it maps to (normally one)
    line: int  # 1-based line in the seed .txt where it is printed
    printed: str = ""  # the number printed before it ("5" for "[5] …"), "" if none
    note: int | None = None  # for notes: the footnote number it gets in the chapter


@dataclass(frozen=True)
class Part:
    """A stretch of the seed that belongs to the article, found by its first and last line."""

    kind: str  # front | body | notes | references | author
    start: str  # prefix of its first line
    end: str  # prefix of its last line
    start_count: int  # how many lines of the seed start with `start` (checked)
    end_count: int  # ditto for `end`
    copies: int  # how many times the seed prints this part (copies must be identical; one is kept)
    heading_line: bool  # its first line is its printed heading
    item_pattern: str  # references/notes: regex with (?P<text>…) and optionally (?P<label>…)
    toml_line: int


@dataclass(frozen=True)
class DropRule:
    """Lines that are not the article: by exact text, by pattern, or a block from start to end."""

    category: str  # what they are, shown in the "About this edition" box
    texts: tuple[str, ...]
    pattern: str
    start: str
    end: str
    count: int  # how many lines (text/pattern) or blocks (start/end) it must match, exactly
    toml_line: int


@dataclass(frozen=True)
class Repair:
    """One editorial repair; each is listed in the chapter's "About this edition" box."""

    kind: str  # join | move | heading-level | missing-figure
    line: str  # prefix of the seed line it applies to
    next: str  # join: prefix of the line that continues it
    cause: str  # join: what split it ("page break", "line break")
    to: str  # move: the part kind it moves to
    what: str  # move / missing-figure: a few words naming the thing
    level: int  # heading-level: the level it should have
    toml_line: int


@dataclass(frozen=True)
class ListSpec:
    """Plain-text seeds: consecutive lines printed as a list (never guessed from the text)."""

    start: str
    end: str
    ordered: bool
    toml_line: int


@dataclass(frozen=True)
class NoteMarker:
    """A note number printed glued to the text ("anyway”.1"): `after` + `printed` in the body."""

    after: str
    printed: str
    note: int
    toml_line: int


@dataclass(frozen=True)
class KeptAsPrinted:
    """A slip in the article kept as printed, with a remark for the edition box."""

    text: str
    remark: str
    toml_line: int


@dataclass(frozen=True)
class SeedMeta:
    """Everything the converter needs to know about one seed."""

    toml_path: Path
    seed_path: Path
    slug: str
    key: str
    format: str
    genre: str
    references: tuple[PrintedReference, ...]
    parts: tuple[Part, ...] = ()
    drops: tuple[DropRule, ...] = ()
    repairs: tuple[Repair, ...] = ()
    headings: tuple[str, ...] = ()
    lists: tuple[ListSpec, ...] = ()
    markers: tuple[NoteMarker, ...] = ()
    kept: tuple[KeptAsPrinted, ...] = ()
    attributed_to: str = ""  # author not named in the article; inferred attribution for the byline
    toml_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def stem(self) -> str:
        return self.seed_path.stem

    def part(self, kind: str) -> Part | None:
        return next((p for p in self.parts if p.kind == kind), None)


# -- reading the seed text ------------------------------------------------------------------------


def read_seed_lines(seed_path: Path) -> list[str]:
    """The seed's lines (1-based index = list index + 1), right-stripped; strict UTF-8."""
    if not seed_path.is_file():
        raise SeedMetaError("seed file not found", seed_path)
    data = seed_path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SeedMetaError(f"not UTF-8 (byte {err.start}: {err.reason})", seed_path, line) from None
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]


def marker_lines(lines: list[str], prefix: str) -> list[int]:
    """1-based numbers of the lines that start with ``prefix`` (leading spaces ignored)."""
    return [i for i, line in enumerate(lines, 1) if prefix and line.strip().startswith(prefix)]


def find_blocks(lines: list[str], start: str, end: str) -> list[tuple[int, int]]:
    """Pair each line starting with ``start`` with the next line starting with ``end`` (no overlaps)."""
    starts, ends = marker_lines(lines, start), marker_lines(lines, end)
    blocks: list[tuple[int, int]] = []
    pos = 0
    for s in starts:
        if s <= pos:
            continue
        e = next((e for e in ends if e >= s), None)
        if e is None:
            break
        blocks.append((s, e))
        pos = e
    return blocks


def part_blocks(meta: SeedMeta, part: Part, lines: list[str]) -> list[tuple[int, int]]:
    """The (first, last) seed lines of each printed copy of ``part``; checks the declared counts."""
    where = (meta.toml_path, part.toml_line)
    for prefix, declared, name in (
        (part.start, part.start_count, "start"),
        (part.end, part.end_count, "end"),
    ):
        found = len(marker_lines(lines, prefix))
        if found != declared:
            raise SeedMetaError(
                f"part {part.kind!r}: {name} marker {prefix!r} is on {found} line(s) of "
                f"{meta.seed_path.name}, declared {declared}",
                *where,
            )
    blocks = find_blocks(lines, part.start, part.end)
    if len(blocks) != part.copies:
        raise SeedMetaError(
            f"part {part.kind!r}: found {len(blocks)} printed cop(ies), declared copies = {part.copies}",
            *where,
        )
    return blocks


# -- reading the TOML ------------------------------------------------------------------------------

_TOP_KEYS = {
    "slug", "key", "format", "genre", "attributed_to", "headings",
    "parts", "drop", "repairs", "lists", "markers", "references", "kept",
}  # fmt: skip
_TABLE_KEYS = {
    "parts": {"kind", "start", "end", "start_count", "end_count", "copies", "heading_line", "item_pattern"},
    "drop": {"category", "text", "texts", "pattern", "start", "end", "count"},
    "repairs": {"kind", "line", "next", "cause", "to", "what", "level"},
    "lists": {"start", "end", "ordered"},
    "markers": {"after", "printed", "note"},
    "references": {"label", "keys", "printed", "note"},
    "kept": {"text", "remark"},
}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Lines:
    """Finds the line of a key in the TOML text, for error messages (tomllib gives none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table(self, name: str, index: int) -> int:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        hits = [i for i, line in enumerate(self.lines, 1) if header.match(line)]
        return hits[index] if index < len(hits) else 1

    def key(self, key: str, table: str | None = None, index: int = 0) -> int:
        start = self.table(table, index) if table else 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, len(self.lines) + 1):
            line = self.lines[i - 1]
            if i > start and table and re.match(r"^\s*\[", line):
                break
            if not table and re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return i
        return start


def _get(
    data: dict[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    where: tuple[Path, int],
    default: Any = None,
) -> Any:
    if key not in data:
        if default is None:
            raise SeedMetaError(f"missing required field {key!r}", *where)
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SeedMetaError(f"field {key!r} has the wrong type ({type(value).__name__})", *where)
    return value


def load_seed_meta(toml_path: Path) -> SeedMeta:
    """Read and check ``seeds/<stem>.toml`` (and locate its reference list in the seed)."""
    toml_path = Path(toml_path)
    if not toml_path.is_file():
        raise SeedMetaError("metadata file not found", toml_path)
    try:
        text = toml_path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise SeedMetaError("not UTF-8", toml_path) from None
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        line = int(m.group(1)) if m else 1
        raise SeedMetaError(f"invalid TOML: {err}", toml_path, line) from None
    where = _Lines(text)

    def at(key: str, table: str | None = None, index: int = 0) -> tuple[Path, int]:
        return (toml_path, where.key(key, table, index))

    for key in data:
        if key not in _TOP_KEYS:
            raise SeedMetaError(f"unknown field {key!r}", *at(key))
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, allowed in _TABLE_KEYS.items():
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SeedMetaError(f"{name!r} must be an array of tables ([[{name}]])", *at(name))
        for index, item in enumerate(items):
            for key in item:
                if key not in allowed:
                    raise SeedMetaError(f"[[{name}]]: unknown field {key!r}", *at(key, name, index))
        tables[name] = items

    seed_path = toml_path.with_suffix(".txt")
    slug = _get(data, "slug", str, at("slug"))
    if not SLUG_RE.match(slug):
        raise SeedMetaError(f"slug {slug!r} must be lowercase words joined by hyphens", *at("slug"))
    key = _get(data, "key", str, at("key"))
    fmt = _get(data, "format", str, at("format"))
    if fmt not in FORMATS:
        raise SeedMetaError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})", *at("format"))
    genre = _get(data, "genre", str, at("genre"))
    headings = tuple(_get(data, "headings", list, at("headings"), []))
    attributed_to = _get(data, "attributed_to", str, at("attributed_to"), "")

    parts = []
    for i, t in enumerate(tables["parts"]):
        w = (toml_path, where.table("parts", i))
        kind = _get(t, "kind", str, w)
        if kind not in PART_KINDS:
            raise SeedMetaError(f"unknown part kind {kind!r} (known: {', '.join(PART_KINDS)})", *w)
        parts.append(
            Part(
                kind=kind,
                start=_get(t, "start", str, w),
                end=_get(t, "end", str, w),
                start_count=_get(t, "start_count", int, w, 1),
                end_count=_get(t, "end_count", int, w, 1),
                copies=_get(t, "copies", int, w, 1),
                heading_line=_get(t, "heading_line", bool, w, False),
                item_pattern=_get(t, "item_pattern", str, w, ""),
                toml_line=w[1],
            )
        )
    kinds = [p.kind for p in parts]
    if "body" not in kinds:
        raise SeedMetaError("missing required part: a [[parts]] table with kind = 'body'", toml_path, 1)
    for k in set(kinds):
        if kinds.count(k) > 1:
            raise SeedMetaError(f"part kind {k!r} declared twice", toml_path, where.table("parts", 0))

    drops = []
    for i, t in enumerate(tables["drop"]):
        w = (toml_path, where.table("drop", i))
        texts = tuple(_get(t, "texts", list, w, [])) + ((_get(t, "text", str, w),) if "text" in t else ())
        pattern, start, end = (_get(t, k, str, w, "") for k in ("pattern", "start", "end"))
        if sum(map(bool, (texts, pattern, start or end))) != 1 or bool(start) != bool(end):
            raise SeedMetaError("[[drop]] needs exactly one of: text/texts, pattern, or start+end", *w)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as err:
                raise SeedMetaError(f"[[drop]]: bad pattern: {err}", *w) from None
        drops.append(
            DropRule(_get(t, "category", str, w), texts, pattern, start, end, _get(t, "count", int, w), w[1])
        )

    repairs = []
    for i, t in enumerate(tables["repairs"]):
        w = (toml_path, where.table("repairs", i))
        kind = _get(t, "kind", str, w)
        if kind not in REPAIR_KINDS:
            raise SeedMetaError(f"unknown repair kind {kind!r} (known: {', '.join(REPAIR_KINDS)})", *w)
        need = {
            "join": ("next",),
            "move": ("to", "what"),
            "heading-level": ("level",),
            "missing-figure": ("what",),
        }
        for k in need[kind]:
            _get(t, k, (str, int), w)
        repairs.append(
            Repair(
                kind=kind,
                line=_get(t, "line", str, w),
                next=_get(t, "next", str, w, ""),
                cause=_get(t, "cause", str, w, "page break"),
                to=_get(t, "to", str, w, ""),
                what=_get(t, "what", str, w, ""),
                level=_get(t, "level", int, w, 0),
                toml_line=w[1],
            )
        )
        if kind == "move" and repairs[-1].to not in kinds:
            raise SeedMetaError(f"move: no part of kind {repairs[-1].to!r} to move to", *w)

    lists = tuple(
        ListSpec(
            _get(t, "start", str, w := (toml_path, where.table("lists", i))),
            _get(t, "end", str, w),
            _get(t, "ordered", bool, w, False),
            w[1],
        )
        for i, t in enumerate(tables["lists"])
    )
    markers = tuple(
        NoteMarker(
            _get(t, "after", str, w := (toml_path, where.table("markers", i))),
            _get(t, "printed", str, w),
            _get(t, "note", int, w),
            w[1],
        )
        for i, t in enumerate(tables["markers"])
    )
    kept = tuple(
        KeptAsPrinted(
            _get(t, "text", str, w := (toml_path, where.table("kept", i))), _get(t, "remark", str, w), w[1]
        )
        for i, t in enumerate(tables["kept"])
    )

    meta = SeedMeta(
        toml_path=toml_path,
        seed_path=seed_path,
        slug=slug,
        key=key,
        format=fmt,
        genre=genre,
        references=(),
        parts=tuple(parts),
        drops=tuple(drops),
        repairs=tuple(repairs),
        headings=headings,
        lists=lists,
        markers=markers,
        kept=kept,
        attributed_to=attributed_to,
    )
    references = _printed_references(meta, tables["references"], where)
    return SeedMeta(**{**meta.__dict__, "references": references})


def _printed_references(
    meta: SeedMeta, items: list[dict[str, Any]], where: _Lines
) -> tuple[PrintedReference, ...]:
    """Match the TOML's [[references]] (in printed order) to the items of the notes/references part."""
    part = meta.part("notes") or meta.part("references")
    if part is None:
        if items:
            raise SeedMetaError(
                "[[references]] given but no part of kind 'notes' or 'references'", meta.toml_path, 1
            )
        return ()
    lines = read_seed_lines(meta.seed_path)
    first, last = part_blocks(meta, part, lines)[0]
    if part.heading_line:
        first += 1
    pattern = re.compile(part.item_pattern) if part.item_pattern else None
    printed_items: list[tuple[int, str, str]] = []
    for n in range(first, last + 1):
        line = lines[n - 1].strip()
        if not line:
            continue
        if pattern is None:
            printed_items.append((n, "", line))
            continue
        m = pattern.fullmatch(line)
        if m is None:
            raise SeedMetaError(
                f"line does not match the {part.kind} item_pattern {part.item_pattern!r}", meta.seed_path, n
            )
        groups = m.groupdict()
        printed_items.append((n, groups.get("label") or "", groups.get("text", line)))
    if len(printed_items) != len(items):
        raise SeedMetaError(
            f"[[references]] lists {len(items)} item(s); "
            f"the seed's {part.kind} part prints {len(printed_items)}",
            meta.toml_path,
            where.table("references", 0),
        )
    refs = []
    for i, (t, (n, printed, text)) in enumerate(zip(items, printed_items, strict=True)):
        w = (meta.toml_path, where.table("references", i))
        label = _get(t, "label", str, w)
        note = _get(t, "note", int, w, 0) or None
        declared = _get(t, "printed", str, w, str(note) if note is not None else label)
        if pattern is not None and "label" in pattern.groupindex and declared != printed:
            raise SeedMetaError(
                f"reference {label!r}: the seed prints {printed!r} here (line {n}), declared {declared!r}", *w
            )
        keys = _get(t, "keys", list, w)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise SeedMetaError(f"reference {label!r}: keys must be a non-empty list of refs.bib keys", *w)
        if part.kind == "notes" and note is None:
            raise SeedMetaError(f"reference {label!r}: a note needs its footnote number (note = N)", *w)
        refs.append(PrintedReference(label, text, tuple(keys), n, printed, note))
    labels = [r.label for r in refs]
    if len(set(labels)) != len(labels):
        raise SeedMetaError(
            "[[references]]: labels must be unique", meta.toml_path, where.table("references", 0)
        )
    return tuple(refs)


def load_all(seeds_dir: Path) -> list[SeedMeta]:
    """Metadata of every seed in ``seeds_dir``, sorted by seed file name; each .txt needs a .toml."""
    seeds_dir = Path(seeds_dir)
    for txt in sorted(seeds_dir.glob("*.txt")):
        if not txt.with_suffix(".toml").is_file():
            raise SeedMetaError(f"no metadata file {txt.with_suffix('.toml').name} beside the seed", txt)
    metas = [load_seed_meta(p) for p in sorted(seeds_dir.glob("*.toml"))]
    for kind in ("slug", "key"):
        seen: dict[str, Path] = {}
        for m in metas:
            value = getattr(m, kind)
            if value in seen:
                raise SeedMetaError(f"{kind} {value!r} is also used by {seen[value].name}", m.toml_path, 1)
            seen[value] = m.toml_path
    return metas
