"""Sphinx extension: ``{located-claims}``, the review's extraction record, generated from its locators.

Every citation in the review that names a paragraph of an article (:mod:`litreview.sphinxext.locators`)
is a located claim. The directive lists them by article, in the book's order, and by paragraph: the
paragraph (or range) as a link to the chapter, then each review sentence that rests on it (in a table,
the row) with a link to the section of the review that holds it. It is filled in after every page was
read, and its page is written again whenever a locator or a claim changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import ExtensionMetadata

from litreview.chapters.paragraphs import anchor
from litreview.core.typography import typographic
from litreview.sphinxext import bookdata, derived
from litreview.sphinxext.locators import Located, chapters_by_key, located, pages_label, reading_order
from litreview.sphinxext.pdf.tex import raw_block, raw_inline

VERSION = 1


class located_claims_node(nodes.General, nodes.Element):
    """Placeholder for the list, filled in once every page's locators are known."""


class LocatedClaimsDomain(Domain):
    """The pages that hold a ``{located-claims}`` list."""

    name = "locatedclaims"
    label = "located claims"
    data_version = VERSION
    initial_data: ClassVar[dict[str, Any]] = {"pages": set()}

    def clear_doc(self, docname: str) -> None:
        self.data["pages"].discard(docname)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        self.data["pages"] |= set(docnames) & otherdata["pages"]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


class LocatedClaims(SphinxDirective):
    """``{located-claims}``: every located claim of the review, by article and paragraph."""

    def run(self) -> list[nodes.Node]:
        node = located_claims_node()
        self.set_source_info(node)
        self.env.domains["locatedclaims"].data["pages"].add(self.env.docname)
        return [node]


def review_claims(env: BuildEnvironment) -> dict[str, list[Located]]:
    """Each article's key mapped to the review's located claims about it, by paragraph, then in
    reading order."""
    order = {d: i for i, d in enumerate(reading_order(env))}
    by_key: defaultdict[str, list[Located]] = defaultdict(list)
    for docname, items in located(env).items():
        if docname.startswith(bookdata.REVIEW):
            for loc in items:
                by_key[loc.key].append(loc)
    return {
        key: sorted(
            items, key=lambda loc: (loc.first, loc.last, order.get(loc.docname, len(order)), loc.line)
        )
        for key, items in by_key.items()
    }


def paragraph_label(first: int, last: int) -> str:
    return f"¶ {first}" if first == last else f"¶ {first}–{last}"


class FillLocatedClaims(SphinxPostTransform):
    """Replace the placeholder with the list: per article a heading, per paragraph its claims."""

    default_priority = 22  # after the locators are linked (20) and the back-links made (21)

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(located_claims_node))
        if not placeholders:
            return
        builder = bookdata.app_of(self.env).builder
        chapters = chapters_by_key(self.env)
        order = {d: i for i, d in enumerate(reading_order(self.env))}
        claims = review_claims(self.env)
        keys = sorted((k for k in claims if k in chapters), key=lambda k: order.get(chapters[k], len(order)))
        for placeholder in placeholders:
            here = placeholder.get("docname") or self.env.docname
            out = nodes.container(classes=["located-claims"])
            for key in keys:
                chapter = chapters[key]
                title = self.env.titles[chapter].astext() if chapter in self.env.titles else chapter
                out += nodes.rubric(title, title, classes=["located-claims-article"])
                paragraphs = nodes.bullet_list(classes=["located-claims-paragraphs"])
                groups: dict[tuple[int, int], list[Located]] = {}
                for loc in claims[key]:
                    group = groups.setdefault((loc.first, loc.last), [])
                    if not any(
                        (o.docname, o.section, o.claim) == (loc.docname, loc.section, loc.claim)
                        for o in group
                    ):
                        group.append(loc)  # a sentence citing one paragraph twice is listed once
                for (first, last), items in groups.items():
                    label = paragraph_label(first, last)
                    link = make_refnode(builder, here, chapter, anchor(first), nodes.inline(label, label))
                    link["classes"].append("located-claims-para")
                    item = nodes.list_item(classes=["located-claims-paragraph"])
                    head = nodes.paragraph("", "", link)
                    if builder.format == "latex":  # on paper: the page the paragraph is printed on
                        head += raw_inline(pages_label(chapter, first, last))
                    item += head
                    sentences = nodes.bullet_list()
                    for loc in items:
                        where = loc.section_title or loc.docname
                        back = make_refnode(
                            builder,
                            here,
                            loc.docname,
                            loc.section,
                            nodes.inline(where, where, classes=["std", "std-ref"]),  # PDF: number, page
                        )
                        back["classes"].append("located-claims-section")
                        text = nodes.inline(loc.claim, typographic(loc.claim), classes=["located-claim"])
                        claim = nodes.paragraph("", "", text, nodes.Text(" ("), back, nodes.Text(")"))
                        sentences += nodes.list_item("", claim)
                    item += sentences
                    paragraphs += item
                out += paragraphs
            if builder.format == "latex":  # a record to consult, not to read: set small on paper
                out.insert(0, raw_block(r"\begingroup\small"))
                out += raw_block(r"\endgroup")
            placeholder.replace_self(out)


def rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: the list's pages again when any review locator or claim changed."""
    pages = sorted(env.domains["locatedclaims"].data["pages"])
    inputs = tuple((k, tuple(v)) for k, v in sorted(review_claims(env).items()))
    titles = tuple(
        (d, env.titles[d].astext()) for d in sorted(chapters_by_key(env).values()) if d in env.titles
    )
    return pages if pages and derived.changed(env, "located-claims", (inputs, titles)) else []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.locators")
    app.add_domain(LocatedClaimsDomain)
    app.add_node(located_claims_node)
    app.add_directive("located-claims", LocatedClaims)
    app.add_post_transform(FillLocatedClaims)
    app.connect("env-get-updated", rewrite)
    return {
        "version": str(VERSION),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": VERSION,
    }
