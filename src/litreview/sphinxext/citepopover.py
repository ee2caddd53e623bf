"""Sphinx extension: a keyboard- and screen-reader-friendly popover on every citation link.

Citations render as links to ``#cite-<key>`` anchors whose ``title`` holds the formatted
reference (sphinxcontrib-bibtex tooltips), and each page carries the references it cites as
HTML templates (``add_citation_templates``). Without JavaScript citations stay plain links with a
tooltip; with it, hover or keyboard focus shows a popover (``role="tooltip"``, tied to the
link by ``aria-describedby``) with the formatted reference (italics, dashes, its link) and a link
to the entry; Escape closes it. On a touch screen the first tap opens the popover, a second tap
(or the popover's link) follows the citation.

The extension also repairs the bibliography's markup for screen readers (``fix_citation_roles``).
Cyrillic's ``lang="ru"`` is :mod:`litreview.sphinxext.cyrillic`'s; the theme's own faults are
:mod:`litreview.sphinxext.theme`'s.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from litreview.core.cyrillic import CYRILLIC_RUN
from litreview.sphinxext import bibtex_refs, bookdata, derived

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def cite_anchor_prefix(config: Config) -> str:
    """The anchor prefix citations link to (``cite-`` for ``bibtex_cite_id = "cite-{key}"``)."""
    pattern = getattr(config, "bibtex_cite_id", "") or "cite-{key}"
    return pattern.split("{", 1)[0] or "cite-"


class CitationTitles(SphinxPostTransform):
    """Give every link to a citation anchor the formatted reference as its title, if it has none.

    sphinxcontrib-bibtex sets it on ``{cite}`` links; other roles that link to ``#cite-<key>``
    (e.g. a seed's printed ``[5]``) get the same text, so the popover works on them too.
    """

    default_priority = 850  # after references are resolved (10), before CyrillicLang
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        prefix = cite_anchor_prefix(self.config)
        titles = CITATION_TITLES(self.env)
        if not titles:
            return
        for ref in self.document.findall(nodes.reference):
            if ref.get("reftitle"):
                continue
            target = ref.get("refuri", "").partition("#")[2] if "refuri" in ref else ref.get("refid", "")
            if target.startswith(prefix) and target in titles:
                ref["reftitle"] = titles[target]


def _titles_inputs(env: Any) -> tuple:
    """What the titles are made from: each citation's id, key, label and entry, and the styles."""
    try:
        citations = bibtex_refs.domain(env).citations
    except Exception:  # sphinxcontrib-bibtex not loaded
        return ()
    return (
        env.config.bibtex_default_style,
        env.config.bibtex_tooltips_style,
        derived.bib_inputs(env),
        tuple((c.citation_id, c.key, c.formatted_entry.label) for c in citations),
    )


def formatted_references(env: Any, backend: str) -> dict[str, str]:
    """Map each citation anchor id to its formatted reference (the bibtex tooltip) in a pybtex backend."""
    try:
        domain = bibtex_refs.domain(env)
    except Exception:  # sphinxcontrib-bibtex not loaded: nothing to add
        return {}
    import pybtex.plugin

    render = pybtex.plugin.find_plugin("pybtex.backends", backend)()
    found: dict[str, str] = {}
    for citation in getattr(domain, "citations", []):
        entry = citation.tooltip_entry or citation.formatted_entry
        if entry is not None and citation.citation_id not in found:
            found[citation.citation_id] = entry.text.render(render)
    return found


def citation_titles(env: Any) -> dict[str, str]:
    """Map each citation anchor id to its plain-text formatted reference (a link's title)."""
    return {k: v.replace("\\url ", "") for k, v in formatted_references(env, "plaintext").items()}


def citation_html(env: Any) -> dict[str, str]:
    """Map each citation anchor id to its formatted reference as HTML (italics, dashes, a live link)."""
    return {k: russian_runs(v) for k, v in formatted_references(env, "html").items()}


def russian_runs(html: str) -> str:
    """Mark the Cyrillic runs in the text (not the tags) of an HTML fragment ``lang="ru"``."""
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(
        part
        if part.startswith("<")
        else CYRILLIC_RUN.sub(lambda m: f'<span lang="ru">{m.group()}</span>', part)
        for part in parts
    )


LINK_TARGET = re.compile(r'<a\b[^>]*\shref="[^"#]*#([^"]+)"')


def add_citation_templates(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """After the page, one ``<template id="citepop-tpl-<anchor>">`` per reference it cites, holding
    the formatted reference; the popover shows it (a title attribute holds plain text only).

    Added to the written page only (not the doctree), so search does not index the references."""
    body = context.get("body")
    if not isinstance(body, str) or not bookdata.is_web_html(app):
        return
    prefix = cite_anchor_prefix(app.config)
    wanted = [t for t in dict.fromkeys(LINK_TARGET.findall(body)) if t.startswith(prefix)]
    if not wanted:
        return
    rendered = CITATION_HTML(app.env)
    templates = [f'<template id="citepop-tpl-{html_escape(t)}">{rendered[t]}</template>' for t in wanted
                 if t in rendered]  # fmt: skip
    context["body"] = body + "\n".join(["", *templates, ""])


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
    attributes: dict[str, Any] = {"loading_method": "defer", "data-cite-prefix": prefix}
    app.add_js_file("citepopover.js", **attributes)
    app.add_css_file("citepopover.css")


#: Each citation's title text (for its link's title) and its popover's HTML.
CITATION_TITLES = derived.kind("citation-titles", inputs=_titles_inputs, compute=citation_titles)
CITATION_HTML = derived.kind("citation-html", inputs=_titles_inputs, compute=citation_html)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the popover assets and the transforms."""
    app.setup_extension("litreview.sphinxext.derived")
    app.connect("config-inited", add_assets)
    app.connect("html-page-context", fix_citation_roles)
    app.connect("html-page-context", add_citation_templates)
    app.add_post_transform(CitationTitles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
