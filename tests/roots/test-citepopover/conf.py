"""A tiny book for the citation popover (sphinxext.citepopover) and lang="ru" (sphinxext.cyrillic)."""

project = "Popover fixture"
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.sphinxext.citepopover",
    "litreview.sphinxext.cyrillic",
]
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_reference_style = "author_year"
bibtex_cite_id = "cite-{key}"
myst_enable_extensions = ["attrs_inline"]
html_theme = "basic"
html_static_path = []


def printed_marker(name, rawtext, text, lineno, inliner, options=None, content=None):
    """A marker as a seed printed it, ``[1] <key>``, linked by hand to the entry (no title)."""
    from docutils import nodes

    label, key = text.rsplit(" ", 1)
    ref = nodes.reference(rawtext, label, refuri=f"refs.html#cite-{key.strip('<>')}", internal=True)
    return [ref], []


def setup(app):
    app.add_role("printedmarker", printed_marker)
