"""MyST roles as a page's source writes them and as MyST-Parser keeps them: the one home of their
patterns, for the citations lint, the role-line transform and the tests.

A role is ``{name}`` followed by its content in a run of backticks (``{cite:p}`ahmadov2015voice```);
MyST-Parser keeps it on the nodes it makes as ``:name:`content``` (line breaks as spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: A role in a page's source: ``{name}`` then the content between equal runs of backticks.
ROLE = re.compile(r"\{(?P<name>[a-z][\w:.-]*)\}(?P<ticks>`+)(?P<body>.+?)(?P=ticks)(?!`)", re.DOTALL)
#: The rawsource MyST gives a role's nodes: ":name:`content`" (content with line breaks as spaces).
ROLE_SOURCE = re.compile(r"^:(?P<name>[A-Za-z0-9_+:-]+):`(?P<content>.*)`$", re.DOTALL)
#: The roles (before their ``:variant``) whose content is a list of refs.bib keys.
CITE_ROLES = frozenset({"cite", "footcite"})


def role_pattern(name: str, content: str) -> re.Pattern[str]:
    """One role as the source writes it: ``{name}`` and the content in a run of backticks, where any
    space of the content may have been a line break."""
    body = r"\s+".join(re.escape(part) for part in content.split(" "))
    return re.compile(r"\{" + re.escape(name) + r"\}(?P<ticks>`+) ?" + body + r" ?(?P=ticks)(?!`)")


def split_keys(body: str) -> list[str]:
    """Keys of a cite role's content, dropping sphinxcontrib-bibtex's {pre}/{post} text."""
    body = re.sub(r"\{[^{}]*\}", "", body)
    return [key.strip() for key in body.split(",") if key.strip()]


def roles(text: str) -> Iterator[re.Match[str]]:
    """Every role written in ``text`` (code and comments included: mask them first where that matters)."""
    return ROLE.finditer(text)


def is_cite(name: str) -> bool:
    """True for ``cite:p``, ``cite:t``, ``footcite``… (not ``seedcite``, whose target is one key)."""
    return name.split(":")[0] in CITE_ROLES


def cited_keys(text: str, variants: frozenset[str] | None = None) -> list[str]:
    """The keys ``text`` cites with cite roles, in order (``variants``: only ``{"cite:t", "cite:p"}``…)."""
    return [
        key
        for match in roles(text)
        if is_cite(match["name"]) and (variants is None or match["name"] in variants)
        for key in split_keys(match["body"])
    ]


def ref_targets(text: str) -> set[str]:
    """Every label a ``{ref}`` role in ``text`` points to (``{ref}`text <label>``` or ``{ref}`label```)."""
    found = set()
    for match in roles(text):
        if match["name"] == "ref":
            target = re.search(r"<\s*([^<>]+?)\s*>\s*$", match["body"])
            found.add((target.group(1) if target else match["body"]).strip())
    return found
