"""Helpers for the browser tests: serve a built book, drive Debian's Chromium, read the sources."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from pybtex.database import parse_file

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
CITE_PREFIX = "cite-"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port in a thread; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class Book:
    """A built HTML book and the sources it came from."""

    project: Path  # the copied project (conf.py, book/, refs.bib)
    outdir: Path  # its built HTML

    @property
    def source_dir(self) -> Path:
        return self.project / "book"

    def docnames(self) -> list[str]:
        """Every page of the book, from the sources (a strict build puts each in the toctree)."""
        return sorted(
            p.relative_to(self.source_dir).with_suffix("").as_posix() for p in self.source_dir.rglob("*.md")
        )

    def html_path(self, docname: str) -> str:
        return f"{docname}.html"

    def soup(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup(
            (self.outdir / self.html_path(docname)).read_text(encoding="utf-8"), "html.parser"
        )

    def article(self, docname: str) -> BeautifulSoup:
        """The page's main content (the theme's ``article`` element)."""
        article = self.soup(docname).select_one("article")
        assert article is not None, f"{docname}: no <article> element"
        return article

    def entry_pages(self) -> dict[str, list[str]]:
        """For each bibliography anchor id (``cite-<key>``), the pages that hold that entry."""
        pages: dict[str, list[str]] = {}
        for docname in self.docnames():
            for entry in self.article(docname).select(f"[id^='{CITE_PREFIX}']"):
                pages.setdefault(entry["id"], []).append(docname)
        return pages

    def citation_links(self, docname: str) -> list[dict[str, str]]:
        """The citation links of a page (to a ``#cite-<key>`` anchor): href, title and text."""
        links = []
        for a in self.article(docname).select(f"a[href*='#{CITE_PREFIX}']"):
            fragment = a["href"].partition("#")[2]
            if fragment.startswith(CITE_PREFIX):
                links.append({"href": a["href"], "title": a.get("title", ""), "text": a.get_text()})
        return links


def page_url(base: str, docname: str) -> str:
    return urljoin(base, f"{docname}.html")


def docname_of(base: str, url: str) -> str:
    """The docname a served URL shows (``articles/x.html#frag`` → ``articles/x``)."""
    path = urlsplit(url).path
    root = urlsplit(base).path
    rel = path[len(root) :] if path.startswith(root) else path.lstrip("/")
    return (rel or "index.html").removesuffix(".html")


def normalize(text: str) -> str:
    return " ".join(text.split())


def cyrillic_words_in_bib(bib: Path) -> list[tuple[str, str]]:
    """(word, key) for the Cyrillic words of refs.bib: titles first, the longest word first."""
    data = parse_file(str(bib), bib_format="bibtex")
    found: list[tuple[int, int, str, str]] = []
    for key, entry in data.entries.items():
        for field, value in entry.fields.items():
            rank = 0 if field.lower() == "title" else 1
            found.extend((rank, -len(word), word, key) for word in CYRILLIC_WORD.findall(value))
    seen: set[str] = set()
    words = []
    for _rank, _length, word, key in sorted(found):
        if word.lower() not in seen:
            seen.add(word.lower())
            words.append((word, key))
    return words


def english_word(title: str) -> str:
    """The longest plain word of a page title, the term a reader would search for."""
    words = re.findall(r"[A-Za-z]{5,}", title)
    assert words, f"no searchable English word in the title {title!r}"
    return max(words, key=lambda w: (len(w), w))
