"""TeX escaping for the PDF: plain text, Russian runs, addresses, and raw LaTeX nodes."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.texescape import escape as _texescape

from litreview.core.cyrillic import CYRILLIC_RUN

SKIP_INSIDE = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.math, nodes.comment, nodes.target)


def tex(text: str) -> str:
    """Escape plain text for xelatex (Unicode stays Unicode)."""
    return _texescape(text, "xelatex")


def tex_russian(text: str) -> str:
    """Escape text for xelatex and mark its Cyrillic runs as Russian (hyphenation, bookmarks)."""
    out, pos = [], 0
    for match in CYRILLIC_RUN.finditer(text):
        out += [tex(text[pos : match.start()]), r"\litrussian{", tex(match.group()), "}"]
        pos = match.end()
    out.append(tex(text[pos:]))
    return "".join(out)


def tex_url(url: str) -> str:
    """An address for \\sphinxnolinkurl inside any argument: the characters TeX would act on escaped."""
    return (
        url.replace("\\", "/").replace("{", "%7B").replace("}", "%7D").replace("#", r"\#").replace("%", r"\%")
    )


def raw_block(latex: str) -> nodes.raw:
    """A LaTeX block (a line of its own)."""
    return nodes.raw("", latex + "\n", format="latex")


def raw_inline(latex: str) -> nodes.raw:
    """LaTeX inside a line of text."""
    return nodes.raw("", latex, format="latex")
