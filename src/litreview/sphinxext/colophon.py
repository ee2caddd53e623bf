"""Sphinx extension: the rights statement and colophon (:mod:`litreview.core.rights`) in every edition.

- ``{colophon} PART`` fills the "Colophon and rights" page (``book/colophon.md``): ``licence``
  (the editors' text), ``articles`` (each article's rights, from refs.bib), ``made`` (the tools, from
  the lock file), ``edition`` (version, date and, when the book has one, its address).
- The web footer of every page shows the short rights line and links the page (``rights.html``,
  one of the theme's ``footer_content_items``).
- The PDF: the colophon is the title verso (Sphinx's ``\\sphinxbackoftitlepage``, defined in
  ``litcolophon.sty``, written beside the .tex) and the page is not repeated as a chapter; with an
  address, the title page names it too.
- The EPUB: ``dc:rights`` is the short line (``epub_copyright`` in conf.py); with an address, the
  package's metadata names it as ``dc:source`` (the web edition the EPUB is made from).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape as texescape
from sphinx.util.typing import ExtensionMetadata

from litreview.core import rights
from litreview.core.errors import LitReviewError
from litreview.core.files import write_atomic
from litreview.core.order import article_keys
from litreview.core.typography import typographic
from litreview.sphinxext import bookdata, derived

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
PARTS = ("licence", "articles", "made", "edition")
STY = "litcolophon"  # the LaTeX package, written beside the .tex, that holds the title verso
URL = re.compile(r"https?://[^\s<>\"“”]+")


def make_colophon(app: Sphinx) -> rights.Colophon:
    """The colophon of this build: the book's facts, refs.bib's articles, the lock file, the address."""
    env = app.env
    data = bookdata.bib_data(env)
    return rights.colophon(
        bookdata.book(env), data.entries, article_keys(bookdata.seeds(env), data),
        Path(app.confdir) / app.config.litreview_constraints, app.config.html_baseurl,
    )  # fmt: skip


def inputs(app: Sphinx) -> tuple:
    """What the colophon page shows from elsewhere: the book's facts, the address, refs.bib, the
    articles' keys and the lock file."""
    env = app.env
    constraints = Path(app.confdir) / app.config.litreview_constraints
    try:
        book = repr(bookdata.book(env))
        keys = tuple(article_keys(bookdata.seeds(env), bookdata.bib_data(env)))
    except LitReviewError:  # reported where the directive needs it
        book, keys = None, ()
    lock = hashlib.sha256(constraints.read_bytes()).hexdigest() if constraints.is_file() else None
    return (book, app.config.html_baseurl, derived.bib_inputs(env), keys, lock)


# -- the page ------------------------------------------------------------------------------------


class colophon_node(nodes.General, nodes.Element):
    """Placeholder for one part of the colophon, filled in when the page is written."""


class ColophonDirective(SphinxDirective):
    """``{colophon} PART``: one part of the colophon (licence, articles, made, edition)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        part = self.arguments[0]
        if part not in PARTS:
            raise self.error(f"unknown colophon part {part!r}: one of {', '.join(PARTS)}")
        node = colophon_node(part=part)
        self.set_source_info(node)
        return [node]


def linked(text: str) -> list[nodes.Node]:
    """Text with every address in it a link."""
    out: list[nodes.Node] = []
    pos = 0
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:")
        out += [nodes.Text(text[pos : match.start()]), nodes.reference(url, url, refuri=url)]
        pos = match.start() + len(url)
    out.append(nodes.Text(text[pos:]))
    return [n for n in out if not isinstance(n, nodes.Text) or str(n)]


def part_nodes(colophon: rights.Colophon, part: str) -> list[nodes.Node]:
    """The nodes one part of the colophon shows."""
    if part == "licence":
        return [nodes.paragraph("", "", *linked(colophon.own_text + "."))]
    if part == "articles":
        items = nodes.bullet_list(classes=["article-rights"])
        for article in colophon.articles:
            items += nodes.list_item("", nodes.paragraph("", "", *linked(article.line())))
        return [nodes.paragraph("", colophon.articles_statement), items]
    if part == "made":
        return [nodes.paragraph("", colophon.made_with)]
    found: list[nodes.Node] = [nodes.paragraph("", colophon.edition)]
    if colophon.address_line:
        found.append(nodes.paragraph("", "", *linked(colophon.address_line)))
    return found


class ResolveColophon(SphinxPostTransform):
    """Replace each placeholder with its part of the colophon."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        found = list(self.document.findall(colophon_node))
        if not found:
            return
        try:
            colophon = make_colophon(bookdata.app_of(self.env))
        except LitReviewError as exc:
            for node in found:
                logger.warning("%s", exc, location=node)
                node.parent.remove(node)
            return
        for node in found:
            node.replace_self(part_nodes(colophon, node["part"]))


