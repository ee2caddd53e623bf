"""The printed index's xindy style: page ranges joined by an en dash (``litindex.xdy``).

What the index holds is the same in every edition, and is made while the pages are read
(:mod:`litreview.sphinxext.bookindex`); here only how the PDF prints it: page ranges, and
"see also" as xindy's own cross-reference class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.index_entries import split_index_msg

from litreview.sphinxext.pdf.tex import raw_block, raw_inline, tex

#: The book's xindy module: page ranges joined by an en dash (litreview-editions loads it).
XINDY_STYLE = Path(__file__).with_name("litindex.xdy")


def add_xindy_style(app: Sphinx, config: Config) -> None:
    """config-inited: ship ``litindex.xdy`` into the LaTeX output folder, where xindy finds it."""
    path = str(XINDY_STYLE)
    if path not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, path]


class PrintSeeAlso(SphinxPostTransform):
    """A "see also" entry prints as "see also" (xindy's ``seealso`` class); Sphinx's LaTeX writer
    prints both kinds of cross-reference as "see"."""

    default_priority = 410  # after IndexHyphens (400) spelled the headings' hyphens
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(addnodes.index)):
            also = [e for e in node["entries"] if e[0] == "seealso"]
            if not also:
                continue
            node["entries"] = [e for e in node["entries"] if e[0] != "seealso"]
            latex = "".join(
                rf"\index{{{tex(h)}@\spxentry{{{tex(h)}}}|seealso{{{tex(a)}}}}}"
                for h, a in (split_index_msg("seealso", value) for _kind, value, *_rest in also)
            )
            raw = raw_inline(latex) if node.get("inline", True) else raw_block(latex)
            node.parent.insert(node.parent.index(node) + 1, raw)
