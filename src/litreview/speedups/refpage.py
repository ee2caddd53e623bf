"""Sphinx extension: the References page written from entries kept as HTML between builds.

When a "cited in" list changes (a citation swapped in one chapter) or one entry is edited, the
References page, one ``{bibliography}`` of every entry, is written again whole: sphinxcontrib-bibtex's
transform makes every entry's nodes (and matches each entry against every citation for its
backrefs), every later post-transform walks them, the HTML writer writes them and the search
index reads them. This extension keeps, for each entry of a ``citation``-list bibliography, the
HTML its children were written as and the words the search index took from it, under a key made
of everything that HTML depends on; the next HTML build makes nodes only for the entries whose key
changed, and writes the others from what it kept. The key is:

- the entry's formatted text (a digest of the pickled rich text), label, key, citation node
  (ids, names, classes), backrefs, bibliography and page, and the bibliography node's ancestors;
- what each post-transform that adds to entries reads from elsewhere: a post-transform class that
  does so declares it in a ``reference_entry_inputs(env, docname, citation)`` static method
  (litreview.sphinxext.citedin's "cited in" links, which name other pages' titles and anchors,
  and the entry's content behind its COinS and verification record);
- the context: litreview's code and the libraries' versions, the themes', the builder and its
  configuration digest (Sphinx's ``.buildinfo`` one, for the ``html`` settings), conf.py's bytes,
  the registered post-transforms and translation handlers and the translator class.

How it does it, without a byte of output changing: the bibliography transform (a modified copy of
``BibliographyTransform.run``, which also indexes the page's citations once for backrefs instead
of scanning them all for every entry) puts a childless placeholder where a kept entry goes, so no
later post-transform sees it; a last post-transform turns each placeholder into the citation node
the entry was (same attributes), holding one node that writes the kept HTML and gives the search
index the kept words. The citation node's own tag, and the list around the entries, are written by
the translator as always. Entries rendered afresh are caught as they are written: the translator's
citation visitor is wrapped to take the HTML between the entry's opening and closing tags, and
Sphinx's search-index walk (``sphinx.search._feed_visit_nodes``) to take its words; the indexer's
word collector gives each of a page's words once (``feed`` keeps them as a set). An entry that
holds something whose output depends on more than itself (a title, an index entry, an image, an
unresolved reference) is never kept. Only the ``html`` builder uses it; other builders (EPUB,
LaTeX, singlehtml) make every entry as without it.

Kept in ``<doctreedir>/litreview-refpage.pickle``: the entries the last build wrote (an edited
entry's old HTML goes). ``litreview_refpage = False`` (``-D litreview_refpage=0``) switches it
off. Gated on the sphinxcontrib-bibtex version and the source of the method it copies, on Sphinx's
major version and the sources of the search-index functions it wraps, and on docutils' version (whose
citation visitor writes the list around the entries); with any other it switches itself off and
says so. How many entries it reused and rendered is counted (:func:`stats`) and logged at ``-v``.

This module can go when sphinxcontrib-bibtex keeps rendered entries between builds, or the
References page is no longer one page of every entry. What was searched upstream: docs/speedups.md.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib.metadata
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docutils
import sphinx
import sphinx.search
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex import transforms as bibtransforms
from sphinxcontrib.bibtex.directives import BibliographyKey
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node

from litreview.core.codeversion import distribution_token, files_token
from litreview.core.files import write_atomic
from litreview.speedups import changed_sources, patch, say_off
from litreview.sphinxext import buildstate, derived

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: sphinxcontrib-bibtex versions whose BibliographyTransform this module was checked against.
SUPPORTED_BIBTEX = ("2.7.",)
#: Sphinx major versions whose search-index walk and HTML builder this module was checked against.
SUPPORTED_SPHINX = (9,)
#: docutils versions whose HTML citation visitor (the list around the entries) was checked.
SUPPORTED_DOCUTILS = ("0.22.",)
#: Digests of the sources of the upstream functions replaced by modified copies (``run``) or
#: wrapped on the assumption of how they work (``_feed_visit_nodes``).
COPIED_SOURCES = {"run": "e5b6a10dbac7aaea"}
WRAPPED_SOURCES = {"_feed_visit_nodes": "b1f604d96efb81e7"}
#: ``IndexBuilder.feed`` reads a page's words as a set (each word's pages), so the words
#: ``_word_collector`` gives (wrapped) can be given once each.
INDEXER_SOURCES = {"feed": "056af53b330d8dac", "_word_collector": "76db48f1e261e3ee"}
#: The distributions besides litreview's own (derived.code_token) whose code writes the entries.
THEMES = ("pydata-sphinx-theme", "sphinx-book-theme", "myst-parser")
#: What a post-transform that adds to entries from elsewhere declares (see the module docstring).
INPUTS_ATTR = "reference_entry_inputs"
STORE_NAME = "litreview-refpage.pickle"
STORE_VERSION = 1
#: Nodes whose output, or whose effect on the rest of the build, depends on more than the entry.
NOT_KEPT = (nodes.title, nodes.image, nodes.footnote_reference, nodes.system_message, addnodes.index,
            addnodes.pending_xref, addnodes.only, addnodes.download_reference, nodes.target)  # fmt: skip
_ORIGINAL: dict[str, Any] = {}


class kept_entry(nodes.Element):
    """Where a kept entry goes while the post-transforms run: no children, no ids."""


class kept_html(nodes.Element):
    """A kept entry's children, as HTML and as the words the search index took from them."""


