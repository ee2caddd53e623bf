"""The PDF's preamble: ``litreview.sty`` (the book's macros and layout), and what only Python knows.

The style file ships beside this module and reaches the LaTeX build through
``latex_additional_files`` (:func:`add_style_file`); the PDF's subject and keywords come from the
book's facts (CITATION.cff), so they are written here.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from litreview.core.book import Book
from litreview.sphinxext.pdf.tex import tex

#: The book's LaTeX package: its macros, page styles, bibliography and table layout.
STYLE_FILE = Path(__file__).with_name("litreview.sty")


def latex_preamble(book: Book) -> str:
    """Preamble lines: the book's package, its short title (running heads), then the PDF's metadata."""
    return "\n".join([
        r"\usepackage{litreview}",
        rf"\newcommand{{\litshorttitle}}{{{tex(book.short_title)}}}",  # the running head of a verso
        r"\hypersetup{",
        f"  pdfsubject={{{tex(book.abstract)}}},",
        f"  pdfkeywords={{{tex(', '.join(book.keywords))}}},",
        r"  pdflang={en},",
        r"}",
        "",
    ])  # fmt: skip


def add_to_preamble(config: Config, text: str, *, first: bool = False, mark: str | None = None) -> None:
    """Add ``text`` to ``latex_elements["preamble"]`` once (an extension set up twice adds nothing):
    after what is there, or before it with ``first``. ``mark``: the part of ``text`` that tells it is
    there already (default: all of it)."""
    elements = dict(config.latex_elements or {})
    preamble = elements.get("preamble", "")
    if text and (mark or text) not in preamble:
        elements["preamble"] = text + preamble if first else preamble + text
    config.latex_elements = elements


def add_style_file(app: Sphinx, config: Config) -> None:
    """Ship ``litreview.sty`` into the LaTeX output folder, where the preamble's \\usepackage finds it."""
    path = str(STYLE_FILE)
    if path not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, path]
