"""The search index after a rebuild is the one a clean build writes (not a speed-up: a correctness fix).

Sphinx 9 keeps the search index's "index entries" (the glossary's terms, ``{index}`` entries) in
the environment, but pickles the environment before it writes any page, so what a build's pages
fed to the index never reaches the next build: after a rebuild, ``searchindex.js`` holds the index
entries of the pages written in that build only (sphinx-doc/sphinx#12599, open). Stock Sphinx hides
it in a book where every page is written again on every build; litreview's speed-ups write only
the pages that changed, so it shows. A rebuild's index also keeps every word that a page written
again no longer holds, with no page (the words are kept as sets of pages, and an emptied set stays).

So at the end of each HTML build the index entries of every page are kept beside the
environment (``<doctreedir>/litreview-searchentries.pickle``), and the next build gives each page
it did not write again the entries that page had, and leaves out the words no page holds, before
the index is written. A page written again gets its entries from Sphinx as always; a removed page
is not in the index, and gets none. The pages' own entries depend only on their doctrees, which
are unchanged when Sphinx does not write a page again: the same reasoning by which Sphinx reuses
the rest of the index.

Relies on the attributes of Sphinx's ``IndexBuilder`` (``_index_entries``, ``_titles``,
``_mapping``, ``_title_mapping``), checked with the Sphinx versions in ``SUPPORTED_SPHINX``; with
another it does nothing and says so. It can go when Sphinx keeps the index entries of pages it
does not write again (sphinx-doc/sphinx#12599).
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core.files import write_atomic
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: Sphinx major versions whose IndexBuilder keeps what this module reads and sets.
SUPPORTED_SPHINX = (9,)
STORE_NAME = "litreview-searchentries.pickle"


class _State:
    """This build: the index entries the environment held when it was loaded, and the counts."""

    def __init__(self) -> None:
        self.loaded: dict[str, Any] = {}
        self.restored = 0
        self.dropped = 0


def _state(app: Sphinx) -> _State:
    return buildstate.part(app, "searchentries", _State)


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: pages whose index entries were given back, empty words left out."""
    state = _state(app)
    return {"restored": state.restored, "dropped": state.dropped}


def _indexer(app: Sphinx) -> Any:
    if sphinx.version_info[0] not in SUPPORTED_SPHINX or app.builder.format != "html":
        return None
    return getattr(app.builder, "indexer", None)


def _store(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE_NAME


def _start(app: Sphinx) -> None:
    """builder-inited: note the index entries the loaded environment holds (each page written in
    this build gets a new list)."""
    buildstate.reset(app, "searchentries", _State())
    entries = getattr(app.env, "_search_index_index_entries", None)
    if isinstance(entries, dict):
        _state(app).loaded = dict(entries)


def _restore(app: Sphinx) -> list[Any]:
    """html-collect-pages (before the index is written): give the pages not written again their
    entries, and leave out the words no page holds."""
    indexer = _indexer(app)
    if indexer is None:
        return []
    state = _state(app)
    entries = indexer._index_entries
    written = {d for d, found in entries.items() if found is not state.loaded.get(d)}
    kept: dict[str, Any] = {}
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        found = pickle.loads(_store(app).read_bytes())
        kept = found if isinstance(found, dict) else {}
    for docname, old in kept.items():
        if docname not in written and docname in indexer._titles and entries.get(docname) != old:
            entries[docname] = old
            state.restored += 1
    for mapping in (indexer._mapping, indexer._title_mapping):
        for word in [w for w, pages in mapping.items() if not pages]:
            del mapping[word]
            state.dropped += 1
    return []


def _keep(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: keep every page's index entries for the next build."""
    indexer = _indexer(app) if exception is None else None
    if indexer is None:
        return
    with contextlib.suppress(OSError):
        write_atomic(_store(app), pickle.dumps(dict(indexer._index_entries), pickle.HIGHEST_PROTOCOL))
    state = _state(app)
    if state.restored or state.dropped:
        logger.verbose("litreview.searchentries: index entries given back to %d pages, %d empty words "
                       "left out", state.restored, state.dropped)  # fmt: skip


def setup(app: Sphinx) -> ExtensionMetadata:
    if sphinx.version_info[0] not in SUPPORTED_SPHINX:
        logger.info("litreview.searchentries: off: Sphinx %s is not a version it was checked against "
                    "(%s); a rebuild's search index may lack index entries, as without it",
                    sphinx.__version__, ", ".join(f"{v}.x" for v in SUPPORTED_SPHINX))  # fmt: skip
    app.connect("builder-inited", _start)
    app.connect("html-collect-pages", _restore)
    app.connect("build-finished", _keep)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
