"""``litreview-new-article`` (``nox -s new-article``): draft a seed's metadata from its raw text.

``litreview-new-article seeds/NNN_name.txt`` reads the raw article and writes a draft
``seeds/NNN_name.toml`` for a person to review: a numbered preview of the seed's lines with what
the draft does with each; a proposed slug and key; the title, byline, body start and end it
guessed; the lines that look like site chrome (navigation, share and subscribe prompts, comments,
cookie banners, "Posted by", lists of recent posts…) as ``[[drop]]`` rules with a category and a
count each; a second printed copy of the article (``copies``); the repairs the text seems to need;
and a trailing reference or notes list as ``[[references]]`` with empty ``keys``. It records the
seed's SHA-256 in ``seeds/SHA256SUMS`` (the record of the seeds as received) and prints a refs.bib
stub for the article, marked unverified, with the title, the authors and the date only as the seed
prints them. It never overwrites a file.

Every guess is a heuristic read from the text alone, the same for every seed; a guess it is unsure
of is marked ``?`` with the reason. What only a person can know is left empty, and
``litreview-chapters`` refuses it with the line to fill in: the article's ``genre``, each printed
reference's ``keys``, and the ``key`` where the page gave no author or no title to propose one from.
"""

from litreview.chapters.scaffold.bib_stub import bib_stub
from litreview.chapters.scaffold.cli import draft_for, main
from litreview.chapters.scaffold.draft import Draft, Table
from litreview.chapters.scaffold.seed_sums import read_sums, recorded_sums
from litreview.chapters.scaffold.toml_output import dump_toml, render_toml

__all__ = [
    "Draft",
    "Table",
    "bib_stub",
    "draft_for",
    "dump_toml",
    "main",
    "read_sums",
    "recorded_sums",
    "render_toml",
]
