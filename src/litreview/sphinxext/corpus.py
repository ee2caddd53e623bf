"""Sphinx extension: ``{corpus-table}``, the review's table of the articles, counted from the seeds.

The numbers (words, printed references) come from :mod:`litreview.review.corpus`; authors, venue
and date from each article's refs.bib entry. The directive's body (YAML, keyed by refs.bib key)
holds only what is editorial: the stance, and notes on facts that could not be verified
(``author_note``, ``venue_note``, ``date_note``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from litreview.core.codeversion import files_token
from litreview.core.errors import CorpusError, LitReviewError
from litreview.review.corpus import corpus_rows
from litreview.sphinxext import bookdata, derived
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)

NOTE_FIELDS = ("stance", "author_note", "venue_note", "date_note")


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


def _inputs(env: Any, metas: tuple) -> tuple:
    """What the rows are computed from: each seed's metadata and files, and its refs.bib entry."""
    entries = bookdata.bib_data(env).entries
    return tuple(
        (repr(m), files_token([m.seed_path, m.toml_path]),
         derived.entry_inputs(env, entries[m.key]) if m.key in entries else None)
        for m in metas
    )  # fmt: skip


class CorpusTable(SphinxDirective):
    """``{corpus-table}``: the articles side by side, numbers counted from the seeds."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        path, line = self.get_source_info()
        metas = bookdata.seeds(self.env)
        try:
            notes = _notes("\n".join(self.content), path, line or 0)
            rows = CORPUS_ROWS(self.env, metas)
        except LitReviewError as exc:
            warn(logger, LitreviewWarnings.CORPUS, "%s", exc, location=self.get_location())
            return []
        for meta in metas:  # the counts change when a seed or its metadata does
            self.env.note_dependency(str(meta.seed_path))
            self.env.note_dependency(str(meta.toml_path))
        for bibfile in bookdata.bibfile_paths(bookdata.app_of(self.env)):
            self.env.note_dependency(str(bibfile))
        unknown = set(notes) - {r.key for r in rows}
        if unknown:
            warn(logger, LitreviewWarnings.CORPUS, "corpus-table notes for unknown article(s): %s",
                 ", ".join(sorted(unknown)), location=self.get_location())  # fmt: skip
        out = [
            ":::{list-table} The articles: words and printed references as in their chapters",
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
            chapter = f"{bookdata.ARTICLES}{row.slug}"
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


#: The corpus table's rows: from each seed's metadata and files and its refs.bib entry.
CORPUS_ROWS = derived.kind(
    "corpus-rows", inputs=_inputs, compute=lambda env, metas: corpus_rows(metas, bookdata.bib_data(env))
)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the ``corpus-table`` directive."""
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.add_directive("corpus-table", CorpusTable)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