def rewrite_colophon(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: write the colophon page again when what it shows changed."""
    doc = app.config.litreview_colophon
    if doc not in env.found_docs:
        return []
    # Kept in the environment itself, not in the switchable memo: the page is written again on the
    # same builds whether or not the memo is on, so the two builds stay byte for byte the same.
    digest = hashlib.sha256(repr(inputs(app)).encode()).hexdigest()
    if getattr(env, "litreview_colophon_inputs", None) == digest:
        return []
    env.litreview_colophon_inputs = digest  # type: ignore[attr-defined]
    return [doc]


# -- the web footer ------------------------------------------------------------------------------


def add_templates(app: Sphinx, config: Config) -> None:
    """Our templates (``rights.html``, the footer's rights line) beside conf.py's."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))


def footer_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Every page's footer: the short rights line and a link to the colophon page."""
    if not bookdata.is_web_html(app):
        return
    context["litreview_rights"] = rights.rights_line(bookdata.book(app.env))
    doc = app.config.litreview_colophon
    context["litreview_colophon"] = context["pathto"](doc) if doc in app.env.found_docs else ""
    context["litreview_colophon_title"] = rights.COLOPHON_TITLE


# -- the PDF: the colophon is the title verso ----------------------------------------------------


def tex(text: str) -> str:
    """Plain text for xelatex with typographic quotes (as the HTML's colophon gets them), every
    address in it set as a URL (xurl may break it anywhere)."""
    out, pos = [], 0
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:")
        escaped = url.replace("\\", "/").replace("%", r"\%").replace("#", r"\#").replace("{", "%7B")
        out += [
            texescape(typographic(text[pos : match.start()]), "xelatex"),
            rf"\url{{{escaped.replace('}', '%7D')}}}",
        ]
        pos = match.start() + len(url)
    out.append(texescape(typographic(text[pos:]), "xelatex"))
    return "".join(out)


def latex_package(colophon: rights.Colophon) -> str:
    """``litcolophon.sty``: the title verso (``\\sphinxbackoftitlepage``), the address on the title page."""
    articles = "\n".join(rf"  \item {tex(a.line())}" for a in colophon.articles)
    lines = [
        r"\NeedsTeXFormat{LaTeX2e}",
        rf"\ProvidesPackage{{{STY}}}[the book's colophon, from litreview.core.rights]",
    ]
    if colophon.address:
        lines.append(rf"\AtBeginDocument{{\authoraddress{{{tex(colophon.address)}}}}}")
    lines += [
        r"\def\sphinxbackoftitlepage{\thispagestyle{empty}\begingroup",
        r"  \small\raggedright\setlength{\parindent}{0pt}\setlength{\parskip}{0.5em}",
        rf"  {{\bfseries {tex(rights.COLOPHON_TITLE)}\par}}",
        rf"  {tex(colophon.title)}. {tex(colophon.edition)}\par",
        rf"  {tex(colophon.own_text)}.\par",
        rf"  {tex(colophon.articles_statement)}\par",
        r"  \begin{itemize}\setlength{\itemsep}{0.2em}",
        articles,
        r"  \end{itemize}",
        rf"  {tex(colophon.made_with)}\par",
    ]
    if colophon.address_line:
        lines.append(rf"  {tex(colophon.address_line)}\par")
    lines += [r"\endgroup}", r"\endinput", ""]
    return "\n".join(lines)


def use_latex_package(app: Sphinx) -> None:
    """builder-inited: the LaTeX document loads ``litcolophon`` (after hyperref: it sets URLs)."""
    if app.builder.format == "latex" and not app.registry.has_latex_package(STY):
        app.add_latex_package(STY, after_hyperref=True)


def write_latex_package(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: write ``litcolophon.sty`` beside the .tex (latexmk runs there)."""
    if exception is not None or app.builder.format != "latex":
        return
    try:
        colophon = make_colophon(app)
    except LitReviewError as exc:
        bookdata.stop(app, exc)
    write_atomic(Path(app.outdir) / f"{STY}.sty", latex_package(colophon))


class VersoNotChapter(SphinxPostTransform):
    """The PDF prints the colophon on the title verso: its page is not a chapter as well."""

    default_priority = 90  # before litreview.sphinxext.pdf's BookStructure (740) lays out chapters
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        doc = self.config.litreview_colophon
        for sof in list(self.document.findall(addnodes.start_of_file)):
            if sof["docname"] == doc and sof.parent is not None:
                sof.parent.remove(sof)


# -- the EPUB: the address in the package's metadata ---------------------------------------------


def epub_source(opf: str, url: str) -> str:
    """content.opf with ``<dc:source>`` naming the web edition, after its ``dc:rights``."""
    element = f"<dc:source>{url.replace('&', '&amp;').replace('<', '&lt;')}</dc:source>"
    return opf.replace("</dc:rights>", "</dc:rights>\n    " + element, 1)


def wrap_epub_content(app: Sphinx) -> None:
    """builder-inited: with an address, name it in the EPUB's metadata once content.opf is written."""
    if not app.builder.name.startswith("epub") or not app.config.html_baseurl:
        return
    builder: Any = app.builder  # an EPUB builder (Sphinx's Builder declares no build_content)
    url = app.config.html_baseurl
    original = builder.build_content

    def build_content() -> None:
        original()
        opf = Path(builder.outdir) / "content.opf"
        write_atomic(opf, epub_source(opf.read_text(encoding="utf-8"), url))

    builder.build_content = build_content


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.add_config_value("litreview_colophon", rights.COLOPHON_DOC, "env", types=frozenset({str}))
    app.add_config_value("litreview_constraints", "requirements/constraints.txt", "env",
                         types=frozenset({str}))  # fmt: skip
    app.add_node(colophon_node)
    app.add_directive("colophon", ColophonDirective)
    app.add_post_transform(ResolveColophon)
    app.add_post_transform(VersoNotChapter)
    app.connect("config-inited", add_templates)
    app.connect("env-get-updated", rewrite_colophon)
    app.connect("html-page-context", footer_context)
    app.connect("builder-inited", use_latex_package)
    app.connect("builder-inited", wrap_epub_content)
    app.connect("build-finished", write_latex_package)
    # env_version: the environment keeps litreview_colophon_inputs (rewrite_colophon).
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
