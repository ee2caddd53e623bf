"""Sphinx extension: the PDF and EPUB editions' structure and fixes, and the HTML's download links.

``conf.py`` reads :func:`tex` and :func:`latex_preamble` for its LaTeX settings; where the editions
land is :mod:`litreview.core.editions`; building them (latexmk, epubcheck) is
:mod:`litreview.tools.editions`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape as _texescape

from litreview.core.book import Book
from litreview.core.cyrillic import CYRILLIC_RUN, ancestors, split_cyrillic
from litreview.core.editions import DOWNLOADS_DIR, EDITIONS
from litreview.core.files import copy_atomic
from litreview.sphinxext import bookdata

logger = logging.getLogger(__name__)

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


def latex_preamble(book: Book) -> str:
    """Preamble lines: Russian as second language, PDF metadata from the book's facts, caption-safe links."""
    return "\n".join([
        r"\setotherlanguage{russian}",
        # Sphinx names the table of contents after the first toctree caption; a book says "Contents".
        r"\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}",
        r"\DeclareRobustCommand{\litrussian}[1]{\foreignlanguage{russian}{#1}}",
        r"\pdfstringdefDisableCommands{\let\litrussian\@firstofone}",
        # A citation in a caption or heading is a \hyperlink inside a moving argument: make it robust.
        r"\MakeRobust{\hyperlink}",
        # A glyph missing from the font is an error, not a silently dropped letter.
        r"\tracinglostchars=3",
        # A paragraph never leaves its last one or two lines alone at the top of a page.
        r"\widowpenalties 3 10000 10000 0",
        r"\setlength{\headheight}{14pt}",  # room for the running head in 11pt (fancyhdr asks for it)
        # Tables in the text's typeface (Sphinx sets heads in sans serif), ragged right (LatexTables).
        r"\usepackage{ragged2e}",
        r"\usepackage{xurl}",  # an address may break after any character (BreakableUrls)
        r"\protected\def\sphinxstyleindexentry#1{#1}",  # index headwords in the text's face, not typewriter
        r"\protected\def\sphinxstyletheadfamily{\bfseries}",
        # Sphinx wraps each cell in varwidth, which sets text justified: start its paragraphs ragged.
        r"\makeatletter\newcommand{\litraggedcells}{\let\lit@atstartpar\sphinxAtStartPar"
        r"\def\sphinxAtStartPar{\RaggedRight\lit@atstartpar}}\makeatother",
        r"\hypersetup{",
        f"  pdfsubject={{{tex(book.abstract)}}},",
        f"  pdfkeywords={{{tex(', '.join(book.keywords))}}},",
        r"  pdflang={en},",
        r"}",
        r"\makeatletter",
        # A link to an entry of the merged bibliography (e.g. a marker as the article printed it)
        # points at its id; give every \bibitem that id as a label too.
        r"\let\lit@bibitem\bibitem",
        r"\RenewDocumentCommand{\bibitem}{o m}",
        r"  {\IfValueTF{#1}{\lit@bibitem[#1]{#2}}{\lit@bibitem{#2}}\label{#2}}",
        # A part title with its introduction on the same page (the hub page of a group of chapters).
        r"\newcommand{\litpart}[1]{\begingroup\let\@endpart\relax\part{#1}\endgroup}",
        r"\newcommand{\litunnumbered}{\edef\lit@secnumdepth{\the\c@secnumdepth}\setcounter{secnumdepth}{-2}}",
        r"\newcommand{\litnumbered}{\setcounter{secnumdepth}{\lit@secnumdepth}}",
        # An article's chapter keeps the article's own headings ("1 Introduction"): a number of ours
        # in front ("10.1 1 Introduction") would be read as the article's. The chapter stays numbered.
        r"\newcommand{\litownheadings}{\edef\lit@sectiondepth{\the\c@secnumdepth}\setcounter{secnumdepth}{0}}",
        r"\newcommand{\litourheadings}{\setcounter{secnumdepth}{\lit@sectiondepth}}",
        # A running foot holds one line: a long chapter or section title is cut with an ellipsis.
        r"\usepackage{truncate}",
        r"\newcommand{\litfoot}[1]{{\py@HeaderFamily\truncate{\dimexpr\textwidth-4em}{\nouppercase{#1}}}}",
        r"\let\lit@psnormal\ps@normal",
        r"\def\ps@normal{\lit@psnormal",
        r"  \fancyfoot[LO]{\litfoot{\rightmark}}\if@twoside\fancyfoot[RE]{\litfoot{\leftmark}}\fi}",
        # The preface is front matter: its pages go on in roman after the contents; page 1 is the
        # first part's. Sphinx's contents switch to arabic at once; ours note where roman stopped.
        r"\renewcommand{\sphinxtableofcontents}{\pagenumbering{roman}\begingroup\parskip\z@skip",
        r"  \sphinxtableofcontentshook\tableofcontents\endgroup",
        r"  \if@openright\cleardoublepage\else\clearpage\fi",
        r"  \xdef\lit@frontpage{\the\c@page}\pagenumbering{arabic}}",
        r"\newcommand{\litfrontmatter}{\pagenumbering{roman}\setcounter{page}{\lit@frontpage}}",
        r"\newcommand{\litmainmatter}{\if@openright\cleardoublepage\else\clearpage\fi\pagenumbering{arabic}}",
        # The merged bibliography stays in its own chapter ("References"), without a second heading.
        # Author-year: an entry opens with what its citation prints, so no "[Label]" goes before it;
        # its later lines hang.
        r"\renewenvironment{sphinxthebibliography}[1]{%",
        r"  \list{}{\labelwidth\z@\labelsep\z@\leftmargin1.5em\itemindent-\leftmargin",
        r"    \usecounter{enumiv}\let\p@enumiv\@empty\renewcommand\theenumiv{\@arabic\c@enumiv}}%",
        r"  \def\@biblabel##1{}%",
        r"  \sloppy\clubpenalty4000\@clubpenalty\clubpenalty\widowpenalty4000\sfcode`\.\@m}",
        r"  {\def\@noitemerr{\@latex@warning{Empty `thebibliography' environment}}\endlist}",
        r"\makeatother",
        "",
    ])  # fmt: skip


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
                        nodes.raw("", r"\litrussian{", format="latex"),
                        nodes.Text(piece),
                        nodes.raw("", "}", format="latex"),
                    ]
                else:
                    new.append(nodes.Text(piece))
            parent.replace(text, new)


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


