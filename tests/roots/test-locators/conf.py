"""A tiny book for paragraph locators (litreview.sphinxext.locators): one numbered article, a review."""

project = "Locator fixture"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "litreview.sphinxext.locators"]
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_reference_style = "litreview"
bibtex_default_style = "litreview"
bibtex_cite_id = "cite-{key}"
html_theme = "basic"
html_static_path = []
