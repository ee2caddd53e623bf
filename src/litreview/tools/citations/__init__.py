"""``litreview-citations``: lint refs.bib against the book and the seeds; one `path:line: CODE message` each.

Run ``litreview-citations`` (``nox -s citations``) from the project root. Exit status:
0 no findings, 1 findings (printed one per line, or as JSON with ``--format json``), 2 bad usage.

- :mod:`.project` reads refs.bib, the book and the seeds once (an unreadable input is a finding);
- :mod:`.sources` finds the citations of a page from MyST-Parser's tokens;
- :mod:`.rules` holds the rules C001–C014, each a small function ``(Project) -> Iterator[Finding]``
  listed in ``RULES``; :mod:`.reminders` the reminders N001–N002 (never failing);
- :mod:`.cli` runs them all (``lint``) and prints.
"""

from litreview.tools.citations.cli import CODES, lint, main
from litreview.tools.citations.project import Entry, Finding, Project, load_project, read_bib, read_seeds
from litreview.tools.citations.reminders import REMINDERS, remind_editors_summary, remind_timeline
from litreview.tools.citations.rules import (
    REQUIRED_FIELDS,
    RULES,
    Rule,
    check_chapters_cite,
    check_date_year,
    check_doi_format,
    check_duplicate_keys,
    check_duplicate_works,
    check_howpublished_url,
    check_key_convention,
    check_latex_escapes,
    check_latex_special_characters,
    check_required_fields,
    check_seed_references,
    check_uncited_entries,
    check_unknown_keys,
    check_urldate,
    fold_for_comparison,
)
from litreview.tools.citations.sources import Citation, find_citations

__all__ = [
    "CODES", "REMINDERS", "REQUIRED_FIELDS", "RULES", "Citation", "Entry", "Finding", "Project", "Rule",
    "check_chapters_cite", "check_date_year", "check_doi_format", "check_duplicate_keys",
    "check_duplicate_works", "check_howpublished_url", "check_key_convention", "check_latex_escapes",
    "check_latex_special_characters", "check_required_fields", "check_seed_references",
    "check_uncited_entries", "check_unknown_keys", "check_urldate", "find_citations",
    "fold_for_comparison", "lint", "load_project", "main", "read_bib", "read_seeds",
    "remind_editors_summary", "remind_timeline",
]  # fmt: skip
