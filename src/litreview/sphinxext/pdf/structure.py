"""LaTeX transforms: the book's structure (preface, parts, chapters) and where its bibliography goes."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform

from litreview.sphinxext import bookdata
from litreview.sphinxext.pdf.tex import raw_block, tex_russian

# -- LaTeX: the merged bibliography stays where the book puts it --------------------------------


class bibliography_here(nodes.General, nodes.Element):
    """Marks where the first citation stood, before Sphinx gathers them all at the end."""


class MarkBibliography(SphinxPostTransform):
    """Remember where the merged bibliography is (Sphinx's LaTeX builder moves it to the end)."""

    default_priority = 740
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        first = next(iter(self.document.findall(nodes.citation)), None)
        if first is not None:
            first.parent.insert(first.parent.index(first), bibliography_here())


class PlaceBibliography(SphinxPostTransform):
    """Put the gathered bibliography back where its page is (inside the "References" chapter)."""

    default_priority = 760
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        marker = next(iter(self.document.findall(bibliography_here)), None)
        bib = next(iter(self.document.findall(thebibliography)), None)
        if marker is None:
            return
        if bib is None:
            marker.parent.remove(marker)
            return
        bib.parent.remove(bib)
        marker.replace_self(bib)


# -- LaTeX: a book's structure (preface, parts, chapters) from the HTML site's toctrees ----------


class BookStructure(SphinxPostTransform):
    """Turn the front page into an unnumbered preface, hub pages into parts, and pages into chapters.

    The pages of a toctree that is not ``:numbered:`` (the back matter) and of every toctree after
    it are unnumbered chapters (``\\litbackmatter``), still in the contents and the bookmarks.

    Sphinx nests every toctree'd page inside the section that holds the toctree, so the front page's
    last section would swallow the whole book. Here each page becomes a chapter of its own; a page
    that holds a toctree (e.g. "The five articles") becomes a part, its pages the part's chapters.
    """

    default_priority = 100
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        doc = self.document
        root = next((n for n in doc.children if isinstance(n, nodes.section)), None)
        if root is None or not root.children or not isinstance(root[0], nodes.title):
            return
        # The pages the front page's toctrees include (not those included by a hub page).
        sofs = {n["docname"]: n for n in _outer_start_of_files(root)}
        if not sofs:
            return
        rootname = doc.get("docname", self.config.root_doc)
        toctrees = [
            (t.get("caption") or "", [str(f) for f in t["includefiles"]], bool(t.get("numbered")))
            for t in self.env.get_doctree(rootname).findall(addnodes.toctree)
        ]
        for sof in sofs.values():
            sof.parent.remove(sof)
        _drop_toctree_wrappers(root)
        preface = root.children[1:]
        root.children = root.children[:1]
        if any(not isinstance(n, (nodes.target, nodes.comment)) for n in preface):
            section = nodes.section("", nodes.title("Preface", "Preface"), ids=["litreview-preface"])
            section.extend(preface)
            root.extend(
                [
                    raw_block(r"\litunnumbered\litfrontmatter"),
                    section,
                    raw_block(r"\litnumbered\litmainmatter"),
                ]
            )
        backmatter = False
        for caption, docnames, numbered in toctrees:
            members = [sofs.pop(d) for d in dict.fromkeys(docnames) if d in sofs]
            if members and not numbered and not backmatter:
                # The pages after the numbered ones: unnumbered, as the HTML (numbering.py) has them.
                root.append(raw_block(r"\litbackmatter"))
                backmatter = True
            if caption and len(members) >= 2 and not any(self._is_hub(m) for m in members):
                part = r"\litbackpart" if backmatter else r"\litpart"  # the back matter has no part page
                root.append(raw_block(rf"{part}{{{tex_russian(caption)}}}"))
            for sof in members:
                root.extend(self._hub_as_part(sof) if self._is_hub(sof) else [sof])
        for sof in [n for n in root.children if isinstance(n, addnodes.start_of_file)]:
            if bookdata.is_article_chapter(sof["docname"]):
                sof.parent.insert(sof.parent.index(sof), raw_block(r"\litownheadings"))
                sof.parent.insert(sof.parent.index(sof) + 1, raw_block(r"\litourheadings"))

    @staticmethod
    def _is_hub(sof: addnodes.start_of_file) -> bool:
        return any(isinstance(n, addnodes.start_of_file) for n in sof.findall(include_self=False))

    @staticmethod
    def _hub_as_part(sof: addnodes.start_of_file) -> list[nodes.Node]:
        section = next(n for n in sof.children if isinstance(n, nodes.section))
        children = _outer_start_of_files(section)
        for child in children:
            child.parent.remove(child)
        _drop_toctree_wrappers(section)
        docname = sof["docname"]
        labels = "".join(rf"\label{{\detokenize{{{docname}:{i}}}}}" for i in section["ids"])
        part = addnodes.start_of_file(docname=docname)
        part += raw_block(rf"\litpart{{{tex_russian(section[0].astext())}}}{labels}")
        part.extend(section.children[1:])
        return [part, *children]


def _outer_start_of_files(node: nodes.Element) -> list[addnodes.start_of_file]:
    """The start_of_file nodes below ``node`` that are not inside another one, in document order."""
    found: list[addnodes.start_of_file] = []
    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            found.append(child)
        elif isinstance(child, nodes.Element):
            found += _outer_start_of_files(child)
    return found


def _drop_toctree_wrappers(node: nodes.Element) -> None:
    for wrapper in list(node.findall(nodes.compound)):
        if "toctree-wrapper" in wrapper["classes"] and not any(
            isinstance(c, nodes.Element) and not isinstance(c, addnodes.start_of_file)
            for c in wrapper.children
        ):
            wrapper.parent.remove(wrapper)
