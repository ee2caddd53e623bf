"""Sphinx extension: keep sphinxcontrib-bibtex's formatted entries between builds.

sphinxcontrib-bibtex formats every entry of every bibliography again on each build (its
``env-updated`` handler), so a no-op rebuild costs as much as formatting the whole bibliography.
This extension replaces three methods of its ``BibtexDomain`` (a narrow monkeypatch, applied only
to the sphinxcontrib-bibtex versions in ``SUPPORTED_BIBTEX`` and active only in builds that load
this extension with ``litreview_bibcache`` on):

- ``get_formatted_entries`` looks each entry up in a cache kept in the environment pickle and only
  formats entries it has not seen. The key is the formatting style (its classes; each class's
  package version, or a digest of its package's sources when that is not an installed release;
  and the plain data its classes and instances hold), the tooltip style, the label, and the entry's
  content (:func:`litreview.core.bib.fingerprint`: key, type, fields, persons, and those of a
  crossref parent). Sorting and labels are computed again whenever the bibliography file, the
  entries listed or the styles change. Entries whose formatting fails are never cached, so their
  warning is given on every build.
- ``env_updated`` keeps only the entries this build used, and reports the pages whose
  bibliographies needed formatting as updated, so the cache is saved even on a build where no
  source changed (e.g. after the style's code changed).
- ``get_filtered_entries`` indexes which documents cite each key once per bibliography, instead
  of scanning every citation for every entry (quadratic in book size).

It also makes pybtex look its plugins up once per process: ``find_plugin`` (called for every
citation sphinxcontrib-bibtex resolves, and by every ``render_as``) otherwise reads the entry
points of every installed distribution each time.

The output is the same as without the extension (tests/test_bench.py builds a book both ways and
compares every file; tests/test_upstream.py runs sphinxcontrib-bibtex's own test suite with it).
Set ``litreview_bibcache = False`` in conf.py (or ``-D litreview_bibcache=0``) to switch it off.
With a sphinxcontrib-bibtex version it was not checked against it switches itself off and says so
(at the default verbosity). How much it reused is counted (:func:`stats`) and logged at ``-v``.

Each of the two modified copies (``get_filtered_entries``, ``get_formatted_entries``) is also
gated on its original's source (``COPIED_SOURCES``); the plugin lookup on pybtex's own version.

This module can go when sphinxcontrib-bibtex keeps formatted entries keyed by entry content and
style, and its ``get_filtered_entries`` stops scanning every citation for every entry; the plugin
lookup part when pybtex caches ``find_plugin``. What was searched upstream: docs/speedups.md.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
import pickle
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.plugin
from pybtex.style import FormattedEntry
from pybtex.style.sorting import BaseSortingStyle
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex import domain as bibdomain

from litreview.core import bib
from litreview.core.codeversion import files_token, package_token
from litreview.speedups import changed_sources, patch, say_off
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: sphinxcontrib-bibtex versions whose BibtexDomain this module was checked against.
SUPPORTED_BIBTEX = ("2.7.",)
#: Digests of the sources of the BibtexDomain methods this module replaces by modified copies.
COPIED_SOURCES = {"get_filtered_entries": "3ec52cc65a607579", "get_formatted_entries": "578a8cecac09a5d3"}
#: pybtex versions whose ``pybtex.plugin`` (``entry_points``, ``_load_entry_point``) was checked.
SUPPORTED_PYBTEX = ("0.26.",)
CACHE_KEY = "litreview_bibcache"
CACHE_VERSION = 6
_ORIGINAL: dict[str, Any] = {}
_STYLE_TOKENS: dict[type, str] = {}


class _Stats:
    """This build's use of the cache: whether it is on, entries reused and entries formatted."""

    def __init__(self, active: bool) -> None:
        self.active = active
        self.counts: Counter = Counter()


