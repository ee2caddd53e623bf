"""Sphinx extension: what the book derives from its data, computed at most once per build and kept
between builds while its inputs and the code are unchanged.

Every artefact derived from refs.bib, the seeds and CITATION.cff (the CSL-JSON export, COinS,
"cited in" lists, Google Scholar tags, the How-to-cite page, the corpus and timeline tables, the
a/b letters of same-maker, same-year works) goes through one memo. Each kind of value is
registered once (:func:`kind`), with the function that computes it and the function that gives
its inputs from the same arguments, so no call site assembles inputs by hand::

    COINS = derived.kind("coins", inputs=lambda env, entry: derived.entry_inputs(env, entry),
                         compute=lambda env, entry: coins(entry))
    span = COINS(env, entry)

The inputs must hold everything the computation reads: an entry's fingerprint
(:func:`entry_inputs`, from :func:`litreview.core.bib.fingerprint`), the bibliography files'
digest (:func:`bib_inputs`), titles, file digests…; every kind is in :data:`KINDS`. A value is
reused only under the same kind and inputs, and only while the code token is the same:
litreview's own sources (a digest, since the project is installed from its working tree) and the
versions of the libraries values come from.
A computation that raises is never kept, so its warning comes again on every build.

Values are kept beside the environment pickle, in ``<doctreedir>/litreview-derived.pickle``:
each kind as one pickled blob, loaded when that kind is first asked for. A build that computed
something new writes the file at its end (only if it succeeded); for each kind the build used it
keeps only the values the build used, so an edited entry's old values go, and it keeps kinds the
build did not use as they were. ``keep=False`` memoises for this build only (e.g. an index over
every citation, which is cheaper to build again than to check).

Pages that list other pages' data (the References page's "cited in" links, How to cite) are
written again when :func:`changed` says the data they list changed, not on every build.

``litreview_derived = False`` in conf.py (or ``-D litreview_derived=0``) switches all of this
off: every value is computed where it is asked for, and listing pages are written on every build.
tests/test_bench.py builds a book both ways through edits and compares every output file; how
often the memo was used is counted (:func:`stats`) and logged at ``-v``.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core import bib
from litreview.core.codeversion import distribution_token, package_token
from litreview.core.files import write_atomic
from litreview.sphinxext import bibtex_refs, bookdata, buildstate

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

T = TypeVar("T")
STORE_VERSION = 1  # bump when the file's layout changes
STORE_NAME = "litreview-derived.pickle"
#: Libraries whose output ends up in derived values (besides litreview itself).
LIBRARIES = ("pybtex", "latexcodec", "sphinx", "docutils", "sphinxcontrib-bibtex", "bibtexparser", "pyyaml")
CHANGED = "changed"  # the kind under which listing pages' input digests are kept


def code_token() -> str:
    """The code the kept values were computed with: litreview's sources and the libraries' versions."""
    return f"{package_token('litreview')};{distribution_token(LIBRARIES)};store{STORE_VERSION}"


@dataclass
class _State:
    """This build's memo: what the file held (blobs by kind), what this build used, counters."""

    path: Path
    enabled: bool
    stored: dict[str, bytes] | None = None  # kind -> pickled {key: value}, loaded lazily
    loaded: dict[str, dict[str, Any]] = field(default_factory=dict)  # kinds unpickled so far
    used: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> {key: value} this build
    transient: dict[tuple[str, str], Any] = field(default_factory=dict)  # keep=False values
    hits: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)
    dirty: bool = False  # a value was computed that the file does not hold
    entry_digests: dict[int, tuple[Entry, str]] = field(default_factory=dict)
    bib_digest: str | None = None

    def kind(self, kind: str) -> dict[str, Any]:
        """The values the file holds for ``kind`` (unpickled on first use)."""
        if kind not in self.loaded:
            if self.stored is None:
                self.stored = _load(self.path)
            blob = self.stored.get(kind)
            values: dict[str, Any] = {}
            if blob is not None:
                with contextlib.suppress(Exception):  # a damaged file only costs a recomputation
                    values = pickle.loads(blob)
            self.loaded[kind] = values if isinstance(values, dict) else {}
        return self.loaded[kind]


def _load(path: Path) -> dict[str, bytes]:
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        data = pickle.loads(path.read_bytes())
        if isinstance(data, dict) and data.get("token") == code_token():
            kinds = data.get("kinds")
            if isinstance(kinds, dict):
                return kinds
    return {}


def _new_state(app: Sphinx) -> _State:
    return _State(Path(app.doctreedir) / STORE_NAME, bool(getattr(app.config, "litreview_derived", False)))


def _state(app: Sphinx) -> _State:
    return buildstate.part(app, "derived", lambda: _new_state(app))


def _key(inputs: Hashable) -> str:
    return hashlib.sha256(repr(inputs).encode("utf-8")).hexdigest()[:32]


def memo(
    env: BuildEnvironment, kind: str, inputs: Hashable, compute: Callable[[], T], keep: bool = True
) -> T:
    """``compute()``, or the value it gave before for the same ``kind`` and ``inputs`` (and code).

    With ``keep=False`` the value is kept for this build only. With the memo switched off,
    ``compute()`` every time.
    """
    state = _state(bookdata.app_of(env))
    if not state.enabled:
        state.misses[kind] += 1
        return compute()
    key = _key(inputs)
    if not keep:
        if (kind, key) in state.transient:
            state.hits[kind] += 1
            return state.transient[(kind, key)]
        state.misses[kind] += 1
        value = state.transient[(kind, key)] = compute()
        return value
    used = state.used.setdefault(kind, {})
    if key in used:
        state.hits[kind] += 1
        return used[key]
    stored = state.kind(kind)
    if key in stored:
        state.hits[kind] += 1
        used[key] = stored[key]
        return used[key]
    state.misses[kind] += 1
    value = compute()
    used[key] = value
    state.dirty = True
    return value


