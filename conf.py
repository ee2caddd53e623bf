"""Sphinx configuration for the book; sources live in book/ (sphinx-build -c . book _build/html)."""

import os
from pathlib import Path

from litreview.bookinfo import load_book_info

ROOT = Path(__file__).resolve().parent

# -- Project facts: read from CITATION.cff, their one home, so no title or editor is typed twice.
BOOK = load_book_info(ROOT / "CITATION.cff")
project = BOOK.title
author = ", ".join(BOOK.editors)
copyright = f"{BOOK.year}, {author}"
version = release = BOOK.version
language = "en"
today_fmt = "%d %B %Y"

# -- Extensions: MyST for the sources, bibtex for citations, our own for what no extension does.
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
]
exclude_patterns = ["_build", ".DS_Store"]
numfig = True  # figures and tables are numbered, so the review can refer to "Figure 1"
nitpicky = True

# -- MyST: only the syntax extensions the book uses, each on purpose.
myst_enable_extensions = [
    "colon_fence",  # ::: fences for admonitions, readable as plain Markdown
    "deflist",  # the glossary's term/definition lists
    "attrs_inline",  # {lang=ru} on Cyrillic spans
    "attrs_block",  # ids and classes on generated blocks
    "substitution",  # the book's facts in prose, e.g. {{ book_title }}
]
myst_heading_anchors = 3  # stable #anchors for section headings, linkable from outside
myst_footnote_transition = False  # the chapters place their own notes heading
myst_substitutions = {"book_title": BOOK.title, "book_editors": author, "book_version": BOOK.version}

# -- Bibliography: one merged refs.bib (paths are relative to this file).
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_reference_style = "author_year"  # "Rogers (2003)" / "(Rogers 2003)", not alpha labels
bibtex_cite_id = "cite-{key}"  # stable anchors: references.html#cite-<key>

# -- HTML: the book theme with its repository and download buttons.
html_theme = "sphinx_book_theme"
html_title = BOOK.title
html_baseurl = os.environ.get("BOOK_BASEURL", "")
html_last_updated_fmt = "%d %B %Y"
html_static_path = []
html_theme_options = {
    "repository_url": os.environ.get("BOOK_REPOSITORY_URL", ""),
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": bool(os.environ.get("BOOK_REPOSITORY_URL")),
    "use_source_button": bool(os.environ.get("BOOK_REPOSITORY_URL")),
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
