"""Sphinx extension: the book theme as readers meet it on a phone and a laptop, by keyboard and touch.

Each repair in ``static/theme.js`` and ``static/theme.css`` answers a fault a reader met:

- wide tables fit: ragged cells on a laptop, one card per row (each cell labelled with its column)
  on a phone; long addresses and code lines wrap, so no page is wider than the screen;
- the timeline figure: a phone shows the narrow drawing, no wider than its type stays legible;
  a laptop the wide one, across the column and its margin;
- keyboard: a visible focus ring on the sidebar toggle, Download and other header buttons; one
  Search button in the tab order (the theme's top bar repeats the sidebar's on a laptop);
- screen readers: each Search button is named by the text it shows; the site title sits inside a
  landmark; the theme's first-only menu toggles all work; sidebar expanders are named;
- search results: snippets are taken from the page's article, not its buttons ("Light Dark …"), and
  the highlighted word stays readable in dark mode;
- a Copy button on every code block (the BibTeX on "How to cite");
- the front page's title (a browser tab, a bookmark, a search result) is the book's title once,
  not "Title — Title".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext import bookdata, exports

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
#: The viewport meta docutils puts in a page's meta tags: the layout already writes one.
DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\n?')


ASSETS = ("theme.js", "theme.css")  # the EPUB leaves them out (litreview.sphinxext.epub)


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve our files from the book's _static/ (conf.py's html_static_path stays empty), and
    use our templates (one viewport meta; the index's locators name their chapter)."""
    path = str(STATIC)
    if path not in config.html_static_path:
        config.html_static_path.append(path)
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))


def front_page_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context, on the front page: its ``<title>`` is the book's title alone (the page's
    own title is the book's title, so the theme's " — <book title>" suffix would repeat it;
    ``templates/layout.html`` reads the flag)."""
    if pagename == app.config.root_doc and _plain(context.get("title", "")) == _plain(app.config.html_title):
        context["lit_title_alone"] = True


def _plain(title: str) -> str:
    """A title compared as words: smart quotes as typed, tags and spacing dropped."""
    return " ".join(re.sub(r"<[^>]+>", "", title).replace("’", "'").replace("&#8217;", "'").split())


def reading_order(env: Any, root: str) -> list[str]:
    """The pages in the order a reader meets them: the front page, then its toctrees depth first."""
    found: list[str] = []

    def walk(docname: str) -> None:
        if docname in found:
            return
        found.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(root)
    return found


def chapter_locators(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context, on the index: ``lit_locator(href)`` names the chapter a locator leads to,
    with its number where it has one ("4. Fault lines"), the front page as the preface, in the HTML
    and the EPUB alike; each entry's locators come in reading order, as the printed index's pages."""
    if pagename != "genindex":
        return
    env, labels = app.env, {}
    preface = str(getattr(app.config, "litreview_epub_preface", "Preface"))
    for docname in env.found_docs:
        if docname not in env.titles:
            continue
        number = env.toc_secnumbers.get(docname, {}).get("")
        title = preface if docname == app.config.root_doc else env.titles[docname].astext()
        labels[app.builder.get_relative_uri(pagename, docname)] = (
            f"{'.'.join(map(str, number))}. {title}" if number else title
        )
    context["lit_locator"] = lambda href: labels.get(href.partition("#")[0], href.partition("#")[0])
    order = {
        app.builder.get_relative_uri(pagename, docname): i
        for i, docname in enumerate(reading_order(env, app.config.root_doc))
    }

    def in_order(links: list) -> list:
        return sorted(links, key=lambda link: order.get(link[1].partition("#")[0], len(order)))

    for _key, entries in context.get("genindexentries", []):
        for _name, (links, subitems, _sortkey) in entries:
            links[:] = in_order(links)
            for _subname, sublinks in subitems:
                sublinks[:] = in_order(sublinks)


def download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context (after the editions add the book's PDF and EPUB): the download menu offers
    what a reader wants, not the page's MyST source or a print of the web page; a chapter adds its
    reading list. A menu left empty is not shown."""
    if not bookdata.is_web_html(app):
        return
    buttons = context.get("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    unwanted = ("download-source-button", "download-pdf-button")
    group["buttons"] = [b for b in group["buttons"] if b.get("label") not in unwanted]
    if exports.reading_list_keys(app.env, pagename):
        stem = f"{exports.READING_LISTS}/{exports.reading_list_name(pagename)}"
        group["buttons"] += [
            {
                "type": "link",
                "url": context["pathto"](f"{stem}{fmt.suffix}", 1),
                "text": f"Reading list ({fmt.label})",
                "tooltip": f"Download the works this chapter cites ({fmt.description})",
                "icon": "fas fa-list",
                "label": f"download-reading-list-{fmt.suffix[1:]}-button",
            }
            for fmt in exports.FORMATS
        ]
    if not group["buttons"]:
        buttons.remove(group)


def one_viewport(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: the layout writes the page's viewport meta; docutils' copy is dropped."""
    if "metatags" in context:
        context["metatags"] = DOCUTILS_VIEWPORT.sub("", context["metatags"])


def add_assets(app: Sphinx) -> None:
    """The web book gets the repairs (an EPUB gets its own stylesheet: :mod:`litreview.sphinxext.epub`)."""
    if bookdata.is_web_html(app):
        app.add_js_file("theme.js", loading_method="defer")
        app.add_css_file("theme.css")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", one_viewport)
    app.connect("html-page-context", chapter_locators)
    app.connect("html-page-context", front_page_title)
    app.connect("html-page-context", download_menu, priority=520)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
