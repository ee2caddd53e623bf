"""pytest plugin for a library's own test suite: every Sphinx app it makes also loads one of our
speed-ups, right after the extension the speed-up patches (tests/test_upstream.py runs the suites
of sphinxcontrib-bibtex, pydata-sphinx-theme and sphinx-book-theme with and without it).

LITREVIEW_SPEEDUP names the speed-up (``litreview.speedups.bibcache``), LITREVIEW_SPEEDUP_AFTER
the extension to set it up after (``sphinxcontrib.bibtex``; ``sphinx.builders.html`` for the
navigation speed-up, which every app loads). After each build the speed-up's counters
(``stats(app)``) are added up, and written as JSON to LITREVIEW_SPEEDUP_REPORT at the end.
"""

from __future__ import annotations

import importlib
import json
import os
from collections import Counter
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.registry import SphinxComponentRegistry

SPEEDUP = os.environ["LITREVIEW_SPEEDUP"]
AFTER = os.environ["LITREVIEW_SPEEDUP_AFTER"]
_load_extension = SphinxComponentRegistry.load_extension


_loading: set[int] = set()  # apps whose speed-up is being set up (it sets up what it patches first)


def load_extension(self: SphinxComponentRegistry, app: object, extname: str) -> None:
    _load_extension(self, app, extname)
    if extname == AFTER and SPEEDUP not in app.extensions and id(app) not in _loading:  # type: ignore[attr-defined]
        _loading.add(id(app))
        try:
            _load_extension(self, app, SPEEDUP)
        finally:
            _loading.discard(id(app))


SphinxComponentRegistry.load_extension = load_extension  # type: ignore[method-assign]


_build = Sphinx.build
_totals: Counter = Counter()


def build(self: Sphinx, *args: object, **kwargs: object) -> None:
    try:
        _build(self, *args, **kwargs)
    finally:
        if SPEEDUP in self.extensions:
            _totals.update(importlib.import_module(SPEEDUP).stats(self))


Sphinx.build = build  # type: ignore[method-assign]


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    report = os.environ.get("LITREVIEW_SPEEDUP_REPORT")
    if report:
        Path(report).write_text(json.dumps(dict(_totals)), encoding="utf-8")