@dataclass
class _Fresh:
    """An entry rendered this build: its node, its key, and what was caught of it so far."""

    node: nodes.citation
    key: str
    mark: int | None = None
    words: list[str] | None = None


@dataclass
class _State:
    """This build: whether the extension is active, what it kept and used, and its counts."""

    active: bool
    path: Path | None = None
    stored: dict[str, tuple[dict[str, Any], str, list[str]]] | None = None
    used: dict[str, tuple[dict[str, Any], str, list[str]]] = field(default_factory=dict)
    fresh: dict[int, _Fresh] = field(default_factory=dict)
    context: str | None = None
    hits: int = 0
    misses: int = 0
    dirty: bool = False

    def load(self) -> dict[str, tuple[dict[str, Any], str, list[str]]]:
        if self.stored is None:
            self.stored = {}
            if self.path is not None:
                with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                    data = pickle.loads(self.path.read_bytes())
                    if isinstance(data, dict) and data.get("version") == STORE_VERSION:
                        self.stored = data["entries"]
        return self.stored


#: The entries being rendered in this process's current build, by node id: the translator's
#: visitor and the search-index walk have no application to find the build's state from.
_FRESH: dict[int, _Fresh] = {}
#: Whether this process's current build uses the extension (the search indexer has no application).
_BUILDING = False


def _state(app: Sphinx | None) -> _State:
    return buildstate.part(app, "refpage", lambda: _State(False))


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``hits`` (entries written from kept HTML), ``misses`` (entries made)."""
    state = _state(app)
    return {"hits": state.hits, "misses": state.misses}


def _on(app: Sphinx | None) -> bool:
    if app is None:
        return False
    state = _state(app)
    return state.active and bool(app.config.litreview_refpage) and app.builder.name == "html"


def _context(app: Sphinx) -> str:
    """What every entry's HTML depends on besides the entry: code, configuration, transforms."""
    state = _state(app)
    if state.context is None:
        builder = app.builder
        registry = app.registry
        transforms = sorted(f"{t.__module__}.{t.__qualname__}:{t.default_priority}"
                            for t in registry.get_post_transforms())  # fmt: skip
        handlers = registry.translation_handlers.get(builder.name)
        if handlers is None:
            handlers = registry.translation_handlers.get(builder.format, {})
        translator = registry.get_translator_class(builder)
        conf = Path(app.confdir) / "conf.py"
        info = getattr(builder, "build_info", None)
        parts = (
            derived.code_token(),
            distribution_token(THEMES),
            builder.name,
            getattr(info, "config_hash", ""),
            getattr(info, "tags_hash", ""),
            files_token([conf]) if conf.is_file() else "",
            tuple(transforms),
            tuple(sorted(handlers)),
            tuple(f"{c.__module__}.{c.__qualname__}" for c in translator.__mro__),
        )
        state.context = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
    return state.context