# -- LaTeX: addresses printed in running text may break at any character (xurl) -----------------

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"“”‘’]+")


def _url_end(url: str) -> str:
    """The address without the sentence's punctuation after it ("…/247593)." → "…/247593")."""
    url = url.rstrip(".,;:!?")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?")
    return url


def tex_url(url: str) -> str:
    """An address for \\sphinxnolinkurl inside any argument: the characters TeX would act on escaped."""
    return (
        url.replace("\\", "/").replace("{", "%7B").replace("}", "%7D").replace("#", r"\#").replace("%", r"\%")
    )


class BreakableUrls(SphinxPostTransform):
    """Set every address printed as text (a note as the article printed it) as a URL, so xurl can
    break it at any character instead of running it into the margin."""

    default_priority = 890
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if (
                parent is None
                or "://" not in text
                or any(isinstance(a, SKIP_INSIDE) for a in ancestors(text))
            ):
                continue
            if isinstance(parent, nodes.reference) and parent.get("refuri") == str(text):
                continue  # Sphinx sets it as a URL already
            new: list[nodes.Node] = []
            pos = 0
            for match in URL_IN_TEXT.finditer(text):
                url = _url_end(match.group())
                new += [
                    nodes.Text(text[pos : match.start()]),
                    _inline_raw(rf"\sphinxnolinkurl{{{tex_url(url)}}}"),
                ]
                pos = match.start() + len(url)
            if new:
                new.append(nodes.Text(text[pos:]))
                parent.replace(text, [n for n in new if not isinstance(n, nodes.Text) or str(n)])


def _inline_raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex, format="latex")


# -- LaTeX: tables that break across pages, with ragged-right columns as wide as their content -------

#: Characters of table text a line holds (10pt FreeSerif, about 4.5pt a character, in 453pt).
TABLE_LINE_CHARS = 100
#: What each column's padding (two \tabcolsep of 4pt, set with the table) costs, in characters.
TABLE_PADDING_CHARS = 1.8
UNBREAKABLE = re.compile(r"[^\s\-–—/]+")
PUNCTUATION = "()[]{},.;:!?“”‘’\"'"
HYPHENATED_PART = 6  # the longest piece a long word is left with once hyphenated


def _word_room(word: str) -> float:
    """Characters a word needs on one line: a long word may hyphenate (the cells are \\RaggedRight),
    a number or short word may not; wide letters (W, M, bold heads) need more than the average."""
    word = word.strip(PUNCTUATION)
    length = (
        min(len(word), HYPHENATED_PART) if word.isalpha() and len(word) > HYPHENATED_PART + 2 else len(word)
    )
    return length * 1.12 + 0.6


