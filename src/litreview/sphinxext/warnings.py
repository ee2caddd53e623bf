"""The one list of our warnings' subtypes (as MyST-Parser's ``MystWarnings``).

Every warning the book's extensions give has ``type="litreview"``, one of these subtypes and a
location, so Sphinx prints it as ``file:line: WARNING: message [litreview.<subtype>]`` and an editor
can silence one kind in conf.py (``suppress_warnings = ["litreview.timeline"]``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sphinx.util.logging import SphinxLoggerAdapter

TYPE = "litreview"


class LitreviewWarnings(StrEnum):
    """What went wrong, by the part of the book it concerns."""

    TIMELINE = "timeline"
    """The review's timeline data cannot be read."""
    CORPUS = "corpus"
    """The corpus table's data names an unknown article, or the seeds cannot be read."""
    EXPORTS = "exports"
    """A download (RIS, CSL-JSON…) cannot be written."""
    CITATION_META = "citation_meta"
    """A chapter's citation metadata (Google Scholar tags) cannot be made."""
    HOW_TO_CITE = "how_to_cite"
    """A "How to cite" box cannot be made."""
    SEEDCITE = "seedcite"
    """A printed reference marker names a key that is not in the bibliography, or cannot be linked."""
    INDEX = "index"
    """The index topics cannot be read, or a glossary term the text links has no index heading."""
    BIBTEX_INTERNALS = "bibtex_internals"
    """The installed sphinxcontrib-bibtex is not a version our use of its internals was checked against."""


def warn(
    logger: SphinxLoggerAdapter, subtype: LitreviewWarnings, message: str, *args: Any, location: Any
) -> None:
    """Warn with our type, ``subtype`` and ``location`` (a node, ``(docname, line)`` or "path:line")."""
    logger.warning(message, *args, type=TYPE, subtype=subtype.value, location=location)
