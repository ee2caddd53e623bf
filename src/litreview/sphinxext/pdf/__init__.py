"""Sphinx extension: the PDF edition.

- :mod:`.preamble`: ``litreview.sty`` (the macros and layout) and the metadata only Python knows;
- :mod:`.structure`: preface, parts and chapters from the site's toctrees; the bibliography's place;
- :mod:`.tables`: tables as longtables with ragged columns sized by their content;
- :mod:`.rowblocks`: a table of rows too tall for a page printed one block per row;
- :mod:`.text`: breakable addresses, index headwords, notes sections left empty, punctuation kept
  with its word;
- :mod:`.bibtexcode`: no BibTeX code on paper (the web edition and refs.bib hold it);
- :mod:`.keep`: How to cite entries and BibTeX blocks kept on one page;
- :mod:`.indexing`: the index's xindy style (what it holds is :mod:`litreview.sphinxext.bookindex`'s);
- :mod:`.xrefs`: cross-references followed by the chapter or section number and page;
- :mod:`.xmp`: the PDF's XMP metadata (hyperxmp), from the book's facts;
- :mod:`.tex`: escaping helpers.

Russian hyphenation (``\\litrussian``) is :mod:`litreview.sphinxext.cyrillic`'s.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext.pdf.bibtexcode import NoBibtexOnPaper
from litreview.sphinxext.pdf.indexing import PrintSeeAlso, add_xindy_style
from litreview.sphinxext.pdf.keep import KeepTogether
from litreview.sphinxext.pdf.preamble import add_style_file
from litreview.sphinxext.pdf.rowblocks import TablesPerRow
from litreview.sphinxext.pdf.structure import (
    BookStructure,
    MarkBibliography,
    PlaceBibliography,
    bibliography_here,
)
from litreview.sphinxext.pdf.tables import LatexTables
from litreview.sphinxext.pdf.text import (
    BreakableUrls,
    DropEmptySections,
    IndexHyphens,
    KeepPunctuationWithItsWord,
)
from litreview.sphinxext.pdf.xmp import add_xmp
from litreview.sphinxext.pdf.xrefs import PrintedCrossReferences


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.connect("config-inited", add_style_file)
    app.connect("config-inited", add_xmp)
    app.connect("config-inited", add_xindy_style)
    app.add_node(bibliography_here)
    app.add_post_transform(BookStructure)
    app.add_post_transform(TablesPerRow)
    app.add_post_transform(LatexTables)
    app.add_post_transform(MarkBibliography)
    app.add_post_transform(PlaceBibliography)
    app.add_post_transform(BreakableUrls)
    app.add_post_transform(DropEmptySections)
    app.add_post_transform(KeepPunctuationWithItsWord)
    app.add_post_transform(IndexHyphens)
    app.add_post_transform(PrintSeeAlso)
    app.add_post_transform(NoBibtexOnPaper)
    app.add_post_transform(KeepTogether)
    app.add_post_transform(PrintedCrossReferences)
    return {"version": "3", "parallel_read_safe": True, "parallel_write_safe": True}
