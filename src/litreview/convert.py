"""Turn each raw seed (seeds/*.txt + its .toml) into a faithful MyST chapter in book/articles/.

Every non-blank seed line is accounted for: kept in a part of the article, or removed by a
metadata rule with a category; anything else is an error. Seed text is untrusted: plain text is
backslash-escaped, and the Markdown-like format is parsed with markdown-it-py, keeping only a
whitelist (headings, paragraphs, emphasis, lists, <sup>, http/https/mailto links).

Run ``python -m litreview.convert`` (``nox -s chapters``) to regenerate; ``--check`` exits 1 with a
diff when a committed chapter differs from what the seeds make. Only the generated regions of a
chapter are rewritten; text outside them (the editor's summary) survives.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from pybtex.database import BibliographyData, parse_file

from litreview.errors import ConvertError, LitReviewError, SeedMetaError
from litreview.seedmeta import (
    SeedMeta,
    find_blocks,
    load_all,
    part_blocks,
    read_seed_lines,
)

COMMAND = "python -m litreview.convert"
DUPLICATE = "duplicate copy of the article"
BEGIN = (
    "<!-- generated:begin {name} (made by `{command}` from {source}; "
    "edit the seed's metadata, not this region) -->"
)
END = "<!-- generated:end {name} -->"
REGION_RE = re.compile(r"^<!-- generated:(begin|end) ([A-Za-z0-9_-]+)\b.*-->$")


# -- the one place the "Works cited" directive is written ---------------------------------------------


def bibliography_directive(keys: list[str]) -> str:
    """The {bibliography} block closing every chapter: the works this article cites, in printed order.

    The filter names the article's own references, so a work that only our summary on the page
    cites (the article itself, another chapter) is not listed as cited by the article.
    """
    wanted = ", ".join(f'"{key.lower()}"' for key in keys)
    return f"```{{bibliography}}\n:list: bullet\n:filter: key in {{{wanted}}}\n:style: litreview_printed\n```"


# -- escaping untrusted text -----------------------------------------------------------------------

_ALWAYS = frozenset("\\`*_{}[]<>&!|$~^")
_LINE_START = frozenset("#-+=:%()")
_ORDERED_START = re.compile(r"^(\s*\d{1,9})([.)])")


def escape(text: str) -> str:
    """Backslash-escape every character that can start a Markdown/MyST inline construct.

    The colon of "scheme://" is escaped too, so that no linkifier turns a printed URL into a link.
    """
    out = "".join("\\" + c if c in _ALWAYS else c for c in text.replace("\t", " "))
    return out.replace("://", "\\://")


def fix_line_start(line: str) -> str:
    """Make sure a generated line cannot start a block construct (#, -, +, =, :, %, (, 1.)."""
    stripped = line.lstrip()
    if not stripped:
        return ""
    if stripped[0] in _LINE_START:
        return "\\" + stripped
    return _ORDERED_START.sub(r"\1\\\2", stripped, count=1)


def seedcite(text: str, keys: Sequence[str]) -> str:
    """The {seedcite} role: TEXT as printed, linked to the merged entry of the first key."""
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    body = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{{seedcite}}{fence}{body} <{','.join(keys)}>{fence}"


# -- inline pieces: text to escape, or markup we made ---------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of inline content: ``myst`` is what goes in the chapter, ``plain`` its text."""

    myst: str
    plain: str


def text_piece(raw: str) -> Piece:
    return Piece(escape(raw), raw)


def join_pieces(pieces: Iterable[Piece]) -> Piece:
    pieces = list(pieces)
    return Piece("".join(p.myst for p in pieces), "".join(p.plain for p in pieces))


@dataclass(frozen=True)
class Block:
    """A block of a part: its MyST, and its plain-text paragraphs (for article_paragraphs)."""

    myst: str
    plain: tuple[str, ...] = ()


# -- the seed, accounted for line by line -----------------------------------------------------------


@dataclass
class Line:
    no: int
    text: str
    joined: tuple[int, ...] = ()  # seed lines joined onto this one by a repair


@dataclass
class Prepared:
    """A seed after parts were found, removals applied and line-level repairs made."""

    meta: SeedMeta
    lines: list[str]
    parts: dict[str, list[Line]]
    removed: dict[str, list[tuple[int, int]]]  # category -> blocks (first, last line)
    repaired: list[str] = field(default_factory=list)
    figures: dict[int, str] = field(default_factory=dict)  # caption line -> what (e.g. "Fig. 1")
    trailing_space: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.meta.seed_path.read_bytes()).hexdigest()


