"""Helpers for the review, glossary and timeline tests: the seeds' text and the review's paragraphs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets

from litreview.core import myst_roles
from litreview.core.seeds import load_all
from support import ROOT, collapse_spaces

BOOK = ROOT / "book"
REVIEW_PAGES = sorted((BOOK / "review").glob("*.md"))
GLOSSARY = BOOK / "glossary.md"

QUOTE_RE = re.compile(r"“([^”]*)”")
# A bracketed insertion in an article's text, such as seed 000's "[note: …]": not the author's running text.
NOTE_RE = re.compile(r"\[note:[^\]]*\]")
PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem|ipsum|coming soon|placeholder)\b", re.IGNORECASE)

# How prose names each article: its authors' surnames, or the institution or venue behind it.
NAMES = {
    "khumaryanndrussia": ("Khumaryan", "Posle"),
    "searnddigital": ("Sear",),
    "ezdinandneoindustrial": ("Ezdina", "Dotsenko", "Plekhanov"),
    "stafeev2002community": ("Stafeev", "Community Technology Review"),
    "erofeev2022learning": ("Erofeev", "Free Russia Institute"),
}


@cache
def seed_texts() -> dict[str, str]:
    """Each article's refs.bib key mapped to its raw seed text, whitespace-normalised."""
    return {m.key: collapse_spaces(m.seed_path.read_text(encoding="utf-8")) for m in load_all(ROOT / "seeds")}


def refs(text: str) -> set[str]:
    """Every label that a {ref} role in ``text`` points to."""
    return myst_roles.ref_targets(text)


def citations(text: str) -> list[tuple[int, CitationTarget]]:
    """Every key a {cite:…} role in ``text`` cites, with the offset of its role and its pre- and
    post-text (sphinxcontrib-bibtex's ``{pre}key{post}``, read by its own parser)."""
    return [
        (m.start(), target)
        for m in myst_roles.roles(text)
        if myst_roles.is_cite(m["name"])
        for target in parse_citation_targets(m["body"])
    ]


def cited_keys(text: str) -> set[str]:
    """Every refs.bib key cited with a {cite:…} role in ``text``."""
    return {target.key for _offset, target in citations(text)}


DATA_DIRECTIVES = ("corpus-table",)  # bodies are data (YAML), rendered with citations by the directive


def paragraphs(path: Path) -> list[tuple[int, str]]:
    """Prose blocks of a MyST page with their first line: split at blank lines; headings, labels,
    fence lines and the bodies of data directives left out."""
    return blocks_of(path.read_text(encoding="utf-8"))


def blocks_of(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """The prose blocks of MyST text (see :func:`paragraphs`), numbered from ``first_line``."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    in_data = False
    for number, line in enumerate([*text.splitlines(), ""], start=first_line):
        if line.startswith("```"):
            in_data = not in_data and line[3:].strip("{}").startswith(DATA_DIRECTIVES)
        skip = in_data or line.startswith(("#", "(", "```", ":::")) or re.match(r"^:[\w-]+:", line)
        if not line.strip() or skip:
            if current:
                blocks.append((start, "\n".join(current)))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    return blocks
