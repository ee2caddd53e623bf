"""Sphinx extension: refs.bib and a CSL-JSON export (refs.json) in the HTML output, for download.

Both are written at build time from the bibliography files sphinxcontrib-bibtex reads
(``bibtex_bibfiles``), so the downloads can never drift from the References page. The
``{bibliography-downloads}`` directive links them from a page.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from litreview.core.csl import csl_json
from litreview.core.errors import CitingError
from litreview.core.files import copy_atomic, write_atomic
from litreview.sphinxext import bookdata

logger = logging.getLogger(__name__)


def export_names(app: Sphinx) -> list[str]:
    """The downloads' file names: each bibliography file, then the CSL-JSON export of them all."""
    bibfiles = [Path(f) for f in app.config.bibtex_bibfiles]
    return [f.name for f in bibfiles] + [bibfiles[0].with_suffix(".json").name] if bibfiles else []


def check_entries(app: Sphinx) -> None:
    """builder-inited: every entry must export (dates readable); warn with the entry's file:line."""
    if not app.config.bibtex_bibfiles:
        return
    try:
        csl_json(bookdata.bib_data(app.env), bookdata.bib_sources(app.env))
    except CitingError as exc:
        logger.warning("%s", exc.message, location=f"{exc.path}:{exc.line}", type="litreview")


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, put the .bib files and their CSL-JSON next to index.html."""
    if exception is not None or not bookdata.is_web_html(app) or not app.config.bibtex_bibfiles:
        return
    outdir = Path(app.outdir)
    for bibfile in bookdata.bibfile_paths(app):
        copy_atomic(bibfile, outdir / bibfile.name)
    try:
        items = csl_json(bookdata.bib_data(app.env), bookdata.bib_sources(app.env))
    except CitingError:
        return  # already reported by check_entries
    write_atomic(outdir / export_names(app)[-1], json.dumps(items, ensure_ascii=False, indent=2) + "\n")


class downloads_node(nodes.General, nodes.Element):
    """Where the download links go; filled in per builder by :class:`DownloadLinks`."""


class BibliographyDownloads(SphinxDirective):
    """``{bibliography-downloads}``: links to refs.bib and refs.json, written at build time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = downloads_node()
        self.set_source_info(node)
        return [node]


KINDS = {".bib": "BibTeX/biblatex, UTF-8", ".json": "CSL-JSON, for Zotero, Mendeley, Pandoc or citeproc"}


class DownloadLinks(SphinxPostTransform):
    """Turn the downloads node into links: relative in HTML, absolute elsewhere if a base URL is set."""

    default_priority = 50

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(downloads_node)):
            base = self.config.html_baseurl
            if bookdata.is_web_html(bookdata.app_of(self.env)):
                outfile = Path(bookdata.app_of(self.env).builder.get_outfilename(self.env.docname))
                prefix = Path(os.path.relpath(bookdata.app_of(self.env).outdir, outfile.parent)).as_posix()
                prefix = "" if prefix == "." else prefix + "/"
            elif base:
                prefix = base.rstrip("/") + "/"
            else:
                node.parent.remove(node)  # no URL to give without a web site
                continue
            para = nodes.paragraph(classes=["bibliography-downloads"])
            para += nodes.Text("Download the whole bibliography: ")
            for i, name in enumerate(export_names(bookdata.app_of(self.env))):
                if i:
                    para += nodes.Text("; ")
                uri = posixpath.join(prefix, name) if prefix else name
                para += nodes.reference("", name, refuri=uri, classes=["download"], internal=False)
                para += nodes.Text(f" ({KINDS.get(Path(name).suffix, 'file')})")
            para += nodes.Text(".")
            node.replace_self(para)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(downloads_node)
    app.add_directive("bibliography-downloads", BibliographyDownloads)
    app.add_post_transform(DownloadLinks)
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.connect("builder-inited", check_entries, priority=600)  # after sphinxcontrib-bibtex read refs.bib
    app.connect("build-finished", write_exports)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