def _err(meta: SeedMeta, message: str, line: int | None = None, *, toml: bool = False) -> ConvertError:
    return ConvertError(message, meta.toml_path if toml else meta.seed_path, line)


def _quote(text: str, words: int = 6, tail: bool = False) -> str:
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


def prepare(meta: SeedMeta) -> Prepared:
    """Account for every line of the seed and apply the line-level repairs of its metadata."""
    try:
        lines = read_seed_lines(meta.seed_path)
    except SeedMetaError as err:
        raise ConvertError(err.message, err.path, err.line) from None
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
                raise _err(
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
                raise _err(meta, f"part {part.kind!r} overlaps another part", n)
            owner[n] = f"part:{part.kind}"
        parts[part.kind] = [Line(n, lines[n - 1]) for n in range(first, last + 1)]

    dropped: set[int] = set()
    for rule in meta.drops:
        free = [n for n in range(1, len(lines) + 1) if owner.get(n) != "dup" and n not in dropped]
        if rule.start:
            blocks = [
                (s, e)
                for s, e in find_blocks(lines, rule.start, rule.end)
                if all(n in free for n in range(s, e + 1))
            ]
            hits = [n for s, e in blocks for n in range(s, e + 1)]
            found = len(blocks)
        else:
            pattern = re.compile(rule.pattern) if rule.pattern else None
            hits = [
                n
                for n in free
                if lines[n - 1].strip()
                and (
                    lines[n - 1].strip() in rule.texts
                    or (pattern and pattern.fullmatch(lines[n - 1].strip()))
                )
            ]
            found = len(hits)
        if found != rule.count:
            unit = "block(s)" if rule.start else "line(s)"
            message = f"drop rule {rule.category!r} matches {found} {unit}, declared {rule.count}"
            raise _err(meta, message, rule.toml_line, toml=True)
        dropped.update(hits)
        removed.setdefault(rule.category, []).extend(_blocks_of(hits, lines) if not rule.start else blocks)
        for n in hits:
            owner.setdefault(n, f"drop:{rule.category}")

    for kind in parts:
        parts[kind] = [Line(ln.no, "") if ln.no in dropped else ln for ln in parts[kind]]

    prepared = Prepared(meta, lines, parts, removed, trailing_space=trailing)
    for repair in meta.repairs:
        _apply_repair(prepared, repair)

    for n, text in enumerate(lines, 1):
        if text.strip() and n not in owner:
            raise _err(
                meta,
                f"line is neither part of the article nor removed by a rule of {meta.toml_path.name}: "
                f"{_quote(text.strip())!r}",
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
        raise _err(
            prep.meta,
            f"repair: {len(hits)} kept line(s) start with {prefix!r}, expected 1",
            toml_line,
            toml=True,
        )
    return hits[0]


_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s")


def _apply_repair(prep: Prepared, repair) -> None:
    meta = prep.meta
    kind, i = _find(prep, repair.line, repair.toml_line)
    part = prep.parts[kind]
    line = part[i]
    if repair.kind == "move":
        part[i] = Line(line.no, "")
        target = prep.parts[repair.to]
        target.extend([Line(line.no, ""), Line(line.no, line.text)])
        prep.repaired.append(
            f"moved the {repair.what} (line {line.no}) to the {_PART_NAMES[repair.to]}: "
            f"“{_quote(_md_plain(meta, line.text), 8)}”"
        )
    elif repair.kind == "join":
        _, j = _find(prep, repair.next, repair.toml_line, [kind])
        nxt = part[j]
        between = part[i + 1 : j]
        if j <= i or any(b.text.strip() for b in between):
            raise _err(
                meta, f"join: the line starting with {repair.next!r} does not follow line {line.no}", nxt.no
            )
        if _LIST_ITEM.match(nxt.text):
            del part[i + 1 : j]
            prep.repaired.append(
                f"rejoined a list split by a {repair.cause} (lines {line.no}–{nxt.no}), "
                f"before “{_quote(_md_plain(meta, nxt.text), 5)}”"
            )
        else:
            part[i] = Line(line.no, line.text.rstrip() + " " + nxt.text.strip(), (*line.joined, nxt.no))
            del part[i + 1 : j + 1]
            prep.repaired.append(
                f"joined a paragraph split by a {repair.cause} (lines {line.no}–{nxt.no}): "
                f"“{_quote(_md_plain(meta, line.text), 4, tail=True)}” + "
                f"“{_quote(_md_plain(meta, nxt.text), 4)}”"
            )
    elif repair.kind == "heading-level":
        m = re.match(r"^(#{1,6})\s", line.text)
        if meta.format != "markdown" or m is None:
            raise _err(meta, "heading-level: not a Markdown heading line", line.no)
        part[i] = Line(line.no, "#" * repair.level + line.text[len(m.group(1)) :])
        prep.repaired.append(
            f"the heading “{_md_plain(meta, line.text[len(m.group(0)) :])}” (line {line.no}) is printed at "
            f"level {len(m.group(1))}; its sibling sections are level {repair.level}, so it is set to "
            f"level {repair.level}"
        )
    elif repair.kind == "missing-figure":
        prep.figures[line.no] = repair.what
        prep.repaired.append(
            f"{repair.what}: the text we received prints its caption (line {line.no}) but not the image; "
            "the caption is kept and marked “Figure not received”, and no image is shown"
        )


_PART_NAMES = {
    "front": "front matter",
    "body": "body",
    "notes": "notes",
    "references": "reference list",
    "author": "author's note",
}


# -- Markdown-like seeds: markdown-it-py with a whitelist ---------------------------------------------


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.disable(
        [
            "code",
            "fence",
            "blockquote",
            "hr",
            "reference",
            "html_block",
            "lheading",
            "backticks",
            "entity",
            "image",
        ]
    )
    return md


MD = _markdown()
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)[^\s<>\\`\"]+$", re.IGNORECASE)


def _md_plain(meta: SeedMeta, text: str) -> str:
    """Seed text without its Markdown markup (for quotations in the edition box)."""
    text = _LIST_ITEM.sub("", text).strip()
    if meta.format != "markdown":
        return text
    return _inline_md(MD.parseInline(text.strip())[0].children or [], lambda s: [text_piece(s)]).plain


def _inline_md(tokens, text_fn) -> Piece:
    """Render inline tokens: whitelisted constructs become MyST, everything else literal text."""
    nodes = SyntaxTreeNode(tokens, create_root=True).children if tokens else []
    return _inline_nodes(nodes, text_fn)


def _inline_nodes(nodes: list[SyntaxTreeNode], text_fn) -> Piece:
    out: list[Piece] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if node.type == "text":
            out.extend(text_fn(node.content))
        elif node.type in ("softbreak", "hardbreak"):
            out.append(Piece(" ", " "))
        elif node.type in ("em", "strong"):
            inner = _inline_nodes(node.children, text_fn)
            mark = "*" if node.type == "em" else "**"
            out.append(Piece(f"{mark}{inner.myst}{mark}", inner.plain) if inner.plain.strip() else inner)
        elif node.type == "link":
            inner = _inline_nodes(node.children, text_fn)
            href = str(node.attrs.get("href", ""))
            after_bang = bool(out) and out[-1].plain.endswith("!")  # an image: not whitelisted
            if _SAFE_HREF.match(href) and inner.plain.strip() and not after_bang:
                out.append(Piece(f"[{inner.myst}](<{href}>)", inner.plain))
            else:
                out.extend([text_piece("["), inner, text_piece(f"]({href})")])
        elif node.type == "html_inline" and node.content.lower() == "<sup>":
            close = next(
                (j for j in range(i + 1, len(nodes)) if nodes[j].type == "html_inline"),
                None,
            )
            inner_nodes = nodes[i + 1 : close] if close is not None else []
            content = "".join(n.content for n in inner_nodes)
            if (
                close is not None
                and nodes[close].content.lower() == "</sup>"
                and inner_nodes
                and all(n.type == "text" for n in inner_nodes)
                and content.strip()
                and "`" not in content
            ):
                out.append(Piece(f"{{sup}}`{content}`", content))
                i = close + 1
                continue
            out.append(text_piece(node.content))
        else:  # raw HTML, and anything not whitelisted: literal text
            out.append(text_piece(node.content or ""))
        i += 1
    return join_pieces(out)


# -- rendering a chapter ------------------------------------------------------------------------------


class Renderer:
    """Renders the parts of one prepared seed as MyST blocks."""

    def __init__(self, prep: Prepared):
        self.prep = prep
        self.meta = prep.meta
        refs = self.meta.references
        part = self.meta.part("references")
        self.bracket_labels = (
            {r.printed: r.keys for r in refs if r.printed}
            if part is not None and "label" in re.compile(part.item_pattern or "x").groupindex
            else {}
        )
        self.markers = self._locate_markers()

    # inline ------------------------------------------------------------------------------------------

    def _locate_markers(self) -> dict[int, list[tuple[int, int, int]]]:
        """Seed line -> [(start, end, note)] of the glued note markers declared in the metadata."""
        found: dict[int, list[tuple[int, int, int]]] = {}
        notes = {r.note for r in self.meta.references if r.note is not None}
        for marker in self.meta.markers:
            needle = marker.after + marker.printed
            hits = [
                (ln.no, m.start())
                for ln in self.prep.parts.get("body", [])
                for m in re.finditer(re.escape(needle), ln.text)
                if not ln.text[m.end() : m.end() + 1].isdigit()
            ]
            if len(hits) != 1:
                raise _err(
                    self.meta, f"note marker {needle!r} is in the body {len(hits)} time(s), expected 1",
                    marker.toml_line, toml=True,
                )  # fmt: skip
            if marker.note not in notes:
                raise _err(
                    self.meta, f"note marker {needle!r}: no note {marker.note}", marker.toml_line, toml=True
                )
            no, pos = hits[0]
            start = pos + len(marker.after)
            found.setdefault(no, []).append((start, start + len(marker.printed), marker.note))
        return found

    def text_pieces(self, raw: str) -> list[Piece]:
        """Plain text with the article's printed reference markers ([5], [4-6]) as {seedcite}."""
        if not self.bracket_labels:
            return [text_piece(raw)]
        out: list[Piece] = []
        pos = 0
        for m in re.finditer(r"\[(\d+(?:\s*[-–,]\s*\d+)*)\]", raw):
            keys = self._marker_keys(m.group(1))
            if keys is None:
                continue
            out.append(text_piece(raw[pos : m.start()]))
            out.append(Piece(seedcite(m.group(0), keys), m.group(0)))
            pos = m.end()
        out.append(text_piece(raw[pos:]))
        return [p for p in out if p.myst]

    def _marker_keys(self, inside: str) -> list[str] | None:
        labels: list[str] = []
        for chunk in re.split(r"\s*,\s*", inside):
            bounds = re.split(r"\s*[-–]\s*", chunk)
            if len(bounds) == 2 and int(bounds[0]) < int(bounds[1]):
                labels.extend(str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1))
            elif len(bounds) == 1:
                labels.append(bounds[0])
            else:
                return None
        if not all(label in self.bracket_labels for label in labels):
            return None
        return [k for label in labels for k in self.bracket_labels[label]]

    def line_inline(self, ln: Line) -> Piece:
        """One line of a plain-text seed as inline content (note markers become footnote refs)."""
        text = ln.text.strip()
        pieces: list[Piece] = []
        pos = 0
        for start, end, note in sorted(self.markers.get(ln.no, [])):
            pieces.extend(self.text_pieces(text[pos:start]))
            pieces.append(Piece(f"[^{note}]", ""))
            pos = end
        pieces.extend(self.text_pieces(text[pos:]))
        return join_pieces(pieces)

    def md_inline(self, text: str) -> Piece:
        return _inline_md(MD.parseInline(text.strip())[0].children or [], self.text_pieces)

    # blocks ------------------------------------------------------------------------------------------

    def blocks(self, kind: str, skip_heading: bool = False) -> list[Block]:
        lines = self.prep.parts.get(kind, [])
        if skip_heading:
            first = next(i for i, ln in enumerate(lines) if ln.text.strip())
            lines = lines[first + 1 :]
        if self.meta.format == "markdown":
            return self._md_blocks(lines)
        return self._text_blocks(lines, kind)

    def _text_blocks(self, lines: list[Line], kind: str) -> list[Block]:
        out: list[Block] = []
        headings = set(self.meta.headings) if kind == "body" else set()
        list_ranges = self._list_ranges(lines) if kind == "body" else {}
        seen_headings: set[str] = set()
        i = 0
        while i < len(lines):
            ln = lines[i]
            text = ln.text.strip()
            if not text:
                i += 1
                continue
            if ln.no in list_ranges:
                end_no, ordered = list_ranges[ln.no]
                items: list[tuple[str, Piece]] = []
                while i < len(lines) and lines[i].no <= end_no:
                    if lines[i].text.strip():
                        items.append(self._text_item(lines[i], ordered))
                    i += 1
                out.append(
                    Block(
                        "\n".join(f"{mark} {p.myst}" for mark, p in items), tuple(p.plain for _, p in items)
                    )
                )
                continue
            piece = self.line_inline(ln)
            if text in headings:
                seen_headings.add(text)
                out.append(Block(f"## {piece.myst}", (piece.plain,)))
            else:
                out.append(Block(fix_line_start(piece.myst), (piece.plain,)))
            i += 1
        missing = headings - seen_headings
        if missing:
            raise _err(self.meta, f"heading(s) not found in the body: {sorted(missing)}", 1, toml=True)
        return out

    def _list_ranges(self, lines: list[Line]) -> dict[int, tuple[int, bool]]:
        ranges: dict[int, tuple[int, bool]] = {}
        for spec in self.meta.lists:
            starts = [ln.no for ln in lines if ln.text.strip().startswith(spec.start)]
            ends = [ln.no for ln in lines if ln.text.strip().startswith(spec.end)]
            if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
                message = "list: start/end marker not found exactly once, in order"
                raise _err(self.meta, message, spec.toml_line, toml=True)
            ranges[starts[0]] = (ends[0], spec.ordered)
        return ranges

    def _text_item(self, ln: Line, ordered: bool) -> tuple[str, Piece]:
        pattern = r"^\s*(\d{1,9})[.)]\s+(.*)$" if ordered else r"^\s*[-*+•]\s+(.*)$"
        m = re.match(pattern, ln.text)
        if m is None:
            raise _err(self.meta, "list item without a list marker", ln.no)
        rest = m.group(m.lastindex or 1)
        piece = self.line_inline(Line(ln.no, rest))
        return (f"{m.group(1)}." if ordered else "-"), Piece(fix_line_start(piece.myst), piece.plain)

    def _md_blocks(self, lines: list[Line]) -> list[Block]:
        source = "\n".join(ln.text for ln in lines)
        numbers = [ln.no for ln in lines]
        tree = SyntaxTreeNode(MD.parse(source))
        out: list[Block] = []
        for node in tree.children:
            first_no = numbers[node.map[0]] if node.map else 0
            if first_no in self.prep.figures:
                out.append(Block(self._figure_note(self.prep.figures[first_no])))
            out.append(self._md_block(node, numbers))
        return out

    def _md_block(self, node: SyntaxTreeNode, numbers: list[int]) -> Block:
        if node.type == "heading":
            level = int(node.tag[1])
            piece = self.md_inline_node(node)
            if level < 2:
                raise _err(self.meta, "level-1 heading inside the article (declare a heading-level repair)",
                           numbers[node.map[0]] if node.map else None)  # fmt: skip
            return Block(f"{'#' * level} {piece.myst}", (piece.plain,))
        if node.type == "paragraph":
            piece = self.md_inline_node(node)
            return Block(fix_line_start(piece.myst), (piece.plain,))
        if node.type in ("bullet_list", "ordered_list"):
            return self._md_list(node, numbers)
        # not whitelisted: its source lines, as literal text
        start, end = node.map or (0, 0)
        text = " ".join(self.prep.lines[numbers[k] - 1].strip() for k in range(start, end))
        return Block(fix_line_start(escape(text)), (text,))

    def md_inline_node(self, node: SyntaxTreeNode) -> Piece:
        inline = node.children[0] if node.children else None
        if inline is None:
            return Piece("", "")
        return _inline_nodes(inline.children, self.text_pieces)

    def _md_list(self, node: SyntaxTreeNode, numbers: list[int]) -> Block:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1) or 1)
        tight = any(
            child.type == "paragraph" and child.nester_tokens.opening.hidden
            for item in node.children
            for child in item.children
        )
        items: list[str] = []
        plain: list[str] = []
        for k, item in enumerate(node.children):
            mark = f"{start + k}." if ordered else "-"
            inner = [self._md_block(child, numbers) for child in item.children]
            body = ("\n" if tight else "\n\n").join(b.myst for b in inner)
            pad = " " * (len(mark) + 1)
            lines = body.split("\n")
            items.append("\n".join([f"{mark} {lines[0]}"] + [pad + ln if ln else "" for ln in lines[1:]]))
            plain.extend(p for b in inner for p in b.plain)
        return Block(("\n" if tight else "\n\n").join(items), tuple(plain))

    def _figure_note(self, what: str) -> str:
        return (
            ":::{admonition} Figure not received\n:class: missing-figure\n\n"
            f"The text we received prints the caption of {escape(what)}, below, but not the figure itself, "
            "so no image is shown here.\n:::"
        )

    # parts ---------------------------------------------------------------------------------------------

    def references(self) -> list[str]:
        """The article's reference list as printed, each item linked with {seedcite}."""
        out = []
        for ref in self.meta.references:
            if ref.printed:
                label = f"[{ref.printed}]" if self.meta.part("notes") else f"{ref.printed}."
                rest = self.md_inline(ref.text) if self.meta.format == "markdown" else text_piece(ref.text)
                item = f"{seedcite(label, ref.keys)} {rest.myst}"
            else:
                item = seedcite(ref.text, ref.keys)
            out.append(f"[^{ref.note}]: {item}" if ref.note is not None else item)
        return out


