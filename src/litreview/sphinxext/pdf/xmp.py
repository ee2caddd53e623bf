"""The PDF's XMP metadata (hyperxmp): what archives and reference managers read from the file.

hyperxmp writes hyperref's title, author, subject, keywords and language into an XMP packet, and
adds what the Info dictionary cannot hold: the rights statement and the licence's address, the
publisher, the version, the kind of publication and the book's address. Every value comes from
the book's facts (CITATION.cff, through :mod:`litreview.core.rights`), their one home; the title,
subject and keywords are set by :mod:`.preamble` and Sphinx, and hyperxmp reads them from there.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from litreview.core import rights
from litreview.core.book import Book, load_book
from litreview.core.errors import LitReviewError
from litreview.sphinxext.pdf.preamble import add_to_preamble
from litreview.sphinxext.pdf.tex import tex

MARK = "% litreview.sphinxext.pdf.xmp: XMP metadata from CITATION.cff"
#: hyperxmp dates the packet by the log file's time, which no build can reproduce: date it by TeX's
#: clock, which follows SOURCE_DATE_EPOCH (litreview-editions sets it), as the PDF's CreationDate does.
#: It writes the packet at \end{document}, where it is lost when the book ends on a fresh page
#: (after the index's \clearpage): write it with the first page instead.
HYPERXMP = r"""\usepackage{hyperxmp}
\makeatletter
\begingroup
  \def\lit@two#1{\ifnum#1<10 0\fi\number#1}%
  \count@=\time \divide\count@ 60
  \@tempcnta=-\count@ \multiply\@tempcnta 60 \advance\@tempcnta\time
  \xdef\hyxmp@today@xmp{\the\year-\lit@two\month-\lit@two\day T\lit@two\count@:\lit@two\@tempcnta:00Z}%
\endgroup
\edef\hyxmp@today@pdf{\expandafter\hyxmp@xmp@to@pdf@date\expandafter{\hyxmp@today@xmp}}
\RemoveFromHook{enddocument}[hyperxmp]
\AddToHook{shipout/firstpage}{\hyxmp@auto@assign@data\hyxmp@check@standards\hyxmp@embed@packet}
\makeatother"""


def xmp_latex(book: Book, address: str = "") -> str:
    """Preamble lines: load hyperxmp and give it what only the book's facts know."""
    fields = {
        "keeppdfinfo": "true",  # the Info dictionary keeps its Author and Keywords too
        "pdfauthor": ", ".join(book.editor_names),
        "pdfcopyright": rights.rights_line(book),
        "pdflicenseurl": rights.licence(book).url,
        "pdfpublisher": book.publisher,
        "pdfpubtype": "book",
        "pdfversionid": book.version,
        "pdfurl": address,
        "pdfcontacturl": address,
    }
    keys = "".join(f"  {key}={{{tex(value)}}},\n" for key, value in fields.items() if value)
    return f"{MARK}\n{HYPERXMP}\n\\hypersetup{{\n{keys}}}\n"


def add_xmp(app: Sphinx, config: Config) -> None:
    """config-inited: put the XMP lines first in the LaTeX preamble (once), when the book has its facts:
    hyperxmp must be loaded before the preamble's ``\\hypersetup`` gives it the keywords."""
    cff = Path(app.confdir) / config.litreview_citation_cff
    try:
        book = load_book(cff) if cff.is_file() else None
        lines = xmp_latex(book, rights.address(book)) if book is not None else ""
    except LitReviewError:
        return  # litreview.sphinxext.bookdata reports a broken CITATION.cff with its line
    add_to_preamble(config, lines, first=True, mark=MARK)
