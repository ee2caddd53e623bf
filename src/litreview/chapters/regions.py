"""The generated regions of a chapter file: rewritten from the seed, everything around them kept.

A chapter holds ``<!-- generated:begin NAME … -->`` … ``<!-- generated:end NAME -->`` regions; the
editor's summary and anything else outside them is the editors' and survives every regeneration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.chapters.escape import escape
from litreview.chapters.provenance import PROVENANCE_DOC, PROVENANCE_TITLE, provenance_page
from litreview.core.errors import ConvertError

if TYPE_CHECKING:
    from litreview.chapters.render import Chapter

COMMAND = "litreview-chapters"
BEGIN = (
    "<!-- generated:begin {name} (made by `{command}` from {source}; "
    "edit the seed's metadata, not this region) -->"
)
END = "<!-- generated:end {name} -->"
REGION_RE = re.compile(r"^<!-- generated:(begin|end) ([A-Za-z0-9_-]+)\b.*-->$")
#: What every generated page starts a region with (pages carrying it keep the seed's straight quotes).
GENERATED_MARK = "<!-- generated:begin "


def _region(name: str, content: str, source: str) -> str:
    return (
        f"{BEGIN.format(name=name, command=COMMAND, source=source)}\n\n{content}\n\n{END.format(name=name)}"
    )


def merge_regions(
    path: Path, existing: str | None, regions: dict[str, str], source: str, default: str
) -> str:
    """Replace the generated regions of ``existing`` (or of ``default``), keeping all other text."""
    text = existing if existing is not None else default
    out: list[str] = []
    current: str | None = None
    seen: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        m = REGION_RE.match(line)
        if m and m.group(1) == "begin":
            if current is not None:
                raise ConvertError(f"generated region {m.group(2)!r} begins inside {current!r}", path, n)
            current = m.group(2)
            if current not in regions:
                raise ConvertError(f"unknown generated region {current!r}", path, n)
            if current in seen:
                raise ConvertError(f"generated region {current!r} appears twice", path, n)
            seen.append(current)
            out.append(_region(current, regions[current], source))
        elif m and m.group(1) == "end":
            if m.group(2) != current:
                raise ConvertError(f"generated:end {m.group(2)!r} does not close an open region", path, n)
            current = None
        elif current is None:
            out.append(line)
    if current is not None:
        raise ConvertError(f"generated region {current!r} is never closed", path, len(text.split("\n")))
    missing = [name for name in regions if name not in seen]
    if missing:
        raise ConvertError(f"generated region(s) missing: {', '.join(missing)}", path, 1)
    return "\n".join(out)


def chapter_text(chapter: Chapter, path: Path, existing: str | None) -> str:
    source = f"seeds/{chapter.meta.seed_path.name}"
    default = "\n".join(
        [
            _region("head", "", source),
            "",
            _region("body", "", source),
            "",
        ]
    )
    return merge_regions(path, existing, chapter.regions, source, default)


def index_text(entries: Sequence[tuple[Chapter, str]], path: Path, existing: str | None) -> str:
    """The articles index: each article (author, year, title) in the book's one order, and its toctree.

    ``entries`` are the chapters in :func:`litreview.core.order.reading_order`, each with its line
    ("Sergei Stafeev (2002–2003)"); the toctree is hidden, the list shows it with more than titles.
    """
    items = "\n".join(f"- {line}: [{escape(c.title)}]({c.filename})" for c, line in entries)
    toctree = "\n".join(c.meta.slug for c, _ in entries)
    content = (
        "# The articles\n\n"
        "Each article is a chapter generated from the raw text we received. They follow one another "
        "by date: an undated article by the earliest date it can have, and one that cannot be dated "
        "comes last. A chapter’s “About this edition” box says what was received, removed and "
        f"repaired; the appendix “{PROVENANCE_TITLE}” names the files and their lines.\n\n{items}\n\n"
        f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toctree}\n```"
    )
    default = _region("index", "", "seeds/") + "\n"
    return merge_regions(path, existing, {"index": content}, "seeds/", default)


def provenance_text(entries: Sequence[tuple[Chapter, str]], path: Path, existing: str | None) -> str:
    """The provenance appendix (:mod:`litreview.chapters.provenance`): one generated region, in the
    book's order of the articles (``entries`` as for :func:`index_text`)."""
    default = _region(PROVENANCE_DOC, "", "seeds/") + "\n"
    return merge_regions(path, existing, {PROVENANCE_DOC: provenance_page(entries)}, "seeds/", default)