# -- the chapter ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFacts:
    """The article's own facts, read from its refs.bib entry (their one home)."""

    title: str
    authors: tuple[str, ...]
    venue: str
    venue_is_journal: bool
    date: str
    url: str


def _latex_text(value: str) -> str:
    for a, b in (("``", "“"), ("''", "”"), ("\\&", "&"), ("---", "—"), ("--", "–"), ("~", "\u00a0")):
        value = value.replace(a, b)
    return re.sub(r"[{}]", "", value).strip()


def article_facts(meta: SeedMeta, bib: BibliographyData) -> ArticleFacts:
    if meta.key not in bib.entries:
        line = meta.toml_lines.get("key") or _toml_key_line(meta.toml_path, "key")
        raise ConvertError(f"key {meta.key!r} is not in refs.bib", meta.toml_path, line)
    entry = bib.entries[meta.key]
    fields = {k.lower(): _latex_text(v) for k, v in entry.fields.items()}
    if not fields.get("title"):
        raise ConvertError(f"refs.bib entry {meta.key!r} has no title", meta.toml_path, 1)
    authors = tuple(
        _latex_text(
            " ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names + p.lineage_names)
        )
        for p in entry.persons.get("author", [])
    )
    venue_field = next(
        (k for k in ("journal", "journaltitle", "organization", "publisher") if fields.get(k)), ""
    )
    date = ""
    if fields.get("issue"):
        date = fields["issue"]
    elif fields.get("date") and "X" not in fields["date"].upper():  # XXXX: ISO 8601-2 "unspecified"
        date = _format_date(fields["date"])
    elif fields.get("year") and "X" not in fields["year"].upper():
        date = " ".join(x for x in (fields.get("month", ""), fields["year"]) if x)
    url = fields.get("url", "")
    return ArticleFacts(
        title=fields["title"],
        authors=authors,
        venue=fields.get(venue_field, ""),
        venue_is_journal=venue_field in ("journal", "journaltitle"),
        date=date,
        url=url if _SAFE_HREF.match(url) else "",
    )


