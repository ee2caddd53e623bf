"""The seed converter: bad input, determinism, hand-written text, and hostile seed text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from litreview.chapters.cli import generate
from litreview.chapters.escape import escape
from litreview.chapters.prepare import prepare
from litreview.chapters.render import article_paragraphs
from litreview.core.seeds import load_all, load_seed_meta, read_seed_lines
from support import ROOT, copy_chapter_inputs, sphinx_build

ESCAPING_ROOT = Path(__file__).parent / "roots" / "test-seed-escaping"


def run_convert(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview.chapters", "--root", str(root), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The seeds, refs.bib and generated chapters of the real project, in a temp dir."""
    return copy_chapter_inputs(tmp_path / "project")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "book" / "articles").glob("*.md"))}


def toml_line(path: Path, needle: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


# -- bad input: path:line: message, exit 1, nothing written ---------------------------------------


def assert_fails(project: Path, location: str, message: str) -> None:
    before = snapshot(project)
    (project / "book" / "articles" / "khumaryan-digital-stalinism.md").unlink()
    before.pop("khumaryan-digital-stalinism.md")
    proc = run_convert(project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith(location + ": "), first
    assert message in first, first
    assert snapshot(project) == before  # nothing written, not even the missing chapter
    assert not list((project / "book" / "articles").glob(".*.tmp"))


def test_missing_required_field(project: Path) -> None:
    toml = project / "seeds" / "003_643182e9a0f1c9b0.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('genre = "magazine essay"\n', ""), encoding="utf-8"
    )
    assert_fails(project, "seeds/003_643182e9a0f1c9b0.toml:1", "missing required field 'genre'")


def test_marker_absent(project: Path) -> None:
    toml = project / "seeds" / "004_79a4b91692c8b3fe.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'end = "Meanwhile, the main threats', 'end = "Nowhere in the seed'
    )
    toml.write_text(text, encoding="utf-8")
    line = toml_line(toml, 'kind = "body"') - 1
    assert_fails(project, f"seeds/004_79a4b91692c8b3fe.toml:{line}", "is on 0 line(s)")


def test_marker_found_more_often_than_declared(project: Path) -> None:
    toml = project / "seeds" / "000_de68ed6c4e8229e3.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("end_count = 2", "end_count = 1"), encoding="utf-8"
    )
    line = toml_line(toml, 'kind = "body"') - 1
    assert_fails(project, f"seeds/000_de68ed6c4e8229e3.toml:{line}", "is on 2 line(s)")


def test_drop_rule_count_checked(project: Path) -> None:
    toml = project / "seeds" / "000_de68ed6c4e8229e3.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("count = 15", "count = 14"), encoding="utf-8")
    line = toml_line(toml, "list of recent posts") - 1
    assert_fails(project, f"seeds/000_de68ed6c4e8229e3.toml:{line}", "matches 15 line(s), declared 14")


def test_unaccounted_line(project: Path) -> None:
    toml = project / "seeds" / "003_643182e9a0f1c9b0.toml"
    text = (
        toml.read_text(encoding="utf-8").replace('"Post a comment", ', "").replace("count = 3", "count = 2")
    )
    toml.write_text(text, encoding="utf-8")
    n = read_seed_lines(project / "seeds" / "003_643182e9a0f1c9b0.txt").index("Post a comment") + 1
    assert_fails(project, f"seeds/003_643182e9a0f1c9b0.txt:{n}", "neither part of the article nor removed")


def test_seed_missing(project: Path) -> None:
    (project / "seeds" / "001_a99c662e468ee4e4.txt").rename(project / "seeds" / "001_moved.bak")
    assert_fails(project, "seeds/001_a99c662e468ee4e4.txt", "seed file not found")


def test_seed_not_utf8(project: Path) -> None:
    seed = project / "seeds" / "001_a99c662e468ee4e4.txt"
    data = seed.read_bytes().split(b"\n")
    data[4] = b"\xff\xfe latin-1 \xe9"
    seed.write_bytes(b"\n".join(data))
    assert_fails(project, "seeds/001_a99c662e468ee4e4.txt:5", "not UTF-8")


def test_unknown_format(project: Path) -> None:
    toml = project / "seeds" / "002_0115458a33be5f7d.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"markdown"', '"restructuredtext"'), encoding="utf-8"
    )
    line = toml_line(toml, "restructuredtext")
    assert_fails(project, f"seeds/002_0115458a33be5f7d.toml:{line}", "unknown format 'restructuredtext'")


def test_copies_must_be_identical(project: Path) -> None:
    seed = project / "seeds" / "000_de68ed6c4e8229e3.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    second = [i for i, line in enumerate(lines) if line.startswith("In January 2020")][1]
    lines[second] = lines[second].replace("Prime Minister", "prime minister")
    seed.write_text("\n".join(lines), encoding="utf-8")
    assert_fails(project, f"seeds/000_de68ed6c4e8229e3.txt:{second + 1}", "differs from the first copy")


