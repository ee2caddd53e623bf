"""Sphinx extension: the bibliography as downloads — whole, and one reading list per chapter.

Written at build time, from the same refs.bib sphinxcontrib-bibtex reads, so a download can never
drift from the pages: the whole bibliography as ``refs.bib``, ``refs.json`` (CSL-JSON) and
``refs.ris`` (RIS) beside ``index.html``, linked by ``{bibliography-downloads}``; and for every
chapter that cites works, its own reading list in the same three formats under
``reading-lists/`` — the works an article prints, or that a chapter of the review cites — each
entry exactly as in the whole-book export (BibTeX: the entry as refs.bib writes it), linked at
the end of that chapter.
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from litreview.core.csl import csl_json
from litreview.core.errors import CitingError
from litreview.core.files import copy_atomic, write_if_changed
from litreview.core.ris import ris_text
from litreview.sphinxext import bibtex_refs, bookdata, derived
from litreview.sphinxext.warnings import LitreviewWarnings, warn

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

logger = logging.getLogger(__name__)

READING_LISTS = "reading-lists"  # folder of the HTML output holding the chapters' reading lists


@dataclass(frozen=True)
class Format:
    suffix: str
    label: str
    description: str


FORMATS = (
    Format(".bib", "BibTeX", "BibTeX/biblatex, UTF-8"),
    Format(".json", "CSL-JSON", "CSL-JSON, for Zotero, Mendeley, Pandoc or citeproc"),
    Format(".ris", "RIS", "RIS, for EndNote, Mendeley or Zotero"),
)


def export_stem(app: Sphinx) -> str:
    """The whole-book downloads' name: the (first) bibliography file's, "refs"."""
    return Path(app.config.bibtex_bibfiles[0]).stem if app.config.bibtex_bibfiles else ""


def reading_list_keys(env: BuildEnvironment, docname: str) -> list[str]:
    """The works a chapter's reading list holds: those its article prints (an article chapter), or
    those it cites (a chapter of the review); [] for other pages."""
    if bookdata.is_article_chapter(docname):
        key = bookdata.article_key(env, docname)
        meta = next((m for m in bookdata.seeds(env) if m.key == key), None)
        return [k for ref in meta.references for k in ref.keys] if meta else []
    if docname.startswith(bookdata.REVIEW):
        refs = bibtex_refs.citation_refs(env)
        return [t.key for ref in refs if ref.docname == docname for t in ref.targets]
    return []


def exports(env: BuildEnvironment, keys: list[str] | None = None) -> dict[str, str]:
    """The bibliography (or the works ``keys``, in refs.bib order) as {suffix: text}; made once and
    kept while refs.bib (and the list of keys) is unchanged."""
    return EXPORTS(env, keys)


def _exports(env: BuildEnvironment, keys: list[str] | None) -> dict[str, str]:
    wanted = None if keys is None else set(keys)
    items = [item for item in _csl_json(env) if wanted is None or item["id"] in wanted]
    entries = [bookdata.entry_source(env, item["id"]) for item in items]
    return {
        ".bib": "\n\n".join(e.text for e in entries if e is not None) + "\n",
        ".json": json.dumps(items, ensure_ascii=False, indent=2) + "\n",
        ".ris": ris_text(items),
    }


def _csl_json(env: BuildEnvironment) -> list[dict[str, Any]]:
    """Every entry as CSL-JSON, computed once per build and kept while refs.bib is unchanged."""
    return CSL_JSON(env)


def check_entries(app: Sphinx) -> None:
    """builder-inited: every entry must export (dates readable); warn with the entry's file:line."""
    if not app.config.bibtex_bibfiles:
        return
    try:  # kept as "it exports" while refs.bib is unchanged, so a no-op build loads no CSL-JSON
        CSL_JSON_EXPORTS(app.env)
    except CitingError as exc:
        warn(logger, LitreviewWarnings.EXPORTS, "%s", exc.message, location=f"{exc.path}:{exc.line}")


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build: the whole bibliography beside index.html, and each chapter's
    reading list under reading-lists/."""
    if exception is not None or not bookdata.is_web_html(app) or not app.config.bibtex_bibfiles:
        return
    outdir = Path(app.outdir)
    for bibfile in bookdata.bibfile_paths(app):
        copy_atomic(bibfile, outdir / bibfile.name)
    try:
        whole = exports(app.env)
        for suffix in (".json", ".ris"):
            write_if_changed(outdir / f"{export_stem(app)}{suffix}", whole[suffix])
        for docname in sorted(app.env.found_docs):
            keys = reading_list_keys(app.env, docname)
            if keys:
                for suffix, text in exports(app.env, keys).items():
                    write_if_changed(outdir / READING_LISTS / f"{reading_list_name(docname)}{suffix}", text)
    except CitingError:
        return  # already reported by check_entries


def reading_list_name(docname: str) -> str:
    """The file name (without suffix) of a chapter's reading list: its docname, flattened."""
    return docname.replace("/", "-")


