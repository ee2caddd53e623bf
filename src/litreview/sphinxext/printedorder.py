"""Sphinx extension: ``:style: litreview_printed`` lists a chapter's works in the order its article
printed them, read from the seeds' metadata (``[[references]]``) for this build.

Without this extension that style keeps the order of citation, which sphinxcontrib-bibtex counts
book-wide (documents in toctree order).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

import pybtex.plugin
from sphinx.application import Sphinx

from litreview.bibstyle.sorting import PrintedSortingStyle
from litreview.core.seeds import SeedMeta
from litreview.sphinxext import bookdata


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


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.connect("builder-inited", register_printed_order, priority=200)  # after bookdata read the seeds
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
