"""A small book for the citing extensions: how-to-cite, page metadata, cited-in, downloads."""

from pathlib import Path

from litreview.core.book import load_book

BOOK = load_book(Path(__file__).parent / "CITATION.cff")
project = BOOK.title
author = ", ".join(BOOK.editor_names)
language = "en"
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.sphinxext.howtocite",
    "litreview.sphinxext.citemeta",
    "litreview.sphinxext.citedin",
    "litreview.sphinxext.exports",
]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_reference_style = "author_year"
bibtex_default_style = "litreview"  # the book's style: it prints works whose title was not found
bibtex_cite_id = "cite-{key}"
exclude_patterns = ["_build"]
html_baseurl = ""  # the tests set it (confoverrides) to check absolute links
