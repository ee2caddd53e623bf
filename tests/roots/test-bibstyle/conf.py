"""Fixture book for the bibliography style: its own frozen refs.bib (a selection of the book's works
in every shape the style prints), the invented Cyrillic names of cyrillic.bib, and the book's seeds/
(copied in by the test, for the printed order)."""

project = "bibstyle fixture"
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.sphinxext.bibbinding",
    "litreview.sphinxext.citedin",  # the editors' verification under each entry
]
exclude_patterns = ["_build"]
nitpicky = True

# The project's bibliography settings (conf.py, "Bibliography").
bibtex_bibfiles = ["refs.bib", "cyrillic.bib"]
bibtex_encoding = "utf-8"
bibtex_default_style = "litreview"
bibtex_reference_style = "litreview"
bibtex_cite_id = "cite-{key}"
bibtex_tooltips = True
litreview_seeds_dir = "seeds"
