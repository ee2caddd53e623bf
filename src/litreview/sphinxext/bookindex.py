"""Sphinx extension: the book's index, the same in the PDF, the EPUB and the web book.

Its headings come from two homes: the topics the book discusses, with the words that mark them and
the spellings a reader may look them up by (``book/index-topics.yaml``, read by
:mod:`litreview.review.indextopics`), and each article's makers (``refs.bib``). While a page is
read, before Sphinx collects its index entries, this adds:

- each topic where our text names it (first time in a paragraph) or links its glossary term:
  under the heading itself in the editors' text (the preface and the review), and under
  "<Makers> on" in an article's chapter, so a reader sees which article discusses it where;
- each article's makers where our text cites the article, under the chapter that cites it
  ("Stafeev, Sergei › Fault lines"), and at the opening of the article's own chapter (the main
  entry, in bold);
- in the glossary, a term's other spellings as "see" entries to its one heading, and the file's
  variants ("see") and related headings ("see also").

The back matter (references, glossary, how to cite, provenance, colophon, located claims) lists,
not discusses, so its text is not indexed. An index entry is invisible: no character of the text
changes (the index and its link target sit between two pieces of one text).
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from litreview.core import bib
from litreview.core.doctree import ancestors
from litreview.core.errors import IndexTopicsError
from litreview.review.indextopics import IndexTopics, Topic, fold, load_index_topics
from litreview.sphinxext import bookdata
from litreview.sphinxext.seedcite import seedcite_node
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)

#: Pages whose own text is not indexed: the back matter lists, not discusses.
NOT_INDEXED = ("references", "glossary", "how-to-cite", "provenance", "colophon", "located-claims")
#: Where no index entry goes: titles and captions (moving arguments in LaTeX), code, links (a
#: printed reference marker's too), what only one edition shows.
SKIP_INSIDE = (
    nodes.title, nodes.subtitle, nodes.caption, nodes.rubric, nodes.term, nodes.literal,
    nodes.literal_block, nodes.raw, nodes.comment, nodes.math, nodes.target, nodes.reference,
    addnodes.pending_xref, addnodes.index, addnodes.only, seedcite_node,
)  # fmt: skip


def topics_path(app: Sphinx) -> Path:
    return Path(app.srcdir) / app.config.litreview_index_topics


#: Per build: the topics file's state (modification time, size) and what was read from it.
_LOADED: weakref.WeakKeyDictionary[Sphinx, tuple[tuple[int, int], IndexTopics | None]] = (
    weakref.WeakKeyDictionary()
)


def load(app: Sphinx) -> IndexTopics | None:
    """The topics (none when the book has no such file), or None, with a warning at the file's
    line (once per build), when the file is wrong. Read once per build while the file is unchanged."""
    path = topics_path(app)
    if not path.is_file():
        return IndexTopics((), ())
    stat = path.stat()
    state = (stat.st_mtime_ns, stat.st_size)
    if app in _LOADED and _LOADED[app][0] == state:
        return _LOADED[app][1]
    topics: IndexTopics | None
    try:
        topics = load_index_topics(path)
    except IndexTopicsError as exc:
        warn(logger, LitreviewWarnings.INDEX, "%s", exc.message, location=f"{exc.path}:{exc.line or 0}")
        topics = None
    _LOADED[app] = (state, topics)
    return topics


def _entry(text: str, main: str = "") -> tuple[str, str, str, str, None]:
    return ("single", text, "", main, None)


class BookIndex(SphinxTransform):
    """Index a page's topics and citations, and the glossary's variant spellings (see the module)."""

    default_priority = 840  # after SmartQuotes (750); before SphinxDomains (850) collects the index

    def apply(self, **kwargs: Any) -> None:
        app = bookdata.app_of(self.env)
        if topics_path(app).is_file():  # a missing dependency would count as changed on every build
            self.env.note_dependency(str(topics_path(app)))
        topics = load(app)
        if topics is None:
            return
        docname = self.env.docname
        if docname == "glossary":
            self.glossary(topics)
        if docname in NOT_INDEXED:
            return
        entries = bookdata.bib_data(self.env).entries
        own_key = bookdata.article_key(self.env, docname) if bookdata.is_article_chapter(docname) else ""
        makers = {
            meta.key: [name.inverted for name in bib.makers(entries[meta.key])]
            for meta in bookdata.seeds(self.env)
            if meta.key in entries
        }
        where = self.page_title()
        # in an article's chapter a topic is that article's ("Sear on"); elsewhere the editors'
        on = f"{bib.cited_name(entries[own_key])} on" if own_key in entries else ""
        self.index_citations(makers, own_key, where)
        self.index_terms(topics, on)
        self.index_words(topics, on)
        if own_key in makers:
            self.index_opening(makers[own_key])

    # -- what is indexed ---------------------------------------------------------------------------

    def page_title(self) -> str:
        """The page's name as the book prints it: the preface for the front page, else its title."""
        if self.env.docname == self.config.root_doc:
            return str(getattr(self.config, "litreview_epub_preface", "Preface"))
        title = self.document.next_node(nodes.title)
        return title.astext() if title is not None else self.env.docname

    def index_citations(self, makers: dict[str, list[str]], own_key: str, where: str) -> None:
        """Each citation of an article, under its makers (a subentry per citing chapter)."""
        for xref in list(self.document.findall(addnodes.pending_xref)):
            if xref.get("refdomain") != "cite" or self._skipped(xref):
                continue
            try:
                keys = [target.key for target in parse_citation_targets(xref["reftarget"])]
            except ValueError:
                continue
            names = dict.fromkeys(
                name if key == own_key else f"{name}; {where}" for key in keys for name in makers.get(key, [])
            )
            if names:
                self._insert_before(xref, [_entry(n) for n in names])

    def index_terms(self, topics: IndexTopics, on: str) -> None:
        """Each glossary term our text links, under its topic's heading."""
        for xref in list(self.document.findall(addnodes.pending_xref)):
            if xref.get("reftype") != "term" or self._skipped(xref):
                continue
            topic = topics.topic_named(xref["reftarget"])
            if topic is None and topics_path(bookdata.app_of(self.env)).is_file():
                warn(
                    logger, LitreviewWarnings.INDEX,
                    "the glossary term %r has no heading in %s", xref["reftarget"],
                    self.config.litreview_index_topics, location=xref,
                )  # fmt: skip
                continue
            if topic is not None:
                self._insert_before(xref, [self._topic_entry(topic, on)])

    def index_words(self, topics: IndexTopics, on: str) -> None:
        """Each topic where a paragraph first names it (a term link counts as naming it)."""
        pattern = topics.pattern()
        if pattern is None:
            return
        seen: set[tuple[int, str]] = set()
        for index in self.document.findall(addnodes.index):
            for _kind, value, *_rest in index["entries"]:
                seen.add((id(self._block(index)), value.partition(";")[0].strip()))
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or self._skipped(text):
                continue
            block = id(self._block(text))
            pieces: list[nodes.Node] = []
            start = 0
            for match in pattern.finditer(str(text)):
                topic = topics.topic_of(match.group())
                if topic is None or (block, topic.heading) in seen:
                    continue
                seen.add((block, topic.heading))
                pieces += [
                    nodes.Text(str(text)[start : match.start()]),
                    *self._marker([self._topic_entry(topic, on)]),
                ]
                start = match.start()
            if not pieces:
                continue
            pieces.append(nodes.Text(str(text)[start:]))
            parent.replace(text, [p for p in pieces if not isinstance(p, nodes.Text) or str(p)])

    def index_opening(self, names: list[str]) -> None:
        """The article's makers at the opening of its chapter, its main entry (in bold on paper)."""
        section = self.document.next_node(nodes.section)
        if section is not None and section.children and isinstance(section[0], nodes.title):
            target_id = f"index-{self.env.new_serialno('index')}"
            section.insert(1, nodes.target("", "", ids=[target_id]))
            section.insert(1, addnodes.index(entries=[("single", n, target_id, "main", None) for n in names]))

    def glossary(self, topics: IndexTopics) -> None:
        """A term's other spellings "see" its one heading; the file's variants and related headings."""
        see: dict[str, str] = {}
        for item in self.document.findall(nodes.definition_list_item):
            terms = [t for t in item.children if isinstance(t, nodes.term)]
            spellings = [t.astext() for t in terms]
            topic = next((t for s in spellings if (t := topics.topic_named(s))), None)
            heading = topic.heading if topic else spellings[0]
            for term in terms:
                for index in term.findall(addnodes.index):
                    kept = []
                    for kind, value, *rest in index["entries"]:
                        if kind != "single":
                            kept.append((kind, value, *rest))
                        elif fold(value) == fold(heading):
                            kept.append((kind, heading, *rest))  # the definition, under the one heading
                        else:
                            see[value] = heading
                    index["entries"] = kept
        for topic in (*topics.topics, *topics.names):
            see.update(dict.fromkeys(topic.see, topic.heading))
        entries = [("see", f"{variant}; {heading}", "", "", None) for variant, heading in see.items()]
        entries += [
            ("seealso", f"{topic.heading}; {also}", "", "", None)
            for topic in topics.topics
            for also in topic.also
        ]
        section = self.document.next_node(nodes.section)
        if entries and section is not None:
            section.insert(1, addnodes.index(entries=entries, inline=False))

    # -- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _topic_entry(topic: Topic, on: str) -> tuple[str, str, str, str, None]:
        return _entry(f"{topic.heading}; {on}" if on else topic.heading)

    @staticmethod
    def _skipped(node: nodes.Node) -> bool:
        return any(isinstance(a, SKIP_INSIDE) for a in ancestors(node))

    @staticmethod
    def _block(node: nodes.Node) -> nodes.Node:
        """The paragraph (or other body element) a piece of text belongs to."""
        return next(
            (
                a
                for a in ancestors(node)
                if isinstance(a, nodes.TextElement) and not isinstance(a, nodes.Inline)
            ),
            node,
        )

    def _marker(self, entries: list[tuple[str, str, str, str, None]]) -> list[nodes.Node]:
        """An index node and its link target, as Sphinx's ``{index}`` role makes them."""
        target_id = f"index-{self.env.new_serialno('index')}"
        index = addnodes.index(entries=[(k, v, target_id, m, c) for k, v, _t, m, c in entries], inline=True)
        return [index, nodes.target("", "", ids=[target_id])]

    def _insert_before(self, node: nodes.Element, entries: list[tuple[str, str, str, str, None]]) -> None:
        parent = node.parent
        at = parent.index(node)
        for offset, marker in enumerate(self._marker(entries)):
            parent.insert(at + offset, marker)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.add_config_value("litreview_index_topics", "index-topics.yaml", "env", types=frozenset({str}))
    app.add_transform(BookIndex)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
