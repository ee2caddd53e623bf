"""Sphinx extension: the article chapters' paragraph numbers, ``{para}`14``` at a paragraph's start.

The chapters' converter writes the role (:mod:`litreview.chapters.paragraphs`); nobody types it.
Each numbered paragraph gets the anchor ``para-14`` on its page (the paragraph's own id, not a
book-wide label, so every chapter has its own ``#para-1``) and shows its number in the margin:

- web HTML: a small link to the paragraph (``#para-14``); with JavaScript a click copies the
  paragraph's address and says so, without it the link is a permalink;
- PDF: ``\\litparanum{14}{label}``, a margin number with a ``\\label``, so a locator can give the
  page (``\\litnoteparanum`` inline in a footnote, where the margin cannot be used);
- EPUB: a plain small number, no script.

Per page the domain keeps each paragraph's number and plain text (the locators' popovers show it;
:mod:`litreview.sphinxext.locators` checks locators against it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

from litreview.chapters.paragraphs import PARA_ROLE, anchor
from litreview.sphinxext import bookdata
from litreview.sphinxext.pdf.preamble import add_to_preamble

STATIC = Path(__file__).parent / "static"
VERSION = 1

LATEX_MACROS = r"""
% litreview.sphinxext.paragraphs: an article paragraph's number in the margin, and its label.
% marginnote, not \marginpar: a \marginpar goes through the output routine, which leaves a page
% break allowed after the paragraph's first line (its club penalty lost).
\usepackage{marginnote}
\newcommand\litparanum[2]{\leavevmode\phantomsection\label{#2}%
  \marginnote{\raggedleft\footnotesize\sffamily\textcolor{gray}{#1}}\ignorespaces}
\newcommand\litnoteparanum[2]{\leavevmode\phantomsection\label{#2}%
  {\footnotesize\sffamily\textcolor{gray}{\P\,#1}}\enspace\ignorespaces}
"""


class para_number(nodes.Inline, nodes.TextElement):
    """The number of an article's paragraph; the first child of the paragraph it numbers."""


class ParagraphsDomain(Domain):
    """Per page: its numbered paragraphs (number -> plain text)."""

    name = "paras"
    label = "article paragraph numbers"
    data_version = VERSION
    initial_data: ClassVar[dict[str, Any]] = {"paragraphs": {}}  # docname -> {number: text}

    def clear_doc(self, docname: str) -> None:
        self.data["paragraphs"].pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["paragraphs"]:
                self.data["paragraphs"][docname] = otherdata["paragraphs"][docname]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


def paragraphs(env: BuildEnvironment) -> dict[str, dict[int, str]]:
    """Per page, its numbered paragraphs: number -> the paragraph's plain text."""
    return env.domains["paras"].data["paragraphs"]


class ParaRole(SphinxRole):
    """``{para}`14```: this paragraph is the article's 14th."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if not re.fullmatch(r"[1-9]\d{0,5}", self.text):
            msg = self.inliner.reporter.error(
                f"para: expected a paragraph number (1, 2, …), got {self.text!r}", line=self.lineno
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], [msg]
        node = para_number(self.rawtext, self.text, number=int(self.text))
        self.set_source_info(node)
        return [node], []


def _plain(paragraph: nodes.Element) -> str:
    """A numbered paragraph's text as the reader sees it, without its number or note marks."""
    parts = [
        child.astext()
        for child in paragraph.children
        if not isinstance(child, para_number | nodes.footnote_reference)
    ]
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class NumberParagraphs(SphinxTransform):
    """Give each numbered paragraph its anchor, drop the space after the number, record its text."""

    default_priority = 200

    def apply(self, **kwargs: Any) -> None:
        found: dict[int, str] = {}
        for node in list(self.document.findall(para_number)):
            paragraph = node.parent
            number = node["number"]
            if not isinstance(paragraph, nodes.paragraph) or paragraph.index(node) != 0:
                self.document.reporter.error(
                    f"para: the number {number} must open a paragraph", base_node=node
                )
                continue
            ident = anchor(number)
            if number in found or ident in self.document.ids:
                self.document.reporter.error(f"para: paragraph {number} is numbered twice", base_node=node)
                continue
            paragraph["ids"].append(ident)
            self.document.ids[ident] = paragraph
            following = paragraph[1] if len(paragraph) > 1 else None
            if isinstance(following, nodes.Text) and following.startswith(" "):
                paragraph.replace(following, nodes.Text(str(following).lstrip(" ")))
            found[number] = _plain(paragraph)
        if found:
            paragraphs(self.env)[self.env.docname] = found


# -- writers ---------------------------------------------------------------------------------------


def visit_html(self: Any, node: para_number) -> None:
    number = node["number"]
    if getattr(self.builder, "name", "").startswith("epub"):
        self.body.append(f'<span class="para-num">{number}</span> ')
    else:
        self.body.append(
            f'<a class="para-num" href="#{anchor(number)}" title="Copy the link to paragraph {number}">'
            f'<span class="visually-hidden">Paragraph </span>{number}</a>'
        )
    raise nodes.SkipNode


def visit_latex(self: Any, node: para_number) -> None:
    number = node["number"]
    label = self.idescape(f"{self.curfilestack[-1]}:{anchor(number)}")
    in_note = any(isinstance(a, nodes.footnote) for a in _ancestors(node))
    macro = r"\litnoteparanum" if in_note else r"\litparanum"
    self.body.append(f"{macro}{{{number}}}{{{label}}}")
    raise nodes.SkipNode


def visit_text(self: Any, node: para_number) -> None:
    self.add_text(f"[{node['number']}] ")
    raise nodes.SkipNode


def _ancestors(node: nodes.Node) -> Iterable[nodes.Node]:
    current = node.parent
    while current is not None:
        yield current
        current = current.parent


def add_assets(app: Sphinx) -> None:
    """The web book gets the copy-link script and the margin style; the EPUB only a small number."""
    if bookdata.is_web_html(app):
        app.add_js_file("paragraphs.js", loading_method="defer")
        app.add_css_file("paragraphs.css")
    elif app.builder.name.startswith("epub"):
        app.config.epub_exclude_files = [
            *app.config.epub_exclude_files,
            "_static/paragraphs.js",
            "_static/paragraphs.css",
        ]


def add_static_and_macros(app: Sphinx, config: Config) -> None:
    path = str(STATIC)
    if path not in config.html_static_path:
        config.html_static_path.append(path)
    add_to_preamble(config, LATEX_MACROS)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.add_domain(ParagraphsDomain)
    app.add_node(
        para_number,
        html=(visit_html, None),
        latex=(visit_latex, None),
        text=(visit_text, None),
    )
    app.add_role(PARA_ROLE, ParaRole())
    app.add_transform(NumberParagraphs)
    app.connect("config-inited", add_static_and_macros)
    app.connect("builder-inited", add_assets)
    return {"version": "1.0", "env_version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
