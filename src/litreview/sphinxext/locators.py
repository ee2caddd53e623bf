"""Sphinx extension: paragraph locators in citations of the articles, and the paragraphs' back-links.

A citation of one of the five articles names its passage with sphinxcontrib-bibtex's post-text
(:mod:`litreview.core.locators`)::

    {cite:p}`khumaryanndrussia{para. 14}`   {cite:t}`searnddigital{paras. 3–5}`

- **Links.** "para. 14" links to ``#para-14`` of the article's chapter (HTML, EPUB; in the PDF a
  ``\\hyperref``, followed by the paragraph's page: "para. 14, p. 37"). In the web book the
  link's popover (``citepopover.js``) shows the paragraph's own text.
- **Checks.** The build stops with ``file:line: message`` when a locator is malformed, runs
  backwards, names a paragraph the article does not have, or cites a work that has no numbered
  chapter (any other post-text, "p. 5", is not a locator and is left alone).
- **Back-links.** Each paragraph a locator cites lists, under it, the review passages that cite
  it: "Discussed in: Fault lines › Announcements and money; Conclusion", each a link to the
  section.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from docutils import nodes
from sphinx.addnodes import pending_xref, start_of_file
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from litreview.chapters.paragraphs import anchor
from litreview.core import bib
from litreview.core.locators import LocatorError, parse
from litreview.sphinxext import bookdata, claims, derived
from litreview.sphinxext.paragraphs import paragraphs
from litreview.sphinxext.pdf.preamble import add_to_preamble
from litreview.sphinxext.pdf.tex import raw_block

logger = logging.getLogger(__name__)
VERSION = 2
SAFE_LABEL = re.compile(r"^[A-Za-z0-9/:._-]+$")


class Located(NamedTuple):
    """One locator as the source wrote it, and where."""

    key: str
    first: int
    last: int
    written: str
    docname: str
    line: int
    section: str  # the id of the innermost section holding the citation ("" if none)
    section_title: str  # that section's title, "Page › Section" below the page's own title
    claim: str  # the sentence (in a table, the row) that holds the citation, as plain text


class LocatorsDomain(Domain):
    """Per page: its locators; and the locators' errors found as the page was read."""

    name = "locators"
    label = "paragraph locators"
    data_version = VERSION
    initial_data: ClassVar[dict[str, Any]] = {"located": {}, "errors": {}}

    def clear_doc(self, docname: str) -> None:
        self.data["located"].pop(docname, None)
        self.data["errors"].pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for kind in ("located", "errors"):
                if docname in otherdata[kind]:
                    self.data[kind][docname] = otherdata[kind][docname]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


def located(env: BuildEnvironment) -> dict[str, list[Located]]:
    return env.domains["locators"].data["located"]


def _errors(env: BuildEnvironment) -> dict[str, list[tuple[str, int, str]]]:
    return env.domains["locators"].data["errors"]


def _section_of(node: nodes.Node) -> tuple[str, str]:
    titles: list[str] = []
    ident = ""
    current = node.parent
    while current is not None:
        if isinstance(current, nodes.section):
            title = next(iter(current.findall(nodes.title)), None)
            titles.append(title.astext() if title is not None else "")
            ident = ident or (current["ids"][0] if current["ids"] else "")
        current = current.parent
    titles.reverse()
    return ident, " › ".join(t for t in titles if t)


class RecordLocators(SphinxTransform):
    """As a page is read: each citation's locators, with their line and review section."""

    # after rolelines (100) gave each role its own line, and labels joined their sections (260)
    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        found: list[Located] = []
        errors: list[tuple[str, int, str]] = []
        names: dict[str, str] | None = None
        for node in self.document.findall(pending_xref):
            if node.get("refdomain") != "cite":
                continue
            line = node.line or 0
            source = node.source or str(self.env.doc2path(self.env.docname))
            try:
                targets = list(parse_citation_targets(node["reftarget"]))
            except ValueError:
                continue  # sphinxcontrib-bibtex reports it
            for target in targets:
                try:
                    locator = parse(target.post) if target.post else None
                except LocatorError as err:
                    errors.append((source, line, f"{target.key}: {err.message}"))
                    continue
                if locator is not None:
                    section, title = _section_of(node)
                    if names is None:
                        names = cited_names(bookdata.bib_data(self.env))
                    found.append(Located(target.key, locator.first, locator.last, target.post,
                                         self.env.docname, line, section, title,
                                         claims.claim_of(node, names)))  # fmt: skip
        if found:
            located(self.env)[self.env.docname] = found
        if errors:
            _errors(self.env)[self.env.docname] = errors


def cited_names(data: Any) -> dict[str, str]:
    """How a narrative citation names each work ("Ezdina and Dotsenko"), for the claims' text."""
    return {key: bib.cited_name(entry) for key, entry in data.entries.items()}


def chapters_by_key(env: BuildEnvironment) -> dict[str, str]:
    """Each article's key mapped to the page that numbers its paragraphs."""
    return {bookdata.article_key(env, docname): docname for docname in paragraphs(env)}


