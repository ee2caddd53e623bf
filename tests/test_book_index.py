"""The book's index in the web book and the EPUB (genindex): a topic leads to where the book
discusses it, not only to its definition; a variant spelling sends the reader to the one heading;
the topics' file says where it is wrong (litreview.sphinxext.bookindex, litreview.review.indextopics)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from litreview.core.errors import IndexTopicsError
from litreview.core.outputs import FILE_STEM
from litreview.review.indextopics import load_index_topics
from support import Build, copy_project, line_of, sphinx_build, squeeze


def _entries(html: str) -> dict[str, Tag]:
    """Each heading of the index page and its list item (subentries inside)."""
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for ul in soup.select("ul.lit-index"):
        for li in ul.find_all("li", recursive=False):
            found[
                squeeze(li.contents[0].get_text() if isinstance(li.contents[0], Tag) else li.contents[0])
                .split(":")[0]
                .casefold()
            ] = li
    return found


def _heading(entries: dict[str, Tag], heading: str) -> Tag:
    li = entries.get(squeeze(heading).casefold())
    assert li is not None, f"{heading!r} is not in the index"
    return li


def test_the_web_index_sends_a_topic_to_the_paragraphs_that_name_it(
    project_copy: Path, html_build: Build
) -> None:
    """Every topic links to a page other than the glossary, and each such link leads to a
    paragraph that names the topic (one of its words)."""
    assert html_build.returncode == 0, html_build.stderr
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    entries = _entries((html_build.outdir / "genindex.html").read_text("utf-8"))
    pages: dict[str, BeautifulSoup] = {}
    for topic in topics.topics:
        hrefs = [a["href"] for a in _heading(entries, topic.heading).find_all("a")]
        elsewhere = [h for h in hrefs if not h.startswith("glossary.html")]
        assert elsewhere, f"{topic.heading!r} links only to the glossary: {hrefs}"
        words = [squeeze(w).casefold() for w in topic.words]
        for href in elsewhere:
            page, _, anchor = href.partition("#")
            if page not in pages:
                pages[page] = BeautifulSoup((html_build.outdir / page).read_text("utf-8"), "html.parser")
            target = pages[page].find(id=anchor)
            assert target is not None, href
            block = target.find_parent(["p", "li", "td", "dd"])
            assert block is not None, href
            assert any(w in squeeze(block.get_text()).casefold() for w in words), (topic.heading, href)


def test_the_web_index_sends_a_variant_spelling_to_the_heading(project_copy: Path, html_build: Build) -> None:
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    entries = _entries((html_build.outdir / "genindex.html").read_text("utf-8"))
    variants = [(v, t.heading) for t in (*topics.topics, *topics.names) for v in t.see]
    assert variants
    for variant, heading in variants:
        text = " ".join(_heading(entries, variant).get_text(" ").split())
        assert f"see {heading}" in text, (variant, text)
        assert not _heading(entries, variant).find("a"), variant


@pytest.mark.slow
def test_the_epub_index_sends_a_topic_beyond_the_glossary(project_copy: Path, epub_build: Build) -> None:
    """The EPUB's index (its last page): every topic also links to a chapter that discusses it."""
    assert epub_build.returncode == 0, epub_build.stderr
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    with zipfile.ZipFile(epub_build.outdir / f"{FILE_STEM}.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("genindex.xhtml"))
        entries = _entries(epub.read(name).decode("utf-8"))
    for topic in topics.topics:
        hrefs = [a["href"] for a in _heading(entries, topic.heading).find_all("a")]
        assert [h for h in hrefs if not h.startswith("glossary.xhtml")], (topic.heading, hrefs)


# -- the topics' file: bad input says where ----------------------------------------------------------

GOOD = """\
topics:
  - heading: E-government
    words: [e-government]
  - heading: Emigration
    words: [emigration]
    also: [E-government]
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            GOOD + "  - heading: Exit\n    words: [Emigration]\n",
            7,
            "'Emigration' is given for 'Emigration' (line 4) too",
        ),
        (
            GOOD + "  - heading: Voice\n    words: [voice]\n    also: [Exit]\n",
            7,
            "'also' names no heading of this file: Exit",
        ),
        (GOOD + "  - heading: Voice\n    word: [voice]\n", 7, "unknown field(s): word"),
        (GOOD + "  - heading: Voice\n", 7, "topic 'Voice' has no words to find it by"),
        (GOOD + "names:\n  - heading: Sear, Mohammad J\n    words: [Sear]\n", 8, "a name has no words"),
        ("topics: [\n", 2, "not valid YAML"),
    ],
)
def test_a_wrong_topics_file_names_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "index-topics.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IndexTopicsError) as err:
        load_index_topics(path)
    assert err.value.line == line and message in err.value.message, err.value.located()
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_the_books_topics_file_is_sound(project_copy: Path) -> None:
    """Each topic's words find it, and only it, in a sentence of its own."""
    topics = load_index_topics(project_copy / "book" / "index-topics.yaml")
    pattern = topics.pattern()
    assert pattern is not None
    for topic in topics.topics:
        for word in topic.words:
            match = pattern.search(f"A sentence on {word} here.")
            assert match and topics.topic_of(match.group()) == topic, (topic.heading, word)
    assert re.search(r"\w", topics.topics[0].heading)


# -- the build says where the index's data is wrong ---------------------------------------------------


@pytest.mark.slow
def test_a_linked_term_without_a_heading_is_reported_at_its_link(tmp_path: Path) -> None:
    """A glossary term the review links but the topics file lacks stops the build at the link's line."""
    project = copy_project(tmp_path / "project")
    topics_file = project / "book" / "index-topics.yaml"
    text = topics_file.read_text("utf-8")
    block = re.search(r"^  - heading: Dvizhukha\n(?:    .*\n)+", text, re.M)
    assert block, "the topics file has no Dvizhukha to remove"
    topics_file.write_text(text.replace(block.group(), ""), encoding="utf-8")
    review = next(
        p
        for p in sorted((project / "book" / "review").glob("*.md"))
        if "{term}`dvizhukha`" in p.read_text("utf-8")
    )
    line = line_of(review, "{term}`dvizhukha`")
    build = sphinx_build(project, "html")
    assert build.returncode != 0
    expected = f"review/{review.name}:{line}: WARNING: the glossary term 'dvizhukha' has no heading in "
    assert expected + "index-topics.yaml" in build.stderr, build.stderr


@pytest.mark.slow
def test_a_wrong_topics_file_stops_the_build_at_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    topics_file = project / "book" / "index-topics.yaml"
    text = topics_file.read_text("utf-8")
    topics_file.write_text(
        text.replace("    words: [apathy]\n", "    words: [apathy, emigration]\n"), encoding="utf-8"
    )
    line = line_of(topics_file, "heading: Emigration")
    build = sphinx_build(project, "html")
    assert build.returncode != 0
    assert "Traceback" not in build.stdout + build.stderr
    assert re.search(
        rf"index-topics\.yaml:{line}: WARNING: 'Emigration' is given for 'Apathy' \(line", build.stderr
    ), build.stderr
