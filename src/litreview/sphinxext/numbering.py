"""Sphinx extension: one numbering of chapters, sections, tables and figures in the three editions.

The PDF numbers the book's chapters in one run from its first part to its last (the front page is
an unnumbered preface, a hub page such as "The articles" a part, the back matter unnumbered); its
tables and figures are numbered within their chapter ("Table 3.1"). Sphinx numbers the HTML and
EPUB from the toctrees marked ``:numbered:``, but starts again at 1 in each one and numbers a hub
page as a chapter with its pages as sections. Here the numbers Sphinx assigns are remapped after
it assigns them, and before it numbers the figures from them:

- the pages of the front page's numbered toctrees, in reading order, are chapters 1, 2, …; a hub
  page is unnumbered and its pages go on with the count;
- an article's chapter keeps the article's own headings (as in the PDF): only its title is numbered;
- pages of a toctree that is not numbered (the back matter) stay unnumbered.

A wrapper around ``TocTreeCollector.assign_section_numbers``, active only in a build that loads
this extension; it reports a page as renumbered only when its final numbers changed.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.typing import ExtensionMetadata

from litreview.sphinxext import bookdata

_ORIGINAL: dict[str, Any] = {}


def chapters(env: BuildEnvironment) -> dict[str, int | None]:
    """Each page under a toctree of the front page: its chapter number, or None (unnumbered)."""
    root = env.config.root_doc
    found: dict[str, int | None] = {}
    count = 0
    for toctree in env.get_doctree(root).findall(addnodes.toctree):
        numbered = bool(toctree.get("numbered"))
        for _title, docname in toctree["entries"]:
            if docname in found or docname not in env.tocs:
                continue
            children = [d for d in env.toctree_includes.get(docname, []) if d in env.tocs]
            if children:  # a hub: a part in the PDF
                found[docname] = None
                for child in children:
                    count += numbered
                    found.setdefault(child, count if numbered else None)
            else:
                count += numbered
                found[docname] = count if numbered else None
    return found


def _renumber(env: BuildEnvironment) -> None:
    for docname, chapter in chapters(env).items():
        secnums = env.toc_secnumbers.get(docname)
        if secnums is None:
            continue
        base = len(secnums.get("", ()))
        own_headings = bookdata.is_article_chapter(docname)
        for anchor, number in list(secnums.items()):
            if chapter is not None and number and (anchor == "" or not own_headings):
                secnums[anchor] = (chapter, *number[base:])
            else:
                secnums[anchor] = ()
        for ref in env.tocs[docname].findall(nodes.reference):
            if "anchorname" in ref and ref["anchorname"] in secnums:
                ref["secnumber"] = list(secnums[ref["anchorname"]]) or None
        title = env.titles.get(docname)
        if title is not None and "" in secnums:
            title["secnumber"] = list(secnums[""]) or None


def assign_section_numbers(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    old = env.toc_secnumbers
    _ORIGINAL["assign_section_numbers"](self, env)
    if __name__ in bookdata.app_of(env).extensions:
        _renumber(env)
    return [d for d, numbers in env.toc_secnumbers.items() if numbers != old.get(d)]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    if "assign_section_numbers" not in _ORIGINAL:
        _ORIGINAL["assign_section_numbers"] = TocTreeCollector.assign_section_numbers
        TocTreeCollector.assign_section_numbers = assign_section_numbers  # type: ignore[method-assign]
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