def _text_digest(formatted: Any) -> str:
    """A digest of an entry's formatted text, pickled; bibcache's pickled text (the same pickle, made
    when the environment was saved) when it has it."""
    blob = formatted.__dict__.get("_blob")
    if blob is None:
        blob = pickle.dumps(formatted.text, pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest()


def _ancestry(node: nodes.Element) -> tuple:
    """The bibliography node's attributes and its ancestors' kinds, classes and languages (what a
    translator's state, or a language already declared, comes from)."""
    found: list[Any] = [repr(sorted(node.attributes.items()))]
    current = node.parent
    while current is not None:
        if isinstance(current, nodes.Element):
            found.append((type(current).__name__, tuple(current.get("classes", ())), current.get("lang")))
        current = current.parent
    return tuple(found)


def _backrefs(domain: Any, docname: str) -> dict[str, list[str]]:
    """For each key, the ids of the citations of it on ``docname``, in the domain's order: what
    upstream finds by scanning every citation for every entry."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    for citation_ref in domain.citation_refs:
        if citation_ref.docname == docname:
            for key in {target.key for target in citation_ref.targets}:
                found[key].append(citation_ref.citation_ref_id)
    return found


def _entry_key(env: BuildEnvironment, common: str, docname: str, citation: Any, node: Any,
               backrefs: list[str], providers: list[Callable[..., Hashable]]) -> str:  # fmt: skip
    """The key of one entry's HTML; ``common`` is what every entry of its bibliography shares (the
    context, the bibliography and its node's ancestry)."""
    inputs = (
        common,
        citation.key,
        citation.citation_id,
        citation.formatted_entry.label,
        _text_digest(citation.formatted_entry),
        repr(sorted(node.attributes.items())),
        len(node.children),
        tuple(backrefs),
        tuple(repr(provider(env, docname, citation)) for provider in providers),
    )
    return hashlib.sha256(repr(inputs).encode("utf-8")).hexdigest()


def run(self: bibtransforms.BibliographyTransform, **kwargs: Any) -> None:
    """BibliographyTransform.run, with a placeholder for each kept entry of a citation list and the
    backrefs found from one index of the page's citations."""
    env = self.env
    app = getattr(env, "_app", None)
    if not _on(app):
        _ORIGINAL["run"](self, **kwargs)
        return
    assert app is not None
    state = _state(app)
    domain = env.get_domain("cite")
    transforms = app.registry.get_post_transforms()
    providers = [getattr(t, INPUTS_ATTR) for t in transforms if hasattr(t, INPUTS_ATTR)]
    for bibnode in list(self.document.findall(bibliography_node)):
        bib_key = BibliographyKey(docname=bibnode["docname"], id_=bibnode["ids"][0])
        bibliography = domain.bibliographies[bib_key]  # type: ignore[attr-defined]
        citations = [c for c in domain.citations if c.bibliography_key == bib_key]  # type: ignore[attr-defined]
        entries: nodes.Element
        if bibliography.list_ == "enumerated":
            entries = nodes.enumerated_list()
            entries["enumtype"] = bibliography.enumtype
            if bibliography.start >= 1:
                entries["start"] = bibliography.start
                env.temp_data["bibtex_enum_count"] = bibliography.start
            else:
                entries["start"] = env.temp_data.setdefault("bibtex_enum_count", 1)
        elif bibliography.list_ == "bullet":
            entries = nodes.bullet_list()
        else:  # "citation"
            entries = nodes.container()
            backrefs_of = _backrefs(domain, bib_key.docname)
            common = repr((_context(app), bib_key.docname, bib_key.id_, _ancestry(bibnode)))
        for citation in citations:
            citation_node = bibliography.citation_nodes[citation.key]
            if bibliography.list_ in {"enumerated", "bullet"}:
                citation_node += self.backend.paragraph(citation.formatted_entry)
            else:  # "citation"
                backrefs = backrefs_of.get(citation.key, [])
                key = _entry_key(env, common, bib_key.docname, citation, citation_node, backrefs, providers)
                if key in state.load() or key in state.used:
                    entries.append(kept_entry(key=key))
                    continue
                if backrefs:
                    citation_node["backrefs"] = backrefs
                citation_node += nodes.label("", citation.formatted_entry.label, support_smartquotes=False)
                citation_node += self.backend.paragraph(citation.formatted_entry)
                state.fresh[id(citation_node)] = _FRESH[id(citation_node)] = _Fresh(citation_node, key)
                state.misses += 1
            citation_node["docname"] = bib_key.docname
            bibtransforms.node_text_transform(citation_node)
            entries.append(citation_node)
            if bibliography.list_ == "enumerated":
                env.temp_data["bibtex_enum_count"] += 1
        if citations:
            bibnode.replace_self(entries)
        else:
            bibnode.replace_self(nodes.target())


class KeptEntries(SphinxPostTransform):
    """Last of the post-transforms: each placeholder becomes the citation node its entry was, holding
    the kept HTML and search words."""

    default_priority = 1000  # after every other (CyrillicLang is 900)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        parents = {id(p.parent): p.parent for p in self.document.findall(kept_entry) if p.parent is not None}
        if not parents:
            return
        state = _state(getattr(self.env, "_app", None))
        for parent in parents.values():  # each list at once: replacing one child at a time is quadratic
            parent[:] = [self.citation(state, c) if isinstance(c, kept_entry) else c for c in parent.children]

    @staticmethod
    def citation(state: _State, placeholder: kept_entry) -> nodes.citation:
        """The citation node a kept entry was, holding its HTML and its search words."""
        key = placeholder["key"]
        kept = state.used.get(key) or state.load()[key]
        state.used[key] = kept
        attributes, html, words = kept
        citation = nodes.citation()
        citation.attributes = {k: list(v) if isinstance(v, list) else v for k, v in attributes.items()}
        citation += kept_html(html=html, words=words)
        state.hits += 1
        return citation


def _visit_kept_html(self: Any, node: kept_html) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


def _visit_citation(self: Any, node: nodes.citation) -> None:
    """The translator's own citation visitor; for an entry rendered afresh, note where its children
    start."""
    type(self).visit_citation(self, node)
    fresh = _FRESH.get(id(node))
    if fresh is not None and fresh.node is node:
        fresh.mark = len(self.body)


def _depart_citation(self: Any, node: nodes.citation) -> None:
    """Keep an entry rendered afresh (its attributes, its children's HTML, its search words), then
    the translator's own citation departure."""
    fresh = _FRESH.pop(id(node), None)
    caught = fresh is not None and fresh.node is node and fresh.mark is not None and fresh.words is not None
    if caught and not any(isinstance(n, NOT_KEPT) for n in node.findall(include_self=False)):
        assert fresh is not None and fresh.mark is not None and fresh.words is not None
        state = _state(getattr(self.builder, "_app", None))
        if state.fresh.get(id(node)) is fresh:
            entry = (copy.deepcopy(node.attributes), "".join(self.body[fresh.mark :]), fresh.words)
            state.used[fresh.key] = entry
            state.dirty = True
    type(self).depart_citation(self, node)


def _feed_visit_nodes(node: nodes.Node, **kwargs: Any) -> None:
    """sphinx.search's walk, which gives a kept entry's words as kept and notes an entry's words as
    it takes them."""
    if isinstance(node, kept_html):
        kwargs["word_store"].words.extend(node["words"])
        return
    fresh = _FRESH.get(id(node))
    if fresh is None or fresh.node is not node:
        _ORIGINAL["_feed_visit_nodes"](node, **kwargs)
        return
    store = sphinx.search.WordStore()
    _ORIGINAL["_feed_visit_nodes"](node, **{**kwargs, "word_store": store})
    if store.titles or store.title_words:  # never kept (NOT_KEPT): walked again into the page's own
        _ORIGINAL["_feed_visit_nodes"](node, **kwargs)
        return
    kwargs["word_store"].words.extend(store.words)
    fresh.words = list(dict.fromkeys(store.words))  # the index keeps a set of words per page


def _word_collector(self: sphinx.search.IndexBuilder, doctree: nodes.document) -> Any:
    """IndexBuilder._word_collector, each word given once: the References page of thousands of
    entries repeats most of its words thousands of times, and ``feed`` keeps them as a set."""
    store = _ORIGINAL["_word_collector"](self, doctree)
    if _BUILDING:
        store.words = list(dict.fromkeys(store.words))
    return store


def _unsupported() -> tuple[str, str] | None:
    """(what was found, what it was checked against) when a gate is closed; else None."""
    bibtex = importlib.metadata.version("sphinxcontrib-bibtex")
    if not bibtex.startswith(SUPPORTED_BIBTEX):
        return f"sphinxcontrib-bibtex {bibtex}", ", ".join(f"{v}x" for v in SUPPORTED_BIBTEX)
    changed = changed_sources(_ORIGINAL, bibtransforms.BibliographyTransform, COPIED_SOURCES)
    if changed:
        return f"sphinxcontrib-bibtex {bibtex} (changed: {', '.join(changed)})", COPIED_SOURCES["run"]
    if sphinx.version_info[0] not in SUPPORTED_SPHINX:
        return f"Sphinx {sphinx.__version__}", ", ".join(f"{v}.x" for v in SUPPORTED_SPHINX)
    changed = changed_sources(_ORIGINAL, sphinx.search, WRAPPED_SOURCES)
    changed += changed_sources(_ORIGINAL, sphinx.search.IndexBuilder, INDEXER_SOURCES)
    if changed:
        found = f"Sphinx {sphinx.__version__} (changed: {', '.join(changed)})"
        return found, ", ".join(f"{k} {v}" for k, v in {**WRAPPED_SOURCES, **INDEXER_SOURCES}.items())
    if not docutils.__version__.startswith(SUPPORTED_DOCUTILS):
        return f"docutils {docutils.__version__}", ", ".join(f"{v}x" for v in SUPPORTED_DOCUTILS)
    return None


def supported() -> bool:
    """Whether every upstream version and source this module relies on is one it was checked against."""
    return _unsupported() is None


def install() -> bool:
    """Patch the bibliography transform and the search-index walk once, if supported."""
    if not supported():
        return False
    patch(_ORIGINAL, bibtransforms.BibliographyTransform, "run", run)
    patch(_ORIGINAL, sphinx.search, "_feed_visit_nodes", _feed_visit_nodes)
    patch(_ORIGINAL, sphinx.search.IndexBuilder, "_word_collector", _word_collector)
    return True


def _start(app: Sphinx) -> None:
    """builder-inited: a fresh state for this build, reading what the last one kept when used."""
    global _BUILDING
    state = _state(app)
    state.path = Path(app.doctreedir) / STORE_NAME
    _FRESH.clear()
    _BUILDING = _on(app)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: log the counts; keep the entries this build wrote if it succeeded."""
    global _BUILDING
    state = _state(app)
    _FRESH.clear()
    _BUILDING = False
    if not (state.active and app.config.litreview_refpage):
        return
    if state.hits or state.misses:
        logger.verbose("litreview.refpage: %d entries written from kept HTML, %d rendered",
                       state.hits, state.misses)  # fmt: skip
    stored = state.stored if state.stored is not None else None
    if exception is not None or state.path is None or not state.used:
        return
    if not state.dirty and stored is not None and set(stored) == set(state.used):
        return
    data = {"version": STORE_VERSION, "entries": state.used}
    with contextlib.suppress(OSError):
        write_atomic(state.path, pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch, the placeholder nodes and the last post-transform; patch
    sphinxcontrib-bibtex's bibliography transform and Sphinx's search-index walk."""
    app.setup_extension("sphinxcontrib.bibtex")
    # "": switching it changes no output, so no page need be written again (nor the config digest)
    app.add_config_value("litreview_refpage", True, "", types=frozenset({bool}))
    taken = "citation" in app.registry.translation_handlers.get("html", {})
    active = not taken and install()
    buildstate.reset(app, "refpage", _State(active))
    if not active:
        found, checked = _unsupported() or ("an extension's own HTML citation visitor", "none")
        say_off("refpage", found, checked, "every entry of the References page is made on every build, "
                "as without it")  # fmt: skip
    else:
        app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.add_node(kept_entry)
    app.add_node(kept_html, html=(_visit_kept_html, None))
    app.add_post_transform(KeptEntries)
    app.connect("builder-inited", _start)
    app.connect("build-finished", _finish)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
