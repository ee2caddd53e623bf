"""The {seedcite} role: a reference marker exactly as an article printed it, linked to our entry.

    {seedcite}`[4-6] <ezdina2017e3s21,zhironkin2018e3s41,volkova2019eim>`

renders "[4-6]" unchanged, linked to the first key's entry in the merged bibliography
(references.html#cite-<key>), and registers every key as cited in this document, so that a
``{bibliography}`` with ``:filter: docname in docnames`` lists them. The chapters' converter
(litreview.chapters) writes these roles; nobody needs to type them. Pages the converter generated
are also exempt from smart quotes, so seed text keeps its straight quotes and dashes.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import ExtensionMetadata

from litreview.chapters.regions import GENERATED_MARK
from litreview.sphinxext import bibtex_refs, bookdata
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)
_ROLE_RE = re.compile(r"^(?P<text>.*\S)\s*<(?P<keys>[^<>]+)>$", re.DOTALL)


class seedcite_node(nodes.Inline, nodes.TextElement):
    """Placeholder until the bibliography is known; becomes a reference (or plain text)."""


class SeedCiteRole(SphinxRole):
    """``{seedcite}`TEXT <key1,key2>```: TEXT as printed, keys registered as cited here."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        m = _ROLE_RE.match(self.text)
        keys = [k.strip() for k in m.group("keys").split(",")] if m else []
        if m is None or not all(keys):
            msg = self.inliner.reporter.error(
                f"seedcite: expected `TEXT <key1,key2>`, got {self.text!r}", line=self.lineno
            )
            return [
                nodes.problematic(self.rawtext, self.rawtext, refid=msg["ids"][0] if msg["ids"] else "")
            ], [msg]
        text = m.group("text")
        serial = self.env.new_serialno("seedcite")
        node_id = f"seedcite-{serial}"
        node = seedcite_node(self.rawtext, text, ids=[node_id], keys=keys)
        self.set_source_info(node)
        bibtex_refs.add_citation(self.env, node_id, self.lineno, keys)
        return [node], []


_NUMBER = re.compile(r"\d+")


def marker_parts(text: str, keys: list[str]) -> list[tuple[str, list[str]]]:
    """Split a printed marker into (text, keys it stands for), so each work it cites gets a link.

    "[5]" → [("[5]", [k5])]; a list "[4, 7]" → each number its own work; a range "[4-6]" → "4" the
    first work, "6" the last, and the dash between them the works inside the range (5).
    """
    numbers = list(_NUMBER.finditer(text))
    if len(keys) < 2 or len(numbers) < 2:
        return [(text, keys)]
    parts: list[tuple[str, list[str]]] = [(text[: numbers[0].start()], [])]
    if len(numbers) == len(keys):  # a list: one work per printed number
        for i, match in enumerate(numbers):
            parts.append((match.group(), [keys[i]]))
            end = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
            parts.append((text[match.end() : end], []))
    elif len(numbers) == 2:  # a range: the works between its ends stand behind the dash
        first, last = numbers
        parts += [(first.group(), [keys[0]]), (text[first.end() : last.start()], keys[1:-1])]
        parts += [(last.group(), [keys[-1]]), (text[last.end() :], [])]
    else:
        return [(text, keys)]
    return [(piece, k) for piece, k in parts if piece]


def range_inside(text: str) -> str:
    """The numbers a printed range's dash stands for: "[4-6]" → "5", "[4-8]" → "5–7"."""
    first, last = (int(m.group()) for m in _NUMBER.finditer(text))
    inside = list(range(first + 1, last))
    return "" if not inside else str(inside[0]) if len(inside) == 1 else f"{inside[0]}–{inside[-1]}"


class ResolveSeedCites(SphinxPostTransform):
    """Link each seedcite to its works' entries in a citation-list bibliography: a one-work marker as
    a whole, a marker for several works ("[4-6]") part by part, so every work it cites is one click
    away (the dash of a range links the works inside it, and says which)."""

    default_priority = 5  # before Sphinx's own reference resolution

    def run(self, **kwargs: Any) -> None:
        domain = bibtex_refs.domain(self.env)
        targets: dict[str, tuple[str, str]] = {}
        for citation in domain.citations:
            bibliography = domain.bibliographies[citation.bibliography_key]
            if bibliography.list_ == "citation":
                targets.setdefault(citation.key, (citation.bibliography_key.docname, citation.citation_id))
        for node in list(self.document.findall(seedcite_node)):
            keys: list[str] = node["keys"]
            missing = [k for k in keys if k not in domain.bibdata.data.entries]
            if missing:
                warn(logger, LitreviewWarnings.SEEDCITE, "seedcite: key(s) not in the bibliography: %s",
                     ", ".join(missing), location=node)  # fmt: skip
            unlinked = [k for k in keys if k not in targets and k not in missing]
            if unlinked:
                warn(logger, LitreviewWarnings.SEEDCITE,
                     "seedcite: %s is in no citation-list bibliography, so it cannot be linked",
                     ", ".join(unlinked), location=node)  # fmt: skip
            printed = node.astext()
            parts = [self.link(piece, ks, targets, printed) for piece, ks in marker_parts(printed, keys)]
            if len(parts) == 1:
                parts[0]["ids"] = node["ids"]
                parts[0]["classes"].append("seedcite")
                node.replace_self(parts[0])
            else:
                node.replace_self(nodes.inline("", "", *parts, classes=["seedcite"], ids=node["ids"]))

    def link(
        self, text: str, keys: list[str], targets: dict[str, tuple[str, str]], printed: str
    ) -> nodes.Element:
        """``text`` linked to the first of ``keys`` that has an entry (plain text if none). A range's
        dash also tells screen readers, in HTML, which numbers it stands for."""
        content = nodes.inline(text, text)
        target = next((targets[k] for k in keys if k in targets), None)
        if target is None:
            return content
        app = bookdata.app_of(self.env)
        ref = make_refnode(app.builder, self.env.docname, *target, content, title=None)
        is_dash = len(_NUMBER.findall(printed)) == 2 and not _NUMBER.search(text) and text.strip("[]() ")
        if is_dash:
            ref["classes"].append("seedcite-range")
            if app.builder.format == "html":
                hidden = f" (reference {range_inside(printed)})"
                ref += nodes.inline(hidden, hidden, classes=["visually-hidden"])
        return ref


class KeepSeedTextLiteral(SphinxTransform):
    """Pages generated from seeds are not smart-quoted: "..." and --- stay as the article printed them."""

    default_priority = 700  # before Sphinx's SmartQuotes (750)

    def apply(self, **kwargs: Any) -> None:
        if any(GENERATED_MARK in node.astext() for node in self.document.findall(nodes.raw)):
            self.document["support_smartquotes"] = False


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("config-inited", bibtex_refs.check_version)
    app.add_node(seedcite_node)
    app.add_role("seedcite", SeedCiteRole())
    app.add_post_transform(ResolveSeedCites)
    app.add_transform(KeepSeedTextLiteral)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