def _stats(app: Sphinx | None) -> _Stats:
    return buildstate.part(app, "bibcache", lambda: _Stats(False))


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``hits`` (formatted entries reused), ``misses`` (entries formatted)."""
    counts = _stats(app).counts
    return {"hits": counts["hits"], "misses": counts["misses"]}


def _enabled(domain: bibdomain.BibtexDomain) -> bool:
    app = getattr(domain.env, "_app", None)
    return _stats(app).active and bool(getattr(domain.env.config, "litreview_bibcache", False))


def _module_token(module_name: str, cls: type) -> str:
    """The release or source digest of the package that defines ``cls``; for a class defined outside
    any importable package (e.g. in conf.py), a digest of the file that defines it."""
    try:
        return package_token(module_name)
    except LookupError:
        pass
    try:
        source = inspect.getsourcefile(cls)
    except TypeError:
        source = None
    if source and Path(source).is_file():
        return f"{module_name}@{files_token([Path(source)])}"
    return f"{module_name}@unknown"


def _data_state(obj: object) -> str:
    """Plain data a style carries in its classes (outside versioned packages) and instance."""
    items = []
    for cls in type(obj).__mro__:
        if cls.__module__.split(".")[0] in {"builtins", "pybtex", "abc"}:
            continue
        for name, value in sorted(vars(cls).items()):
            if not name.startswith("__") and not callable(value) and not isinstance(value, property):
                items.append(f"{cls.__qualname__}.{name}={value!r}")
    for name, value in sorted(vars(obj).items()):
        if isinstance(value, str | int | float | bool | tuple | type(None)):
            items.append(f"self.{name}={value!r}")
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


def style_token(style: object) -> str:
    """Identify a pybtex formatting style: the code behind it and the data it carries.

    The code is each component's package version, or a digest of the package's source files when
    it is not an installed release (the project's own style); the data is a digest of the plain
    values the components' classes and instances hold (e.g. an order bound for this build).
    """
    components = [style]
    for attr in ("label_style", "sorting_style", "name_style"):
        value = getattr(style, attr, None)
        if value is not None:
            components.append(value)
    classes = [c for obj in components for c in type(obj).__mro__ if c.__module__ not in {"builtins", "abc"}]
    for c in classes:
        if c not in _STYLE_TOKENS:
            _STYLE_TOKENS[c] = _module_token(c.__module__, c)
    parts = [f"{type(obj).__module__}.{type(obj).__qualname__}:{_data_state(obj)}" for obj in components]
    parts += sorted({_STYLE_TOKENS[c] for c in classes})
    parts.append(f"latexcodec=={importlib.metadata.version('latexcodec')}")
    return ";".join(parts)


def _empty_cache() -> dict[str, Any]:
    return {
        "version": CACHE_VERSION,
        "entries": {},
        "orders": {},
        "fingerprints": {},
        "sortkeys": {},
        "labels": {},
    }


def _cache(domain: bibdomain.BibtexDomain) -> dict[str, Any]:
    """What the last build kept: formatted entries by (styles, label, entry fingerprint digest); sort
    order and labels by (styles, bib files digest, keys in input order); fingerprints by digest.
    """
    cache = domain.data.get(CACHE_KEY)
    if not isinstance(cache, dict) or cache.get("version") != CACHE_VERSION:
        return _empty_cache()
    return cache


class StoredEntry(FormattedEntry):
    """A formatted entry that pickles its text as bytes and unpickles it only when it is read.

    The environment pickle then holds one bytes object per entry instead of a tree of rich-text
    objects, so loading it is quick, and a build that renders no bibliography never unpickles them.
    """

    def __init__(self, key: str, text: Any, label: str | None = None) -> None:
        super().__init__(key, text, label)

    def __getattr__(self, name: str) -> Any:
        if name == "text" and "_blob" in self.__dict__:
            self.text = pickle.loads(self.__dict__["_blob"])
            return self.text
        raise AttributeError(name)

    def __getstate__(self) -> dict[str, Any]:
        blob = self.__dict__.get("_blob")
        if blob is None:
            blob = pickle.dumps(self.__dict__["text"], pickle.HIGHEST_PROTOCOL)
        return {"key": self.key, "label": self.label, "_blob": blob}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _stored(entry: FormattedEntry | None) -> StoredEntry | None:
    return None if entry is None else StoredEntry(entry.key, entry.text, entry.label)


def _fingerprint(known: dict[str, str], entries: Any, entry: Entry) -> str:
    found = known.get(entry.key)
    if found is None:
        found = known[entry.key] = bib.fingerprint_digest(entry, entries)
    return found


def _sort(
    style: Any, entries: list[Entry], styles: tuple, fingerprint_of: Any, old: dict, used: dict
) -> list:
    """``style.sort(entries)``, with each entry's sorting key kept between builds (by style and
    entry fingerprint) when the style sorts the way pybtex's base class does (``sorted`` by key)."""
    sorter = getattr(style, "sorting_style", None)
    if sorter is None or type(sorter).sort is not BaseSortingStyle.sort or style.sort != sorter.sort:
        return style.sort(entries)

    def key(entry: Entry) -> Any:
        memo_key = (styles[0], fingerprint_of(entry))
        found = used["sortkeys"].get(memo_key)
        if found is None:
            found = old["sortkeys"].get(memo_key)
            if found is None:
                found = sorter.sorting_key(entry)
            used["sortkeys"][memo_key] = found
        return found

    return sorted(entries, key=key)