@dataclass(frozen=True)
class Kind(Generic[T]):
    """A kind of memoised value: its name, what it is computed from and how it is computed."""

    name: str
    inputs: Callable[..., Hashable]
    compute: Callable[..., T]
    keep: bool = True

    def __call__(self, env: BuildEnvironment, *args: Any) -> T:
        """The value for these arguments: computed, or kept from before under the same inputs."""
        inputs = self.inputs(env, *args)
        return memo(env, self.name, inputs, lambda: self.compute(env, *args), keep=self.keep)


@dataclass(frozen=True)
class Listing:
    """A page that lists other pages' data: its name and the function that gives what it lists."""

    name: str
    inputs: Callable[[BuildEnvironment], Hashable]

    def changed(self, env: BuildEnvironment) -> bool:
        """Whether what the page lists changed since the last build (see :func:`changed`)."""
        return changed(env, self.name, self.inputs(env))


#: Every kind of memoised value and every listing page, by name.
KINDS: dict[str, Kind[Any] | Listing] = {}


def _register(item: Kind[Any] | Listing) -> None:
    known = KINDS.get(item.name)
    if known is not None and getattr(known.inputs, "__qualname__", None) != item.inputs.__qualname__:
        raise ValueError(f"memo kind {item.name!r} is registered twice")
    KINDS[item.name] = item


def kind(name: str, inputs: Callable[..., Hashable], compute: Callable[..., T], keep: bool = True) -> Kind[T]:
    """Register a kind of value: ``compute(env, *args)``, kept under ``inputs(env, *args)``."""
    found = Kind(name, inputs, compute, keep)
    _register(found)
    return found


def listing(name: str, inputs: Callable[[BuildEnvironment], Hashable]) -> Listing:
    """Register a listing page, written again when ``inputs(env)`` changes."""
    found = Listing(name, inputs)
    _register(found)
    return found


def changed(env: BuildEnvironment, name: str, inputs: Hashable) -> bool:
    """Whether ``inputs`` (what a listing page shows of other pages) differ from the last build's;
    always True with the memo switched off. The new inputs are kept when the build succeeds."""
    state = _state(bookdata.app_of(env))
    if not state.enabled:
        return True
    digest = _key(inputs)
    before = state.used.get(CHANGED, {}).get(name, state.kind(CHANGED).get(name))
    state.used.setdefault(CHANGED, {})[name] = digest
    if before != digest:
        state.dirty = True
        state.misses[CHANGED] += 1
        return True
    state.hits[CHANGED] += 1
    return False


def entry_inputs(env: BuildEnvironment, entry: Entry) -> str:
    """The entry's fingerprint (its content and its crossref parent's) as a memo input.

    For an entry of this build's parse of the bibliography files, kept between builds under the
    files' digest and the entry's key (which say what the parse holds); worked out for any other.
    """
    state = _state(bookdata.app_of(env))
    found = state.entry_digests.get(id(entry))
    if found is None or found[0] is not entry:
        entries = bookdata.bib_data(env).entries
        if entries.get(entry.key) is entry:
            found = (entry, ENTRY_FINGERPRINT(env, entry))
        else:
            found = (entry, bib.fingerprint_digest(entry, entries))
        state.entry_digests[id(entry)] = found
    return found[1]


def bib_inputs(env: BuildEnvironment) -> str:
    """The bibliography files (their bytes) as a memo input: for values derived from all entries."""
    state = _state(bookdata.app_of(env))
    if state.bib_digest is None:
        try:
            state.bib_digest = bookdata.bib_digest(env)
        except KeyError:  # litreview.sphinxext.bookdata not loaded: sphinxcontrib-bibtex's files
            state.bib_digest = bib.digest(list(bibtex_refs.domain(env).bibdata.bibfiles))
    return state.bib_digest


#: The fingerprint of an entry of this build's parse: its key in the files whose bytes it was parsed
#: from (computing it for every entry of a large bibliography costs more than looking it up).
ENTRY_FINGERPRINT = kind(
    "entry-fingerprint",
    inputs=lambda env, entry: (bib_inputs(env), entry.key),
    compute=lambda env, entry: bib.fingerprint_digest(entry, bookdata.bib_data(env).entries),
)


def stats(app: Sphinx) -> dict[str, tuple[int, int]]:
    """This build's (hits, misses) by kind."""
    state = _state(app)
    return {kind: (state.hits[kind], state.misses[kind]) for kind in sorted({*state.hits, *state.misses})}


def _start(app: Sphinx) -> None:
    """builder-inited: a fresh memo for this build."""
    buildstate.reset(app, "derived", _new_state(app))


def _finish(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: log the counters; keep what this build computed if it succeeded."""
    state = _state(app)
    counts = ", ".join(f"{kind} {hits}/{hits + misses}" for kind, (hits, misses) in stats(app).items())
    logger.verbose("litreview.derived: reused %s", counts or "nothing")
    if exception is not None or not state.enabled or not state.dirty:
        return
    kinds = dict(state.stored if state.stored is not None else _load(state.path))
    for kind, values in state.used.items():
        kinds[kind] = pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    data = {"token": code_token(), "kinds": kinds}
    with contextlib.suppress(OSError):
        write_atomic(state.path, pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch; start a memo per build and keep it at the end."""
    app.add_config_value("litreview_derived", True, "html", types=frozenset({bool}))
    app.connect("builder-inited", _start, priority=50)
    app.connect("build-finished", _finish, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
