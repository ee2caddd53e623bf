"""Helpers for the tests that build small synthetic books (litreview.bench.synthbook) with the
project's own conf.py: make one, build it in this process, and read every output file."""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path

from litreview.bench import synthbook
from support import ROOT


def snapshot(book: Path) -> dict[str, bytes]:
    """Every output file a reader gets (not Sphinx's own bookkeeping: .buildinfo, .doctrees)."""
    html = book / "_build" / "html"
    return {
        p.relative_to(html).as_posix(): p.read_bytes()
        for p in sorted(html.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


def ours(root: Path, chapters: int = 7, entries: int = 60, **kwargs: object) -> synthbook.SynthBook:
    """A small synthetic book built with the project's own conf.py (every extension it ships with)."""
    return synthbook.generate(root, chapters, entries, "ours", project=ROOT, **kwargs)  # type: ignore[arg-type]


def build(root: Path, *, verbosity: int = 0, **overrides: object) -> tuple[object, str, str]:
    """Build the project tree at ``root`` in this process (conf.py beside book/); the app and its log.

    Like sphinx.testing's apps, it puts back the docutils registry and sys.path afterwards, and
    the default values of Sphinx's list settings (the themes add to ``templates_path``'s default
    list in place, which would change the configuration's digest from one build to the next and
    make Sphinx write every page again).
    """
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.testing.util import _clean_up_global_state

    status, warning = StringIO(), StringIO()
    out = root / "_build" / "html"
    saved_path = sys.path.copy()
    saved_defaults = {
        name: list(opt.default) for name, opt in Config.config_values.items() if isinstance(opt.default, list)
    }
    try:
        app = Sphinx(
            str(root / "book"), str(root), str(out), str(out / ".doctrees"), "html",
            confoverrides=dict(overrides), status=status, warning=warning, verbosity=verbosity,
        )  # fmt: skip
        app.build()
    finally:
        sys.path[:] = saved_path
        for name, default in saved_defaults.items():
            Config.config_values[name].default[:] = default
        _clean_up_global_state()
    assert app.statuscode == 0, warning.getvalue()
    return app, status.getvalue(), warning.getvalue()


def relabel_marker(book: synthbook.SynthBook) -> str:
    """Move the second edit marker's year between 2020 and 2021 in refs.bib; return its new year.

    Both markers are by the same maker: in the same year they are "Marker 2020a" and "2020b", in
    two years "Marker 2020" and "Marker 2021", so the first marker's label changes though its entry
    and its citations do not.
    """
    path = book.root / "refs.bib"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"{{{synthbook.EDIT_KEYS[1]},")
    end = text.index("\n}", start)
    entry = text[start:end]
    old, new = ("2020", "2021") if "{2020}" in entry else ("2021", "2020")
    path.write_text(text[:start] + entry.replace(f"{{{old}}}", f"{{{new}}}") + text[end:], encoding="utf-8")
    return new


def uncite_marker(book: synthbook.SynthBook) -> str:
    """Take the edit chapter's marker citation out (the only citation of its entry); return its key."""
    text = book.edit_chapter.read_text(encoding="utf-8")
    key = next(k for k in synthbook.EDIT_KEYS if f"`{k}`" in text)
    line = next(line for line in text.splitlines() if f"`{key}`" in line)
    book.edit_chapter.write_text(text.replace(line, "The edit marker is no longer cited."), encoding="utf-8")
    return key
