"""Caches that are never stale: every cache of the build agrees on what "changed" means (a file's
bytes), and each is reused when its input is unchanged and recomputed when it changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from litreview.bench import synthbook
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
