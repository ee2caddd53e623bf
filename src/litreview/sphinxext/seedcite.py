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
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.citation_target import CitationTarget
from sphinxcontrib.bibtex.roles import CitationRef

from litreview.chapters.regions import GENERATED_MARK
from litreview.sphinxext import bookdata

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
        domain = cast(Any, self.env.get_domain("cite"))
        domain.citation_refs.append(
            CitationRef(
                citation_ref_id=node_id,
                docname=self.env.docname,
                line=self.lineno,
                targets=[CitationTarget(key=k, pre="", post="") for k in keys],
            )
        )
        return [node], []


class ResolveSeedCites(SphinxPostTransform):
    """Link each seedcite to the first key's entry in a citation-list bibliography."""

    default_priority = 5  # before Sphinx's own reference resolution

    def run(self, **kwargs: Any) -> None:
        domain = cast(Any, self.env.get_domain("cite"))
        targets: dict[str, tuple[str, str]] = {}
        for citation in domain.citations:
            bibliography = domain.bibliographies[citation.bibliography_key]
            if bibliography.list_ == "citation":
                targets.setdefault(citation.key, (citation.bibliography_key.docname, citation.citation_id))
        for node in list(self.document.findall(seedcite_node)):
            keys: list[str] = node["keys"]
            missing = [k for k in keys if k not in domain.bibdata.data.entries]
            if missing:
                logger.warning(
                    "seedcite: key(s) not in the bibliography: %s", ", ".join(missing),
                    location=node, type="bibtex", subtype="key_not_found",
                )  # fmt: skip
            text = nodes.inline(node.astext(), node.astext(), classes=["seedcite"])
            target = targets.get(keys[0])
            if target is None:
                if not missing:
                    logger.warning(
                        "seedcite: %s is in no citation-list bibliography, so it cannot be linked", keys[0],
                        location=node, type="bibtex", subtype="key_not_found",
                    )  # fmt: skip
                node.replace_self(text)
                continue
            todocname, citation_id = target
            ref = make_refnode(
                bookdata.app_of(self.env).builder, self.env.docname, todocname, citation_id, text, title=None
            )
            ref["ids"] = node["ids"]
            ref["classes"].append("seedcite")
            node.replace_self(ref)


class KeepSeedTextLiteral(SphinxTransform):
    """Pages generated from seeds are not smart-quoted: "..." and --- stay as the article printed them."""

    default_priority = 700  # before Sphinx's SmartQuotes (750)

    def apply(self, **kwargs: Any) -> None:
        if any(GENERATED_MARK in node.astext() for node in self.document.findall(nodes.raw)):
            self.document["support_smartquotes"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_node(seedcite_node)
    app.add_role("seedcite", SeedCiteRole())
    app.add_post_transform(ResolveSeedCites)
    app.add_transform(KeepSeedTextLiteral)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
