"""Sphinx extension: keep Python's cyclic garbage collector off the build's long-lived data.

Sphinx loads its environment (every page's toc, titles, metadata, and here sphinxcontrib-bibtex's
parsed bibliography and the formatted-entry cache: hundreds of thousands of objects) at the
start of every build. Loading that many objects triggers the cyclic garbage collector again and
again, and every full collection afterwards walks all of them, though none of them is garbage
until the build ends. On a no-op build of a large book that is a third of the time.

So this extension pauses the collector while Sphinx loads the environment (a narrow patch of
``Sphinx._init_env``, applied only with the Sphinx versions in ``SUPPORTED_SPHINX``, the collector
given back in a ``finally``), then moves everything alive into the collector's permanent
generation (:func:`gc.freeze`): later collections only look at objects made after that. At
``env-updated`` (the pages read, before they are written) it freezes again, and at
``build-finished`` it gives everything back to the collector (:func:`gc.unfreeze`), so a process
that builds several times (tests, sphinx-autobuild) does not keep what a build left behind.
Nothing the build computes depends on when garbage is collected; the output is the same
(tests/test_bench.py builds a book with it on and off and compares every file).

``litreview_gcfreeze = False`` (``-D litreview_gcfreeze=0``) switches it off; with another Sphinx
it switches itself off and says so (at the default verbosity).

Upstream: Sphinx does not tune the collector; CPython 3.12+ collects less eagerly (its young
generation threshold rose to 2,000), and 3.14's incremental collector avoids full walks, which
would make this module unnecessary once the book requires such a Python.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import sphinx
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.speedups import patch, say_off
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Sphinx major versions whose ``Sphinx._init_env`` (where the environment is loaded) was checked.
SUPPORTED_SPHINX = (9,)
_ORIGINAL: dict[str, Any] = {}


class _State:
    def __init__(self, active: bool) -> None:
        self.active = active
        self.frozen = 0  # objects in the permanent generation after the last freeze
        self.freezes = 0
        self.reading = False  # this build reads pages
        self.thawed = False  # everything given back to the collector at the end


def _state(app: Sphinx) -> _State:
    return buildstate.part(app, "gcfreeze", lambda: _State(False))


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``freezes`` done, objects ``frozen`` after the last one."""
    state = _state(app)
    return {"freezes": state.freezes, "frozen": state.frozen}


def _on(app: Sphinx) -> bool:
    return _state(app).active and bool(getattr(app.config, "litreview_gcfreeze", False))


def _freeze(app: Sphinx) -> None:
    state = _state(app)
    gc.freeze()
    state.freezes += 1
    state.frozen = gc.get_freeze_count()


def _init_env(self: Sphinx, freshenv: bool) -> BuildEnvironment:
    """Sphinx._init_env with the collector paused, then everything loaded frozen."""
    if not _on(self):
        return _ORIGINAL["_init_env"](self, freshenv)
    enabled = gc.isenabled()
    gc.disable()
    try:
        env = _ORIGINAL["_init_env"](self, freshenv)
        _freeze(self)
        return env
    finally:
        if enabled:
            gc.enable()


def _before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _state(app).reading = bool(docnames)


def _after_reading(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if _on(app) and _state(app).reading:  # pages were read: freeze their data before writing
        _freeze(app)
    return []


def _finish(app: Sphinx, exception: Exception | None) -> None:
    state = _state(app)
    if state.freezes and not state.thawed:
        gc.unfreeze()
        state.thawed = True
        logger.verbose("litreview.gcfreeze: %d objects kept out of the collector's walks", state.frozen)


def supported() -> bool:
    return sphinx.version_info[0] in SUPPORTED_SPHINX


def install() -> bool:
    if not supported():
        return False
    patch(_ORIGINAL, Sphinx, "_init_env", _init_env)
    return True


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch; patch the environment's loading; freeze after reading, give back at the end."""
    app.add_config_value("litreview_gcfreeze", True, "", types=frozenset({bool}))
    active = install()
    buildstate.reset(app, "gcfreeze", _State(active))
    if not active:
        say_off("gcfreeze", f"Sphinx {sphinx.__version__}", ", ".join(f"{v}.x" for v in SUPPORTED_SPHINX),
                "the collector walks the environment as without it")  # fmt: skip
    app.connect("env-before-read-docs", _before_reading)
    app.connect("env-updated", _after_reading, priority=900)
    app.connect("build-finished", _finish, priority=999)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
