"""Sphinx extension: the EPUB's cover, drawn from the book's facts (:mod:`litreview.core.cover`).

``epub_cover`` (conf.py) names the image and the cover page's template. Before the EPUB is
written the image is drawn into the output (only rewritten when its bytes change); the cover page
says in words what it shows; the package marks the image ``properties="cover-image"`` (EPUB 3;
Sphinx writes only EPUB 2's ``<meta name="cover">``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from litreview.core import cover
from litreview.core.files import write_if_changed
from litreview.sphinxext import bookdata
from litreview.sphinxext.epub import EPUB_WRITTEN

OPF = "http://www.idpf.org/2007/opf"


def _image(app: Sphinx) -> str | None:
    """The cover image's path in the EPUB, when the book has a cover."""
    return app.config.epub_cover[0] if app.config.epub_cover else None


def draw_cover(app: Sphinx) -> None:
    """builder-inited (EPUB): draw the cover into the output."""
    if not app.builder.name.startswith("epub") or not (image := _image(app)):
        return
    bookdata.require_book(app)
    # Sphinx writes the cover page while it lists the package; a copy left by the last build would
    # be listed twice in the spine (epubcheck: RSC-005), so it goes first.
    (Path(app.outdir) / app.builder.coverpage_name).unlink(missing_ok=True)  # type: ignore[attr-defined]
    target = Path(app.outdir) / image
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, cover.render(bookdata.book(app.env)))


def cover_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: the cover page's image says what the cover shows."""
    if app.builder.name.startswith("epub") and _image(app):
        context["lit_cover_alt"] = cover.alt_text(bookdata.book(app.env))


def mark_cover_image(opf: Path, image: str) -> None:
    """The manifest item of ``image`` gets ``properties="cover-image"``."""
    tree = etree.parse(str(opf))
    for item in tree.iter(f"{{{OPF}}}item"):
        properties = (item.get("properties") or "").split()
        if item.get("href") == image and "cover-image" not in properties:
            item.set("properties", " ".join([*properties, "cover-image"]))
    tree.write(str(opf), xml_declaration=True, encoding="UTF-8")


def mark_cover(app: Sphinx, outdir: Path) -> None:
    """litreview-epub-written: mark the cover image in content.opf."""
    if image := _image(app):
        mark_cover_image(outdir / "content.opf", image)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.connect("builder-inited", draw_cover, priority=600)  # after the book's facts are read (100)
    app.setup_extension("litreview.sphinxext.epub")
    app.connect(EPUB_WRITTEN, mark_cover, priority=400)
    app.connect("html-page-context", cover_page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