def _format_date(value: str) -> str:
    for fmt, out in (("%Y-%m-%d", "{d.day} {d:%B %Y}"), ("%Y-%m", "{d:%B %Y}"), ("%Y", "{d:%Y}")):
        try:
            return out.format(d=dt.datetime.strptime(value, fmt))
        except ValueError:
            continue
    return value


def _toml_key_line(path: Path, key: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return n
    return 1


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def render_head(meta: SeedMeta, facts: ArticleFacts) -> str:
    """Title and byline, from the article's refs.bib entry."""
    if facts.authors:
        who = "By " + escape(_names(facts.authors))
    elif meta.attributed_to:
        who = f"Author not named; attributed to {escape(meta.attributed_to)} (inferred)"
    else:
        who = "Author not named"
    venue = ""
    if facts.venue:
        venue = f"*{escape(facts.venue)}*" if facts.venue_is_journal else escape(facts.venue)
    else:
        venue = "venue not known"
    date = escape(facts.date) if facts.date else "date not given"
    link = f"[original page](<{facts.url}>)" if facts.url else "no online original known"
    return f"# {escape(facts.title)}\n\n{{.byline}}\n{who} · {venue} · {date} · {link}"


def _count(blocks: list[tuple[int, int]], category: str) -> str:
    n = len(blocks)
    if category == DUPLICATE:
        return str(n)
    return f"{n} block" + ("s" if n != 1 else "")


def render_edition(prep: Prepared, kept_checked: list[str]) -> str:
    """The "About this edition" box: what was received, removed and repaired."""
    meta = prep.meta
    fmt = "plain text" if meta.format == "text" else "Markdown-like text"
    received = (
        f"**Received:** `{meta.seed_path.name}` (SHA-256 `{prep.sha256[:12]}…`), {fmt}, "
        f"{len(prep.lines)} lines (genre: {escape(meta.genre)}). Nothing in the article's text is reworded"
        + ("; spaces at line ends are not reproduced." if prep.trailing_space else ".")
    )
    order = [DUPLICATE] + [r.category for r in meta.drops]
    removed = "; ".join(
        f"{escape(cat)} ({_count(prep.removed[cat], cat)})"
        for cat in dict.fromkeys(order)
        if prep.removed.get(cat)
    )
    parts = [received, f"**Removed** (not part of the article): {removed or 'nothing'}."]
    repaired = list(prep.repaired)
    renumbered = [r for r in meta.references if r.note is not None and r.printed and r.printed != str(r.note)]
    for r in renumbered:
        repaired.append(
            f"the notes list prints [{r.printed}] twice; the second (line {r.line}, "
            f"“{_quote(r.text, 5)}”) belongs to the text's marker {r.note}, so it is note {r.note}"
        )
    if meta.markers:
        glued = ", ".join(f"“{_quote(m.after, 2, tail=True).lstrip('…')}{m.printed}”" for m in meta.markers)
        repaired.append(
            f"the note numbers printed glued to the text ({glued}) are footnotes "
            f"{meta.markers[0].note}–{meta.markers[-1].note}, linked both ways"
        )
    if repaired:
        parts.append("**Repaired:**\n\n" + "\n".join(f"- {escape(r)}" for r in repaired))
    else:
        parts.append("**Repaired:** nothing.")
    if kept_checked:
        parts.append("**Kept as printed:** " + "; ".join(kept_checked) + ".")
    return ":::{admonition} About this edition\n:class: about-edition\n\n" + "\n\n".join(parts) + "\n:::"


@dataclass(frozen=True)
class Chapter:
    """One generated chapter: its regions (name -> MyST) and the article's plain paragraphs."""

    meta: SeedMeta
    regions: dict[str, str]
    paragraphs: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.meta.slug}.md"


