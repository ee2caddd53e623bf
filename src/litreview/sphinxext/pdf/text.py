"""LaTeX transforms for running text: breakable addresses, index headwords, empty notes sections, and
punctuation kept with the word before it."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from litreview.core.doctree import ancestors
from litreview.sphinxext.pdf.tex import SKIP_INSIDE, raw_inline, tex_url

# -- LaTeX: a notes heading left empty once the notes went to the foot of their pages ------------


class DropEmptySections(SphinxPostTransform):
    """Remove a section left with nothing but its heading (an article's "Notes" once LaTeX has set
    each note at the foot of the page that calls it)."""

    default_priority = 650  # after Sphinx's LaTeXFootnoteTransform (600) moved the footnotes
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for section in list(self.document.findall(nodes.section)):
            rest = [
                n for n in section.children if not isinstance(n, (nodes.title, nodes.target, nodes.comment))
            ]
            if section.parent is not None and not rest:
                section.parent.remove(section)


# -- LaTeX: one index headword however its entry was written ------------------------------------


class IndexHyphens(SphinxPostTransform):
    """Write an index entry's hyphen as U+2010 (the same glyph), not Sphinx's ``\\sphinxhyphen{}``.

    An entry inside a glossary term reaches the index file as ``\\sphinxhyphen {}``, one written in the
    text as ``\\sphinxhyphen{}``: the index then prints "E-government" twice.
    """

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(addnodes.index):
            node["entries"] = [
                (kind, value.replace("-", "\u2010"), *rest) for kind, value, *rest in node["entries"]
            ]


def running_text(document: nodes.document) -> list[tuple[nodes.Text, nodes.Element]]:
    """Each piece of running text and its parent: not inside code, raw LaTeX, math, a comment or a
    target, whose characters LaTeX must get as they are."""
    return [
        (text, text.parent)
        for text in document.findall(nodes.Text)
        if text.parent is not None and not any(isinstance(a, SKIP_INSIDE) for a in ancestors(text))
    ]


# -- LaTeX: addresses printed in running text may break at any character (xurl) -----------------

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"“”‘’]+")


def _url_end(url: str) -> str:
    """The address without the sentence's punctuation after it ("…/247593)." → "…/247593")."""
    url = url.rstrip(".,;:!?")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?")
    return url


class BreakableUrls(SphinxPostTransform):
    """Set every address printed as text (a note as the article printed it) as a URL, so xurl can
    break it at any character instead of running it into the margin."""

    default_priority = 890
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text, parent in running_text(self.document):
            if "://" not in text:
                continue
            if isinstance(parent, nodes.reference) and parent.get("refuri") == str(text):
                continue  # Sphinx sets it as a URL already
            new: list[nodes.Node] = []
            pos = 0
            for match in URL_IN_TEXT.finditer(text):
                url = _url_end(match.group())
                new += [
                    nodes.Text(text[pos : match.start()]),
                    raw_inline(rf"\sphinxnolinkurl{{{tex_url(url)}}}"),
                ]
                pos = match.start() + len(url)
            if new:
                new.append(nodes.Text(text[pos:]))
                parent.replace(text, [n for n in new if not isinstance(n, nodes.Text) or str(n)])


# -- LaTeX: no line or page opens with a stray space's punctuation ------------------------------

#: A space the text prints before a closing punctuation mark ("Leningrad .", as the article has it).
SPACE_BEFORE_PUNCTUATION = re.compile(r" +(?=[.,;:!?)\]](?:\s|$))")
#: The space between an abbreviation and its number ("para. 3", "pp. 52", "§ 3.2", "no. 8").
SPACE_BEFORE_NUMBER = re.compile(r"(\b(?:paras?|pp?|no|vol)\.|§) (?=\d)")


class KeepPunctuationWithItsWord(SphinxPostTransform):
    """A space an article prints before its punctuation ("Leningrad .") is kept, but as a space no
    line may break at: a line, or a page, never opens with the full stop. So is the space between
    "para.", "p." or "§" and its number."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text, parent in running_text(self.document):
            kept = SPACE_BEFORE_NUMBER.sub("\\1\u00a0", SPACE_BEFORE_PUNCTUATION.sub("\u00a0", str(text)))
            if kept != str(text):
                parent.replace(text, nodes.Text(kept))
