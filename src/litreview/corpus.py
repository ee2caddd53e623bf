"""The review's corpus table, computed at build time from the seeds, their metadata and refs.bib.

``{corpus-table}`` renders one row per article: authors, venue, genre, date, length in words,
number of printed references and stance. Words and references are counted from
``seeds/`` through :func:`litreview.seedmeta.load_all` and
:func:`litreview.convert.article_paragraphs`; authors, venue and date come from the article's
refs.bib entry. The directive's body (YAML, keyed by refs.bib key) holds only what is editorial:
the stance, and notes on facts that could not be verified (``author_note``, ``venue_note``,
``date_note``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from litreview.errors import CorpusError, LitReviewError

__all__ = ["CorpusRow", "corpus_rows", "word_count"]

logger = logging.getLogger(__name__)

VERSION = "1.0"
NOTE_FIELDS = ("stance", "author_note", "venue_note", "date_note")


@dataclass(frozen=True)
class CorpusRow:
    """One article as the corpus table shows it."""

    key: str
    slug: str
    authors: str | None
    venue: str | None
    date: str | None
    genre: str
    words: int
    references: int


def word_count(paragraphs: list[str]) -> int:
    """Words in the kept article text: whitespace-separated tokens."""
    return sum(len(p.split()) for p in paragraphs)


def _person(person: Any) -> str:
    return " ".join(part for part in (*person.first_names, *person.middle_names, *person.last_names) if part)


def _authors(entry: Any) -> str | None:
    persons = [_person(p) for p in entry.persons.get("author", [])]
    if not persons:
        return None
    return persons[0] if len(persons) == 1 else ", ".join(persons[:-1]) + " and " + persons[-1]


def _venue(entry: Any) -> str | None:
    for field in ("journal", "organization", "publisher", "institution", "howpublished"):
        if entry.fields.get(field):
            return str(entry.fields[field]).replace("{", "").replace("}", "")
    return None


def _date(entry: Any) -> str | None:
    """The date as readers expect it; None when refs.bib has none (biblatex's ``XXXX`` = unknown)."""
    fields = {k.lower(): str(v) for k, v in entry.fields.items()}
    year, issue, date = fields.get("year", ""), fields.get("issue", ""), fields.get("date", "")
    if issue and ((year and year in issue) or (date[:4] and date[:4] in issue)):
        return issue  # a periodical's issue ("Fall-Winter 2002-2003") says more than its year
    if date and "X" not in date.upper():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            day = dt.date.fromisoformat(date)
            return f"{day.day} {day:%B %Y}"
        if re.fullmatch(r"\d{4}-\d{2}", date):
            return f"{dt.date.fromisoformat(date + '-01'):%B %Y}"
        return date
    if year and "X" not in year.upper():
        return f"{fields['month']} {year}" if fields.get("month") else year
    return None


def corpus_rows(seeds_dir: Path, bibfiles: list[Path]) -> list[CorpusRow]:
    """The table's facts for every seed, in seed order."""
    from pybtex.database import BibliographyData, parse_file

    from litreview.convert import article_paragraphs
    from litreview.seedmeta import load_all

    bib = BibliographyData()
    for path in bibfiles:
        for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
            bib.entries[key] = entry
    rows = []
    for meta in load_all(seeds_dir):
        entry = bib.entries.get(meta.key)
        if entry is None:
            raise CorpusError(f"article key {meta.key!r} is not in refs.bib", meta.toml_path)
        rows.append(
            CorpusRow(meta.key, meta.slug, _authors(entry), _venue(entry), _date(entry), meta.genre,
                      word_count(article_paragraphs(meta)), len(meta.references))
        )  # fmt: skip
    return rows


def _notes(text: str, path: str, line: int) -> dict[str, dict[str, str]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"corpus-table body is not valid YAML: {exc}", path, line) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise CorpusError("corpus-table body must map refs.bib keys to notes", path, line)
    for key, notes in data.items():
        unknown = set(notes) - set(NOTE_FIELDS)
        if unknown:
            raise CorpusError(f"{key}: unknown note field(s) {', '.join(sorted(unknown))}", path, line)
    return {k: {f: " ".join(str(v).split()) for f, v in n.items()} for k, n in data.items()}


def _cell(value: str | None, note: str | None, missing: str) -> str:
    text = value if value else missing
    return f"{text} ({note})" if note else text


class CorpusTable(SphinxDirective):
    """``{corpus-table}``: the five articles side by side, numbers counted at build time."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        app = self.env.app
        seeds_dir = Path(app.confdir) / getattr(app.config, "litreview_seeds_dir", "seeds")
        bibfiles = [Path(app.confdir) / b for b in app.config.bibtex_bibfiles]
        path, line = self.get_source_info()
        try:
            notes = _notes("\n".join(self.content), path, line or 0)
            rows = corpus_rows(seeds_dir, bibfiles)
        except LitReviewError as exc:
            logger.warning(str(exc), location=self.get_location(), type="litreview", subtype="corpus")
            return []
        for dep in (*sorted(seeds_dir.glob("*")), *bibfiles):
            self.env.note_dependency(str(dep))
        unknown = set(notes) - {r.key for r in rows}
        if unknown:
            logger.warning(f"corpus-table notes for unknown article(s): {', '.join(sorted(unknown))}",
                           location=self.get_location(), type="litreview", subtype="corpus")  # fmt: skip
        out = [
            ":::{list-table} The five articles (words and references counted from the seeds at build time)",
            ":header-rows: 1",
            ":widths: 17 15 11 13 8 8 28",
            ":class: corpus-table",
            *([f":name: {self.options['name']}"] if "name" in self.options else []),
            "",
            "* - Article",
            "  - Venue",
            "  - Genre",
            "  - Date",
            "  - Words",
            "  - References",
            "  - Stance",
        ]
        for row in rows:
            n = notes.get(row.key, {})
            chapter = f"articles/{row.slug}"
            link = f" ({{doc}}`chapter </{chapter}>`)" if chapter in self.env.found_docs else ""
            out += [
                f"* - {_cell(row.authors, n.get('author_note'), 'No byline')} {{cite:p}}`{row.key}`{link}",
                f"  - {_cell(row.venue, n.get('venue_note'), 'Not verified')}",
                f"  - {row.genre}",
                f"  - {_cell(row.date, n.get('date_note'), 'Undated')}",
                f"  - {row.words:,}",
                f"  - {row.references}",
                f"  - {n.get('stance', '')}",
            ]
        out.append(":::")
        return self.parse_text_to_nodes("\n".join(out))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the ``corpus-table`` directive (``litreview_seeds_dir`` is litreview.bibstyle's setting)."""
    app.add_directive("corpus-table", CorpusTable)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
