"""The seed schema: what ``seeds/NNN_*.toml`` says about its raw article ``seeds/NNN_*.txt``.

Each seed's metadata file says where the article's parts are, what to drop, what to repair and
which refs.bib entries its printed references are. Everything seed-specific lives there; the
converter (:mod:`litreview.chapters`) has no per-seed branches. The article's own bibliographic
facts (title, authors, venue, date, URL) are NOT here: their one home is its refs.bib entry; the
TOML names only its ``key``.

The schema is the dataclasses below: a field's name is its TOML key, its type annotation what the
value must be, its default whether it may be left out; ``toml`` metadata marks fields the TOML
does not write (line numbers, text read from the seed) or writes under another name. Every error
names the TOML file and the line of the key or table it is about.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from litreview.core.dates import parse_iso
from litreview.core.errors import SeedMetaError

FORMATS = ("text", "markdown")
PART_KINDS = ("front", "body", "notes", "references", "author")
REPAIR_KINDS = ("join", "move", "heading-level", "missing-figure")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOT_IN_TOML: dict[str, Any] = {"toml": None}  # metadata: a field the TOML does not write
#: Top-level values only a person can give; a draft (litreview-new-article) leaves them empty.
FILL_IN = {
    "key": "the refs.bib key of the article's own entry (authorYEARword, 'nd' for no year; see README.md)",
    "genre": "what kind of text the article is, as the chapter's edition box shows it (e.g. 'op-ed')",
    "slug": "the chapter's file name (lowercase words joined by hyphens)",
}


def _line() -> Any:
    """The line of the record's table header (or key) in the TOML; filled by the loader."""
    return field(default=0, metadata=NOT_IN_TOML, compare=False)


@dataclass(frozen=True)
class Part:
    """A stretch of the seed that belongs to the article, found by its first and last line."""

    kind: str  # front | body | notes | references | author
    start: str  # prefix of its first line
    end: str  # prefix of its last line
    start_count: int = 1  # how many lines of the seed start with `start` (checked)
    end_count: int = 1  # ditto for `end`
    copies: int = 1  # how many times the seed prints this part (copies must be identical; one is kept)
    heading_line: bool = False  # its first line is its printed heading
    item_pattern: str = ""  # references/notes: regex with (?P<text>…) and optionally (?P<label>…)
    toml_line: int = _line()

    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"kind": PART_KINDS}


@dataclass(frozen=True)
class DropRule:
    """Lines that are not the article: by exact text, by pattern, or a block from start to end."""

    category: str  # what they are, shown in the "About this edition" box
    count: int  # how many lines (text/pattern) or blocks (start/end) it must match, exactly
    texts: tuple[str, ...] = field(default=(), metadata={"toml": ("texts", "text")})
    pattern: str = ""
    start: str = ""
    end: str = ""
    toml_line: int = _line()


@dataclass(frozen=True)
class Repair:
    """One editorial repair; each is listed in the chapter's "About this edition" box."""

    kind: str  # join | move | heading-level | missing-figure
    line: str  # prefix of the seed line it applies to
    next: str = ""  # join: prefix of the line that continues it
    cause: str = "page break"  # join: what split it ("page break", "line break")
    to: str = ""  # move: the part kind it moves to
    what: str = ""  # move / missing-figure: a few words naming the thing
    level: int = 0  # heading-level: the level it should have
    toml_line: int = _line()

    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"kind": REPAIR_KINDS}
    NEEDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "join": ("next",),
        "move": ("to", "what"),
        "heading-level": ("level",),
        "missing-figure": ("what",),
    }


@dataclass(frozen=True)
class ListSpec:
    """Plain-text seeds: consecutive lines printed as a list (never guessed from the text)."""

    start: str
    end: str
    ordered: bool = False
    toml_line: int = _line()


@dataclass(frozen=True)
class NoteMarker:
    """A note number printed glued to the text ("anyway”.1"): `after` + `printed` in the body."""

    after: str
    printed: str
    note: int
    toml_line: int = _line()


@dataclass(frozen=True)
class KeptAsPrinted:
    """A slip in the article kept as printed, with a remark for the edition box."""

    text: str
    remark: str
    toml_line: int = _line()


@dataclass(frozen=True)
class PrintedReference:
    """One item of the article's own reference list (or notes list), as printed."""

    label: str  # our name for it: "5", "Source 3", "note 6" ...
    keys: tuple[str, ...]  # refs.bib key(s) it maps to (normally one)
    printed: str = ""  # the number printed before it ("5" for "[5] …"), "" if none
    note: int | None = None  # for notes: the footnote number it gets in the chapter
    text: str = field(default="", metadata=NOT_IN_TOML)  # the printed text, as in the seed
    line: int = field(default=0, metadata=NOT_IN_TOML)  # 1-based line in the seed .txt
    toml_line: int = _line()


#: The TOML's arrays of tables, and the record each item becomes.
TABLES: dict[str, type] = {
    "parts": Part,
    "drop": DropRule,
    "repairs": Repair,
    "lists": ListSpec,
    "markers": NoteMarker,
    "references": PrintedReference,
    "kept": KeptAsPrinted,
}


