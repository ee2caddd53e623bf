"""Sphinx extension: the book's per-build state, in one Domain every other extension reads.

Read once per build, at ``builder-inited``: the book's facts (CITATION.cff), the seeds' metadata
(which chapter reproduces which article, the order each article printed its references) and an
index of refs.bib as written (each entry's raw text and line; kept between builds while the file
is unchanged). Per page, for the pages being read: the anchors planted before each page's first
citation of a work, and the pages that list other pages' citations ("How to cite").

A refs.bib that pybtex cannot read, a CITATION.cff missing a fact or a seed metadata file in
error stops the build before anything is written, with one ``file:line: message`` and exit
status 2 (no traceback: it is the input that is wrong, not Sphinx).
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from pybtex.database import BibliographyData
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core import bib
from litreview.core.book import Book, load_book
from litreview.core.codeversion import files_token, package_token
from litreview.core.errors import BookInfoError, LitReviewError
from litreview.core.seeds import SeedMeta, load_all
from litreview.sphinxext import bibchanges

logger = logging.getLogger(__name__)

ARTICLES = "articles/"  # docname prefix of the article chapters (and their index page)
REVIEW = "review/"  # docname prefix of the review's chapters
FRONT_MATTER_KEY = "original"  # a chapter may name its article's refs.bib key in its front matter
VERSION = 4  # bump when the domain's data changes shape


class BookDataDomain(Domain):
    """Per-build state: the book, the seeds, refs.bib as written; per page: anchors, listing pages."""

    name = "litreview"
    label = "litreview book data"
    data_version = VERSION
    initial_data: ClassVar[dict[str, Any]] = {
        "book": None,  # Book, from CITATION.cff (read every build)
        "seeds": (),  # tuple[SeedMeta, ...], from seeds/ (read again when a seed file or the code changed)
        "seeds_digest": None,  # what "seeds" was read from
        "sources": {},  # bib file path -> (digest, BibSource), kept while the file is unchanged
        "cited_anchors": {},  # docname -> {key: anchor id} (the first citation of a key on a page)
        "listing_pages": set(),  # docnames that list other pages' titles or citations
        "editions": None,  # the downloadable editions (PDF, EPUB) that existed when the HTML was written
    }

    def clear_doc(self, docname: str) -> None:
        self.data["cited_anchors"].pop(docname, None)
        self.data["listing_pages"].discard(docname)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["cited_anchors"]:
                self.data["cited_anchors"][docname] = otherdata["cited_anchors"][docname]
            if docname in otherdata["listing_pages"]:
                self.data["listing_pages"].add(docname)

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


def app_of(env: BuildEnvironment) -> Sphinx:
    """The application a transform or directive runs in (Sphinx's own post-transforms read it so;
    ``SphinxTransform.app`` and ``BuildEnvironment.app`` are deprecated)."""
    return env._app


def _domain(env: BuildEnvironment) -> BookDataDomain:
    return env.domains["litreview"]  # type: ignore[return-value]


def editions_changed(env: BuildEnvironment, present: tuple[str, ...]) -> bool:
    """Record which editions (PDF, EPUB) exist for this build; True if that changed since the last."""
    data = _domain(env).data
    before, data["editions"] = data.get("editions"), present
    return before is not None and tuple(before) != present


# -- what extensions read ------------------------------------------------------------------------


def book(env: BuildEnvironment) -> Book:
    """The book's facts (CITATION.cff), read at the start of this build; BookInfoError if it has none."""
    found = _domain(env).data["book"]
    if found is None:
        path = Path(app_of(env).confdir) / env.config.litreview_citation_cff
        raise BookInfoError("the book's facts are needed here, but this file is missing", path)
    return found


def seeds(env: BuildEnvironment) -> tuple[SeedMeta, ...]:
    """Every seed's metadata, in seed order."""
    return _domain(env).data["seeds"]


def bib_data(env: BuildEnvironment) -> BibliographyData:
    """refs.bib's entries as sphinxcontrib-bibtex parsed them (the one parse of the data)."""
    return env.domains["cite"].bibdata.data  # type: ignore[attr-defined]


def bib_sources(env: BuildEnvironment) -> list[bib.BibSource]:
    """Each bibliography file as written (raw entries and their lines)."""
    return [source for _digest, source in _domain(env).data["sources"].values()]


def bib_digest(env: BuildEnvironment) -> str:
    """A digest of the bibliography files' bytes, as this build read them (see :func:`load`)."""
    return ";".join(digest for digest, _source in _domain(env).data["sources"].values())


