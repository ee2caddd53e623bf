"""Sphinx extension: render the book theme's navigation tree once per build, not once per page.

pydata-sphinx-theme (under sphinx-book-theme) builds the sidebar for every page by resolving the
whole site's toctree, rendering it to HTML and re-parsing it with BeautifulSoup
(``generate_toctree_html``), so time per page grows with the number of pages. With the book
theme's settings (whole tree, not collapsed) the sidebar differs between pages only in

- the relative link to each page, and
- the "current" marks on the branch that leads to the page (``current`` on the link and its
  ancestors, ``active`` on the ``li``, an open ``<details>``).

So this extension renders the tree once per build through the theme's own code, for a page that is
in no branch, with stand-in links and a stand-in class on every node of every branch; it
turns the result into a template, and for each page fills in the links and the marks. The
template is kept in the doctree folder with a digest of what the tree is made of (toctrees, tocs,
titles, patterns, tags, versions), so a rebuild that changed no title or toctree reuses it; and
Jinja's compiled templates are kept there too (Jinja checks each source's checksum). Anything it
does not handle exactly falls back to the theme's function: other themes, collapsed trees, parts
as collapsible captions (``show_nav_level = 0``), ``only`` directives in a toctree, a page linked
from the tree more than once, links with characters that need escaping. The HTML is the same as the
theme's (tests/test_bench.py compares whole books; tests/test_upstream.py runs the two themes' own
test suites with it; set ``LITREVIEW_FASTNAV_VERIFY=1`` to check every page against the theme's
function during a build). ``litreview_fastnav = False`` in conf.py switches it off; with a
pydata-sphinx-theme or Sphinx version it was not checked against it switches itself off and says
so (at the default verbosity). How many sidebars it filled is counted (:func:`stats`) and logged
at ``-v``.

Upstream: it can shrink to keeping the tree between builds (and Jinja's compiled templates) once
a pinned pydata-sphinx-theme renders the sidebar tree once per build for ``startdepth=0``, and go
when the theme keeps that tree between builds. What was searched upstream: docs/speedups.md.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sphinx
from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core.files import write_atomic
from litreview.speedups import say_off
from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Versions the stand-in rules were checked against (the theme's BeautifulSoup pass and
#: Sphinx's toctree marking); with others the theme's own function is used.
SUPPORTED_PYDATA = ("0.20.",)
SUPPORTED_SPHINX = (9,)
NEUTRAL = "__litreview_fastnav_neutral__"
STORE_VERSION = "1"  # bump when NavTemplate or the stand-in rules change
_START_TAG = re.compile(r"<(\w+)([^>]*)>")
_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
_HREF_ATTR = re.compile(r'href="fnvh(\d+)x"')
_TOKEN = re.compile(r"fnvc(\d+)x")
_SAFE_URI = re.compile(r"[A-Za-z0-9._/~%+=,;@!$*()-]*")


@dataclass(frozen=True)
class ClassSlot:
    """A class attribute that gains ``current`` (and ``active`` on li) on the branch of ``docs``."""

    tag: str
    before: tuple[str, ...]
    docs: frozenset[str]
    after: tuple[str, ...]

    def fill(self, page: str) -> str:
        classes = list(self.before)
        if page in self.docs:
            classes += ["current", "active"] if self.tag == "li" else ["current"]
        classes += self.after
        return f' class="{" ".join(classes)}"' if classes else ""


@dataclass(frozen=True)
class HrefSlot:
    """A link to ``target``, relative to the page."""

    target: str


@dataclass(frozen=True)
class OpenSlot:
    """A ``<details>`` that is open on pages in ``docs``."""

    docs: frozenset[str]

    def fill(self, page: str) -> str:
        return '<details open="open">' if page in self.docs else "<details>"


@dataclass(frozen=True)
class NavTemplate:
    """The sidebar as literal text and slots; ``repeated`` pages need the theme's function."""

    parts: tuple[str | ClassSlot | HrefSlot | OpenSlot, ...]
    repeated: frozenset[str]

    def render(self, builder: StandaloneHTMLBuilder, page: str) -> str | None:
        if page in self.repeated:
            return None
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, HrefSlot):
                uri = builder.get_relative_uri(page, part.target) or "#"
                if uri != "#" and not _SAFE_URI.fullmatch(uri):
                    return None
                out.append(f'href="{uri}"')
            else:
                out.append(part.fill(page))
        return "".join(out)


