"""Finding the citations in the book's sources: the keys each page cites, with their lines.

A MyST page is read with MyST-Parser's own markdown-it parser (the extensions the book enables),
so a role in a code block, an inline code span or an HTML comment is not a citation, exactly as in
the build. Roles come from ``myst_role`` tokens, directives from fence tokens; a directive that is
not code (``{note}``, ``{admonition}``…) has its content read the same way, as MyST-Parser does.
An rST page (or an rST role written in a MyST paragraph) is matched by its role syntax.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from litreview.core import myst_roles

#: The MyST extensions the book enables (conf.py), which change what a page's tokens are.
MYST_EXTENSIONS = frozenset({"colon_fence", "deflist", "attrs_inline", "attrs_block", "substitution"})
#: Directives whose content is code or data, never MyST: a role there is an example.
CODE_DIRECTIVES = frozenset(
    {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "raw", "math", "eval-rst"}
)
_RST_ROLE = re.compile(
    r"(?<![\w}]):(?P<name>(?:foot)?cite(?::[a-z]+)?):(?P<ticks>`+)(?P<body>.+?)(?P=ticks)(?!`)", re.DOTALL
)
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")


@dataclass(frozen=True)
class Citation:
    """One key cited in the book: by a cite role, a seedcite role or a bibliography directive."""

    key: str
    path: Path
    line: int
    how: str  # "cite:p", "seedcite", "bibliography" ...


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def find_citations(path: Path, text: str) -> Iterator[Citation]:
    """Every key cited in one MyST or rST source, with the line of its role or directive.

    Besides the cite roles: ``{seedcite}`` (a printed reference marker), the keys a
    ``{bibliography}`` lists or names in its ``:filter:`` (a chapter's Works cited), and the key of
    ``{cite-original}`` (a chapter's "How to cite the original article", which prints the entry).
    """
    if path.suffix == ".rst":
        yield from _rst_roles(path, text, 1)
    else:
        yield from _myst(path, text, 1)


def _rst_roles(path: Path, text: str, first_line: int) -> Iterator[Citation]:
    for match in _RST_ROLE.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        for key in myst_roles.split_keys(match["body"]):
            yield Citation(key, path, line, match["name"])


def _myst(path: Path, text: str, first_line: int) -> Iterator[Citation]:
    """The citations of MyST ``text`` whose first line is ``first_line`` of ``path``."""
    for token in _parser().parse(text, {}):
        if token.map is None:
            continue
        line = first_line + token.map[0]
        if token.type == "inline":
            yield from _inline(path, token, line)
        elif token.type in {"fence", "colon_fence"}:
            yield from _directive(path, token, line)


def _inline(path: Path, token: Token, line: int) -> Iterator[Citation]:
    """The roles of one block's inline text; each role's line is found by its place in the block."""
    source, offset = token.content, 0
    for child in token.children or []:
        if child.type != "myst_role":
            continue
        name = child.meta.get("name", "")
        found = source.find("{" + name + "}", offset)
        offset = found + 1 if found >= 0 else offset
        role_line = line + source.count("\n", 0, max(found, 0))
        if myst_roles.is_cite(name):
            for key in myst_roles.split_keys(child.content):
                yield Citation(key, path, role_line, name)
        elif name == "seedcite":
            target = re.search(r"<([^<>]*)>\s*$", child.content)
            for key in myst_roles.split_keys(target.group(1)) if target else []:
                yield Citation(key, path, role_line, name)
    yield from _rst_roles(path, source, line)


def _directive(path: Path, token: Token, line: int) -> Iterator[Citation]:
    """A fenced block: a directive's keys, or its content read again; a code block cites nothing."""
    match = _DIRECTIVE.match(token.info.strip())
    if match is None or match["name"] in CODE_DIRECTIVES:
        return
    name = match["name"]
    if name == "cite-original":
        for key in match["argument"].split()[:1]:
            yield Citation(key, path, line, "cite-original")
    elif name == "bibliography":
        yield from _bibliography_keys(path, token.content, line + 1)
    else:
        yield from _myst(path, token.content, line + 1)


def _bibliography_keys(path: Path, content: str, first_line: int) -> Iterator[Citation]:
    """Keys a {bibliography} directive lists in its content or names in a ``:filter:`` on ``key``
    (``key in {"a", "b"}``, ``key == "a"``); `:all:` cites nothing."""
    in_yaml = False
    for number, text in enumerate(content.splitlines(), first_line):
        stripped = text.strip()
        filter_ = re.match(r"^:filter:\s*(?P<expr>.*)$", stripped)
        if stripped == "---":
            in_yaml = not in_yaml
        elif filter_ and re.search(r"\bkey\b", filter_["expr"]):
            for quoted in re.findall(r"\"([^\"]+)\"|'([^']+)'", filter_["expr"]):
                yield Citation(quoted[0] or quoted[1], path, number, "bibliography")
        elif stripped and not in_yaml and not stripped.startswith(":"):
            for key in stripped.split():
                yield Citation(key, path, number, "bibliography")


def book_sources(book: Path) -> list[Path]:
    """The book's MyST and rST pages (not its build output)."""
    return sorted(p for p in book.rglob("*") if p.suffix in {".md", ".rst"} and "_build" not in p.parts)
