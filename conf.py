"""Sphinx configuration for the book; sources live in book/ (sphinx-build -c . book _build/html)."""

import os
from pathlib import Path

from litreview.core import rights
from litreview.core.book import load_book
from litreview.core.outputs import FILE_STEM
from litreview.sphinxext.pdf.preamble import latex_preamble
from litreview.sphinxext.pdf.tex import tex

ROOT = Path(__file__).resolve().parent

# -- Project facts: read from CITATION.cff, their one home, so no title or editor is typed twice.
BOOK = load_book(ROOT / "CITATION.cff")
project = BOOK.title
author = ", ".join(BOOK.editor_names)
copyright = rights.rights_line(BOOK)  # the short rights line; the colophon page says the rest
version = release = BOOK.version
language = "en"
today_fmt = "%d %B %Y"

# -- Extensions: MyST for the sources, bibtex for citations, our own for what no extension does.
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "litreview.sphinxext.bookdata",  # the book's facts, the seeds and refs.bib, read once per build
    "litreview.sphinxext.bibbinding",  # "Works cited" in printed order; "2002a/2002b" letters
    "litreview.sphinxext.rolelines",  # a MyST role's warnings name its own line, not its paragraph's
    "litreview.sphinxext.citepopover",  # citation popovers (hover/focus, Escape)
    "litreview.sphinxext.cyrillic",  # Cyrillic as Russian: lang="ru" (HTML), \litrussian (LaTeX)
    "litreview.sphinxext.theme",  # the theme on phones and laptops: tables, focus rings, search, copy buttons
    "litreview.sphinxext.howtocite",  # "How to cite": the book, review chapters, original articles
    "litreview.sphinxext.citemeta",  # Scholar/Zotero/Dublin Core meta tags, OpenGraph and sitemap.xml
    "litreview.sphinxext.citedin",  # "cited in" links and COinS on the References page
    "litreview.sphinxext.exports",  # refs.bib and refs.json (CSL-JSON) in the HTML output, for download
    "litreview.sphinxext.seedcite",  # {seedcite}: reference markers as the articles printed them, linked
    "litreview.sphinxext.paragraphs",  # {para}: an article paragraph's number in the margin, #para-N
    "litreview.sphinxext.locators",  # "para. 14" in a citation: linked, checked, shown; back-links
    "litreview.sphinxext.locatedclaims",  # {located-claims}: the review's located claims, by article and ¶
    "litreview.sphinxext.corpus",  # {corpus-table}: the review's table of the articles, counted from seeds/
    "litreview.sphinxext.timeline",  # {timeline-figure}/{timeline-table}: from book/review/timeline.yaml
    "litreview.sphinxext.bookindex",  # the index in every edition: book/index-topics.yaml, the makers
    "litreview.sphinxext.numbering",  # chapters 1, 2, … across the parts, as the PDF; back matter unnumbered
    "litreview.sphinxext.pdf",  # the PDF: litreview.sty, book structure, tables, breakable addresses
    "litreview.sphinxext.epub",  # the EPUB: its stylesheet, and what epubcheck rejects in Sphinx's output
    "litreview.sphinxext.downloads",  # the HTML's links to the PDF and EPUB
    "litreview.sphinxext.colophon",  # rights and colophon: its page, the web footer, the PDF verso, the EPUB
    "litreview.sphinxext.epubaccess",  # EPUB: lang on every page, accessibility metadata, ARIA roles
    "litreview.sphinxext.cover",  # EPUB: a cover drawn from the book's facts, the same every build
    "litreview.sphinxext.epubnav",  # EPUB: the contents grouped by part, "Preface", the index, landmarks
    "litreview.sphinxext.searchentries",  # a rebuild's search index as a clean build writes it (a Sphinx fix)
    "litreview.speedups.bibcache",  # speed: formatted references kept between builds (same output)
    "litreview.speedups.fastnav",  # speed: the sidebar tree rendered once per build (same output)
    "litreview.speedups.fignumbers",  # speed: no figure renumbering when no page was read (same output)
    "litreview.speedups.gcfreeze",  # speed: the garbage collector kept off the loaded environment
    "litreview.speedups.refpage",  # speed: References entries kept as HTML between builds (same output)
]
exclude_patterns = ["_build", ".DS_Store"]
numfig = True  # figures and tables are numbered, so the review can refer to "Figure 1"
numfig_secnum_depth = 1  # within their chapter, "Table 3.1", in all three editions
nitpicky = True

# -- MyST: only the syntax extensions the book uses, each on purpose.
myst_enable_extensions = [
    "colon_fence",  # ::: fences for admonitions, readable as plain Markdown
    "deflist",  # the glossary's term/definition lists
    "attrs_inline",  # {.class} and {#id} on inline text (lang="ru" on Cyrillic is added for you)
    "attrs_block",  # ids and classes on generated blocks
    "substitution",  # the book's facts in prose, e.g. {{ book_title }}
]
myst_heading_anchors = 3  # stable #anchors for section headings, linkable from outside
myst_footnote_transition = False  # the chapters place their own notes heading
myst_footnote_sort = False  # an article's notes stay under its "Notes" heading, not after "Works cited"
myst_substitutions = {"book_title": BOOK.title, "book_editors": author, "book_version": BOOK.version}

