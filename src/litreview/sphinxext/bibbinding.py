"""Sphinx extension: bind the book's bibliography style to this build's data.

- ``:style: litreview_printed`` lists a chapter's works in the order its article printed them,
  read from the seeds' metadata (``[[references]]``); without this extension that style keeps the
  order of citation, which sphinxcontrib-bibtex counts book-wide.
- Works of the same maker and year get the letters a, b, … ("Stafeev (2002a)") in citations and
  in the list alike, computed over the whole bibliography in the list's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

import pybtex.plugin
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from litreview.bibstyle.sorting import PrintedSortingStyle, SortingStyle
from litreview.bibstyle.template import extradates, set_extradates
from litreview.core.seeds import SeedMeta
from litreview.sphinxext import bookdata, derived


def printed_rank(metas: Iterable[SeedMeta]) -> dict[str, int]:
    """Each cited key's position in the seeds' printed reference lists (seed order, then printed)."""
    rank: dict[str, int] = {}
    for meta in metas:
        for ref in meta.references:
            for key in ref.keys:
                rank.setdefault(key, len(rank))
    return rank


def register_printed_order(app: Sphinx) -> None:
    """Bind ``litreview_printed`` sorting to the seeds' printed reference order for this build."""
    rank = MappingProxyType(printed_rank(bookdata.seeds(app.env)))
    bound = type("SeedPrintedSortingStyle", (PrintedSortingStyle,), {"printed_rank": rank})
    pybtex.plugin.register_plugin("pybtex.style.sorting", "litreview_printed", bound, force=True)


def assign_letters(app: Sphinx) -> None:
    """After sphinxcontrib-bibtex parsed refs.bib: the a/b letters of same-maker, same-year works
    (computed again only when the bibliography files or the code changed)."""
    entries = list(bookdata.bib_data(app.env).entries.values())
    letters = EXTRADATES(app.env)
    set_extradates(entries, letters)  # and takes away the letters of the last build's that have none now


#: The a/b letters of same-maker, same-year works, for the whole bibliography.
EXTRADATES = derived.kind(
    "extradates",
    inputs=derived.bib_inputs,
    compute=lambda env: extradates(list(bookdata.bib_data(env).entries.values()), SortingStyle().sorting_key),
)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.connect("builder-inited", register_printed_order, priority=200)  # after bookdata read the seeds
    app.connect("builder-inited", assign_letters, priority=550)  # after sphinxcontrib-bibtex (500)
    return {"version": "3", "parallel_read_safe": True, "parallel_write_safe": True}