def get_filtered_entries(self: bibdomain.BibtexDomain, bibliography_key: Any) -> Iterator[tuple[str, Entry]]:
    """Same as BibtexDomain.get_filtered_entries, with the cited-by index built once."""
    if not _enabled(self):
        yield from _ORIGINAL["get_filtered_entries"](self, bibliography_key)
        return
    bibliography = self.bibliographies[bibliography_key]
    cited_by: defaultdict[str, set[str]] = defaultdict(set)
    for citation_ref in self.citation_refs:
        for target in citation_ref.targets:
            cited_by[target.key].add(citation_ref.docname)
    for entry in self.get_entries(bibliography.bibfiles):
        key = bibliography.keyprefix + entry.key
        cited_docnames = set(cited_by.get(key, ()))
        visitor = bibdomain._FilterVisitor(
            entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames
        )
        try:
            success = visitor.visit(bibliography.filter_)
        except ValueError as err:
            bibdomain.logger.warning(
                f"syntax error in :filter: expression; {err}",
                location=(bibliography_key.docname, bibliography.line),
                type="bibtex",
                subtype="filter_syntax_error",
            )
            success = bool(cited_docnames)
        if success or entry.key in bibliography.keys:
            yield key, entry


def get_formatted_entries(
    self: bibdomain.BibtexDomain,
    bibliography_key: Any,
    docnames: list[str],
    tooltips: bool,
    tooltips_style: str,
) -> Iterable[tuple[Entry, FormattedEntry, FormattedEntry | None]]:
    """Same as BibtexDomain.get_formatted_entries, formatting only entries not in the cache."""
    if not _enabled(self):
        yield from _ORIGINAL["get_formatted_entries"](
            self, bibliography_key, docnames, tooltips, tooltips_style
        )
        return
    bibliography = self.bibliographies[bibliography_key]
    entries = dict(self.get_sorted_entries(bibliography_key, docnames))
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", bibliography.style)()
    style2 = None
    if tooltips:
        style2 = (
            pybtex.plugin.find_plugin("pybtex.style.formatting", tooltips_style)()
            if tooltips_style
            else style
        )
    styles = (style_token(style), style_token(style2) if style2 is not None else None)
    old = _cache(self)
    # what this build used (kept after env_updated); a call from elsewhere keeps nothing
    used: dict[str, Any] = self.__dict__.get("_litreview_used") or _empty_cache()
    missed: set[str] = self.__dict__.get("_litreview_missed", set())
    digest = bib.digest(bibliography.bibfiles, self.bibdata.encoding)
    known = {**old["fingerprints"].get(digest, {}), **used["fingerprints"].get(digest, {})}
    fingerprints = used["fingerprints"].setdefault(digest, {})
    order_key = (styles, digest, tuple(entries))
    order = old["orders"].get(order_key) or used["orders"].get(order_key)
    if order is None:
        fingerprint_of = functools.partial(_fingerprint, known, self.bibdata.data.entries)
        sorted_entries = _sort(style, list(entries.values()), styles, fingerprint_of, old, used)
        labels_key = (styles, digest, tuple(entry.key for entry in sorted_entries))
        labels = old["labels"].get(labels_key) or used["labels"].get(labels_key)
        if labels is None:
            labels = list(style.format_labels(sorted_entries))
        used["labels"][labels_key] = labels
        order = ([entry.key for entry in sorted_entries], labels)
    else:
        by_key = {entry.key: entry for entry in entries.values()}
        sorted_entries = [by_key[key] for key in order[0]]
    used["orders"][order_key] = order
    counts = _stats(getattr(self.env, "_app", None)).counts
    for label, entry in zip(order[1], sorted_entries, strict=False):  # as upstream
        full_label = bibliography.labelprefix + label
        fingerprint = _fingerprint(known, self.bibdata.data.entries, entry)
        fingerprints[entry.key] = fingerprint
        entry_key = (styles, full_label, fingerprint)
        hit = old["entries"].get(entry_key) or used["entries"].get(entry_key)
        if hit is None:
            try:
                formatted = style.format_entry(full_label, entry)
                tooltip = style2.format_entry(full_label, entry) if style2 else None
            except bibdomain.FieldIsMissing as exc:
                bibdomain.logger.warning(
                    str(exc),
                    location=(bibliography_key.docname, bibliography.line),
                    type="bibtex",
                    subtype="missing_field",
                )
                error_entry = bibdomain.FormattedEntry(entry.key, bibdomain.Tag("b", str(exc)), full_label)
                yield entry, error_entry, None
                continue
            hit = (_stored(formatted), _stored(tooltip))
            missed.add(bibliography_key.docname)
            counts["misses"] += 1
        else:
            counts["hits"] += 1
        used["entries"][entry_key] = hit
        yield entry, hit[0], hit[1]


