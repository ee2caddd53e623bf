"""A MyST page whose roles name unknown keys, labels and terms on lines of their own."""

extensions = ["myst_parser", "sphinxcontrib.bibtex", "litreview.sphinxext.rolelines"]
myst_enable_extensions = ["colon_fence", "deflist"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
