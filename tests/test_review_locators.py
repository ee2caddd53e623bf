"""The review's paragraph locators against the articles: the back-links they make, and the quotations
they carry (issue 31, section 3).

Every review sentence that quotes an article's numbered paragraphs carries a locator, and three in four
of the review's citations of the articles carry one (a citation of an article as a whole, its genre,
stance or date, may go without).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from litreview.chapters.paragraphs import Paragraph, by_key
from litreview.chapters.prepare import prepare
from litreview.core.locators import Locator, parse
from litreview.core.seeds import load_all
from review_support import BOOK, GLOSSARY, QUOTE_RE, REVIEW_PAGES, citations, paragraphs, seed_texts
from support import ROOT, Build, collapse_spaces

SEEDS = load_all(ROOT / "seeds")
ARTICLE_KEYS = {m.key for m in SEEDS}
SLUGS = {m.key: m.slug for m in SEEDS}
# the pages whose citations of the articles carry locators: the review and the glossary
LOCATING_PAGES = [*REVIEW_PAGES, GLOSSARY]
# Where a sentence ends, in a block whose quotations and roles are masked: after . ! or ? and space,
# before what can open a sentence (a parenthetical citation, {cite:p}, does not: after a quoted
# sentence it belongs to that sentence), or at an item of a numbered list.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]”))\s+(?=[A-Z{“(\[])|\n(?=\s*\d+\.\s)")
# A quoted sentence with its parenthetical citation after it: the sentence ends after the citation.
CITED_QUOTE_END = re.compile(r"[.!?]”\s*\{cite:p\}`[^`]*`\s+(?=[A-Z{“(\[])")
MASKED = re.compile(r"“[^”]*”|\{[\w:-]+\}`[^`]*`|\([^()]*\)")


def _mask(match: re.Match[str]) -> str:
    """A quotation keeps its marks and its last character (a sentence may end inside it); a role
    keeps its opening brace (it may open a sentence) unless it is a parenthetical citation; a
    parenthesis is blanked whole."""
    text = match.group()
    if text.startswith("“") and len(text) > 2:
        return "“" + "x" * (len(text) - 3) + text[-2:]
    if text.startswith("{") and not text.startswith("{cite:p}"):
        return "{" + "x" * (len(text) - 1)
    return "x" * len(text)


def sentences(block: str) -> list[tuple[int, str]]:
    """The sentences of a prose block, each with its offset (quotations and roles are not split)."""
    masked = MASKED.sub(_mask, block)
    cuts = {m.end() for m in SENTENCE_END.finditer(masked)} | {
        m.end() for m in CITED_QUOTE_END.finditer(block)
    }
    starts = [0, *sorted(cuts)]
    ends = [*starts[1:], len(block)]
    return [(s, block[s:e].strip()) for s, e in zip(starts, ends, strict=True) if block[s:e].strip()]


def located(text: str) -> list[tuple[str, Locator]]:
    """The article citations with a locator in ``text``: (key, locator)."""
    found = []
    for _offset, target in citations(text):
        locator = parse(target.post) if target.post else None
        if locator is not None and target.key in ARTICLE_KEYS:
            found.append((target.key, locator))
    return found


def quoting_sentences() -> list[tuple[str, int, str, list[tuple[str, str]]]]:
    """Each review sentence that quotes an article: (page, line, sentence, [(quote, key)]).

    A quotation belongs to the article the sentence cites whose text holds it, else to the one its
    block cites (a sentence may go on quoting the article an earlier sentence cited)."""
    seeds = seed_texts()
    out = []
    for page in REVIEW_PAGES:
        for line, block in paragraphs(page):
            block_keys = [t.key for _o, t in citations(block) if t.key in ARTICLE_KEYS]
            for offset, sentence in sentences(block):
                keys = [t.key for _o, t in citations(sentence) if t.key in ARTICLE_KEYS] + block_keys
                quotes = []
                for quote in QUOTE_RE.findall(sentence):
                    owner = next((k for k in keys if collapse_spaces(quote) in seeds[k]), None)
                    if owner is not None:
                        quotes.append((quote, owner))
                if quotes:
                    out.append((page.name, line + block[:offset].count("\n"), sentence, quotes))
    return out


def test_the_sentence_splitter_keeps_quotations_and_roles_whole() -> None:
    block = (
        "{cite:t}`a{para. 2}` says “one. Two.” and more.\nThen (see p. 3. too) a second one! "
        "“Quoted.” A third. {cite:t}`b` next. “Whole.” {cite:p}`a{para. 3}` Then a fourth.\n"
        "1. **An item** in a list.\n2. **Another** one"
    )
    assert [s for _o, s in sentences(block)] == [
        "{cite:t}`a{para. 2}` says “one. Two.” and more.",
        "Then (see p. 3. too) a second one!",
        "“Quoted.”",
        "A third.",
        "{cite:t}`b` next.",
        "“Whole.” {cite:p}`a{para. 3}`",
        "Then a fourth.",
        "1. **An item** in a list.",
        "2. **Another** one",
    ]


def test_every_located_quotation_lies_in_the_paragraphs_its_locator_names() -> None:
    """A sentence that cites an article with a locator quotes it only from the located paragraphs."""
    numbered = by_key(ROOT / "seeds")
    problems = []
    checked = 0
    for page, line, sentence, quotes in quoting_sentences():
        named: defaultdict[str, list[Locator]] = defaultdict(list)
        for key, locator in located(sentence):
            named[key].append(locator)
        for key, locators in named.items():
            texts = {p.number: collapse_spaces(p.text) for p in numbered[key]}
            for locator in locators:
                assert locator.last <= len(texts), f"{page}:{line}: {key} has no paragraph {locator.last}"
            # a sentence may cite one article twice, each time with the paragraph of its own quotation
            where = [texts[n] for locator in locators for n in locator.numbers]
            labels = ", ".join(locator.label() for locator in locators)
            for quote, owner in quotes:
                # a quotation of the byline or the note about the author has no paragraph to name
                # (test_a_quotation_in_no_numbered_paragraph_… checks where it comes from)
                if owner != key or not in_numbered_paragraph(quote, key):
                    continue
                checked += 1
                if not any(collapse_spaces(quote) in text for text in where):
                    found = [n for n, t in texts.items() if collapse_spaces(quote) in t]
                    problems.append(f"{page}:{line}: “{quote}” is not in {key} {labels} (it is in ¶ {found})")
    assert checked >= 3  # the review's first locators (themes.md) are checked
    assert not problems, "\n".join(problems)


@cache
def numbered_paragraphs() -> dict[str, list[Paragraph]]:
    return by_key(ROOT / "seeds")


def in_numbered_paragraph(quote: str, key: str) -> bool:
    return any(collapse_spaces(quote) in collapse_spaces(p.text) for p in numbered_paragraphs()[key])


def test_every_quoting_sentence_carries_a_locator() -> None:
    """Every review sentence that quotes an article's numbered paragraphs cites it with a locator (a
    quotation of its byline or author note has no paragraph to name)."""
    problems = [
        f"{page}:{line}: quotes {key} without a locator: {sentence[:80]}…"
        for page, line, sentence, quotes in quoting_sentences()
        for key in dict.fromkeys(owner for q, owner in quotes if in_numbered_paragraph(q, owner))
        if key not in {k for k, _loc in located(sentence)}
    ]
    assert not problems, f"{len(problems)} sentences:\n" + "\n".join(problems)


def test_three_in_four_citations_of_the_articles_carry_a_locator() -> None:
    targets = [
        t
        for page in REVIEW_PAGES
        for _o, t in citations(page.read_text(encoding="utf-8"))
        if t.key in ARTICLE_KEYS
    ]
    with_locator = [t for t in targets if t.post and parse(t.post) is not None]
    assert len(with_locator) * 4 >= len(targets) * 3, f"{len(with_locator)} of {len(targets)}"


# -- back-links, against the built book ------------------------------------------------------------


def html(build: Build, docname: str) -> BeautifulSoup:
    """A built page, parsed once (the tests only read it)."""
    return _parsed(build.outdir / f"{docname}.html")


@functools.lru_cache(maxsize=64)
def _parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_back_links_list_exactly_the_review_passages_whose_locators_cite_the_paragraph(
    html_build: Build,
) -> None:
    assert html_build.returncode == 0, html_build.stderr
    expected: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    links = 0
    for page in LOCATING_PAGES:
        docname = page.relative_to(BOOK).with_suffix("").as_posix()
        for a in html(html_build, docname).select("a.para-locator"):
            links += 1
            chapter = posixpath.basename(a["href"].partition("#")[0]).removesuffix(".html")
            locator = parse(a.get_text())
            assert locator is not None and a["href"].endswith(f"#para-{locator.first}")
            # in a citation of several works, each locator links to its own work's chapter
            work = a.find_previous_sibling("a", href=re.compile("#cite-"))
            assert SLUGS[work["href"].rpartition("#cite-")[2]] == chapter, (docname, a.get_text())
            section = a.find_parent("section")["id"]
            for n in locator.numbers:
                expected[(chapter, n)].add(f"../{docname}.html#{section}")
    in_sources = sum(len(located(page.read_text(encoding="utf-8"))) for page in LOCATING_PAGES)
    assert links == in_sources >= 3
    found: dict[tuple[str, int], set[str]] = {}
    for slug in SLUGS.values():
        chapter = html(html_build, f"articles/{slug}")
        for note in chapter.select("p.para-discussed"):
            paragraph = note.find_previous_sibling("p")
            number = int(paragraph["id"].removeprefix("para-"))
            hrefs = [a["href"] for a in note.select("a")]
            assert len(hrefs) == len(set(hrefs)), f"{slug} ¶ {number} lists a passage twice"
            assert note.get_text().startswith("Discussed in: ")
            found[(slug, number)] = set(hrefs)
    assert found == dict(expected)
    # and each back-link lands on the section that holds the locator
    for hrefs in found.values():
        for href in hrefs:
            page, _, ident = href.removeprefix("../").partition("#")
            target = html(html_build, page.removesuffix(".html")).find(id=ident)
            assert target is not None and target.name == "section", href


def test_a_quotation_in_no_numbered_paragraph_is_from_the_byline_author_note_or_references() -> None:
    """Every quotation the review takes from an article lies in a numbered paragraph (so a locator can
    name it), unless it quotes the byline, the note about the author or the reference list."""
    numbered = by_key(ROOT / "seeds")
    unnumbered = {
        meta.key: collapse_spaces(
            " ".join(
                ln.text
                for kind in ("front", "author", "references", "notes")
                for ln in prepare(meta).parts.get(kind, [])
            )
        )
        for meta in SEEDS
    }
    problems = []
    for page, line, _sentence, quotes in quoting_sentences():
        for quote, key in quotes:
            in_paragraph = any(collapse_spaces(quote) in collapse_spaces(p.text) for p in numbered[key])
            if not in_paragraph and collapse_spaces(quote) not in unnumbered[key]:
                problems.append(f"{page}:{line}: “{quote}” ({key}) is in no numbered paragraph")
    assert not problems, "\n".join(problems)