class downloads_node(nodes.General, nodes.Element):
    """Where download links go (``scope``: "book" or "chapter"); filled in by :class:`DownloadLinks`."""


class BibliographyDownloads(SphinxDirective):
    """``{bibliography-downloads}``: links to refs.bib, refs.json and refs.ris, written at build time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = downloads_node(scope="book")
        self.set_source_info(node)
        return [node]


def add_reading_list(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: a placeholder for the reading-list links at the end of every chapter that has one."""
    docname = app.env.docname
    if bookdata.is_article_chapter(docname) or docname.startswith(bookdata.REVIEW):
        section = next(iter(doctree.findall(nodes.section)), None)
        if section is not None:
            section += downloads_node(scope="chapter")


class DownloadLinks(SphinxPostTransform):
    """Turn the downloads placeholders into links: relative in HTML, absolute elsewhere if a base URL
    is set, and nothing where there is no address to give (a PDF or EPUB of a book with no web site)."""

    default_priority = 50

    def run(self, **kwargs: Any) -> None:
        app = bookdata.app_of(self.env)
        for node in list(self.document.findall(downloads_node)):
            prefix = self.prefix(app)
            keys = reading_list_keys(self.env, self.env.docname) if node["scope"] == "chapter" else None
            if prefix is None or keys == []:
                node.parent.remove(node)
                continue
            if keys is None:
                intro, names = "Download the whole bibliography: ", [export_stem(app)] * len(FORMATS)
                describe = True
            else:
                intro = "Download this chapter's reading list (the works it cites): "
                names = [f"{READING_LISTS}/{reading_list_name(self.env.docname)}"] * len(FORMATS)
                describe = False
            para = nodes.paragraph(classes=["bibliography-downloads"])
            para += nodes.Text(intro)
            for i, (fmt, stem) in enumerate(zip(FORMATS, names, strict=True)):
                if i:
                    para += nodes.Text("; " if describe else " · ")
                name = f"{stem}{fmt.suffix}"
                uri = posixpath.join(prefix, name) if prefix else name
                text = Path(name).name if describe else fmt.label
                para += nodes.reference("", text, refuri=uri, classes=["download"], internal=False)
                if describe:
                    para += nodes.Text(f" ({fmt.description})")
            para += nodes.Text(".")
            node.replace_self(para)

    def prefix(self, app: Sphinx) -> str | None:
        """How a page reaches the site's root: relative in the HTML, the base URL elsewhere."""
        if bookdata.is_web_html(app):
            builder = cast("StandaloneHTMLBuilder", app.builder)  # is_web_html: the HTML builder
            outfile = Path(builder.get_outfilename(self.env.docname))
            prefix = Path(os.path.relpath(app.outdir, outfile.parent)).as_posix()
            return "" if prefix == "." else prefix + "/"
        base = self.config.html_baseurl
        return base.rstrip("/") + "/" if base else None


#: The downloads (BibTeX, CSL-JSON, RIS) of the whole bibliography or of a list of keys.
EXPORTS = derived.kind(
    "exports",
    inputs=lambda env, keys: (derived.bib_inputs(env), None if keys is None else tuple(keys)),
    compute=lambda env, keys: _exports(env, keys),
)
#: Every entry as CSL-JSON.
CSL_JSON = derived.kind(
    "csl-json",
    inputs=derived.bib_inputs,
    compute=lambda env: csl_json(bookdata.bib_data(env), bookdata.bib_sources(env)),
)
#: "Every entry exports" (so a no-op build loads no CSL-JSON to check it).
CSL_JSON_EXPORTS = derived.kind(
    "csl-json-exports", inputs=derived.bib_inputs, compute=lambda env: bool(_csl_json(env))
)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_node(downloads_node)
    app.add_directive("bibliography-downloads", BibliographyDownloads)
    app.add_post_transform(DownloadLinks)
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.connect("builder-inited", check_entries, priority=600)  # after sphinxcontrib-bibtex read refs.bib
    app.connect("doctree-read", add_reading_list)
    app.connect("build-finished", write_exports)
    return {"version": "3", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
