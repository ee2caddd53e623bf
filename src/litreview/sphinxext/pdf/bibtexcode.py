"""LaTeX transform: no BibTeX code on paper.

A BibTeX record is for copying into a ``.bib`` file, which nobody does from a printed page; in a
book it reads as a software manual's listing. The PDF prints each How to cite entry as its
formatted reference only; the web edition and the EPUB keep the records, and ``refs.bib`` holds
them all (How to cite says so in each edition's own words).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform


class NoBibtexOnPaper(SphinxPostTransform):
    """Remove every BibTeX code block from the PDF's document."""

    default_priority = 690  # before pdf.keep (700) measures the How to cite entries
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            if block.get("language") == "bibtex" and block.parent is not None:
                block.parent.remove(block)
