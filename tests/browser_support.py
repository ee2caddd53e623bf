"""Helpers for the browser tests: serve a built book, drive Debian's Chromium, read the sources.

A pytest plugin (conftest.py loads it): its ``browser`` fixture serves every test module."""

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

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, sync_playwright
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser); one per test process."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install the system packages (system-packages.txt)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every visible element (and text) wider than the screen, or cut off by a box that scrolls or clips:
# a reader cannot see it. Off-canvas drawers (fixed, outside the screen) and visually hidden text
# (a 1-px clipped box, for screen readers) are not shown, so they do not count.
TOO_WIDE_JS = r"""() => {
  const W = document.documentElement.clientWidth;
  const hidden = el => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const r = p.getBoundingClientRect(), cs = getComputedStyle(p);
      if (cs.position === "fixed" && (r.left >= W - 1 || r.right <= 1)) return true;
      if ((r.width <= 1 || r.height <= 1) && cs.overflow !== "visible") return true;
    }
    return false;
  };
  const clipper = (el, self) => {  // self: el's own text, which el's own overflow clips
    for (let p = self ? el : el.parentElement; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);  // overflow does not apply to an inline box
      if (cs.overflowX !== "visible" && !/^(inline|contents)$/.test(cs.display)) return p;
    }
    return null;
  };
  const shown = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].slice(0, 2).map(c => "." + c).join("");
  const bad = [];
  const check = (el, r, what, self = false) => {
    if (!r.width || !r.height || hidden(el)) return;
    if (r.left < -1 || r.right > W + 1)
      bad.push(`${what} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
    const c = clipper(el, self);
    if (c) {
      const cr = c.getBoundingClientRect(), right = cr.left + c.clientLeft + c.clientWidth;
      if (r.right > right + 1) bad.push(`${what} is cut off by ${name(c)} at ${Math.round(right)} px`);
    }
  };
  // A line of text is judged by its words: where white space is kept (pre-wrap), the space at which
  // a line wraps hangs past the edge, unseen; so an inline box holding such text is judged by it.
  const hangs = el => /^(pre-wrap|break-spaces)$/.test(getComputedStyle(el).whiteSpace) &&
    [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.data.trim());
  const words = n => {
    const r = document.createRange(), box = {left: Infinity, right: -Infinity, width: 0, height: 0};
    for (const m of n.data.matchAll(/\S+/g)) {
      r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      const b = r.getBoundingClientRect();
      if (!b.width || !b.height) continue;
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.width = box.right - box.left; box.height = Math.max(box.height, b.height);
    }
    return box;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("template, script, style") || !shown(el)) continue;
    if (getComputedStyle(el).display === "inline" && hangs(el)) continue;
    check(el, el.getBoundingClientRect(), name(el));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || !el || el.closest("template, script, style")) continue;
    if (!shown(el)) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    const what = `text "${n.data.trim().slice(0, 30)}" in ${name(el)}`, found = bad.length;
    check(el, range.getBoundingClientRect(), what, true);
    if (bad.length > found) { bad.length = found; check(el, words(n), what, true); }
  }
  return [...new Set(bad)].slice(0, 8);
}"""


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