def check(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: stop the build on any bad locator, each reported as ``file:line: message``."""
    problems = [e for docname in sorted(_errors(env)) for e in _errors(env)[docname]]
    chapters = chapters_by_key(env)
    for docname in sorted(located(env)):
        for loc in located(env)[docname]:
            source = str(env.doc2path(docname))
            chapter = chapters.get(loc.key)
            if chapter is None:
                message = (f"{loc.key}: the locator {loc.written!r} cites a work whose paragraphs are not "
                           "numbered (only the articles' chapters are)")  # fmt: skip
                problems.append((source, loc.line, message))
                continue
            count = len(paragraphs(env)[chapter])
            if loc.last > count:
                problems.append((source, loc.line, f"{loc.key}: the locator {loc.written!r} names paragraph "
                                 f"{loc.last}, but the article has {count} (see {chapter})"))  # fmt: skip
    if not problems:
        return
    for path, line, message in problems[:-1]:
        logger.error("%s", message, location=f"{_shown(app, path)}:{line}")
    path, line, message = problems[-1]
    bookdata.stop(app, LocatorError(message, _shown(app, path), line))


def _shown(app: Sphinx, path: str) -> str:
    """A path as the reader finds it: relative to the project (conf.py's folder) when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path(app.confdir).resolve()))
    except ValueError:
        return path


def pages_label(docname: str, first: int, last: int) -> str:
    """LaTeX: the page (or pages) of the paragraphs a locator cites, from their labels."""
    labels = [f"{docname}:{anchor(n)}" for n in (first, last)]
    if not all(SAFE_LABEL.match(label) for label in labels):
        return ""
    a, b = (rf"\detokenize{{{label}}}" for label in labels)
    return rf", p.~\pageref{{{a}}}" if first == last else rf", \litparapages{{{a}}}{{{b}}}"


def popover_text(texts: dict[int, str], first: int, last: int) -> str:
    """What a locator's popover shows: the paragraphs it cites, each after its number."""
    return " ".join(f"¶ {n}: {texts[n]}" for n in range(first, last + 1) if n in texts)


class LinkLocators(SphinxPostTransform):
    """Make "para. 14" in each resolved citation a link to the paragraph (and, in LaTeX, its page)."""

    default_priority = 20  # after the citations are resolved (10), before their titles (850)

    def run(self, **kwargs: Any) -> None:
        chapters = chapters_by_key(self.env)
        builder = bookdata.app_of(self.env).builder
        for citation in list(self.document.findall(nodes.inline)):
            if "bibtex-citation" not in citation["classes"]:
                continue
            try:
                targets = list(parse_citation_targets(citation.rawsource))
            except ValueError:
                continue
            texts = list(citation.findall(nodes.Text))
            for target in targets:
                try:
                    locator = parse(target.post) if target.post else None
                except LocatorError:
                    continue
                chapter = chapters.get(target.key)
                if locator is None or chapter is None:
                    continue
                # the citation prints its works in the style's order, not the source's: the
                # locator is the first text with its post-text after the link to its own work
                start = _after_link_to(citation, texts, target.key)
                cursor = next((i for i in range(start, len(texts)) if target.post in texts[i]), None)
                if cursor is None:
                    continue
                text = texts[cursor]
                before, _, after = str(text).partition(target.post)
                shown = locator.label()
                upright = ["locator"] if builder.format == "latex" else []  # not in the link's italics
                ref = make_refnode(builder, self.env.docname, chapter, anchor(locator.first),
                                   nodes.inline(shown, shown, classes=upright), title=None)  # fmt: skip
                ref["classes"].append("para-locator")
                if builder.format == "html":
                    ref["ids"] = [f"para-loc-{self.env.new_serialno('para-loc')}"]
                    ref["reftitle"] = popover_text(paragraphs(self.env)[chapter], locator.first, locator.last)
                replacement: list[nodes.Node] = [nodes.Text(before), ref]
                if builder.format == "latex":
                    pages = pages_label(chapter, locator.first, locator.last)
                    if pages:
                        replacement.append(nodes.raw("", pages, format="latex"))
                rest = nodes.Text(after)
                replacement.append(rest)
                text.parent.replace(text, [n for n in replacement if not isinstance(n, nodes.Text) or str(n)])
                texts = list(citation.findall(nodes.Text))


def _after_link_to(citation: nodes.Element, texts: list[nodes.Text], key: str) -> int:
    """The index in ``texts`` just after the link to the work ``key`` in a resolved citation (0 if
    there is none)."""
    for ref in citation.findall(nodes.reference):
        if any(str(ref.get(attr, "")).endswith(f"cite-{key}") for attr in ("refuri", "refid")):
            own = list(ref.findall(nodes.Text))
            # Text nodes are strings: find the link's own node by identity, not by equality
            found = next((i for i, text in enumerate(texts) if own and text is own[-1]), None)
            if found is not None:
                return found + 1
    return 0


def backlinks(env: BuildEnvironment, key: str) -> dict[int, list[tuple[str, str, str]]]:
    """For each paragraph of the article ``key``, the review passages whose locators cite it:
    (docname, section id, title), in reading order, each once."""
    order = {d: i for i, d in enumerate(reading_order(env))}
    found: defaultdict[int, dict[tuple[str, str], str]] = defaultdict(dict)
    items = sorted((loc for locs in located(env).values() for loc in locs if loc.key == key),
                   key=lambda loc: (order.get(loc.docname, len(order)), loc.line))  # fmt: skip
    for loc in items:
        title = env.titles[loc.docname].astext() if loc.docname in env.titles else loc.docname
        label = loc.section_title or title
        for n in range(loc.first, loc.last + 1):
            found[n].setdefault((loc.docname, loc.section), label)
    return {n: [(d, s, t) for (d, s), t in passages.items()] for n, passages in found.items()}


def reading_order(env: BuildEnvironment) -> list[str]:
    from sphinxcontrib.bibtex.domain import get_docnames

    return list(get_docnames(env))


class BackLinks(SphinxPostTransform):
    """Under each paragraph a locator cites: "Discussed in: <review section>; <review section>"."""

    default_priority = 21

    def run(self, **kwargs: Any) -> None:
        numbered = paragraphs(self.env)
        builder = bookdata.app_of(self.env).builder
        cited: dict[str, dict[int, list[tuple[str, str, str]]]] = {}
        for paragraph, page in list(_numbered_paragraphs(self.document, self.env.docname)):
            ident = next(i for i in paragraph["ids"] if PARA_ID.match(i))
            if page not in numbered or paragraph.parent is None:
                continue
            if page not in cited:
                cited[page] = backlinks(self.env, bookdata.article_key(self.env, page))
            passages = cited[page].get(int(ident.removeprefix("para-")))
            if not passages:
                continue
            note = nodes.paragraph(classes=["para-discussed"])
            note += nodes.Text("Discussed in: ")
            for i, (review_page, section, title) in enumerate(passages):
                if i:
                    note += nodes.Text("; ")
                # a section's title, as {ref} shows one (so the PDF adds its number and page)
                shown = nodes.inline(title, title, classes=["std", "std-ref"])
                note += make_refnode(builder, self.env.docname, review_page, section, shown)
            at = paragraph.parent.index(paragraph) + 1
            paragraph.parent.insert(at, note)
            if builder.format == "latex":  # on paper: small and indented, apart from the article's text
                paragraph.parent.insert(at, raw_block(r"\begingroup\small\leftskip1.5em"))
                paragraph.parent.insert(at + 2, raw_block(r"\par\endgroup"))


PARA_ID = re.compile(r"^para-\d+$")


def _numbered_paragraphs(node: nodes.Node, page: str) -> Iterator[tuple[nodes.paragraph, str]]:
    """Each numbered paragraph and its page. In the PDF's one assembled document a page's nodes sit
    under its ``start_of_file`` (whose children do not point back to it, so this walks down)."""
    if isinstance(node, start_of_file):
        page = node["docname"]
    if isinstance(node, nodes.paragraph) and any(PARA_ID.match(i) for i in node["ids"]):
        yield node, page
        return
    for child in node.children if isinstance(node, nodes.Element) else ():
        yield from _numbered_paragraphs(child, page)


def rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: chapters again when the locators citing them changed (their back-links), and
    pages with locators when the paragraphs changed (their links, popovers and pages)."""
    out: list[str] = []
    locs = tuple((d, tuple(located(env)[d])) for d in sorted(located(env)))
    if derived.changed(env, "para-backlinks", locs):
        out.extend(paragraphs(env))
    texts = tuple((d, tuple(sorted(paragraphs(env)[d].items()))) for d in sorted(paragraphs(env)))
    if derived.changed(env, "para-texts", texts):
        out.extend(located(env))
    return sorted(set(out))


LATEX_PAGES = r"""
% litreview.sphinxext.locators: the page, or pages, of the paragraphs a locator cites
\usepackage{refcount}
\newcommand\litparapages[2]{%
  \ifnum\getpagerefnumber{#1}=\getpagerefnumber{#2}\relax p.~\pageref{#1}%
  \else pp.~\pageref{#1}\textendash\pageref{#2}\fi}
"""


def add_latex(app: Sphinx, config: Any) -> None:
    add_to_preamble(config, LATEX_PAGES)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.setup_extension("litreview.sphinxext.paragraphs")
    app.setup_extension("litreview.sphinxext.rolelines")  # a locator's error names the role's own line
    app.add_domain(LocatorsDomain)
    app.add_transform(RecordLocators)
    app.add_post_transform(LinkLocators)
    app.add_post_transform(BackLinks)
    app.connect("env-updated", check)
    app.connect("env-get-updated", rewrite)
    app.connect("config-inited", add_latex)
    return {"version": "1.0", "env_version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