def entry_source(env: BuildEnvironment, key: str) -> bib.SourceEntry | None:
    """The entry ``key`` as its file writes it, and where."""
    return next((s.by_key[key] for s in bib_sources(env) if key in s.by_key), None)


def article_key(env: BuildEnvironment, docname: str) -> str:
    """The refs.bib key of the article a chapter reproduces: its front matter, else its seed."""
    key = env.metadata.get(docname, {}).get(FRONT_MATTER_KEY)
    if key:
        return str(key)
    return next((m.key for m in seeds(env) if ARTICLES + m.slug == docname), "")


def is_article_chapter(docname: str) -> bool:
    """Chapters that reproduce someone else's article (not the articles' index page)."""
    return docname.startswith(ARTICLES) and docname != ARTICLES + "index"


def page_url(config: Config, docname: str) -> str:
    """The page's public URL when ``html_baseurl`` is set, else "" (nothing absolute is invented)."""
    if not config.html_baseurl:
        return ""
    return posixpath.join(config.html_baseurl, docname + (config.html_file_suffix or ".html"))


def is_web_html(app: Sphinx) -> bool:
    """True for the HTML builders that make a web site (not EPUB, whose files are a closed set)."""
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def cited_anchors(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """Per page, the anchor id planted before the first citation of each key."""
    return _domain(env).data["cited_anchors"]


def note_listing_page(env: BuildEnvironment, docname: str) -> None:
    """Mark ``docname`` as listing other pages (rewritten whenever any page was read)."""
    _domain(env).data["listing_pages"].add(docname)


def listing_pages(env: BuildEnvironment) -> set[str]:
    return _domain(env).data["listing_pages"]


# -- loading ---------------------------------------------------------------------------------------


def stop(app: Sphinx, err: LitReviewError) -> None:
    """Stop the build on bad input: one ``file:line: message``, exit status 2, no traceback.

    Not a ``SphinxError``: sphinx-build (9.0) prints any exception it catches with its last frame,
    the versions and extensions, a saved traceback and "please report this", and exits 2; a
    ``SystemExit`` passes through its handler and leaves the logged line alone.
    """
    logger.error("%s", err.message, location=f"{err.path}:{err.line or 0}" if err.path else None)
    sys.stderr.flush()
    raise SystemExit(2)


def bibfile_paths(app: Sphinx) -> list[Path]:
    """The bibliography files as sphinxcontrib-bibtex reads them (relative to the conf dir)."""
    return [(Path(app.confdir) / f).resolve() for f in app.config.bibtex_bibfiles or []]


def load(app: Sphinx) -> None:
    """builder-inited, before sphinxcontrib-bibtex parses refs.bib: read and check the inputs."""
    data = _domain(app.env).data
    try:
        cff = Path(app.confdir) / app.config.litreview_citation_cff
        data["book"] = load_book(cff) if cff.is_file() else None
        seeds_dir = Path(app.confdir) / app.config.litreview_seeds_dir
        seed_files = [*seeds_dir.glob("*.txt"), *seeds_dir.glob("*.toml")] if seeds_dir.is_dir() else []
        seeds_digest = f"{files_token(seed_files, seeds_dir)};{package_token('litreview')}"
        if data.get("seeds_digest") != seeds_digest:
            data["seeds"] = tuple(load_all(seeds_dir)) if seeds_dir.is_dir() else ()
            data["seeds_digest"] = seeds_digest
        sources = {}
        changed = []
        for path in bibfile_paths(app):
            if not path.is_file():
                continue  # sphinxcontrib-bibtex says so
            digest = bib.digest([path])
            kept = data["sources"].get(str(path))
            if kept is None or kept[0] != digest:
                text = bib.read_text(path)
                bib.parse(path, text)  # raises at the broken entry's line
                kept = (digest, bib.scan(path, text))
                changed.append(path)
            sources[str(path)] = kept
        data["sources"] = sources
    except LitReviewError as err:
        stop(app, err)
    bibchanges.note_changed(app, changed)


def require_book(app: Sphinx) -> None:
    """builder-inited, for extensions that describe the book on every page: stop if it has no facts."""
    try:
        book(app.env)
    except LitReviewError as err:
        stop(app, err)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("litreview_citation_cff", "CITATION.cff", "env", types=frozenset({str}))
    app.add_config_value("litreview_seeds_dir", "seeds", "env", types=frozenset({str}))
    app.add_domain(BookDataDomain)
    app.connect("builder-inited", load, priority=100)  # before sphinxcontrib-bibtex (500) parses
    app.connect("env-get-outdated", bibchanges.outdated)
    return {"version": "2", "env_version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