@dataclass(frozen=True)
class SeedMeta:
    """Everything the converter needs to know about one seed."""

    slug: str
    key: str
    format: str
    genre: str
    attributed_to: str = ""  # author not named in the article; inferred attribution for the byline
    # Undated in refs.bib: the earliest date it can have (YYYY, YYYY-MM or YYYY-MM-DD, inferred; say why
    # in a comment). It places the article in the book's one order (litreview.core.order); none: last.
    earliest: str = ""
    headings: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    drop: tuple[DropRule, ...] = ()
    repairs: tuple[Repair, ...] = ()
    lists: tuple[ListSpec, ...] = ()
    markers: tuple[NoteMarker, ...] = ()
    references: tuple[PrintedReference, ...] = ()
    kept: tuple[KeptAsPrinted, ...] = ()
    toml_path: Path = field(default=Path(), metadata=NOT_IN_TOML)
    toml_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False, metadata=NOT_IN_TOML)

    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"format": FORMATS}

    @property
    def seed_path(self) -> Path:
        return self.toml_path.with_suffix(".txt")

    @property
    def stem(self) -> str:
        return self.seed_path.stem

    def part(self, kind: str) -> Part | None:
        return next((p for p in self.parts if p.kind == kind), None)

    def line_of(self, key: str) -> int:
        """The TOML line of a top-level key (1 when it is not written)."""
        return self.toml_lines.get(key, 1)


# -- the schema, read off the dataclasses --------------------------------------------------------


def toml_names(f: dataclasses.Field) -> tuple[str, ...]:
    """The TOML keys a field is read from: its name, its aliases, or none."""
    if "toml" not in f.metadata:
        return (f.name,)
    return f.metadata["toml"] or ()


def schema(cls: type) -> dict[str, dataclasses.Field]:
    """TOML key → field, for every key a record of ``cls`` may have."""
    return {name: f for f in dataclasses.fields(cls) for name in toml_names(f)}


def _required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kinds(annotation: Any) -> tuple[type, ...]:
    """The Python types a TOML value for a field with this annotation may have."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return tuple(k for a in typing.get_args(annotation) for k in _kinds(a))
    if origin is tuple or annotation is tuple:
        return (list,)
    if annotation is type(None):
        return ()
    return (annotation,)


# -- reading the TOML ------------------------------------------------------------------------------


class _Locator:
    """Finds the line of a key in the TOML text, for error messages (tomllib gives none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table(self, name: str, index: int) -> int:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        hits = [i for i, line in enumerate(self.lines, 1) if header.match(line)]
        return hits[index] if index < len(hits) else 1

    def key(self, key: str, table: str | None = None, index: int = 0) -> int:
        """The line of ``key`` at top level, or inside the ``index``-th ``[[table]]``."""
        start = self.table(table, index) if table else 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line) and (number > start or not table):
                break
            if pattern.match(line):
                return number
        return start