def build_chapter(meta: SeedMeta, bib: BibliographyData) -> Chapter:
    """Everything generated for one seed (no file is touched)."""
    prep = prepare(meta)
    facts = article_facts(meta, bib)
    if _norm(facts.title) not in _norm(" ".join(prep.lines)):
        raise ConvertError(
            f"the refs.bib title of {meta.key!r} is not printed in the seed: {facts.title!r}",
            meta.seed_path,
            1,
        )
    r = Renderer(prep)
    body = r.blocks("body")
    body_plain = tuple(p for b in body for p in b.plain)
    kept = []
    for k in meta.kept:
        if not any(k.text in p for p in body_plain) and not any(
            k.text in ref.text for ref in meta.references
        ):
            raise _err(meta, f"kept-as-printed text {k.text!r} is not in the article", k.toml_line, toml=True)
        kept.append(f"“{escape(k.text)}” ({escape(k.remark)})")

    sections = [render_edition(prep, kept)]
    if "front" in prep.parts:
        front = "\n\n".join(b.myst for b in r.blocks("front"))
        sections.append(f":::{{container}} front-matter\n{front}\n:::")
    sections.extend(b.myst for b in body)
    for kind, default in (("notes", "Notes"), ("references", "References")):
        part = meta.part(kind)
        if part is None:
            continue
        heading = default
        if part.heading_line:
            first = next(ln for ln in prep.parts[kind] if ln.text.strip())
            heading = (
                re.sub(r"^#+\s*", "", first.text.strip()) if meta.format == "markdown" else first.text.strip()
            )
            heading = escape(heading)
        sections.append(f"## {heading}")
        sections.extend(r.references())
    if "author" in prep.parts:
        part = meta.part("author")
        assert part is not None
        blocks = r.blocks("author", skip_heading=part.heading_line)
        heading = "About the author"
        if part.heading_line:
            heading = escape(next(ln for ln in prep.parts["author"] if ln.text.strip()).text.strip())
        sections.append(f"## {heading}")
        sections.extend(b.myst for b in blocks)
    sections.append("## Works cited in this article")
    if meta.references:
        sections.append(
            bibliography_directive(list(dict.fromkeys(k for r in meta.references for k in r.keys)))
        )
    else:
        sections.append("The article cites no works formally.")
    sections.append("## How to cite the original article")
    sections.append(f"```{{cite-original}} {meta.key}\n```")
    return Chapter(
        meta,
        {"head": render_head(meta, facts), "body": "\n\n".join(sections)},
        body_plain,
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".").casefold()


