"""Markdown-like seeds, parsed with markdown-it-py and rendered through a whitelist.

Headings, paragraphs, emphasis, lists, ``<sup>`` and http/https/mailto links become MyST; every
other construct (raw HTML, code, images, directives, tables…) comes out as literal text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from litreview.chapters.escape import Piece, join_pieces, text_piece

LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.disable(
        [
            "code",
            "fence",
            "blockquote",
            "hr",
            "reference",
            "html_block",
            "lheading",
            "backticks",
            "entity",
            "image",
        ]
    )
    return md


MD = _markdown()
SAFE_HREF = re.compile(r"^(?:https?://|mailto:)[^\s<>\\`\"]+$", re.IGNORECASE)


def md_plain(fmt: str, text: str) -> str:
    """Seed text (of format ``fmt``) without its Markdown markup, for quotations in the edition box."""
    text = LIST_ITEM.sub("", text).strip()
    if fmt != "markdown":
        return text
    return inline_md(MD.parseInline(text.strip())[0].children or [], lambda s: [text_piece(s)]).plain


def inline_md(tokens, text_fn) -> Piece:
    """Render inline tokens: whitelisted constructs become MyST, everything else literal text."""
    nodes = SyntaxTreeNode(tokens, create_root=True).children if tokens else []
    return inline_nodes(nodes, text_fn)


def inline_nodes(nodes: list[SyntaxTreeNode], text_fn) -> Piece:
    out: list[Piece] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if node.type == "text":
            out.extend(text_fn(node.content))
        elif node.type in ("softbreak", "hardbreak"):
            out.append(Piece(" ", " "))
        elif node.type in ("em", "strong"):
            inner = inline_nodes(node.children, text_fn)
            mark = "*" if node.type == "em" else "**"
            out.append(Piece(f"{mark}{inner.myst}{mark}", inner.plain) if inner.plain.strip() else inner)
        elif node.type == "link":
            inner = inline_nodes(node.children, text_fn)
            href = str(node.attrs.get("href", ""))
            after_bang = bool(out) and out[-1].plain.endswith("!")  # an image: not whitelisted
            if SAFE_HREF.match(href) and inner.plain.strip() and not after_bang:
                out.append(Piece(f"[{inner.myst}](<{href}>)", inner.plain))
            else:
                out.extend([text_piece("["), inner, text_piece(f"]({href})")])
        elif node.type == "html_inline" and node.content.lower() == "<sup>":
            close = next(
                (j for j in range(i + 1, len(nodes)) if nodes[j].type == "html_inline"),
                None,
            )
            inner_nodes = nodes[i + 1 : close] if close is not None else []
            content = "".join(n.content for n in inner_nodes)
            if (
                close is not None
                and nodes[close].content.lower() == "</sup>"
                and inner_nodes
                and all(n.type == "text" for n in inner_nodes)
                and content.strip()
                and "`" not in content
            ):
                out.append(Piece(f"{{sup}}`{content}`", content))
                i = close + 1
                continue
            out.append(text_piece(node.content))
        else:  # raw HTML, and anything not whitelisted: literal text
            out.append(text_piece(node.content or ""))
        i += 1
    return join_pieces(out)