@dataclass
class _Reader:
    """Reads one record from a TOML table against its dataclass, with lines for every error."""

    path: Path
    locate: _Locator

    def record(self, cls: type, data: dict[str, Any], table: str | None = None, index: int = 0) -> Any:
        header = self.locate.table(table, index) if table else 1
        fields = schema(cls)
        where = f"[[{table}]]: " if table else ""
        for key in data:
            if key not in fields:
                line = self.locate.key(key, table, index)
                raise SeedMetaError(f"{where}unknown field {key!r}", self.path, line)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            names = [n for n in toml_names(f) if n in data]
            if not names:
                if toml_names(f) and _required(f):
                    raise SeedMetaError(f"{where}missing required field {f.name!r}", self.path, header)
                continue
            items = []
            for name in names:
                value = data[name]
                line = self.locate.key(name, table, index)
                items.append(self.value(cls, f, name, value, line))
            values[f.name] = tuple(v for item in items for v in item) if len(items) > 1 else items[0]
        if "toml_line" in {f.name for f in dataclasses.fields(cls)}:
            values["toml_line"] = header
        return cls(**values)

    def value(self, cls: type, f: dataclasses.Field, name: str, value: Any, line: int) -> Any:
        kinds = _kinds(_hints(cls)[f.name])
        if f.name == "texts" and isinstance(value, str):  # `text = "…"` for a one-item `texts`
            value = [value]
        bad_bool = isinstance(value, bool) and bool not in kinds
        if not isinstance(value, kinds) or bad_bool:
            raise SeedMetaError(
                f"field {name!r} has the wrong type ({type(value).__name__})", self.path, line
            )
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise SeedMetaError(f"field {name!r} must be a list of strings", self.path, line)
            value = tuple(value)
        choices = getattr(cls, "CHOICES", {}).get(f.name)
        if choices and value not in choices:
            raise SeedMetaError(f"unknown {f.name} {value!r} (known: {', '.join(choices)})", self.path, line)
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
        raise SeedMetaError(f"invalid TOML: {err}", toml_path, int(m.group(1)) if m else 1) from None
    locate = _Locator(text)
    reader = _Reader(toml_path, locate)
    tables: dict[str, list[Any]] = {}
    for name, cls in TABLES.items():
        items = data.pop(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SeedMetaError(
                f"{name!r} must be an array of tables ([[{name}]])", toml_path, locate.key(name)
            )
        tables[name] = [reader.record(cls, item, name, index) for index, item in enumerate(items)]
    top = reader.record(SeedMeta, data)
    meta = dataclasses.replace(
        top,
        toml_path=toml_path,
        toml_lines={key: locate.key(key) for key in data},
        **{name: tuple(records) for name, records in tables.items() if name != "references"},
    )
    _check(meta, locate)
    return dataclasses.replace(meta, references=_printed_references(meta, tables["references"]))


def _check(meta: SeedMeta, locate: _Locator) -> None:
    """What the types alone do not say: a slug's form, one body, repairs' required fields."""
    path = meta.toml_path
    for name, what in FILL_IN.items():
        if not getattr(meta, name).strip():
            raise SeedMetaError(f"{name} is empty: fill in {what}", path, meta.line_of(name))
    if not SLUG_RE.match(meta.slug):
        raise SeedMetaError(
            f"slug {meta.slug!r} must be lowercase words joined by hyphens", path, meta.line_of("slug")
        )
    if meta.earliest:
        try:
            parse_iso(meta.earliest)
        except ValueError as exc:
            raise SeedMetaError(f"earliest: {exc}", path, meta.line_of("earliest")) from None
    kinds = [p.kind for p in meta.parts]
    if "body" not in kinds:
        raise SeedMetaError("missing required part: a [[parts]] table with kind = 'body'", path, 1)
    for kind in dict.fromkeys(kinds):
        if kinds.count(kind) > 1:
            raise SeedMetaError(f"part kind {kind!r} declared twice", path, locate.table("parts", 0))
    for rule in meta.drop:
        chosen = (bool(rule.texts), bool(rule.pattern), bool(rule.start or rule.end))
        if sum(chosen) != 1 or bool(rule.start) != bool(rule.end):
            raise SeedMetaError(
                "[[drop]] needs exactly one of: text/texts, pattern, or start+end", path, rule.toml_line
            )
        if rule.pattern:
            try:
                re.compile(rule.pattern)
            except re.error as err:
                raise SeedMetaError(f"[[drop]]: bad pattern: {err}", path, rule.toml_line) from None
    for repair in meta.repairs:
        for name in Repair.NEEDS[repair.kind]:
            if not getattr(repair, name):
                raise SeedMetaError(f"missing required field {name!r}", path, repair.toml_line)
        if repair.kind == "move" and repair.to not in kinds:
            raise SeedMetaError(f"move: no part of kind {repair.to!r} to move to", path, repair.toml_line)


def _printed_references(meta: SeedMeta, specs: list[PrintedReference]) -> tuple[PrintedReference, ...]:
    """Match the TOML's [[references]] (in printed order) to the items of the notes/references part."""
    part = meta.part("notes") or meta.part("references")
    if part is None:
        if specs:
            raise SeedMetaError(
                "[[references]] given but no part of kind 'notes' or 'references'",
                meta.toml_path,
                specs[0].toml_line,
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
    if len(printed_items) != len(specs):
        raise SeedMetaError(
            f"[[references]] lists {len(specs)} item(s); "
            f"the seed's {part.kind} part prints {len(printed_items)}",
            meta.toml_path,
            specs[0].toml_line if specs else 1,
        )
    refs = []
    for spec, (n, printed, text) in zip(specs, printed_items, strict=True):
        declared = spec.printed or (str(spec.note) if spec.note is not None else spec.label)
        if pattern is not None and "label" in pattern.groupindex and declared != printed:
            raise SeedMetaError(
                f"reference {spec.label!r}: the seed prints {printed!r} here (line {n}), "
                f"declared {declared!r}",
                meta.toml_path,
                spec.toml_line,
            )
        if not spec.keys or not all(k.strip() for k in spec.keys):
            raise SeedMetaError(
                f"reference {spec.label!r}: keys = [] — fill in the refs.bib key of the work the seed prints "
                f"at line {n} (“{_short(text)}”), after adding its entry to refs.bib",
                meta.toml_path,
                spec.toml_line,
            )
        if part.kind == "notes" and spec.note is None:
            raise SeedMetaError(
                f"reference {spec.label!r}: a note needs its footnote number (note = N)",
                meta.toml_path,
                spec.toml_line,
            )
        refs.append(dataclasses.replace(spec, printed=printed, text=text, line=n))
    labels = [r.label for r in refs]
    if len(set(labels)) != len(labels):
        raise SeedMetaError("[[references]]: labels must be unique", meta.toml_path, specs[0].toml_line)
    return tuple(refs)


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + "…"


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
                raise SeedMetaError(f"{kind} {value!r} is also used by {seen[value].name}", m.toml_path,
                                    m.line_of(kind))  # fmt: skip
            seen[value] = m.toml_path
    return metas
