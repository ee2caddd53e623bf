"""Sphinx extension: Cyrillic text marked as Russian in every output.

HTML: each Cyrillic run gets ``lang="ru"`` (``<span class="language-ru">``), so screen readers switch
voice and browsers pick Russian hyphenation, whatever the source wrote. LaTeX: each run is wrapped
in ``\\litrussian{...}`` (defined in ``pdf/litreview.sty``), so Russian hyphenates as Russian.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata

from litreview.core.cyrillic import CYRILLIC_RUN, split_cyrillic
from litreview.core.doctree import ancestors
from litreview.sphinxext.pdf.tex import SKIP_INSIDE, raw_inline

# Nodes whose text must stay one unbroken Text child (code blocks, raw output, math, comments).
FIXED = (nodes.FixedTextElement, nodes.math, nodes.raw, nodes.comment)


def has_language(node: nodes.Node) -> bool:
    """True if ``node`` or an ancestor already declares a language (``language-xx`` class)."""
    current: nodes.Node | None = node
    while current is not None:
        if isinstance(current, nodes.Element) and (
            current.get("lang") or any(c.startswith("language-") for c in current["classes"])
        ):
            return True
        current = current.parent
    return False


class CyrillicLang(SphinxPostTransform):
    """Wrap each Cyrillic run of text in ``<span lang="ru">`` unless it already has a language.

    A code block, whose text must stay whole, is marked as a whole instead.
    """

    default_priority = 900  # after the bibliography and citations are rendered (priorities 5-10)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or not CYRILLIC_RUN.search(text):
                continue
            fixed = [a for a in (parent, *ancestors(parent)) if isinstance(a, FIXED)]
            if fixed:
                block = fixed[-1]
                if isinstance(block, nodes.literal_block | nodes.doctest_block) and not has_language(block):
                    block["classes"].append("language-ru")
                continue
            if has_language(parent):
                continue
            replacement: list[nodes.Node] = []
            for piece, cyrillic in split_cyrillic(str(text)):
                if cyrillic:
                    replacement.append(nodes.inline(piece, piece, classes=["language-ru"]))
                else:
                    replacement.append(nodes.Text(piece))
            parent.replace(text, replacement)


# -- LaTeX: Cyrillic as Russian -----------------------------------------------------------------


class RussianSpans(SphinxPostTransform):
    """Wrap every run of Cyrillic text in \\litrussian{...}, so Russian hyphenates as Russian."""

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or not CYRILLIC_RUN.search(text):
                continue
            if any(isinstance(a, SKIP_INSIDE) for a in ancestors(text)):
                continue
            new: list[nodes.Node] = []
            for piece, cyrillic in split_cyrillic(str(text)):
                if cyrillic:
                    new += [
                        raw_inline(r"\litrussian{"),
                        nodes.Text(piece),
                        raw_inline("}"),
                    ]
                else:
                    new.append(nodes.Text(piece))
            parent.replace(text, new)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(CyrillicLang)
    app.add_post_transform(RussianSpans)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