def column_widths(columns: list[list[str]], line: float = TABLE_LINE_CHARS) -> list[float]:
    """Fractions of the line width for each column, from its cells' text (as browsers lay out tables).

    Every column gets at least its longest word; what is left goes to the columns in proportion to
    how much more than that their longest cell needs. Columns that fit on one line get just that (the
    fractions then add up to less than 1: a narrow table stays narrow).
    """
    least = [
        max((_word_room(w) for c in col for w in UNBREAKABLE.findall(c)), default=1.0) for col in columns
    ]
    most = [max(max((len(c) for c in col), default=1), lo) for col, lo in zip(columns, least, strict=True)]
    room = line - TABLE_PADDING_CHARS * len(columns)
    if sum(most) <= room:
        widths = [float(m) for m in most]
    elif sum(least) >= room:  # too many columns: every word gets its share and may hyphenate
        widths = [lo * room / sum(least) for lo in least]
    else:
        share = (room - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (m - lo) * share for lo, m in zip(least, most, strict=True)]
    return [(w + TABLE_PADDING_CHARS) / line for w in widths]


class LatexTables(SphinxPostTransform):
    """Every table as a longtable (it breaks across pages, its head repeats) with ragged-right
    columns sized by their content, in the text's typeface at \\small."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            tgroup = next((c for c in table.children if isinstance(c, nodes.tgroup)), None)
            if tgroup is None or any(
                e.get("morecols") or e.get("morerows") for e in tgroup.findall(nodes.entry)
            ):
                continue  # spanning cells: leave the table to Sphinx
            columns: list[list[str]] = [[] for _ in range(int(tgroup["cols"]))]
            for row in tgroup.findall(nodes.row):
                for i, entry in enumerate(e for e in row.children if isinstance(e, nodes.entry)):
                    columns[i].append(" ".join(entry.astext().split()))
            spec = "".join(rf">{{\RaggedRight\arraybackslash}}\Y{{{w:.3f}}}" for w in column_widths(columns))
            table["classes"] = [c for c in table["classes"] if c != "colwidths-given"] + ["longtable"]
            parent = table.parent
            at = parent.index(table)
            parent.insert(at, addnodes.tabular_col_spec(spec=spec))
            parent.insert(at, _raw(r"\begingroup\small\setlength{\tabcolsep}{4pt}\litraggedcells"))
            parent.insert(parent.index(table) + 1, _raw(r"\endgroup"))


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
            (t.get("caption") or "", [str(f) for f in t["includefiles"]])
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
                [_raw(r"\litunnumbered\litfrontmatter"), section, _raw(r"\litnumbered\litmainmatter")]
            )
        for caption, docnames in toctrees:
            members = [sofs.pop(d) for d in dict.fromkeys(docnames) if d in sofs]
            if caption and len(members) >= 2 and not any(self._is_hub(m) for m in members):
                root.append(_raw(rf"\litpart{{{tex_russian(caption)}}}"))
            for sof in members:
                root.extend(self._hub_as_part(sof) if self._is_hub(sof) else [sof])
        for sof in [n for n in root.children if isinstance(n, addnodes.start_of_file)]:
            if bookdata.is_article_chapter(sof["docname"]):
                sof.parent.insert(sof.parent.index(sof), _raw(r"\litownheadings"))
                sof.parent.insert(sof.parent.index(sof) + 1, _raw(r"\litourheadings"))

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
        part += _raw(rf"\litpart{{{tex_russian(section[0].astext())}}}{labels}")
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


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex + "\n", format="latex")


# -- HTML: download links to the PDF and EPUB ---------------------------------------------------


class book_downloads(nodes.General, nodes.Element):
    """Where the download links go; filled in when the page is written, for the HTML builder only."""


class BookDownloads(SphinxDirective):
    """``{book-downloads}``: links to the PDF and EPUB editions that exist when the HTML is written."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [book_downloads()]


