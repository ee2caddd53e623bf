"""Sphinx extension: the EPUB edition's own stylesheet, and what epubcheck rejects in Sphinx's output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext.theme import ASSETS as WEB_ASSETS  # the web theme's repairs: no use in an EPUB

#: The EPUB's own stylesheet (hidden screen-reader text, tables that wrap, the editorial boxes),
#: served from :mod:`litreview.sphinxext.theme`'s static folder.
EBOOK_CSS = "ebook.css"

SVG_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.S)
SVG_PATH_WITHOUT_D = re.compile(r"<path\b(?![^>]*\sd=)([^>]*?)(/?)>")


def epub_safe_svg(text: str) -> str:
    """Drop the DOCTYPE (EPUB 3 forbids external entities) and give an empty ``d`` to bare paths.

    Matplotlib writes both: a DOCTYPE pointing at the SVG 1.1 DTD, and the glyph of a space as a
    ``<path>`` without ``d``; epubcheck reports each as an error.
    """
    text = SVG_DOCTYPE.sub("", text, count=1)
    return SVG_PATH_WITHOUT_D.sub(r'<path d=""\1\2>', text)


def _prepare_epub(builder: Any) -> None:
    """Before the EPUB is zipped: make its SVG images valid, keep the doctree cache out of it."""
    outdir = Path(builder.outdir)
    for svg in sorted((outdir / builder.imagedir).glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        if (fixed := epub_safe_svg(text)) != text:
            svg.write_text(fixed, encoding="utf-8")
    doctrees = Path(builder.doctreedir)
    excluded = [".buildinfo.bak"]  # Sphinx keeps the previous build's info there when the config changed
    if doctrees.is_relative_to(outdir):
        excluded += [p.relative_to(outdir).as_posix() for p in doctrees.rglob("*") if p.is_file()]
    builder.config.epub_exclude_files = [*builder.config.epub_exclude_files, *excluded]


def wrap_epub_finish(app: Sphinx) -> None:
    """Run :func:`_prepare_epub` just before Sphinx's EPUB builder writes the package."""
    if not app.builder.name.startswith("epub"):
        return
    builder: Any = app.builder  # the EPUB builder (Sphinx's Builder declares no handle_finish)
    original = builder.handle_finish

    def handle_finish() -> None:
        _prepare_epub(builder)
        original()

    builder.handle_finish = handle_finish


#: The event emitted once the EPUB's files are written and before Sphinx zips them: handlers
#: ``(app, outdir)`` amend the package, navigation and pages in place, in priority order.
EPUB_WRITTEN = "litreview-epub-written"


def wrap_build_epub(app: Sphinx) -> None:
    """Emit :data:`EPUB_WRITTEN` just before Sphinx's EPUB builder zips the book (one wrapper for
    every extension that amends the written files)."""
    if not app.builder.name.startswith("epub"):
        return
    builder: Any = app.builder  # the EPUB builder (Sphinx's Builder declares no build_epub)
    original = builder.build_epub

    def build_epub() -> None:
        app.emit(EPUB_WRITTEN, Path(builder.outdir))
        original()

    builder.build_epub = build_epub


def add_stylesheet(app: Sphinx) -> None:
    """An EPUB gets its own stylesheet, and none of the web theme's repairs."""
    if app.builder.name.startswith("epub"):
        app.add_css_file(EBOOK_CSS)
        app.config.epub_exclude_files = [
            *app.config.epub_exclude_files,
            *(f"_static/{a}" for a in WEB_ASSETS),
        ]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.theme")  # its static folder holds ebook.css
    app.connect("builder-inited", add_stylesheet)
    app.connect("builder-inited", wrap_epub_finish)
    app.add_event(EPUB_WRITTEN)
    app.connect("builder-inited", wrap_build_epub)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
