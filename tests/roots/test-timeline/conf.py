"""A one-page book that draws the review's timeline from a two-event data file."""

extensions = ["myst_parser", "sphinxcontrib.bibtex", "litreview.sphinxext.timeline"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
exclude_patterns = ["_build"]