# -- Bibliography: one merged refs.bib (paths are relative to this file).
bibtex_bibfiles = ["refs.bib"]
bibtex_encoding = "utf-8"
bibtex_default_style = (
    "litreview"  # litreview.bibstyle.formatting: titles as written, sorted by surname (Ё as Е)
)
bibtex_reference_style = "litreview"  # "Rogers (2003)" / "(Rogers 2003)", not alpha labels
bibtex_cite_id = "cite-{key}"  # stable anchors: references.html#cite-<key>
bibtex_tooltips = True  # each citation's title attribute holds its formatted reference
litreview_seeds_dir = "seeds"  # the raw articles and their metadata (litreview.sphinxext.bookdata)
litreview_citation_cff = "CITATION.cff"  # the book's own facts

# -- HTML: the book theme with its repository and download buttons.
html_theme = "sphinx_book_theme"
html_title = BOOK.title
# The book's address: CITATION.cff's `url` once published, else BOOK_BASEURL, else none (nothing pretends).
html_baseurl = rights.address(BOOK)
html_last_updated_fmt = "%d %B %Y"
html_static_path = []
# The theme's sidebar, and the book's index after the back matter (litreview.sphinxext.theme's template).
html_sidebars = {
    "**": ["navbar-logo.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html",
           "lit-sidebar-index.html"]
}  # fmt: skip
html_theme_options = {
    "repository_url": os.environ.get("BOOK_REPOSITORY_URL", ""),
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": bool(os.environ.get("BOOK_REPOSITORY_URL")),
    "use_source_button": bool(os.environ.get("BOOK_REPOSITORY_URL")),
    "use_download_button": True,
    "home_page_in_toc": False,  # the sidebar's title is the link home: the title shows once
    "show_navbar_depth": 2,  # the five articles listed under "The articles", not behind an arrow
    "show_toc_level": 2,
    # The rights line and a link to the colophon replace the theme's "© Copyright" line.
    "footer_content_items": ["author.html", "rights.html", "last-updated.html", "extra-footer.html"],
}

# -- LaTeX/PDF: xelatex, because pdflatex cannot set the Cyrillic that the articles and references print.
latex_engine = "xelatex"
latex_documents = [("index", f"{FILE_STEM}.tex", tex(BOOK.title),
                    r" \and ".join(map(tex, BOOK.editor_names)), "manual")]  # fmt: skip
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "cmappkg": "",  # xelatex writes Unicode text maps itself
    "releasename": "Version",
    "maketitle": f"\\date{{{BOOK.date_released.day} {BOOK.date_released:%B %Y}}}\\sphinxmaketitle",
    "preamble": latex_preamble(BOOK),  # litreview.sty (pdf/), then the PDF's Subject/Keywords
    "figure_align": "tbp",  # text fills the page before a tall figure; pdf.tables keeps it before a table
}
latex_show_urls = "inline"  # a printed page cannot be clicked: "original page (https://…)", not a
# numbered note that would run in one series with the chapter's own notes

# -- EPUB: the same content for e-readers, metadata from the book's facts, no web theme inside.
epub_basename = FILE_STEM
epub_title = BOOK.title
epub_author = epub_publisher = epub_contributor = author
epub_copyright = copyright  # the EPUB's dc:rights: the short rights line
epub_description = BOOK.abstract
epub_uid = epub_identifier = f"{FILE_STEM}-{BOOK.version}"  # the NCX repeats the OPF's one ID
epub_show_urls = "no"  # links stay clickable; the bibliography prints every address
epub_tocscope = "includehidden"  # the front page's toctrees are hidden (the sidebar shows them): list them
epub_tocdepth = 2  # every page, and the sections of the review's chapters
epub_tocdup = False  # a chapter with sections is listed once, not again as its own first section
epub_cover = ("_static/cover.png", "lit-epub-cover.html")  # drawn from CITATION.cff (sphinxext.cover)

# -- linkcheck: `nox -s linkcheck` (litreview-linkcheck) runs Sphinx's builder with these settings,
#    chosen so a run stays well under two minutes and only an expected redirect counts as working.
linkcheck_timeout = 10  # seconds per request: a slower server is reported "timeout", not waited for
linkcheck_retries = 2  # one retry absorbs a dropped connection; more would not fit the time budget
linkcheck_workers = 8  # the links point at different hosts, so checking them side by side stays polite
linkcheck_rate_limit_timeout = 30.0  # a host asking us to wait longer (HTTP 429) is reported, not waited out
linkcheck_report_timeouts_as_broken = False  # "timeout" stays apart from "broken": it is worth a re-run
linkcheck_anchors = True  # a #fragment the page lacks is a real error in a link we print
linkcheck_allowed_redirects = {
    # A DOI resolves wherever its registrant points it; the DOI is what we cite, so any https target is fine.
    r"https://doi\.org/": r"https://",
    # http -> https on the same host is the same page (stafeev2002community's address, as published in 2002).
    r"http://comtechreview\.org/": r"https://comtechreview\.org/",
}
# Each URL we do not check: (pattern, why, since when). Ignored links show as "ignored", never as working.
LINKCHECK_IGNORED = [
    (
        r"https://www\.instagram\.com/",
        "Instagram sends scripts to its login page (or answers HTTP 429) whether or not a post exists",
        "2026-11-23",
    ),
]
linkcheck_ignore = [pattern for pattern, _why, _since in LINKCHECK_IGNORED]
