"""A tiny book for the converter's escaping tests: two hostile seeds, their chapters, a bibliography."""

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.sphinxext.seedcite",
    "litreview.sphinxext.paragraphs",
    "litreview.sphinxext.howtocite",
]
exclude_patterns = ["_build"]
nitpicky = True
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block", "substitution"]
myst_substitutions = {"book_title": "SUBSTITUTED-BOOK-TITLE"}
myst_footnote_transition = False
myst_footnote_sort = False
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_cite_id = "cite-{key}"
html_theme = "basic"