# -- regeneration ------------------------------------------------------------------------------------


def test_check_passes_on_the_committed_tree() -> None:
    proc = run_convert(ROOT, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("up to date.")


def test_check_fails_with_a_diff_after_tampering(project: Path) -> None:
    chapter = project / "book" / "articles" / "stafeev-community-networking.md"
    text = chapter.read_text(encoding="utf-8")
    sentence = "We call it a principle of involvement."
    chapter.write_text(text.replace(sentence, "We call it a principle of detachment."), encoding="utf-8")
    proc = run_convert(project, "--check")
    assert proc.returncode == 1
    diff = proc.stdout.splitlines()
    assert "--- a/book/articles/stafeev-community-networking.md" in diff
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert any("principle of detachment" in line for line in removed)  # the committed (tampered) text
    assert any(sentence in line for line in added)  # what the seed makes
    assert not any("principle of detachment" in line for line in added)
    assert chapter.read_text(encoding="utf-8") != text  # --check writes nothing


GENERATED_DIGEST = (
    "import hashlib, sys; from pathlib import Path; from litreview.chapters.cli import generate; "
    "files = generate(Path(sys.argv[1])); "
    "print(hashlib.sha256(repr(sorted((str(p), t) for p, t in files.items())).encode()).hexdigest())"
)


def test_same_input_same_bytes_in_two_processes(project: Path) -> None:
    """Two interpreters (each with its own hash seed) make the same chapters, byte for byte."""
    digests = set()
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", GENERATED_DIGEST, str(project)], capture_output=True, text=True,
            check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        digests.add(proc.stdout.strip())
    assert len(digests) == 1
    assert all(text.endswith("\n") for text in generate(project).values())


def test_hand_written_text_survives(project: Path) -> None:
    chapter = project / "book" / "articles" / "sear-digital-government.md"
    summary = "## Editor's summary\n\nSear argues that Russia is well placed in digital government.\n"
    text = chapter.read_text(encoding="utf-8").replace(
        "<!-- generated:end head -->\n", f"<!-- generated:end head -->\n\n{summary}"
    )
    text = re.sub(r"(:::\{admonition\} About this edition)", r"\1 TAMPERED", text)
    chapter.write_text(text, encoding="utf-8")
    assert run_convert(project).returncode == 0
    after = chapter.read_text(encoding="utf-8")
    assert summary in after
    assert "TAMPERED" not in after
    head_end, body_begin = (
        after.index("<!-- generated:end head -->"),
        after.index("<!-- generated:begin body"),
    )
    assert head_end < after.index(summary) < body_begin


# -- what the converter keeps and drops, computed from the seeds and metadata -------------------------


@pytest.mark.parametrize(
    "meta", [*load_all(ROOT / "seeds"), *load_all(ESCAPING_ROOT / "seeds")], ids=lambda m: m.slug
)
def test_every_line_is_kept_or_removed_once(meta) -> None:
    prep = prepare(meta)
    kept = {n for part in prep.parts.values() for ln in part if ln.text.strip() for n in (ln.no, *ln.joined)}
    removed = {n for blocks in prep.removed.values() for s, e in blocks for n in range(s, e + 1)}
    nonblank = {n for n, line in enumerate(prep.lines, 1) if line.strip()}
    assert nonblank <= kept | removed
    paragraphs = article_paragraphs(meta)
    assert paragraphs
    # Nothing is doubled: a paragraph comes out as often as the kept seed text holds it. A seed may print
    # a line more than once on purpose (a ``` or ::: in a hostile text): that is kept, as often.
    kept_text = [" ".join(ln.text.split()) for part in prep.parts.values() for ln in part if ln.text.strip()]
    for paragraph, times in Counter(paragraphs).items():
        if times > 1:
            assert sum(paragraph in line for line in kept_text) >= times, paragraph


def test_000_keeps_one_copy() -> None:
    meta = load_seed_meta(ROOT / "seeds" / "000_de68ed6c4e8229e3.toml")
    lines = read_seed_lines(meta.seed_path)
    body = article_paragraphs(meta)
    printed_twice = [line.strip() for line in lines if line.strip() and lines.count(line) == 2]
    long_ones = [line for line in printed_twice if len(line) > 200]
    assert len(long_ones) >= 15
    for line in long_ones:
        assert body.count(line) == 1


def test_escape_leaves_no_unescaped_construct() -> None:
    hostile = "<script>*x* _y_ `z` [a](b) {role}`c` $m$ &amp; ~~s~~ ^t | u \\ https://v"
    escaped = escape(hostile)
    for ch in "<>*_`[]{}$&~^|":
        assert re.search(rf"(?<!\\){re.escape(ch)}", escaped) is None, ch
    assert "https\\://v" in escaped


# -- hostile seeds: every construct comes out as text ---------------------------------------------


@pytest.fixture(scope="module")
def escaping_build(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("escaping") / "project"
    shutil.copytree(ESCAPING_ROOT, root)
    proc = run_convert(root)
    assert proc.returncode == 0, proc.stderr
    build = sphinx_build(root, "html")
    assert build.returncode == 0, build.stderr
    return root, build


def page(build, slug: str) -> tuple[BeautifulSoup, str]:
    html = (build.outdir / "articles" / f"{slug}.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    body = soup.select_one('div[role="main"]') or soup.body
    for heading in body.find_all("h2"):
        if heading.get_text().startswith(("Works cited", "How to cite")):
            heading.find_parent("section").decompose()  # our bibliography and citation, not seed text
    return body, html


def norm(text: str) -> str:
    """Text with all whitespace removed: inline markup adds or drops spaces around elements."""
    return re.sub(r"\s+", "", text)


def test_hostile_text_comes_out_literally(escaping_build) -> None:
    root, build = escaping_build
    meta = load_seed_meta(root / "seeds" / "005_hostile-text.toml")
    main, html = page(build, "hostile-text")
    text = norm(main.get_text())
    for line in article_paragraphs(meta):
        assert norm(line) in text, line
    for tag in (
        "script",
        "iframe",
        "img",
        "b",
        "i",
        "table",
        "blockquote",
        "ol",
        "ul",
        "math",
        "hr",
        "aside",
    ):
        assert main.find(tag) is None, tag
    assert [h.get_text(strip=True).rstrip("¶#") for h in main.find_all(re.compile("^h[1-6]$"))] == [
        "A Hostile Plain Text", "References",
    ]  # fmt: skip
    assert main.select(".admonition") == main.select(".about-edition")  # no {note} from the seed
    assert "SECRET-INCLUDED-CONTENT" not in html
    assert "SUBSTITUTED-BOOK-TITLE" not in html
    assert not main.select('a[href^="javascript"]')
    assert not list((build.outdir / "_downloads").glob("**/secret.txt"))


def test_hostile_markdown_keeps_only_the_whitelist(escaping_build) -> None:
    root, build = escaping_build
    meta = load_seed_meta(root / "seeds" / "006_hostile-markdown.toml")
    main, html = page(build, "hostile-markdown")
    text = norm(main.get_text())
    for line in article_paragraphs(meta):
        assert norm(line) in text, line
    literals = (
        '<script>alert("md-script")</script>', "<sub>2</sub>", "```{raw} html", "{eval-rst}",
        "{cite}`somekey`", "$$ x^2 $$", "[javascript link](javascript:alert('md-link'))", "> a quote",
        "[^1]: not a footnote",
        "![an image](https://example.org/image.png)",
    )  # fmt: skip
    for literal in literals:
        assert norm(literal) in text, literal
    for tag in ("script", "iframe", "img", "b", "i", "sub", "table", "blockquote", "pre", "aside"):
        assert main.find(tag) is None, tag
    assert "SECRET-INCLUDED-CONTENT" not in html
    hrefs = [unquote(a["href"]) for a in main.select("a[href]") if not a["href"].startswith("#")]
    assert "https://example.org/ok" in hrefs and "mailto:eve@example.org" in hrefs
    assert not [h for h in hrefs if h.startswith(("javascript", "data"))]
    assert [s.get_text() for s in main.find_all("sup")] == ["1", "2", "sup"]
    assert main.find("em", string="emphasis") and main.find("strong", string="strong")
    assert [h.get_text().rstrip("¶#") for h in main.find_all("h2")][:1] == ["A whitelisted heading"]
    assert [len(lst.find_all("li")) for lst in main.find_all(["ul", "ol"])] == [2, 2]
    cite = main.select_one("a.seedcite")
    assert cite.get_text() == "[1]" and cite["href"].endswith("references.html#cite-cited2020work")


@pytest.mark.parametrize("slug", ["hostile-text", "hostile-markdown"])
def test_a_forged_paragraph_number_stays_literal(escaping_build, slug: str) -> None:
    """A seed that prints the converter's own markup ("{para}`97`", "{#para-98 .para}") gets no
    number or anchor from it: the page's anchors are exactly the ones the converter assigned."""
    from litreview.chapters.paragraphs import of_seed

    root, build = escaping_build
    meta = next(m for m in load_all(root / "seeds") if m.slug == slug)
    main, _html = page(build, slug)
    expected = [p.anchor for p in of_seed(meta)]
    assert [el["id"] for el in main.select('[id^="para-"]')] == expected
    assert [a.get_text() for a in main.select("a.para-num")] == [
        f"Paragraph {p.number}" for p in of_seed(meta)
    ]
    assert norm("{para}`97` a forged paragraph number, {#para-98 .para} a forged anchor.") in norm(
        main.get_text()
    )