@dataclass
class _Recorder:
    """Stands in for the builder while the neutral tree is resolved: records links, marks branches."""

    builder: StandaloneHTMLBuilder
    targets: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    repeated: set[str] = field(default_factory=set)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.builder, name)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        self.targets.append(to)
        return f"fnvh{len(self.targets) - 1}x"

    def render_partial(self, node: nodes.Node | None) -> dict[str, str]:
        if node is not None:
            self._mark(node)
        return self.builder.render_partial(node)

    def _mark(self, tree: nodes.Node) -> None:
        """Put a stand-in class where Sphinx would put ``current`` for each page's branch."""
        refs = []
        seen: dict[str, int] = {}
        for ref in tree.findall(nodes.reference):
            match = re.fullmatch(r"fnvh(\d+)x(#.*)?", ref.get("refuri", ""))
            if match is None:
                continue
            if not ref.get("anchorname"):  # links to sections never carry the page's marks
                target = self.targets[int(match.group(1))]
                seen[target] = seen.get(target, 0) + 1
                refs.append((ref, target))
        self.repeated |= {target for target, count in seen.items() if count > 1}
        for ref, target in refs:
            if target in self.repeated:
                continue
            token = f"fnvc{len(self.docs)}x"
            self.docs.append(target)
            branch: nodes.Element | None = ref
            while branch is not None:
                branch["classes"].append(token)
                branch = branch.parent


def _supported_env(env: BuildEnvironment) -> bool:
    """False if any page's toc holds an ``only`` node (its ancestors' tocs are copied differently)."""
    return not any(any(toc.findall(addnodes.only)) for toc in env.tocs.values())


def build_template(app: Sphinx, kind: str, show_nav_level: int, kwargs: dict[str, Any]) -> NavTemplate | None:
    """Render the sidebar once through the theme's code, with stand-ins; None if unsupported."""
    from bs4 import BeautifulSoup
    from pydata_sphinx_theme import toctree as pst_toctree

    builder = cast("StandaloneHTMLBuilder", app.builder)
    recorder = _Recorder(builder)
    local_toctree: Any = type(builder)._get_local_toctree  # called with the recorder as its builder
    context: dict[str, Any] = {"toctree": lambda **kw: local_toctree(recorder, NEUTRAL, **kw)}
    pst_toctree.add_toctree_functions(app, NEUTRAL, "page.html", context, None)
    soup = context["generate_toctree_html"](kind, startdepth=0, show_nav_level=show_nav_level, **kwargs)
    if not isinstance(soup, BeautifulSoup):
        return None
    docs = recorder.docs
    open_slots: list[OpenSlot] = []
    for details in soup.find_all("details"):
        parent = details.parent
        tokens = (
            [t for c in parent.get_attribute_list("class") if c for t in _TOKEN.findall(c)] if parent else []
        )
        if tokens and "open" not in details.attrs and not details.attrs:
            details["data-fnvo"] = str(len(open_slots))
            open_slots.append(OpenSlot(frozenset(docs[int(t)] for t in tokens)))
    html = str(soup)
    parts: list[str | ClassSlot | HrefSlot | OpenSlot] = []
    pos = 0
    for tag in _START_TAG.finditer(html):
        name, attrs = tag.group(1), tag.group(2)
        if "fnv" not in attrs:
            continue
        parts.append(html[pos : tag.start()])
        if name == "details":
            match = re.fullmatch(r' data-fnvo="(\d+)"', attrs)
            if match is None:
                return None
            parts.append(open_slots[int(match.group(1))])
            pos = tag.end()
            continue
        parts.append(f"<{name}")
        attr_pos = 0
        for attr in sorted(
            [*_CLASS_ATTR.finditer(attrs), *_HREF_ATTR.finditer(attrs)], key=lambda m: m.start()
        ):
            parts.append(attrs[attr_pos : attr.start()])
            if attr.re is _HREF_ATTR:
                parts.append(HrefSlot(recorder.targets[int(attr.group(1))]))
            else:
                slot = _class_slot(name, attr.group(1).split(), docs)
                if slot is None:
                    return None
                parts.append(slot)
            attr_pos = attr.end()
        parts.append(attrs[attr_pos:] + ">")
        pos = tag.end()
    parts.append(html[pos:])
    if any(isinstance(p, str) and "fnv" in p for p in parts):
        return None  # a stand-in the template does not cover: use the theme's function
    merged: list[str | ClassSlot | HrefSlot | OpenSlot] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return NavTemplate(tuple(merged), frozenset(recorder.repeated))


