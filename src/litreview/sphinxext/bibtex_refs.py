"""sphinxcontrib-bibtex's record of citations (``BibtexDomain.citation_refs``), read and written here
only, and only for the versions it was checked against (as :mod:`litreview.speedups` are).

``{seedcite}`` adds its markers to that record, so a printed reference marker counts as a citation
(the work is listed, linked, "cited in" the page); :mod:`~litreview.sphinxext.citedin` reads it to
say which pages cite each work. The record is not sphinxcontrib-bibtex's public API: on a version
not in :data:`SUPPORTED_BIBTEX` the build warns once (``litreview.bibtex_internals``), so an
upgrade is checked before it is trusted, and stops with a clear message if the record is gone.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from typing import Any, cast

from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import CitationTarget
from sphinxcontrib.bibtex.roles import CitationRef

from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)

#: sphinxcontrib-bibtex versions whose ``citation_refs`` this module was checked against.
SUPPORTED_BIBTEX = ("2.7.",)


def bibtex_version() -> str:
    return importlib.metadata.version("sphinxcontrib-bibtex")


def supported() -> bool:
    """Whether the installed sphinxcontrib-bibtex is a version this module was checked against."""
    return bibtex_version().startswith(SUPPORTED_BIBTEX)


def check_version(app: Any, config: Any) -> None:
    """config-inited: warn once when the installed sphinxcontrib-bibtex was not checked."""
    if not supported():
        checked = ", ".join(f"{v}x" for v in SUPPORTED_BIBTEX)
        message = (
            "sphinxcontrib-bibtex %s is not a version {seedcite} and the 'cited in' lists were checked "
            "against (%s): check litreview.sphinxext.bibtex_refs and add it to SUPPORTED_BIBTEX"
        )
        warn(logger, LitreviewWarnings.BIBTEX_INTERNALS, message, bibtex_version(), checked, location=None)


def domain(env: BuildEnvironment) -> Any:
    """sphinxcontrib-bibtex's domain (``cite``): typed Any, as the package ships no type information."""
    return env.get_domain("cite")


def citation_refs(env: BuildEnvironment) -> list[CitationRef]:
    """The domain's record of every citation, in the order it saw them."""
    refs = getattr(env.get_domain("cite"), "citation_refs", None)
    if refs is None:
        raise ExtensionError(
            f"sphinxcontrib-bibtex {bibtex_version()} keeps no citation_refs: "
            "litreview.sphinxext.bibtex_refs needs updating for it"
        )
    return cast(list[CitationRef], refs)


def add_citation(env: BuildEnvironment, ref_id: str, line: int, keys: Iterable[str]) -> None:
    """Record keys cited on the current page, as sphinxcontrib-bibtex's own roles do."""
    citation_refs(env).append(
        CitationRef(
            citation_ref_id=ref_id,
            docname=env.docname,
            line=line,
            targets=[CitationTarget(key=k, pre="", post="") for k in keys],
        )
    )