def article_paragraphs(meta: SeedMeta) -> list[str]:
    """The kept article body as plain, markup-free paragraphs (headings and list items included).

    Removals and repairs are applied (one copy, joins made, chrome gone); note numbers glued to the
    text are left out, printed reference markers such as "[5]" stay.
    """
    r = Renderer(prepare(meta))
    return [p for b in r.blocks("body") for p in b.plain]


# -- files: regions, index, atomic writes ----------------------------------------------------------


def _region(name: str, content: str, source: str) -> str:
    return (
        f"{BEGIN.format(name=name, command=COMMAND, source=source)}\n\n{content}\n\n{END.format(name=name)}"
    )


def merge_regions(
    path: Path, existing: str | None, regions: dict[str, str], source: str, default: str
) -> str:
    """Replace the generated regions of ``existing`` (or of ``default``), keeping all other text."""
    text = existing if existing is not None else default
    out: list[str] = []
    current: str | None = None
    seen: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        m = REGION_RE.match(line)
        if m and m.group(1) == "begin":
            if current is not None:
                raise ConvertError(f"generated region {m.group(2)!r} begins inside {current!r}", path, n)
            current = m.group(2)
            if current not in regions:
                raise ConvertError(f"unknown generated region {current!r}", path, n)
            if current in seen:
                raise ConvertError(f"generated region {current!r} appears twice", path, n)
            seen.append(current)
            out.append(_region(current, regions[current], source))
        elif m and m.group(1) == "end":
            if m.group(2) != current:
                raise ConvertError(f"generated:end {m.group(2)!r} does not close an open region", path, n)
            current = None
        elif current is None:
            out.append(line)
    if current is not None:
        raise ConvertError(f"generated region {current!r} is never closed", path, len(text.split("\n")))
    missing = [name for name in regions if name not in seen]
    if missing:
        raise ConvertError(f"generated region(s) missing: {', '.join(missing)}", path, 1)
    return "\n".join(out)