def _class_slot(tag: str, classes: list[str], docs: list[str]) -> ClassSlot | str | None:
    """A slot for a class list whose stand-ins are one contiguous run; None otherwise."""
    where = [i for i, c in enumerate(classes) if _TOKEN.fullmatch(c)]
    if not where:
        return f' class="{" ".join(classes)}"'
    if where != list(range(where[0], where[-1] + 1)):
        return None
    owners = frozenset(docs[int(_TOKEN.fullmatch(classes[i]).group(1))] for i in where)  # type: ignore[union-attr]
    return ClassSlot(tag, tuple(classes[: where[0]]), owners, tuple(classes[where[-1] + 1 :]))


@dataclass
class _BuildState:
    """Templates for this build, by the arguments the theme's template passed."""

    templates: dict[tuple, NavTemplate | None] = field(default_factory=dict)
    env_ok: bool | None = None
    filled: int = 0  # sidebars filled from a template (in this process)
    nav_digest: str | None = None  # what the tree is made of, this build
    stored: dict[tuple, NavTemplate | None] | None = None  # templates kept from the last build
    built: bool = False  # a template was made (not loaded) in this build


def _state(app: Sphinx) -> _BuildState:
    return buildstate.part(app, "fastnav", _BuildState)


def _reset(app: Sphinx, env: BuildEnvironment) -> list[str]:
    buildstate.reset(app, "fastnav", _BuildState())
    return []


def nav_digest(app: Sphinx) -> str:
    """A digest of everything the neutral tree is made from, so a template can be kept between
    builds: the toctrees, every page's toc and title and tocdepth, the patterns, tags, builder, HTML
    translator, the extensions loaded and their versions, and this module's own source.
    """
    import pydata_sphinx_theme

    env = app.env
    translator = app.registry.translators.get(app.builder.name, app.builder.default_translator_class)
    parts = (
        STORE_VERSION,
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        sorted((name, str(ext.version)) for name, ext in app.extensions.items()),
        f"{translator.__module__}.{translator.__qualname__}" if translator else "",
        sphinx.__version__,
        pydata_sphinx_theme.__version__,
        app.builder.name,
        env.config.root_doc,
        tuple(env.config.exclude_patterns),
        tuple(env.config.include_patterns),
        tuple(sorted(app.builder.tags)),
        sorted(env.toctree_includes.items()),
        sorted((doc, str(toc)) for doc, toc in env.tocs.items()),  # nodes as text: every attribute
        sorted((doc, str(title)) for doc, title in env.titles.items()),
        sorted((doc, meta.get("tocdepth")) for doc, meta in env.metadata.items()),
    )
    # repr, not pickle: pickle's output depends on which equal objects are shared
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _store_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "litreview-fastnav.pickle"


def _stored_templates(app: Sphinx, state: _BuildState) -> dict[tuple, NavTemplate | None]:
    """The templates the last build kept, if they were made from the same tree."""
    if state.stored is None:
        state.nav_digest = nav_digest(app)
        state.stored = {}
        with contextlib.suppress(
            OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError
        ):
            digest, templates = pickle.loads(_store_path(app).read_bytes())
            if digest == state.nav_digest:
                state.stored = templates
    return state.stored


