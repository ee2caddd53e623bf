"""A small book for the citing extensions: how-to-cite, page metadata, cited-in, downloads."""

import os
from pathlib import Path

from litreview.bookinfo import load_book_info

BOOK = load_book_info(Path(__file__).parent / "CITATION.cff")
project = BOOK.title
author = ", ".join(BOOK.editors)
language = "en"
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.howtocite",
    "litreview.citemeta",
    "litreview.citedin",
    "litreview.exports",
]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_reference_style = "author_year"
bibtex_cite_id = "cite-{key}"
html_baseurl = os.environ.get("BOOK_BASEURL", "")