def chapter_text(chapter: Chapter, path: Path, existing: str | None) -> str:
    source = f"seeds/{chapter.meta.seed_path.name}"
    default = "\n".join(
        [
            _region("head", "", source),
            "",
            _region("body", "", source),
            "",
        ]
    )
    return merge_regions(path, existing, chapter.regions, source, default)


def index_text(chapters: Sequence[Chapter], path: Path, existing: str | None) -> str:
    entries = "\n".join(c.meta.slug for c in chapters)
    content = (
        "# The articles\n\n"
        "Each article is a chapter generated from the raw text we received, in the order received. "
        "A chapter's “About this edition” box says what was received, removed and repaired.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```"
    )
    default = _region("index", "", "seeds/") + "\n"
    return merge_regions(path, existing, {"index": content}, "seeds/", default)


def generate(root: Path, stems: Sequence[str] = ()) -> dict[Path, str]:
    """The text of every generated file under ``root`` (nothing is written)."""
    seeds_dir, out_dir, bib_path = root / "seeds", root / "book" / "articles", root / "refs.bib"
    if not bib_path.is_file():
        raise ConvertError("refs.bib not found", bib_path)
    try:
        bib = parse_file(str(bib_path), bib_format="bibtex")
    except Exception as err:  # pybtex raises many kinds of errors for a bad file
        raise ConvertError(f"cannot read refs.bib: {err}", bib_path) from None
    metas = load_all(seeds_dir)
    if stems:
        unknown = set(stems) - {m.stem for m in metas}
        if unknown:
            raise ConvertError(f"no such seed: {', '.join(sorted(unknown))}", seeds_dir)
    chapters = [build_chapter(m, bib) for m in metas]
    files: dict[Path, str] = {}
    for chapter in chapters:
        if stems and chapter.meta.stem not in stems:
            continue
        path = out_dir / chapter.filename
        files[path] = chapter_text(chapter, path, _read(path))
    index = out_dir / "index.md"
    files[index] = index_text(chapters, index, _read(index))
    return files


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same directory, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check(files: dict[Path, str], root: Path) -> list[str]:
    """Unified diffs for every file whose committed text differs from what the seeds make."""
    diffs = []
    for path, text in files.items():
        old = _read(path) or ""
        if old != text:
            rel = path.relative_to(root).as_posix()
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        old.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{rel}", f"b/{rel}"
                    )
                )
            )
    return diffs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Regenerate the article chapters (book/articles/) from seeds/*.txt and their .toml.",
    )
    parser.add_argument("stems", nargs="*", help="only these seeds (file name without .txt); default: all")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current directory)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if a chapter differs from its seed",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        files = generate(root, args.stems)
    except LitReviewError as err:
        where = err.path.relative_to(root) if err.path and err.path.is_relative_to(root) else err.path
        loc = f"{where}:{err.line}: " if where and err.line else (f"{where}: " if where else "")
        print(f"{loc}{err.message}", file=sys.stderr)
        return 1
    if args.check:
        diffs = check(files, root)
        for diff in diffs:
            sys.stdout.write(diff)
        if diffs:
            print(f"{len(diffs)} generated file(s) differ from the seeds; run `{COMMAND}`.", file=sys.stderr)
            return 1
        print(f"{len(files)} generated file(s) up to date.")
        return 0
    changed = 0
    for path, text in files.items():
        if _read(path) != text:
            write_atomic(path, text)
            changed += 1
            print(f"wrote {path.relative_to(root)}")
    print(f"{len(files)} generated file(s), {changed} changed.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