def _keep_templates(app: Sphinx, exception: Exception | None) -> None:
    """Save this build's templates for the next build (only when one was made, and all went well)."""
    state = _state(app)
    if exception is None and state.built and state.nav_digest is not None:
        with contextlib.suppress(OSError):
            data = pickle.dumps((state.nav_digest, state.templates), pickle.HIGHEST_PROTOCOL)
            write_atomic(_store_path(app), data)


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep Jinja's compiled templates on disk between builds (Jinja checks each source's checksum)."""
    import jinja2

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if app.config.litreview_fastnav and environment is not None and environment.bytecode_cache is None:
        directory = Path(app.doctreedir) / "litreview-jinja"
        directory.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(directory))


def _versions_ok() -> bool:
    try:
        import pydata_sphinx_theme
    except ImportError:
        return False
    return pydata_sphinx_theme.__version__.startswith(SUPPORTED_PYDATA) and (
        sphinx.version_info[0] in SUPPORTED_SPHINX
    )


def fast_sidebar(
    app: Sphinx, pagename: str, kind: str, startdepth: Any, show_nav_level: Any, kwargs: dict
) -> str | None:
    """The sidebar HTML for ``pagename`` from this build's template, or None to use the theme's."""
    if kind != "sidebar" or int(startdepth) != 0 or int(show_nav_level) == 0 or kwargs.get("collapse", True):
        return None
    if app.builder.name not in {"html", "dirhtml"}:
        return None
    state = _state(app)
    if state.env_ok is None:
        state.env_ok = _supported_env(app.env)
    if not state.env_ok:
        return None
    try:
        key = (kind, int(show_nav_level), tuple(sorted(kwargs.items())))
        hash(key)
    except (TypeError, ValueError):
        return None
    if key not in state.templates:
        stored = _stored_templates(app, state)
        if key in stored:
            state.templates[key] = stored[key]
        else:
            state.templates[key] = build_template(app, kind, int(show_nav_level), kwargs)
            state.built = True
    template = state.templates[key]
    html = None if template is None else template.render(app.builder, pagename)  # type: ignore[arg-type]
    state.filled += html is not None
    return html


def on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Swap the theme's generate_toctree_html for one that fills this build's template."""
    original = context.get("generate_toctree_html")
    if original is None or getattr(original, "litreview_fastnav", False) or not app.config.litreview_fastnav:
        return
    verify = os.environ.get("LITREVIEW_FASTNAV_VERIFY") == "1"

    @functools.cache
    def generate_toctree_html(kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs: Any) -> Any:
        fast = fast_sidebar(app, pagename, kind, startdepth, show_nav_level, kwargs)
        if fast is None:
            return original(kind, startdepth, show_nav_level, **kwargs)
        if verify:
            expected = str(original(kind, startdepth, show_nav_level, **kwargs))
            if fast != expected:
                raise ExtensionError(f"litreview.fastnav: sidebar of {pagename} differs from the theme's")
        return fast

    generate_toctree_html.litreview_fastnav = True  # type: ignore[attr-defined]
    context["generate_toctree_html"] = generate_toctree_html


def hook_theme(app: Sphinx) -> None:
    """Run our swap right after the theme adds its functions to a page's context.

    It must come before the theme's next handler (``update_and_remove_templates``), which renders
    the sidebar templates to see whether they are empty; so the theme's own listener is wrapped
    (Sphinx's event listeners are a list of (id, handler, priority) tuples).
    """
    if not app.config.litreview_fastnav or app.builder.name not in {"html", "dirhtml"}:
        return
    if not _versions_ok():
        try:
            pydata = importlib.metadata.version("pydata-sphinx-theme")
        except importlib.metadata.PackageNotFoundError:
            pydata = "(not installed)"
        checked = f"{', '.join(f'{v}x' for v in SUPPORTED_PYDATA)} with Sphinx {SUPPORTED_SPHINX}"
        say_off("fastnav", f"pydata-sphinx-theme {pydata} with Sphinx {sphinx.__version__}", checked,
                "the theme renders every sidebar, as without it")  # fmt: skip
        return
    from pydata_sphinx_theme import toctree as pst_toctree

    original = pst_toctree.add_toctree_functions

    def add_toctree_functions(
        app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
    ) -> None:
        original(app, pagename, templatename, context, doctree)
        on_page_context(app, pagename, templatename, context, doctree)

    listeners = app.events.listeners.get("html-page-context", [])
    for i, listener in enumerate(listeners):
        if listener.handler is original:
            listeners[i] = listener._replace(handler=add_toctree_functions)
            return
    logger.info(
        "litreview.fastnav: off: the theme's page-context handler was not found (not the book theme?)"
    )


def stats(app: Sphinx) -> dict[str, int]:
    """This build's counts: ``filled`` (sidebars filled from a template), ``made`` (1 if the template
    was made in this build, 0 if it was kept from the last build or none was needed)."""
    state = _state(app)
    return {"filled": state.filled, "made": int(state.built)}


def _report(app: Sphinx, exception: Exception | None) -> None:
    state = _state(app)
    how = "made this build" if state.built else "kept from the last build"
    logger.verbose(f"litreview.fastnav: {state.filled} sidebars filled from a template {how}")
    _keep_templates(app, exception)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the switch, and hook into the theme once the builder (and so the theme) is set up."""
    app.add_config_value("litreview_fastnav", True, "html", types=frozenset({bool}))
    app.connect("builder-inited", hook_theme)
    app.connect("builder-inited", cache_compiled_templates)
    app.connect("env-updated", _reset)
    app.connect("build-finished", _report)
    return {"version": "2", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
