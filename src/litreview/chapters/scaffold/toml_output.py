"""Writing the draft metadata file (TOML, with its line-by-line preview as comments)."""

from __future__ import annotations

import json
import re
from typing import Any

from litreview.chapters.scaffold.draft import Draft
from litreview.chapters.scaffold.line_shapes import COMMAND, PREVIEW_WIDTH

# -- writing -------------------------------------------------------------------------------------------


#: What a TOML comment or literal string cannot hold: control characters but the tab.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if ("\\" in value or '"' in value) and "'" not in value and not CONTROL.search(value):
            return f"'{value}'"  # a literal string: patterns and quotes stay readable
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's
    if isinstance(value, list | tuple):
        inner = [toml_value(v) for v in value]
        if sum(len(i) + 2 for i in inner) <= 80:
            return "[" + ", ".join(inner) + "]"
        return "[\n" + "".join(f"  {i},\n" for i in inner) + "]"
    raise TypeError(f"no TOML for {value!r}")


def dump_toml(data: dict[str, Any]) -> str:
    """A metadata file's data (top-level values, then arrays of tables) as TOML, without comments."""
    top = [f"{key} = {toml_value(value)}" for key, value in data.items() if not _is_tables(value)]
    out = ["\n".join(top)] if top else []
    for name, items in data.items():
        if _is_tables(items):
            for item in items:
                out.append(
                    f"[[{name}]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in item.items()).rstrip()
                )
    return "\n\n".join(out) + "\n"


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _comment_lines(text: str) -> list[str]:
    return [f"# {CONTROL.sub('�', line)}".rstrip() for line in text.split("\n")]


def render_toml(draft: Draft) -> str:
    """The draft metadata file: a guide, the numbered preview, then the proposed keys and tables."""
    name = draft.seed.name
    out = [
        f"# Draft metadata for {name}, written by {COMMAND} from the seed alone: review every value.",
        "# The article's title, authors, venue, date and URL live in refs.bib under `key`, nowhere else.",
        "# Fill in what is empty (key, genre, and every `keys = []` below), correct what the draft got",
        "# wrong, then run `nox -s chapters`: it names the file and line of anything still wrong.",
        '# README.md ("Adding an article") explains each table; the other seeds/*.toml are worked examples.',
        "#",
        "# The seed, line by line, and what this draft does with each line:",
        "#   title: the title as printed (the chapter's title comes from refs.bib); front, body, refs,",
        "#   notes, author: kept in that part; drop: removed by a [[drop]] rule; copy: a second printed",
        "#   copy of the article; moved: moved by a repair; ?: not accounted for (keep it in a part, or",
        "#   add a [[drop]] rule with a category).",
    ]
    width = len(str(len(draft.lines)))
    for n, line in enumerate(draft.lines, 1):
        shown = line.strip()
        if len(shown) > PREVIEW_WIDTH:
            shown = shown[: PREVIEW_WIDTH - 1] + "…"
        tag = draft.role.get(n, "")
        out.append(f"# {n:>{width}} {tag:<6}| {CONTROL.sub('�', shown)}".rstrip())
    out.append("")
    for key, value in draft.top.items():
        comment = draft.top_comments.get(key)
        if comment:
            out.extend(_comment_lines(comment))
        out.append(f"{key} = {toml_value(value)}")
    for table in draft.tables:
        out.append("")
        if table.comment:
            out.extend(_comment_lines(table.comment))
        out.append(f"[[{table.name}]]")
        out.extend(f"{key} = {toml_value(value)}" for key, value in table.fields.items())
    return "\n".join(out) + "\n"
