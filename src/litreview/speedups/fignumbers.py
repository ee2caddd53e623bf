"""Sphinx extension: don't renumber every figure and table when no page's numbered things changed.

With ``numfig = True`` (the book numbers its figures and tables), Sphinx's toctree collector
assigns figure numbers on every build, including a build with nothing to do: it loads every
page's doctree from disk and walks it (``TocTreeCollector.assign_figure_numbers``, called from
``env-get-updated``), which at a few hundred pages costs more than the rest of a no-op build.
The numbers come from the pages' doctrees and the toctrees, which change only when a page is read
or removed (a changed configuration makes Sphinx read every page). So when a build reads and
removes no page, this extension keeps the numbers the environment already holds and reports no
page as renumbered, which is what the walk would have found. When it reads pages, the walk's
result depends on each page only through its outline: its sections (and their ids), its toctrees
(their entries and options) and its numbered things (their kind and first id, found as the walk
finds them), in order. Each page's outline is kept in the environment when it is read; if every
page read has the outline it had before, no page was removed, the section numbers are the same
and so are the numbering settings, the numbers are kept as they were (a chapter's prose or
citations edited). Anything else walks every page as before.

A narrow monkeypatch of one method, applied only with the Sphinx versions in
``SUPPORTED_SPHINX`` and the method's source in ``COPIED_SOURCES`` (the outline repeats how its
walk finds a numbered thing), and active only in builds that load this extension with
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
from docutils import nodes
from sphinx import addnodes
from sphinx.domains.std import StandardDomain
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.speedups import changed_sources, patch, say_off
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Sphinx major versions whose TocTreeCollector.assign_figure_numbers this module was checked against.
SUPPORTED_SPHINX = (9,)
#: Digest of the source of the method whose walk the outline repeats.
COPIED_SOURCES = {"assign_figure_numbers": "23db73e84d425215"}
#: Where the environment keeps each page's outline (pickled with it).
OUTLINES = "litreview_fignum_outlines"
_ORIGINAL: dict[str, Any] = {}


class _State:
    """This build: whether the extension is active, whether a page was read or removed, counts."""

    def __init__(self, active: bool) -> None:
        self.active = active
        self.touched = False
        self.skipped = 0
        self.walked = 0
        self.removed = False  # a page purged that was not read again
        self.reading: set[str] = set()
        self.before: dict[str, Any] = {}  # the outlines the pages read had before
        self.numbers: dict[str, Any] | None = None  # figure and section numbers before reading
        self.sections: dict[str, Any] | None = None


def _state(app: Sphinx | None) -> _State:
    return buildstate.part(app, "fignumbers", lambda: _State(False))


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``skipped`` (walks avoided), ``walked`` (walks done)."""
    state = _state(app)
    return {"skipped": state.skipped, "walked": state.walked}


def _figtype(env: BuildEnvironment, node: nodes.Node) -> str | None:
    """The kind of numbered thing ``node`` is, as the walk finds it (its ``get_figtype``)."""
    for domain in env.domains.sorted():
        figtype = domain.get_enumerable_node_type(node)
        if isinstance(domain, StandardDomain) and not domain.get_numfig_title(node):
            continue  # an uncaptioned node is not numbered
        if figtype:
            return figtype
    return None


def outline(env: BuildEnvironment, doctree: nodes.Node) -> tuple:
    """What the figure-number walk reads of a page: its sections, toctrees and numbered things."""
    found: list[tuple] = []

    def walk(node: nodes.Node) -> None:
        for sub in node.children:
            if isinstance(sub, nodes.section):
                found.append(("section", tuple(sub["ids"])))
                walk(sub)
                found.append(("end",))
            elif isinstance(sub, addnodes.toctree):
                found.append(("toctree", repr(sorted(sub.attributes.items()))))
            elif isinstance(sub, nodes.Element):
                figtype = _figtype(env, sub)
                if figtype and sub["ids"]:
                    found.append((figtype, sub["ids"][0]))
                walk(sub)

    walk(doctree)
    return tuple(found)


def _settings(env: BuildEnvironment) -> tuple:
    return env.config.numfig, env.config.numfig_secnum_depth


def _unchanged(env: BuildEnvironment, state: _State) -> bool:
    """Whether the walk would find what it found before: see the module's docstring."""
    if state.removed or state.numbers is None or state.sections != env.toc_secnumbers:
        return False
    kept = getattr(env, OUTLINES, {})
    if kept.get("") != _settings(env):
        return False
    return all(state.before.get(d) is not None and state.before[d] == kept.get(d) for d in state.reading)


def assign_figure_numbers(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    """TocTreeCollector.assign_figure_numbers, unless no page's numbered things changed."""
    app = getattr(env, "_app", None)
    state = _state(app)
    if state.active and app.config.litreview_fignumbers:  # type: ignore[union-attr]
        if not state.touched:
            state.skipped += 1
            return []
        if _unchanged(env, state):
            assert state.numbers is not None
            env.toc_fignumbers = dict(state.numbers)  # as before, the pages read included
            state.skipped += 1
            return []
    state.walked += 1
    found = _ORIGINAL["assign_figure_numbers"](self, env)
    kept = getattr(env, OUTLINES, None)
    if kept is not None:
        kept[""] = _settings(env)
    return found


def _note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """env-before-read-docs: remember whether this build reads any page, and the numbers before."""
    state = _state(app)
    state.touched |= bool(docnames)
    state.numbers = dict(env.toc_fignumbers)
    state.sections = dict(env.toc_secnumbers)


def _note_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """env-purge-doc: a page was removed (or is about to be read again): its outline goes."""
    state = _state(app)
    state.touched = True
    kept = getattr(env, OUTLINES, {})
    state.before[docname] = kept.pop(docname, None)
    if state.numbers is None:  # purged before the pages to read were known: removed
        state.removed = True
    else:  # every page read is purged first, whoever added it to the list
        state.reading.add(docname)


def _keep_outline(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: keep the page's outline in the environment."""
    env = app.env
    if not hasattr(env, OUTLINES):
        setattr(env, OUTLINES, {})
    getattr(env, OUTLINES)[env.docname] = outline(env, doctree)


def supported() -> bool:
    if sphinx.version_info[0] not in SUPPORTED_SPHINX:
        return False
    return not changed_sources(_ORIGINAL, TocTreeCollector, COPIED_SOURCES)


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
        changed = changed_sources(_ORIGINAL, TocTreeCollector, COPIED_SOURCES)
        found = f"Sphinx {sphinx.__version__}" + (f" (changed: {', '.join(changed)})" if changed else "")
        say_off("fignumbers", found, ", ".join(f"{v}.x" for v in SUPPORTED_SPHINX),
                "figure numbers are assigned on every build, as without it")  # fmt: skip
    app.connect("env-before-read-docs", _note_read)
    app.connect("env-purge-doc", _note_purge, priority=100)  # before Sphinx's collectors clear the page
    app.connect("doctree-read", _keep_outline)
    app.connect("build-finished", _report)
    return {"version": "2", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