def rewrite_when_editions_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: every page offers the editions that exist (its download menu, and the
    front page its links), made when the page is written: when the set of editions changed since
    the last build, write every page again (none is read again)."""
    if not bookdata.is_web_html(app):
        return []
    present = tuple(label for label, path in EDITIONS.items() if (Path(app.confdir) / path).is_file())
    return sorted(env.found_docs) if bookdata.editions_changed(env, present) else []


class ResolveDownloads(SphinxPostTransform):
    """Turn the marker into "Download this book: PDF · EPUB" (HTML, when built) or nothing."""

    default_priority = 500

    def run(self, **kwargs: Any) -> None:
        for marker in list(self.document.findall(book_downloads)):
            links = []
            if bookdata.app_of(self.env).builder.name == "html":
                root = Path(bookdata.app_of(self.env).confdir)
                links = [(label, p.name) for label, p in EDITIONS.items() if (root / p).is_file()]
            if not links:
                marker.parent.remove(marker)
                continue
            prefix = "../" * self.env.docname.count("/")
            para = nodes.paragraph("", "Download this book: ", classes=["book-downloads"])
            for i, (label, name) in enumerate(links):
                if i:
                    para += nodes.Text(" · ")
                para += nodes.reference(label, label, refuri=f"{prefix}{DOWNLOADS_DIR}/{name}")
            marker.replace_self(para)


def add_to_download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Offer the whole book (PDF, EPUB, when built) in the theme's download menu on every page too."""
    if not bookdata.is_web_html(app):
        return
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    for label, path in EDITIONS.items():
        if (Path(app.confdir) / path).is_file():
            group["buttons"].append({
                "type": "link",
                "url": context["pathto"](f"{DOWNLOADS_DIR}/{path.name}", 1),
                "text": f"Book ({label})",
                "tooltip": f"Download the whole book as {label}",
                "icon": "fas fa-book",
                "label": f"download-book-{label.lower()}-button",
            })  # fmt: skip


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Copy the PDF and EPUB (when built) into <html>/downloads/, beside the pages that link them."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    target = Path(app.outdir) / DOWNLOADS_DIR
    for path in EDITIONS.values():
        source = Path(app.confdir) / path
        if source.is_file():
            copy_atomic(source, target / path.name)


# -- EPUB: what epubcheck rejects in Sphinx's output ---------------------------------------------

SVG_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.S)
SVG_PATH_WITHOUT_D = re.compile(r"<path\b(?![^>]*\sd=)([^>]*?)(/?)>")


def epub_safe_svg(text: str) -> str:
    """Drop the DOCTYPE (EPUB 3 forbids external entities) and give an empty ``d`` to bare paths.

    Matplotlib writes both: a DOCTYPE pointing at the SVG 1.1 DTD, and the glyph of a space as a
    ``<path>`` without ``d``; epubcheck reports each as an error.
    """
    text = SVG_DOCTYPE.sub("", text, count=1)
    return SVG_PATH_WITHOUT_D.sub(r'<path d=""\1\2>', text)


def _prepare_epub(builder: Any) -> None:
    """Before the EPUB is zipped: make its SVG images valid, keep the doctree cache out of it."""
    outdir = Path(builder.outdir)
    for svg in sorted((outdir / builder.imagedir).glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        if (fixed := epub_safe_svg(text)) != text:
            svg.write_text(fixed, encoding="utf-8")
    doctrees = Path(builder.doctreedir)
    excluded = [".buildinfo.bak"]  # Sphinx keeps the previous build's info there when the config changed
    if doctrees.is_relative_to(outdir):
        excluded += [p.relative_to(outdir).as_posix() for p in doctrees.rglob("*") if p.is_file()]
    builder.config.epub_exclude_files = [*builder.config.epub_exclude_files, *excluded]


def wrap_epub_finish(app: Sphinx) -> None:
    """Run :func:`_prepare_epub` just before Sphinx's EPUB builder writes the package."""
    if not app.builder.name.startswith("epub"):
        return
    builder = app.builder
    original = builder.handle_finish

    def handle_finish() -> None:
        _prepare_epub(builder)
        original()

    builder.handle_finish = handle_finish


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("litreview.sphinxext.bookdata")
    app.add_node(bibliography_here)
    app.add_post_transform(BookStructure)
    app.add_post_transform(LatexTables)
    app.add_post_transform(MarkBibliography)
    app.add_post_transform(PlaceBibliography)
    app.add_post_transform(RussianSpans)
    app.add_post_transform(BreakableUrls)
    app.add_post_transform(DropEmptySections)
    app.add_post_transform(IndexHyphens)
    app.add_node(book_downloads)
    app.add_directive("book-downloads", BookDownloads)
    app.add_post_transform(ResolveDownloads)
    app.connect("env-get-updated", rewrite_when_editions_change)
    app.connect("build-finished", copy_downloads)
    app.connect("html-page-context", add_to_download_menu, priority=510)
    app.connect("builder-inited", wrap_epub_finish)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
