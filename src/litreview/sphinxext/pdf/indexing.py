"""The printed index's xindy style: page ranges joined by an en dash (``litindex.xdy``).

What the index holds is the same in every edition, and is made while the pages are read
(:mod:`litreview.sphinxext.bookindex`); here only how the PDF prints it.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

#: The book's xindy module: page ranges joined by an en dash (litreview-editions loads it).
XINDY_STYLE = Path(__file__).with_name("litindex.xdy")


def add_xindy_style(app: Sphinx, config: Config) -> None:
    """config-inited: ship ``litindex.xdy`` into the LaTeX output folder, where xindy finds it."""
    path = str(XINDY_STYLE)
    if path not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, path]
