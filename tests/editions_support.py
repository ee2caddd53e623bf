"""Helpers for the PDF and EPUB tests: the book's pages in reading order, computed from the sources."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import parse_file

from support import squeeze

TOCTREE = re.compile(r"^```\{toctree\}[^\n]*\n(.*?)^```", re.M | re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
BIBLIOGRAPHY = re.compile(r"^```\{bibliography\}", re.M)
CYRILLIC = re.compile(r"[\u0400-\u052f]")


@dataclass(frozen=True)
class Page:
    """One page of the book as its source defines it."""

    docname: str
    title: str
    source: str

    @property
    def children(self) -> list[str]:
        """Docnames this page's toctrees include, in order."""
        return toctree_entries(self.docname, self.source)

    @property
    def works_cited_heading(self) -> str | None:
        """The heading just above the page's filtered {bibliography} (its "Works cited" list), if any."""
        for match in BIBLIOGRAPHY.finditer(self.source):
            block = self.source[match.start() : self.source.index("```", match.end())]
            if ":filter:" in block:  # a chapter's own list, not the whole bibliography (:all:)
                headings = HEADING.findall(self.source[: match.start()])
                return markdown_text(headings[-1][1]) if headings else None
        return None


def markdown_text(markdown: str) -> str:
    """Heading text without inline Markdown markup (emphasis, code, links)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\{[\w:-]+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()


def toctree_entries(docname: str, source: str) -> list[str]:
    """Docnames listed by every toctree in a page, resolved against the page's folder."""
    folder = docname.rpartition("/")[0]
    entries = []
    for block in TOCTREE.findall(source):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith(":"):
                continue
            target = re.sub(r"^.*<(.+)>$", r"\1", line)
            entries.append(
                target.lstrip("/") if target.startswith("/") else "/".join(filter(None, [folder, target]))
            )
    return entries


def read_page(book: Path, docname: str) -> Page:
    source = (book / f"{docname}.md").read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    match = HEADING.search(body)
    assert match is not None, f"{docname}.md has no heading"
    return Page(docname, markdown_text(match.group(2)), source)


def pages_in_order(book: Path) -> list[Page]:
    """Every page the front page's toctrees reach, depth first, in reading order (front page excluded)."""
    found: list[Page] = []

    def walk(docname: str) -> None:
        for child in read_page(book, docname).children:
            if all(p.docname != child for p in found):
                found.append(read_page(book, child))
                walk(child)

    walk("index")
    return found


def expected_chapters(project: Path) -> dict[str, str]:
    """The PDF's structure, from the sources: the pages of the front page's numbered toctrees are
    chapters 1, 2, … in reading order (a hub page, a part, is unnumbered); the rest unnumbered."""
    index = (project / "book" / "index.md").read_text(encoding="utf-8")
    numbered = set()
    for block in re.findall(r"^```\{toctree\}\n(.*?)^```", index, flags=re.M | re.S):
        if re.search(r"^:numbered:", block, flags=re.M):
            numbered |= {line.strip() for line in block.splitlines() if line.strip() and line[0] != ":"}
    pages = pages_in_order(project / "book")
    hubs = {page.docname for page in pages if page.children}
    inside = {child for page in pages if page.docname in numbered for child in page.children}
    found, count = {}, 0
    for page in pages:
        if page.docname not in hubs and (page.docname in numbered or page.docname in inside):
            count += 1
            found[page.docname] = str(count)
        else:
            found[page.docname] = ""
    return found


def part_titles(project: Path) -> set[str]:
    """The titles the PDF sets on a part page of their own: the front page's toctree captions and the
    hub pages' titles."""
    index = (project / "book" / "index.md").read_text(encoding="utf-8")
    captions = set(re.findall(r"^:caption: *(.+?) *$", index, flags=re.M))
    return captions | {page.title for page in pages_in_order(project / "book") if page.children}


def cyrillic_titles(bib: Path) -> list[str]:
    """Titles in refs.bib written in Cyrillic (braces removed), e.g. Gel'man's "Недостойное правление"."""
    data = parse_file(str(bib), bib_format="bibtex")
    titles = [e.fields.get("title", "").replace("{", "").replace("}", "") for e in data.entries.values()]
    return [t for t in titles if CYRILLIC.search(t)]


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip


ONLY = re.compile(r"^:::\{only\} (?P<expr>[^\n]+)\n(?P<body>.*?)^:::$", re.M | re.S)


def only_blocks(page: Path) -> list[tuple[str, str]]:
    """The ``{only}`` blocks of a MyST page: (expression, its text as plain sentences)."""
    return [(m["expr"].strip(), " ".join(m["body"].split())) for m in ONLY.finditer(page.read_text("utf-8"))]


def shown_in(expr: str, builder: str, fmt: str) -> bool:
    """Whether Sphinx shows an ``{only}`` block to this builder (its name and format are tags)."""
    from sphinx.util.tags import Tags

    return Tags([builder, fmt, f"builder_{builder}", f"format_{fmt}"]).eval_condition(expr)


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:])\s+", text) if len(s) > 20]


def edition_problems(page: Path, text: str, builder: str, fmt: str) -> list[str]:
    """What the References introduction gets wrong in one edition's ``text``: a sentence of an
    ``{only}`` block meant for it missing, or one meant for another edition shown."""
    problems = []
    blocks = only_blocks(page)
    if not any(shown_in(expr, builder, fmt) for expr, _ in blocks):
        problems.append(f"no {{only}} block of {page.name} is meant for {builder}")
    for expr, body in blocks:
        for sentence in sentences_of(body):
            if shown_in(expr, builder, fmt) != (squeeze(sentence) in text):
                problems.append(
                    ("missing: " if shown_in(expr, builder, fmt) else "not for this edition: ") + sentence
                )
    return problems
