"""Sphinx extension: a keyboard- and screen-reader-friendly popover on every citation link.

Citations render as links to ``#cite-<key>`` anchors whose ``title`` holds the formatted
reference (sphinxcontrib-bibtex tooltips). Without JavaScript they stay plain links with a
tooltip; with it, hover or keyboard focus shows a popover (``role="tooltip"``, tied to the
link by ``aria-describedby``) with the reference and a link to the entry; Escape closes it.

The extension also marks Cyrillic runs of text ``lang="ru"`` in HTML output, so screen readers
switch voice and browsers pick Russian hyphenation, whatever the source wrote; and it repairs
faults a reader meets in the markup and theme it builds on (``fix_citation_roles``,
``static/theme-fixes.js``, the light-mode hover colour in ``static/citepopover.css``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from litreview.core.cyrillic import CYRILLIC_RUN, ancestors, split_cyrillic

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# Nodes whose text must stay one unbroken Text child (code blocks, raw output, math, comments).
FIXED = (nodes.FixedTextElement, nodes.math, nodes.raw, nodes.comment)


def cite_anchor_prefix(config: Config) -> str:
    """The anchor prefix citations link to (``cite-`` for ``bibtex_cite_id = "cite-{key}"``)."""
    pattern = getattr(config, "bibtex_cite_id", "") or "cite-{key}"
    return pattern.split("{", 1)[0] or "cite-"


def has_language(node: nodes.Node) -> bool:
    """True if ``node`` or an ancestor already declares a language (``language-xx`` class)."""
    current: nodes.Node | None = node
    while current is not None:
        if isinstance(current, nodes.Element) and (
            current.get("lang") or any(c.startswith("language-") for c in current.get("classes", []))
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


class CitationTitles(SphinxPostTransform):
    """Give every link to a citation anchor the formatted reference as its title, if it has none.

    sphinxcontrib-bibtex sets it on ``{cite}`` links; other roles that link to ``#cite-<key>``
    (e.g. a seed's printed ``[5]``) get the same text, so the popover works on them too.
    """

    default_priority = 850  # after references are resolved (10), before CyrillicLang
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        prefix = cite_anchor_prefix(self.config)
        titles = citation_titles(self.env)
        if not titles:
            return
        for ref in self.document.findall(nodes.reference):
            if ref.get("reftitle"):
                continue
            target = ref.get("refuri", "").partition("#")[2] if "refuri" in ref else ref.get("refid", "")
            if target.startswith(prefix) and target in titles:
                ref["reftitle"] = titles[target]


def citation_titles(env: Any) -> dict[str, str]:
    """Map each citation anchor id to its plain-text formatted reference (the bibtex tooltip)."""
    try:
        domain = env.get_domain("cite")
    except Exception:  # sphinxcontrib-bibtex not loaded: nothing to add
        return {}
    import pybtex.plugin

    plaintext = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()
    titles: dict[str, str] = {}
    for citation in getattr(domain, "citations", []):
        entry = citation.tooltip_entry or citation.formatted_entry
        if entry is not None and citation.citation_id not in titles:
            titles[citation.citation_id] = entry.text.render(plaintext).replace("\\url ", "")
    return titles


CITATION_ROLE = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def fix_citation_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give bibliography entries ``role="listitem"``: docutils puts ``role="doc-biblioentry"``
    (deprecated in DPUB-ARIA 1.1) inside ``role="list"``, which axe reports as a critical fault."""
    body = context.get("body")
    if isinstance(body, str) and "doc-biblioentry" in body:
        context["body"] = CITATION_ROLE.sub(r'\1 role="listitem"', body)


def add_assets(app: Sphinx, config: Config) -> None:
    """Serve our JS and CSS from the book's _static/ (conf.py's html_static_path stays empty)."""
    path = str(STATIC)
    if path not in config.html_static_path:
        config.html_static_path.append(path)
    prefix = cite_anchor_prefix(config)
    app.add_js_file("citepopover.js", loading_method="defer", **{"data-cite-prefix": prefix})
    app.add_js_file("theme-fixes.js", loading_method="defer")
    app.add_css_file("citepopover.css")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the popover assets and the transforms."""
    app.connect("config-inited", add_assets)
    app.connect("html-page-context", fix_citation_roles)
    app.add_post_transform(CitationTitles)
    app.add_post_transform(CyrillicLang)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
