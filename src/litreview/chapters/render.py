"""A prepared seed rendered as a MyST chapter: head, "About this edition", body, notes, works cited.

The chapter's generated regions are built here (:func:`build_chapter`); :mod:`litreview.chapters.regions`
puts them into the chapter file, keeping what the editors wrote outside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it.tree import SyntaxTreeNode
from pybtex.database import BibliographyData

from litreview.chapters.escape import Piece, escape, fix_line_start, join_pieces, seedcite, text_piece
from litreview.chapters.markdown import MD, SAFE_HREF, inline_md, inline_nodes
from litreview.chapters.prepare import DUPLICATE, Line, Prepared, Repaired, err, lines_span, prepare, quote
from litreview.chapters.provenance import PROVENANCE_DOC, PROVENANCE_TITLE, Provenance, provenance
from litreview.core import bib
from litreview.core.errors import ConvertError
from litreview.core.names import prose_list
from litreview.core.order import Placed
from litreview.core.seeds import SeedMeta


@dataclass(frozen=True)
class Numbered:
    """A numbered paragraph of the article: its number, what it is, and its plain text."""

    number: int
    kind: str  # "paragraph", "item" (of a list) or "note"
    text: str


PARA_ROLE = "para"  # the role the number is written with: {para}`14` at the paragraph's start


@dataclass(frozen=True)
class Block:
    """A block of a part: its MyST, and its plain-text paragraphs (for article_paragraphs)."""

    myst: str
    plain: tuple[str, ...] = ()


def bibliography_directive(keys: list[str]) -> str:
    """The {bibliography} block closing every chapter: the works this article cites, in printed order.

    The filter names the article's own references, so a work that only our summary on the page
    cites (the article itself, another chapter) is not listed as cited by the article.
    """
    wanted = ", ".join(f'"{key.lower()}"' for key in keys)
    return f"```{{bibliography}}\n:list: bullet\n:filter: key in {{{wanted}}}\n:style: litreview_printed\n```"


#: What every chapter's "Works cited" says first: why its sources are listed again.
OWN_LIST = "The article’s own list of sources, above, is reproduced as it was printed."
#: … for an article whose sources are its notes: above on screen, at the foot of the pages on paper.
OWN_NOTES = "The article’s own notes, above, are reproduced as they were printed."
OWN_FOOTNOTES = "The article’s own notes, at the foot of its pages, are reproduced as they were printed."
REFERENCES = "{doc}`References </references>`"


def own_sources(meta: SeedMeta) -> tuple[str, str]:
    """Where the article's own sources are, on screen and on paper: its list of references, or its
    notes (which the PDF sets at the foot of the pages that call them)."""
    if meta.part("references") is None and meta.part("notes") is not None:
        return OWN_NOTES, OWN_FOOTNOTES
    return OWN_LIST, OWN_LIST


def works_cited(keys: list[str], own: tuple[str, str] = (OWN_LIST, OWN_LIST)) -> str:
    """The chapter's "Works cited": on screen, the works again as verified entries (in the article's
    order, beside the article's own list), since the References are a page away; in print, where a
    reader turns to the References, a sentence that sends them there (the PDF adds its page)."""
    on_screen, on_paper = own
    screen = (
        f"{on_screen} Here the same works follow as verified entries, in the article’s order and the "
        f"book’s style, so that they can be checked beside it; each is also in the book’s {REFERENCES}."
    )
    paper = f"{on_paper} The verified entry for each work it cites is in the {REFERENCES}."
    return (
        f":::{{only}} latex\n{paper}\n:::\n\n"
        f"::::{{only}} not latex\n{screen}\n\n{bibliography_directive(keys)}\n\n::::"
    )


class Renderer:
    """Renders the parts of one prepared seed as MyST blocks.

    The article's own paragraphs are numbered as they are rendered, in reading order: each body
    paragraph (a figure's caption and an abstract included), each list item, then each note
    (:data:`numbered` collects them; :mod:`litreview.chapters.paragraphs` is their one API).
    """

    def __init__(self, prep: Prepared):
        self.prep = prep
        self.numbered: list[Numbered] = []
        self.numbering = False  # True while the body is rendered
        self.note_numbers: dict[int, str] = {}  # note -> the role opening it
        self.meta = prep.meta
        refs = self.meta.references
        part = self.meta.part("references")
        self.bracket_labels = (
            {r.printed: r.keys for r in refs if r.printed}
            if part is not None and "label" in re.compile(part.item_pattern or "x").groupindex
            else {}
        )
        self.markers = self._locate_markers()

    def number(self, kind: str, plain: str = "") -> tuple[int, str]:
        """Number the next paragraph of the article, if the body is being rendered (the notes are
        numbered by :meth:`references`): its index in :attr:`numbered` and the role that opens its
        MyST ("{para}`14` "), or (-1, "")."""
        if not self.numbering:
            return -1, ""
        n = len(self.numbered) + 1
        self.numbered.append(Numbered(n, kind, plain))
        return n - 1, f"{{{PARA_ROLE}}}`{n}` "

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
                raise err(
                    self.meta, f"note marker {needle!r} is in the body {len(hits)} time(s), expected 1",
                    marker.toml_line, toml=True,
                )  # fmt: skip
            if marker.note not in notes:
                raise err(
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
        return inline_md(MD.parseInline(text.strip())[0].children or [], self.text_pieces)

    # blocks ------------------------------------------------------------------------------------------

    def blocks(self, kind: str, skip_heading: bool = False) -> list[Block]:
        lines = self.prep.parts.get(kind, [])
        if skip_heading:
            first = next(i for i, ln in enumerate(lines) if ln.text.strip())
            lines = lines[first + 1 :]
        self.numbering = kind == "body"
        try:
            if self.meta.format == "markdown":
                return self._md_blocks(lines)
            return self._text_blocks(lines, kind)
        finally:
            self.numbering = False

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
                _, opening = self.number("paragraph", piece.plain)
                out.append(Block(opening + fix_line_start(piece.myst), (piece.plain,)))
            i += 1
        missing = headings - seen_headings
        if missing:
            raise err(self.meta, f"heading(s) not found in the body: {sorted(missing)}", 1, toml=True)
        return out

    def _list_ranges(self, lines: list[Line]) -> dict[int, tuple[int, bool]]:
        ranges: dict[int, tuple[int, bool]] = {}
        for spec in self.meta.lists:
            starts = [ln.no for ln in lines if ln.text.strip().startswith(spec.start)]
            ends = [ln.no for ln in lines if ln.text.strip().startswith(spec.end)]
            if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
                message = "list: start/end marker not found exactly once, in order"
                raise err(self.meta, message, spec.toml_line, toml=True)
            ranges[starts[0]] = (ends[0], spec.ordered)
        return ranges

    def _text_item(self, ln: Line, ordered: bool) -> tuple[str, Piece]:
        pattern = r"^\s*(\d{1,9})[.)]\s+(.*)$" if ordered else r"^\s*[-*+•]\s+(.*)$"
        m = re.match(pattern, ln.text)
        if m is None:
            raise err(self.meta, "list item without a list marker", ln.no)
        rest = m.group(m.lastindex or 1)
        piece = self.line_inline(Line(ln.no, rest))
        _, opening = self.number("item", piece.plain)
        return (f"{m.group(1)}." if ordered else "-"), Piece(
            opening + fix_line_start(piece.myst), piece.plain
        )

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

    def _md_block(self, node: SyntaxTreeNode, numbers: list[int], numbered: bool = True) -> Block:
        """One block of a Markdown seed; ``numbered`` is False for the blocks of a list item (the
        item has the number)."""
        if node.type == "heading":
            level = int(node.tag[1])
            piece = self.md_inline_node(node)
            if level < 2:
                raise err(self.meta, "level-1 heading inside the article (declare a heading-level repair)",
                           numbers[node.map[0]] if node.map else None)  # fmt: skip
            return Block(f"{'#' * level} {piece.myst}", (piece.plain,))
        if node.type == "paragraph":
            piece = self.md_inline_node(node)
            _, opening = self.number("paragraph", piece.plain) if numbered else (-1, "")
            return Block(opening + fix_line_start(piece.myst), (piece.plain,))
        if node.type in ("bullet_list", "ordered_list"):
            return self._md_list(node, numbers)
        # not whitelisted: its source lines, as literal text
        start, end = node.map or (0, 0)
        text = " ".join(self.prep.lines[numbers[k] - 1].strip() for k in range(start, end))
        _, opening = self.number("paragraph", text) if numbered else (-1, "")
        return Block(opening + fix_line_start(escape(text)), (text,))

    def md_inline_node(self, node: SyntaxTreeNode) -> Piece:
        inline = node.children[0] if node.children else None
        if inline is None:
            return Piece("", "")
        return inline_nodes(inline.children, self.text_pieces)

    def _md_list(self, node: SyntaxTreeNode, numbers: list[int]) -> Block:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1) or 1)
        tight = any(
            child.type == "paragraph"
            and child.nester_tokens is not None
            and child.nester_tokens.opening.hidden
            for item in node.children
            for child in item.children
        )
        items: list[str] = []
        plain: list[str] = []
        for k, item in enumerate(node.children):
            mark = f"{start + k}." if ordered else "-"
            index, opening = self.number("item")
            inner = [self._md_block(child, numbers, numbered=False) for child in item.children]
            if index >= 0:
                self.numbered[index] = replace(
                    self.numbered[index], text=" ".join(p for b in inner for p in b.plain)
                )
            body = ("\n" if tight else "\n\n").join(b.myst for b in inner)
            pad = " " * (len(mark) + 1)
            lines = body.split("\n")
            items.append(
                "\n".join([f"{mark} {opening}{lines[0]}"] + [pad + ln if ln else "" for ln in lines[1:]])
            )
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
        """The article's reference list as printed, each item linked with {seedcite}.

        A numbered reference list keeps its printed numbers as the links. A note is a footnote
        whose number is the one printed, so its number shows once: the note's text is the link,
        and a note we had to renumber says "(printed as [5])". Each note is numbered as a paragraph
        of the article, after the body's (call :meth:`blocks` for the body first).
        """
        out = []
        for ref in self.meta.references:
            rest = self.md_inline(ref.text) if self.meta.format == "markdown" else text_piece(ref.text)
            if ref.note is not None:
                renumbered = ref.printed and ref.printed != str(ref.note)
                printed_as = f"(printed as \\[{escape(ref.printed)}\\]) " if renumbered else ""
                opening = self.note_numbers.get(ref.note)
                if opening is None:
                    self.numbering = True
                    _, opening = self.number("note", rest.plain)
                    self.numbering = False
                    self.note_numbers[ref.note] = opening
                out.append(f"[^{ref.note}]: {opening}{printed_as}{seedcite(rest.plain, ref.keys)}")
            elif ref.printed:
                label = f"[{ref.printed}]" if self.meta.part("notes") else f"{ref.printed}."
                out.append(f"{seedcite(label, ref.keys)} {rest.myst}")
            else:
                out.append(seedcite(ref.text, ref.keys))
        return out


@dataclass(frozen=True)
class ArticleFacts:
    """The article's own facts, read from its refs.bib entry (their one home)."""

    title: str
    authors: tuple[str, ...]  # people who wrote it
    organisations: tuple[str, ...]  # a group author (an unsigned piece cited under its publisher)
    venue: str
    venue_is_journal: bool
    date: str
    url: str


def article_facts(meta: SeedMeta, data: BibliographyData) -> ArticleFacts:
    """Title, byline, venue, date and address of the article, from its refs.bib entry."""
    entry = data.entries.get(meta.key)
    if entry is None:
        raise ConvertError(f"key {meta.key!r} is not in refs.bib", meta.toml_path, meta.line_of("key"))
    title = bib.field_text(entry, "title")
    if not title:
        raise ConvertError(f"refs.bib entry {meta.key!r} has no title", meta.toml_path, meta.line_of("key"))
    venue_field = next(
        (k for k in ("journal", "journaltitle", "howpublished", "organization", "publisher")
         if entry.fields.get(k)),
        "",
    )  # fmt: skip
    url = bib.raw_field(entry, "url")
    names = bib.people(entry, "author")
    organisations = tuple(n.display for n in names if n.is_organisation)
    return ArticleFacts(
        title=title,
        authors=tuple(n.display for n in names if not n.is_organisation),
        organisations=organisations,
        venue=bib.field_text(entry, venue_field) if venue_field else prose_list(organisations),
        venue_is_journal=venue_field in ("journal", "journaltitle"),
        date=bib.date_text(entry) or "",
        url=url if SAFE_HREF.match(url) else "",
    )


def render_head(meta: SeedMeta, facts: ArticleFacts) -> str:
    """Title and byline, from the article's refs.bib entry."""
    if facts.authors:
        who = "By " + escape(prose_list(facts.authors))
    elif meta.attributed_to:
        who = f"Author not named; attributed to {escape(meta.attributed_to)} (inferred)"
    elif facts.organisations:
        who = "By " + escape(prose_list(facts.organisations))
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


NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(blocks: list[tuple[int, int]]) -> str:
    """How often a removed kind of text occurred, for a reader: nothing for once, "in two places"."""
    n = len(blocks)
    if n == 1:
        return ""
    return f", in {NUMBER_WORDS[n - 1] if n <= len(NUMBER_WORDS) else n} places"


def _with_article(noun: str) -> str:
    """ "an op-ed", "a magazine essay"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def numbering_note(numbered: list[Numbered]) -> str:
    """What the margin's paragraph numbers count, for the edition box."""
    if not numbered:
        return "**Paragraph numbers:** none (the article has no paragraph of its own text)."
    counts = {kind: sum(1 for p in numbered if p.kind == kind) for kind in ("paragraph", "item", "note")}
    names = {"paragraph": ("paragraph", "paragraphs"), "item": ("list item", "list items"),
             "note": ("note", "notes")}  # fmt: skip
    what = [f"{n} {names[kind][n != 1]}" for kind, n in counts.items() if n]
    notes = [p.number for p in numbered if p.kind == "note"]
    if notes:
        span = f"¶ {notes[0]}" if len(notes) == 1 else f"¶ {notes[0]}–{notes[-1]}"
        what[-1] += f" ({span})"
    listed = prose_list(what[:-1]) + ", then " + what[-1] if notes and len(what) > 1 else prose_list(what)
    return (
        f"**Paragraph numbers** (in the margin, ¶ 1–{len(numbered)}): ours, not the original’s; they count "
        f"the article’s own text in reading order: {listed}. Headings, the title, the byline and other "
        "front matter, the list of references, the note about the author and our boxes are not numbered. "
        "A locator such as “para. 3” in the review refers to ¶ 3."
    )


def edition_repairs(prep: Prepared) -> list[Repaired]:
    """Every repair of the edition: the seed's line-level ones, renumbered notes, glued note numbers."""
    meta = prep.meta
    repaired = list(prep.repaired)
    renumbered = [r for r in meta.references if r.note is not None and r.printed and r.printed != str(r.note)]
    for r in renumbered:
        repaired.append(
            Repaired(
                f"the notes list prints [{r.printed}] twice; the second (“{quote(r.text, 5)}”) belongs "
                f"to the text’s marker {r.note}, so it is note {r.note}",
                lines_span(r.line, r.line),
            )
        )
    if meta.markers:
        glued = ", ".join(f"“{quote(m.after, 2, tail=True).lstrip('…')}{m.printed}”" for m in meta.markers)
        repaired.append(
            Repaired(
                f"the note numbers printed glued to the text ({glued}) are footnotes "
                f"{meta.markers[0].note}–{meta.markers[-1].note}, linked both ways"
            )
        )
    return repaired


def render_edition(
    prep: Prepared, kept_checked: list[str], numbered: list[Numbered], repaired: list[Repaired]
) -> str:
    """The "About this edition" box, in words: what was received, removed and repaired, and what is
    numbered. The file, its digest and the seed lines are the provenance appendix's."""
    meta = prep.meta
    fmt = "plain text" if meta.format == "text" else "text with Markdown formatting marks"
    received = (
        f"**Received:** a copy of the article, {escape(_with_article(meta.genre))}, as {fmt}. Nothing "
        "in the article’s text is reworded"
        + ("; spaces left at the ends of lines are not kept. " if prep.trailing_space else ". ")
        + "The file we received, its digest and the lines of every removal and repair are listed in "
        f"{{ref}}`{PROVENANCE_TITLE} <{PROVENANCE_DOC}>`."
    )
    order = [DUPLICATE] + [r.category for r in meta.drop]
    removed = "; ".join(
        f"{escape(cat)}{_count(prep.removed[cat])}" for cat in dict.fromkeys(order) if prep.removed.get(cat)
    )
    parts = [received, f"**Removed** (not part of the article): {removed or 'nothing'}."]
    if repaired:
        parts.append("**Repaired:**\n\n" + "\n".join(f"- {escape(r.text)}" for r in repaired))
    else:
        parts.append("**Repaired:** nothing.")
    if kept_checked:
        parts.append("**Kept as printed:** " + "; ".join(kept_checked) + ".")
    parts.append(numbering_note(numbered))
    return ":::{admonition} About this edition\n:class: about-edition\n\n" + "\n\n".join(parts) + "\n:::"


@dataclass(frozen=True)
class Chapter:
    """One generated chapter: its regions (name -> MyST) and the article's plain paragraphs."""

    meta: SeedMeta
    regions: dict[str, str]
    paragraphs: tuple[str, ...]
    facts: ArticleFacts
    numbered: tuple[Numbered, ...] = ()  # the numbered paragraphs, in order
    provenance: Provenance | None = None  # the file, its digest and the lines of each change

    @property
    def filename(self) -> str:
        return f"{self.meta.slug}.md"

    @property
    def title(self) -> str:
        return self.facts.title

    def byline(self, placed: Placed) -> str:
        """Who wrote it and when, for the articles index, as its citation names it: "Sergei Stafeev
        (2002)", or "Free Russia Institute (2022), unsigned; attributed to … (inferred)" (MyST)."""
        attributed = (
            f"attributed to {escape(self.meta.attributed_to)} (inferred)" if self.meta.attributed_to else ""
        )
        if self.facts.authors:
            who, tail = escape(prose_list(self.facts.authors)), ""
        elif self.facts.organisations:
            who, tail = (
                escape(prose_list(self.facts.organisations)),
                f", unsigned; {attributed}" if attributed else "",
            )
        elif attributed:
            who, tail = "A" + attributed[1:], ""
        else:
            who, tail = "Author not named", ""
        return f"{who} ({escape(placed.when)}){tail}"


def build_chapter(meta: SeedMeta, data: BibliographyData) -> Chapter:
    """Everything generated for one seed (no file is touched)."""
    prep = prepare(meta)
    facts = article_facts(meta, data)
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
            raise err(meta, f"kept-as-printed text {k.text!r} is not in the article", k.toml_line, toml=True)
        kept.append(f"“{escape(k.text)}” ({escape(k.remark)})")

    after_body: list[str] = []
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
        after_body.append(f"## {heading}")
        after_body.extend(r.references())
    repaired = edition_repairs(prep)
    sections = [render_edition(prep, kept, r.numbered, repaired)]
    if "front" in prep.parts:
        front = "\n\n".join(b.myst for b in r.blocks("front"))
        sections.append(f":::{{container}} front-matter\n{front}\n:::")
    sections.extend(b.myst for b in body)
    sections.extend(after_body)
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
        keys = list(dict.fromkeys(k for r in meta.references for k in r.keys))
        sections.append(works_cited(keys, own_sources(meta)))
    else:
        sections.append("The article cites no works formally.")
    sections.append("## How to cite the original article")
    sections.append(f"```{{cite-original}} {meta.key}\n```")
    return Chapter(
        meta,
        {"head": render_head(meta, facts), "body": "\n\n".join(sections)},
        body_plain,
        facts,
        tuple(r.numbered),
        provenance(prep, repaired),
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


def numbered_paragraphs(meta: SeedMeta) -> list[Numbered]:
    """The article's numbered paragraphs (body, list items, then notes), as its chapter numbers them."""
    r = Renderer(prepare(meta))
    r.blocks("body")
    if meta.part("notes") is not None or meta.part("references") is not None:
        r.references()
    return r.numbered
