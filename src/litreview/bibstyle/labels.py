"""Labels (pybtex plugin ``pybtex.style.labels`` ``litreview``): what the citations print."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pybtex.database import Entry
from pybtex.style.labels import BaseLabelStyle

from litreview.bibstyle.template import cited_year
from litreview.core import bib


class LabelStyle(BaseLabelStyle):
    """Author–year labels ("Rogers 2003", "Borsi and Metiu 2015", "Stafeev 2002a", "World Bank n.d."):
    what the citations print, so a label (where a builder shows one) matches the text."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield f"{bib.cited_name(entry)} {cited_year(entry)}"
