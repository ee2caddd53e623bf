"""Reminders (N001, N002): editorial choices a new article leaves open; printed, never failing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from litreview.chapters.regions import GENERATED_MARK
from litreview.core.errors import LitReviewError
from litreview.review.timeline import load_events
from litreview.tools.citations.project import Finding, Project
from litreview.tools.citations.rules import Rule


def remind_editors_summary(project: Project) -> Iterator[Finding]:
    """A generated article chapter with nothing of the editors' own around its generated regions."""
    for chapter in project.chapters:
        text = chapter.read_text(encoding="utf-8")
        if GENERATED_MARK not in text:
            continue  # a hand-written chapter is all the editors' own
        outside = re.sub(r"<!-- generated:begin (\S+).*?<!-- generated:end \1 -->", "", text, flags=re.DOTALL)
        if not outside.strip():
            message = (
                "reminder: no editor's summary (optional: an editorial choice); to add one, write it between "
                'the head and body regions (README.md, "Adding an article")'
            )
            yield Finding(chapter, 1, "N001", message)


def remind_timeline(project: Project) -> Iterator[Finding]:
    """An article that no event of the review's timeline names among those that mention it."""
    if project.timeline is None:
        return
    try:
        events = load_events(project.timeline)
    except LitReviewError:
        return  # the build reports a malformed timeline, with its line
    mentioned = {key for event in events for key in event.mentioned_by}
    for meta in project.seeds:
        if meta.key not in mentioned:
            message = (
                f"reminder: the article '{meta.key}' ({meta.seed_path.name}) is on no event of the timeline "
                "(optional: an editorial choice); an event it mentions lists it under mentioned_by"
            )
            yield Finding(project.timeline, 1, "N002", message)


REMINDERS: dict[str, tuple[str, Rule]] = {
    "N001": ("no-editors-summary", remind_editors_summary),
    "N002": ("not-on-the-timeline", remind_timeline),
}
