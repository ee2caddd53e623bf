"""Writing the unverified refs.bib stub for the article."""

from __future__ import annotations

import re

from litreview.chapters.scaffold.draft import Draft
from litreview.chapters.scaffold.line_shapes import COMMAND, markdown_to_text


def _bib_text(text: str) -> str:
    return re.sub(r"([{}&%$#_\\])", r"\\\1", text)


def bib_stub(draft: Draft) -> str:
    """An unverified refs.bib entry for the article: the title and authors as printed, nothing else."""
    key = draft.top.get("key") or "FILL-IN-KEY"
    lines_of = [f"title (line {draft.title_line})"] if draft.title_line else []
    if draft.authors:
        lines_of.append(f"author{'s' if len(draft.authors) > 1 else ''} (line {draft.byline_line})")
    known = " and ".join(lines_of) + " as the seed prints " + ("them" if len(lines_of) > 1 else "it")
    out = [
        f"% refs.bib stub for seeds/{draft.seed.name}, drafted by {COMMAND}: UNVERIFIED.",
        "% " + (known if lines_of else "The seed prints no title") + "; nothing else is known from the seed.",
        "% Check every field against the original; set the entry type; add only the venue, year, date",
        "% and url you can verify (year = {n.d.} when none is known; a urldate only for a page opened,",
        "% that day); say in addendum what the seed printed differently, in annotation how it was checked.",
    ]
    for n, text in draft.printed_dates:
        out.append(f"% The seed prints a date above the article (line {n}): {text}")
    out.append(f"@misc{{{key},")
    if draft.title:
        out.append(f"  title        = {{{_bib_text(markdown_to_text(draft.fmt, draft.title))}}},")
    if draft.authors:
        out.append(f"  author       = {{{_bib_text(' and '.join(draft.authors))}}},")
    out.append("  annotation   = {Unverified: drafted from the seed, not yet checked against the original},")
    out.append("}")
    return "\n".join(out) + "\n"


# -- the record of the seeds as received -----------------------------------------------------------
