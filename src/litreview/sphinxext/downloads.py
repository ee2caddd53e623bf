"""Sphinx extension: the HTML's links to the PDF and EPUB editions ({book-downloads}, the download menu).

Where the editions land is :mod:`litreview.core.outputs`; building them is :mod:`litreview.tools.editions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from litreview.core.files import copy_atomic
from litreview.core.outputs import DOWNLOADS_DIR, EDITIONS
from litreview.sphinxext import bookdata


class book_downloads(nodes.General, nodes.Element):
    """Where the download links go; filled in when the page is written, for the HTML builder only."""


class BookDownloads(SphinxDirective):
    """``{book-downloads}``: links to the PDF and EPUB editions that exist when the HTML is written."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [book_downloads()]


def rewrite_when_editions_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: every page offers the editions that exist (its download menu, and the
    front page its links), made when the page is written: when the set of editions changed since
    the last build, write every page again (none is read again)."""
    if not bookdata.is_web_html(app):
        return []
    present = tuple(label for label, path in EDITIONS.items() if (Path(app.confdir) / path).is_file())
    return sorted(env.found_docs) if bookdata.editions_changed(env, present) else []


class ResolveDownloads(SphinxPostTransform):
    """Turn the marker into "Download this book: PDF · EPUB" (HTML, when built) or nothing."""

    default_priority = 500

    def run(self, **kwargs: Any) -> None:
        for marker in list(self.document.findall(book_downloads)):
            links = []
            if bookdata.app_of(self.env).builder.name == "html":
                root = Path(bookdata.app_of(self.env).confdir)
                links = [(label, p.name) for label, p in EDITIONS.items() if (root / p).is_file()]
            if not links:
                marker.parent.remove(marker)
                continue
            prefix = "../" * self.env.docname.count("/")
            para = nodes.paragraph("", "Download this book: ", classes=["book-downloads"])
            for i, (label, name) in enumerate(links):
                if i:
                    para += nodes.Text(" · ")
                para += nodes.reference(label, label, refuri=f"{prefix}{DOWNLOADS_DIR}/{name}")
            marker.replace_self(para)


def add_to_download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Offer the whole book (PDF, EPUB, when built) in the theme's download menu on every page too."""
    if not bookdata.is_web_html(app):
        return
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    for label, path in EDITIONS.items():
        if (Path(app.confdir) / path).is_file():
            group["buttons"].append({
                "type": "link",
                "url": context["pathto"](f"{DOWNLOADS_DIR}/{path.name}", 1),
                "text": f"Book ({label})",
                "tooltip": f"Download the whole book as {label}",
                "icon": "fas fa-book",
                "label": f"download-book-{label.lower()}-button",
            })  # fmt: skip


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Copy the PDF and EPUB (when built) into <html>/downloads/, beside the pages that link them."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    target = Path(app.outdir) / DOWNLOADS_DIR
    for path in EDITIONS.values():
        source = Path(app.confdir) / path
        if source.is_file():
            copy_atomic(source, target / path.name)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.add_node(book_downloads)
    app.add_directive("book-downloads", BookDownloads)
    app.add_post_transform(ResolveDownloads)
    app.connect("env-get-updated", rewrite_when_editions_change)
    app.connect("build-finished", copy_downloads)
    app.connect("html-page-context", add_to_download_menu, priority=510)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
