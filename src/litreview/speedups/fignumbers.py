"""Sphinx extension: don't renumber every figure and table on a build that read no page.

With ``numfig = True`` (the book numbers its figures and tables), Sphinx's toctree collector
assigns figure numbers on every build, including a build with nothing to do: it loads every
page's doctree from disk and walks it (``TocTreeCollector.assign_figure_numbers``, called from
``env-get-updated``), which at a few hundred pages costs more than the rest of a no-op build.
The numbers come from the pages' doctrees and the toctrees, which change only when a page is read
or removed (a changed configuration makes Sphinx read every page). So when a build reads and
removes no page, this extension keeps the numbers the environment already holds and reports no
page as renumbered, which is what the walk would have found. Any build that reads or removes a
page numbers everything as before.

A narrow monkeypatch of one method, applied only with the Sphinx versions in
``SUPPORTED_SPHINX`` and active only in builds that load this extension with
``litreview_fignumbers`` on (``-D litreview_fignumbers=0`` switches it off); with another Sphinx
it switches itself off and says so (at the default verbosity). The output is the same
(tests/test_bench.py builds a book with it on and off through edits and compares every file).
How often it skipped the walk is counted (:func:`stats`) and logged at ``-v``.

Upstream: no Sphinx issue or pull request about skipping the figure-number walk on builds that
read nothing was found; this module can go when ``assign_figure_numbers`` only walks again after
a page was read or removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sphinx
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.speedups import patch, say_off
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Sphinx major versions whose TocTreeCollector.assign_figure_numbers this module was checked against.
SUPPORTED_SPHINX = (9,)
_ORIGINAL: dict[str, Any] = {}


class _State:
    """This build: whether the extension is active, whether a page was read or removed, counts."""

    def __init__(self, active: bool) -> None:
        self.active = active
        self.touched = False
        self.skipped = 0
        self.walked = 0


def _state(app: Sphinx | None) -> _State:
    return buildstate.part(app, "fignumbers", lambda: _State(False))


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``skipped`` (walks avoided), ``walked`` (walks done)."""
    state = _state(app)
    return {"skipped": state.skipped, "walked": state.walked}


def assign_figure_numbers(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    """TocTreeCollector.assign_figure_numbers, unless this build read and removed no page."""
    app = getattr(env, "_app", None)
    state = _state(app)
    if state.active and app.config.litreview_fignumbers and not state.touched:  # type: ignore[union-attr]
        state.skipped += 1
        return []
    state.walked += 1
    return _ORIGINAL["assign_figure_numbers"](self, env)


def _note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """env-before-read-docs: remember whether this build reads any page."""
    _state(app).touched |= bool(docnames)


def _note_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """env-purge-doc: a page was removed (or is about to be read again)."""
    _state(app).touched = True


def supported() -> bool:
    return sphinx.version_info[0] in SUPPORTED_SPHINX


def install() -> bool:
    """Patch TocTreeCollector once, if Sphinx is a version this module was checked against."""
    if not supported():
        return False
    patch(_ORIGINAL, TocTreeCollector, "assign_figure_numbers", assign_figure_numbers)
    return True


def _report(app: Sphinx, exception: Exception | None) -> None:
    state = _state(app)
    if state.active and app.config.litreview_fignumbers and (state.skipped or state.walked):
        logger.verbose(
            "litreview.fignumbers: figure numbers kept %d, assigned %d", state.skipped, state.walked
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch and patch the toctree collector."""
    app.add_config_value("litreview_fignumbers", True, "env", types=frozenset({bool}))
    active = install()
    buildstate.reset(app, "fignumbers", _State(active))
    if not active:
        say_off("fignumbers", f"Sphinx {sphinx.__version__}", ", ".join(f"{v}.x" for v in SUPPORTED_SPHINX),
                "figure numbers are assigned on every build, as without it")  # fmt: skip
    app.connect("env-before-read-docs", _note_read)
    app.connect("env-purge-doc", _note_purge)
    app.connect("build-finished", _report)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