def env_updated(self: bibdomain.BibtexDomain) -> Iterable[str]:
    """BibtexDomain.env_updated, then keep only the cache entries this build used.

    Documents whose bibliographies had entries to format are returned as updated, so that Sphinx
    saves the environment (and with it the cache) even when no source changed, e.g. after the
    style's code changed; their pages are written again, with the same content.
    """
    if not _enabled(self):
        return _ORIGINAL["env_updated"](self)
    self.__dict__["_litreview_used"] = _empty_cache()
    self.__dict__["_litreview_missed"] = set()
    try:
        result = list(_ORIGINAL["env_updated"](self))
        self.data[CACHE_KEY] = self.__dict__["_litreview_used"]
        missed = sorted(self.__dict__["_litreview_missed"] - set(result))
    finally:
        del self.__dict__["_litreview_used"], self.__dict__["_litreview_missed"]
    return result + missed


def supported() -> bool:
    """Whether the installed sphinxcontrib-bibtex is a version this module was checked against, and
    the methods it copies are the source they were copied from."""
    if not importlib.metadata.version("sphinxcontrib-bibtex").startswith(SUPPORTED_BIBTEX):
        return False
    return not changed_sources(_ORIGINAL, bibdomain.BibtexDomain, COPIED_SOURCES)


def pybtex_supported() -> bool:
    """Whether the installed pybtex is a version whose plugin lookup this module was checked against."""
    return importlib.metadata.version("pybtex").startswith(SUPPORTED_PYBTEX)


def install() -> bool:
    """Patch BibtexDomain once, if its version is one this module was checked against."""
    if not supported():
        return False
    for name, replacement in (
        ("get_filtered_entries", get_filtered_entries),
        ("get_formatted_entries", get_formatted_entries),
        ("env_updated", env_updated),
    ):
        patch(_ORIGINAL, bibdomain.BibtexDomain, name, replacement)
    return True


@functools.cache
def _entry_points(**selection: str) -> importlib.metadata.EntryPoints:
    found = importlib.metadata.entry_points(**selection)
    assert isinstance(found, importlib.metadata.EntryPoints)  # pybtex always selects a group
    return found


def cache_plugin_lookups(app: Sphinx, config: Any) -> None:
    """Make pybtex look its plugins up once per process, not on every call.

    pybtex's ``find_plugin`` asks ``importlib.metadata.entry_points`` each time, which reads the
    entry points of every installed distribution (milliseconds each); sphinxcontrib-bibtex calls it
    for every citation it resolves, and every ``render_as`` calls it too. Installed entry points do
    not change during a build, and plugins registered at run time are still looked up first.
    """
    if not config.litreview_bibcache:
        return
    if not pybtex_supported():
        found = f"pybtex {importlib.metadata.version('pybtex')}"
        checked = ", ".join(f"{v}x" for v in SUPPORTED_PYBTEX)
        say_off("bibcache", found, checked, "pybtex looks its plugins up on every call")
        return
    pybtex.plugin.entry_points = _entry_points


def _report(app: Sphinx, exception: Exception | None) -> None:
    counts = stats(app)
    if _stats(app).active and app.config.litreview_bibcache:
        logger.verbose(
            "litreview.bibcache: %d formatted entries reused, %d formatted", counts["hits"], counts["misses"]
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch and patch sphinxcontrib-bibtex's domain and pybtex's plugin lookup."""
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_config_value("litreview_bibcache", True, "env", types=frozenset({bool}))
    active = install()
    buildstate.reset(app, "bibcache", _Stats(active))
    if not active:
        version = importlib.metadata.version("sphinxcontrib-bibtex")
        changed = changed_sources(_ORIGINAL, bibdomain.BibtexDomain, COPIED_SOURCES) if version.startswith(
            SUPPORTED_BIBTEX) else []  # fmt: skip
        found = f"sphinxcontrib-bibtex {version}" + (f" (changed: {', '.join(changed)})" if changed else "")
        say_off("bibcache", found, ", ".join(f"{v}x" for v in SUPPORTED_BIBTEX),
                "every entry is formatted on every build, as without it")  # fmt: skip
    app.connect("config-inited", cache_plugin_lookups)
    app.connect("build-finished", _report)
    return {
        "version": "2",
        "env_version": CACHE_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
