"""Writing the unverified refs.bib stub for the article."""

from __future__ import annotations

import re

from litreview.chapters.scaffold.draft import Draft
from litreview.chapters.scaffold.line_shapes import COMMAND, markdown_to_text


def _bib_text(text: str) -> str:
    return re.sub(r"([{}&%$#_\\])", r"\\\1", text)


def bib_stub(draft: Draft) -> str:
    """An unverified refs.bib entry for the article: the title, authors and date as printed, nothing else."""
    key = draft.top.get("key") or "FILL-IN-KEY"
    lines_of = [f"title (line {draft.title_line})"] if draft.title_line else []
    if draft.authors:
        lines_of.append(f"author{'s' if len(draft.authors) > 1 else ''} (line {draft.byline_line})")
    if draft.date:
        lines_of.append(f"date (line {draft.date_line})")
    known = (
        ", ".join(lines_of[:-1]) + (" and " if len(lines_of) > 1 else "") + (lines_of[-1] if lines_of else "")
    )
    known += " as the seed prints " + ("them" if len(lines_of) > 1 else "it")
    out = [
        f"% refs.bib stub for seeds/{draft.seed.name}, drafted by {COMMAND}: UNVERIFIED.",
        "% " + (known if lines_of else "The seed prints no title") + "; nothing else is known from the seed.",
        "% Check every field against the original (the date and year too); set the entry type; add only",
        "% the venue and url you can verify (year = {n.d.} when none is known; a urldate only for a page",
        "% opened, that day); say in addendum what the seed printed differently, in annotation how it was",
        "% checked.",
    ]
    for n, text in draft.printed_dates:
        if n != draft.date_line:
            out.append(f"% The seed prints a date above the article (line {n}): {text}")
    out.extend(f"% ? {what}: {why}" for what, why in draft.doubts)
    out.append(f"@misc{{{key},")
    if draft.title:
        out.append(f"  title        = {{{_bib_text(markdown_to_text(draft.fmt, draft.title))}}},")
    if draft.people:
        names = " and ".join(f"{family}, {given}" if given else family for family, given in draft.people)
        out.append(f"  author       = {{{_bib_text(names)}}},")
    elif draft.authors:
        out.append(f"  author       = {{{_bib_text(' and '.join(draft.authors))}}},")
    if draft.date:
        out.append(f"  date         = {{{draft.date}}},")
    out.append(f"  year         = {{{draft.year or 'n.d.'}}},")
    out.append("  annotation   = {Unverified: drafted from the seed, not yet checked against the original},")
    out.append("}")
    return "\n".join(out) + "\n"


# -- the record of the seeds as received -----------------------------------------------------------
