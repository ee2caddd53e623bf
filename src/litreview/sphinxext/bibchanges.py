"""What "the bibliography changed" means, for every cache of the build: its bytes changed.

Sphinx reads a page again when a file it depends on has a newer modification time, and
sphinxcontrib-bibtex parses refs.bib again only when its modification time differs from the
parse's; litreview's memo (:mod:`litreview.sphinxext.derived`) and its index of refs.bib as
written (:mod:`litreview.sphinxext.bookdata`) key on the file's bytes. An edit that keeps the
modification time (a tool that restores it, ``cp -p``, a checkout within the same second) would
then leave pages and sphinxcontrib-bibtex's parse from the old bytes, while values derived under
the new bytes' digest came from that old parse.

So the bytes decide everywhere. :func:`note_changed` (called by bookdata at ``builder-inited``,
before sphinxcontrib-bibtex parses) is given the bibliography files whose bytes differ from the
last build's; for those it makes sphinxcontrib-bibtex parse again (by forgetting which files its
parse was made from, so its own check finds it out of date), and :func:`outdated`
(``env-get-outdated``) has every page that depends on such a file read again: the same as after
an edit that changed the modification time. Forgetting the parse relies on the shape of
sphinxcontrib-bibtex's ``BibData`` and is gated on the versions in ``SUPPORTED_BIBTEX``; with
another version it says so, and an edit that keeps the modification time is seen by sphinxcontrib-bibtex
only when the time changes.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from litreview.sphinxext import buildstate

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: sphinxcontrib-bibtex versions whose ``BibData`` (a named tuple of encoding, bibfiles, data) was checked.
SUPPORTED_BIBTEX = ("2.7.",)
STATE = "bibchanges"


def supported() -> bool:
    """Whether the installed sphinxcontrib-bibtex keeps its parse as this module expects."""
    return importlib.metadata.version("sphinxcontrib-bibtex").startswith(SUPPORTED_BIBTEX)


def changed_files(app: Sphinx) -> frozenset[Path]:
    """The bibliography files whose bytes changed since the last build (all of them on a first build)."""
    return buildstate.part(app, STATE, frozenset)


def note_changed(app: Sphinx, paths: Iterable[Path]) -> None:
    """builder-inited, before sphinxcontrib-bibtex parses: these files' bytes changed since the
    last build; make sphinxcontrib-bibtex parse them again, whatever their modification time."""
    changed = frozenset(Path(p).resolve() for p in paths)
    buildstate.reset(app, STATE, changed)
    domain = app.env.domains.get("cite")
    if not changed or domain is None:
        return
    if not supported():
        version = importlib.metadata.version("sphinxcontrib-bibtex")
        logger.info("litreview.bibchanges: sphinxcontrib-bibtex %s is not a version this was checked "
                    "against (%s); it parses refs.bib again only when its modification time changes",
                    version, ", ".join(f"{v}x" for v in SUPPORTED_BIBTEX))  # fmt: skip
        return
    bibdata = domain.data.get("bibdata")
    if bibdata is not None and any(Path(f).resolve() in changed for f in bibdata.bibfiles):
        domain.data["bibdata"] = bibdata._replace(bibfiles={})  # its own check now finds it outdated


def outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: the pages that depend on a bibliography file whose bytes changed."""
    files = changed_files(app)
    if not files:
        return []
    return sorted(
        docname
        for docname, dependencies in env.dependencies.items()
        if docname not in added | changed and docname in env.found_docs
        and any(Path(dep).resolve() in files for dep in dependencies)
    )  # fmt: skip
