"""Caches that are never stale: every cache of the build agrees on what "changed" means (a file's
bytes), and each is reused when its input is unchanged and recomputed when it changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from litreview.bench import synthbook
from litreview.speedups import bibcache
from litreview.sphinxext import derived, searchentries
from synth_support import build, ours, snapshot


def test_a_bib_edit_that_keeps_the_modification_time_shows_on_every_page(tmp_path: Path) -> None:
    """refs.bib edited and its modification time put back (as ``cp -p`` or a checkout within the
    same second leaves it): the incremental build is, file for file, the build from scratch, and
    every page that shows the entry shows the new title."""
    book = ours(tmp_path / "book", chapters=4, entries=40, works_cited=True)
    build(book.root)
    bibfile = book.root / "refs.bib"
    before = bibfile.stat()
    new_title = synthbook.edit_bib_entry(book)
    os.utime(bibfile, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bibfile.stat().st_mtime_ns == before.st_mtime_ns
    build(book.root)
    incremental = snapshot(book.root)
    shutil.rmtree(book.root / "_build")
    build(book.root)
    scratch = snapshot(book.root)

    assert incremental.keys() == scratch.keys()
    assert [name for name in scratch if incremental[name] != scratch[name]] == []
    showing = {name for name, data in scratch.items() if new_title.encode() in data}
    # the References page, the chapters' own bibliographies and popovers, How to cite, the exports
    assert {"references.html", "how-to-cite.html", "refs.json", "refs.ris", "refs.bib"} <= showing
    chapters = {name for name in scratch if name.startswith("articles/ch") and name.endswith(".html")}
    assert len(chapters) == 4 and chapters <= showing
    titles = {item["id"]: item.get("title") for item in json.loads(incremental["refs.json"])}
    assert titles[book.bib_edit_key] == new_title


#: Memo kinds computed from the whole bibliography (refs.bib's bytes), and one computed per entry.
WHOLE_BIB_KINDS = ("exports", "extradates", "timeline-names", "csl-json-exports", "entry-fingerprint")
PER_ENTRY_KIND = "coins"


def test_each_cache_is_reused_until_its_own_input_changes(tmp_path: Path) -> None:
    """Counted, not timed: a chapter's prose edited changes no bibliography input, so every formatted
    entry and every value derived from refs.bib is reused; one entry's title edited formats and
    derives again that entry alone (and the values made from the whole file), and the pages show it.

    The References page's kept entries (refpage) are off here: with them the page asks the memo for
    the edited entry's COinS alone, so the memo's reuse of every other entry's would go unseen."""
    book = ours(tmp_path / "book", chapters=4, entries=40, works_cited=True)
    build(book.root, litreview_refpage=False)
    html = book.root / "_build" / "html"

    text = book.edit_chapter.read_text(encoding="utf-8")
    book.edit_chapter.write_text(text + "\nA sentence only this edit adds.\n", encoding="utf-8")
    app, _, _ = build(book.root, litreview_refpage=False)
    assert "A sentence only this edit adds." in (html / f"{book.edit_docname}.html").read_text(
        encoding="utf-8"
    )
    assert bibcache.stats(app)["misses"] == 0 and bibcache.stats(app)["hits"] > 0
    counts = derived.stats(app)
    for kind in WHOLE_BIB_KINDS:
        assert counts[kind][1] == 0 and counts[kind][0] >= 1, kind
    assert counts.get(PER_ENTRY_KIND, (0, 0))[1] == 0

    new_title = synthbook.edit_bib_entry(book)
    app, _, _ = build(book.root, litreview_refpage=False)
    assert new_title in " ".join((html / "references.html").read_text(encoding="utf-8").split())
    assert bibcache.stats(app)["misses"] == 1  # the edited entry, formatted again; the rest reused
    counts = derived.stats(app)
    hits, misses = counts[PER_ENTRY_KIND]
    assert misses == 1 and hits > 10  # the References page's COinS: only the edited entry's made again
    for kind in WHOLE_BIB_KINDS:
        assert counts[kind][1] >= 1, kind  # made again from the new bytes
    assert set(counts) - {"changed"} <= set(derived.KINDS)  # every kind used is a registered one


def test_a_rebuilds_search_index_is_a_clean_builds(tmp_path: Path) -> None:
    """Sphinx keeps the search index's index entries in the environment but pickles it before the
    pages are written, and keeps words a page written again no longer holds: a rebuild (one citation
    swapped) gives back the entries of the pages it did not write and leaves the empty words out, so
    its searchindex.js is byte for byte a clean build's."""
    books = [ours(tmp_path / name, chapters=4, entries=40) for name in ("rebuilt", "clean")]
    for book in books:
        first = sorted((book.srcdir / synthbook.ARTICLES).glob("*.md"))[0]  # not the edited chapter
        assert first != book.edit_chapter
        first.write_text(first.read_text(encoding="utf-8") + INDEX_ENTRY, encoding="utf-8")
    rebuilt, clean = books
    build(rebuilt.root)
    for book in books:
        synthbook.swap_marker(book)
    app, _, _ = build(rebuilt.root)
    assert searchentries.stats(app)["restored"] >= 1
    build(clean.root)
    index = {b.root.name: (b.root / "_build" / "html" / "searchindex.js").read_bytes() for b in books}
    assert b"synthetic index entry" in index["clean"]
    assert index["rebuilt"] == index["clean"]


#: An index entry in a chapter the rebuild does not write again.
INDEX_ENTRY = "\n```{index} single: Synthetic index entry\n```\n\nA sentence it indexes.\n"
