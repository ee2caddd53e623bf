"""The articles' paragraph numbers: one API (litreview.chapters.paragraphs), the chapters it makes,
and what readers see (the anchors and margin numbers of the built HTML, EPUB and PDF)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from litreview.chapters.cli import generate
from litreview.chapters.paragraphs import by_key, of_seed
from litreview.core.seeds import load_all
from support import ROOT, Build, copy_chapter_inputs

SEEDS = load_all(ROOT / "seeds")
PARA_ROLE = re.compile(r"\{para\}`(\d+)`")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("meta", SEEDS, ids=lambda m: m.slug)
def test_numbers_run_from_one_without_a_gap_notes_last(meta) -> None:
    numbered = of_seed(meta)
    assert [p.number for p in numbered] == list(range(1, len(numbered) + 1))
    assert [p.anchor for p in numbered] == [f"para-{p.number}" for p in numbered]
    kinds = [p.kind for p in numbered]
    assert kinds == sorted(kinds, key=lambda k: k == "note")  # the notes follow the body
    assert all(p.text.strip() for p in numbered)


def test_each_article_is_numbered_by_its_key() -> None:
    numbered = by_key(ROOT / "seeds")
    assert sorted(numbered) == sorted(m.key for m in SEEDS)
    assert all(numbered[m.key] == of_seed(m) for m in SEEDS)


def test_the_chapters_carry_the_numbers_the_api_gives_and_regenerate_identically(tmp_path: Path) -> None:
    project = copy_chapter_inputs(tmp_path / "project")
    first = generate(project)
    second = generate(project)
    assert first == second
    for meta in SEEDS:
        text = first[project / "book" / "articles" / f"{meta.slug}.md"]
        assert [int(n) for n in PARA_ROLE.findall(text)] == [p.number for p in of_seed(meta)]
        committed = (ROOT / "book" / "articles" / f"{meta.slug}.md").read_text(encoding="utf-8")
        assert PARA_ROLE.findall(committed) == PARA_ROLE.findall(text)


def article_page(build: Build, slug: str, suffix: str = ".html") -> BeautifulSoup:
    path = build.outdir / "articles" / f"{slug}{suffix}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def paragraph_text(element) -> str:
    """A numbered paragraph's text as the page shows it, without its margin number."""
    copy = BeautifulSoup(str(element), "html.parser")
    for number in copy.select(".para-num, .visually-hidden"):
        number.decompose()
    for mark in copy.select("a.footnote-reference"):
        mark.decompose()
    return squash(copy.get_text())


@pytest.mark.parametrize("meta", SEEDS, ids=lambda m: m.slug)
def test_every_numbered_paragraph_has_its_anchor_number_and_text_in_the_html(html_build: Build, meta) -> None:
    assert html_build.returncode == 0, html_build.stderr
    page = article_page(html_build, meta.slug)
    numbered = of_seed(meta)
    anchored = page.select('[id^="para-"]')
    assert [el["id"] for el in anchored] == [p.anchor for p in numbered]
    for element, paragraph in zip(anchored, numbered, strict=True):
        number = element.select_one("a.para-num")
        assert number is not None and number["href"] == f"#{paragraph.anchor}"
        assert number.get_text() == f"Paragraph {paragraph.number}"
        assert number.select_one(".visually-hidden").get_text() == "Paragraph "
        shown = paragraph_text(element)
        # a note the converter renumbered says so first: "(printed as [5])", ours, not the article's
        assert re.sub(r"^\(printed as \[\d+\]\) ", "", shown) == squash(paragraph.text)
    box = squash(page.select_one(".about-edition").get_text())
    assert f"¶ 1–{len(numbered)}" in box
    notes = [p for p in numbered if p.kind == "note"]
    if notes:
        assert f"{len(notes)} notes (¶ {notes[0].number}–{notes[-1].number})" in box


@pytest.mark.slow
@pytest.mark.parametrize("meta", SEEDS, ids=lambda m: m.slug)
def test_the_epub_shows_plain_numbers(epub_build: Build, meta) -> None:
    assert epub_build.returncode == 0, epub_build.stderr
    page = article_page(epub_build, meta.slug, suffix=".xhtml")
    numbered = of_seed(meta)
    assert [el["id"] for el in page.select('[id^="para-"]')] == [p.anchor for p in numbered]
    numbers = page.select(".para-num")
    assert [n.name for n in numbers] == ["span"] * len(numbered)
    assert [n.get_text() for n in numbers] == [str(p.number) for p in numbered]
    assert not page.select("script")
