"""Paragraph locators ("para. 14" in a citation of an article): the syntax, the links, popovers and
pages they give, the back-links under the paragraphs they cite, and the build stopping on a bad one.

The error cases build the tiny root ``tests/roots/test-locators`` (one numbered article, a review)
the strict way, as a user would, and read the exit status and the message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from litreview.core.locators import Locator, LocatorError, parse
from litreview.tools.build import STRICT
from support import copy_root

# -- the syntax ------------------------------------------------------------------------------------


def test_one_paragraph_and_a_range() -> None:
    assert parse("para. 14") == Locator(14, 14, "para. 14")
    assert parse("paras. 3–5") == Locator(3, 5, "paras. 3–5")
    assert parse("paras. 3-5").label() == "paras. 3–5"  # a hyphen is read, an en dash printed
    assert parse("para. 7").label() == "para. 7"


def test_other_post_text_is_not_a_locator() -> None:
    assert parse("p. 5") is None
    assert parse("ch. 2") is None
    assert parse("emphasis added") is None


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ("paras. 5–3", "runs backwards: write 'paras. 3–5'"),
        ("paras. 4–4", "names one paragraph: write 'para. 4'"),
        ("para. 3–5", "malformed paragraph locator"),
        ("paras. 3", "malformed paragraph locator"),
        ("para 3", "malformed paragraph locator"),
        ("para. 0", "malformed paragraph locator"),
        ("paragraph 3", "malformed paragraph locator"),
    ],
)
def test_a_malformed_locator_is_an_error(post: str, message: str) -> None:
    with pytest.raises(LocatorError, match=message):
        parse(post)


# -- the fixture book ------------------------------------------------------------------------------


def strict_build(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *STRICT, "-b", "html", str(src), str(src / "_build")],
        capture_output=True, text=True, check=False, cwd=src,
    )  # fmt: skip


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = copy_root("locators", tmp_path_factory.mktemp("locators") / "src")
    proc = strict_build(src)
    assert proc.returncode == 0, proc.stderr
    return src / "_build"


def soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html.parser")


def test_a_locator_links_to_the_paragraph_and_carries_its_text(fixture_book: Path) -> None:
    page = soup(fixture_book, "review.html")
    links = page.select("a.para-locator")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("para. 1", "article.html#para-1"),
        ("para. 2", "article.html#para-2"),
        ("paras. 2–3", "article.html#para-2"),
    ]
    assert links[0]["title"] == "¶ 1: The first paragraph says one thing."
    assert links[2]["title"] == (
        "¶ 2: The second paragraph says “a quoted phrase” and more. ¶ 3: The third paragraph closes."
    )
    citations = [c.get_text() for c in page.select(".bibtex-citation")]
    assert citations[:3] == ["(Author n.d., para. 1)", "(Author n.d., para. 2)", "Author (n.d., paras. 2–3)"]
    assert citations[3] == "(Other 2020, p. 5)"  # not a locator: sphinxcontrib-bibtex's post-text
    article = soup(fixture_book, "article.html")
    for a in links:
        assert article.find(id=a["href"].partition("#")[2]) is not None


def test_each_cited_paragraph_lists_the_passages_that_cite_it(fixture_book: Path) -> None:
    article = soup(fixture_book, "article.html")
    found = {}
    for note in article.select("p.para-discussed"):
        paragraph = note.find_previous_sibling("p")
        found[paragraph["id"]] = [(a.get_text(), a["href"]) for a in note.select("a")]
        assert note.get_text().startswith("Discussed in: ")
    assert found == {
        "para-1": [("Review › One passage", "review.html#one-passage")],
        "para-2": [("Review › Another passage", "review.html#another-passage")],
        "para-3": [("Review › Another passage", "review.html#another-passage")],
    }


# -- a bad locator stops the build ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ("{cite:p}`authorndarticle{para. 4}`",
         "authorndarticle: the locator 'para. 4' names paragraph 4, but the article has 3"),
        ("{cite:t}`authorndarticle{paras. 3–2}`",
         "authorndarticle: locator 'paras. 3–2' runs backwards: write 'paras. 2–3'"),
        ("{cite:p}`other2020book{para. 2}`",
         "other2020book: the locator 'para. 2' cites a work whose paragraphs are not numbered"),
    ],
)  # fmt: skip
def test_a_bad_locator_stops_the_build_at_its_line(tmp_path: Path, citation: str, message: str) -> None:
    src = copy_root("locators", tmp_path / "src")
    review = src / "review.md"
    lines = review.read_text(encoding="utf-8").splitlines()
    lines[3:3] = ["Some text,", f"and then a bad one {citation}.", ""]
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = strict_build(src)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"review.md:5: ERROR: {message}" in proc.stderr, proc.stderr
    assert not (src / "_build" / "review.html").exists()


def test_a_rebuild_after_a_review_edit_updates_the_back_links_and_after_an_article_edit_the_popover(
    tmp_path: Path,
) -> None:
    """Only the edited page is read again; the other side (the article's back-links, the review's
    popover text) is written again all the same."""
    src = copy_root("locators", tmp_path / "src")
    assert strict_build(src).returncode == 0
    review = src / "review.md"
    review.write_text(
        review.read_text(encoding="utf-8").replace(
            "{cite:p}`authorndarticle{para. 1}`", "{cite:p}`authorndarticle`"
        ),
        encoding="utf-8",
    )
    proc = strict_build(src)
    assert proc.returncode == 0, proc.stderr
    article = soup(src / "_build", "article.html")
    cited = {note.find_previous_sibling("p")["id"] for note in article.select("p.para-discussed")}
    assert cited == {"para-2", "para-3"}
    page = src / "article.md"
    page.write_text(page.read_text(encoding="utf-8").replace("closes.", "closes, edited."), encoding="utf-8")
    proc = strict_build(src)
    assert proc.returncode == 0, proc.stderr
    link = soup(src / "_build", "review.html").select("a.para-locator")[-1]
    assert link["title"].endswith("¶ 3: The third paragraph closes, edited.")
