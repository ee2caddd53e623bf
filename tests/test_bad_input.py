"""Bad input a person adding an article meets, each reported as `file:line: message` with no traceback.

A refs.bib syntax error stops `nox -s html` and `nox -s chapters` at the line of the entry that is
broken (not where the parser gave up); a key the seed metadata names but refs.bib lacks stops
`nox -s chapters` at the metadata's line; a role citing an unknown key is reported at its own
line, not its paragraph's. Lines are computed from the files, never pasted.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, build_root, copy_project, copy_root, line_of, sphinx_build

SEED = "001_a99c662e468ee4e4"


def chapters(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview.chapters"], cwd=project, capture_output=True, text=True, check=False
    )


def outputs(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "book" / "articles").glob("*.md"))}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def break_an_entry(bib: Path) -> tuple[int, int]:
    """Leave the one-line title of an entry unclosed: (its entry's line, the next entry's line).

    The entry is the one nearest the middle of refs.bib that has a one-line `title` and another
    entry after it (found, not assumed: entries without a title, or with a title over several lines,
    are passed over); when refs.bib has none, one is added before its last entry.
    """
    lines = bib.read_text(encoding="utf-8").split("\n")
    entries = [n for n, line in enumerate(lines, 1) if line.startswith("@")]
    one_line_title = re.compile(r"\s*title\s*=\s*\{.*\},\s*$")
    middle = len(entries) // 2
    for i in sorted(range(len(entries) - 1), key=lambda i: abs(i - middle)):
        entry, following = entries[i], entries[i + 1]
        title = next((n for n in range(entry, following) if one_line_title.match(lines[n - 1])), 0)
        if title:
            break
    else:
        entry = entries[-1]
        lines[entry - 1 : entry - 1] = [
            "@misc{brokenndentry,",
            "  title        = {A Title},",
            "  year = {n.d.},",
            "}",
            "",
        ]
        title, following = entry + 1, entry + 5
    lines[title - 1] = re.sub(r"\},\s*$", ",", lines[title - 1])
    bib.write_text("\n".join(lines), encoding="utf-8")
    return entry, following


def test_unclosed_brace_stops_the_html_build_at_the_broken_entry(project: Path) -> None:
    entry, following = break_an_entry(project / "refs.bib")
    build = sphinx_build(project, "html")
    output = build.stdout + build.stderr
    assert build.returncode != 0
    assert "Traceback" not in output and "report the bug" not in output.lower()
    assert re.search(rf"refs\.bib:{entry}: ERROR: this entry cannot be parsed", build.stderr), build.stderr
    assert f"refs.bib:{following}:" not in build.stderr  # where the parser gave up is not the broken entry
    assert not list(build.outdir.rglob("*.html"))  # nothing written


def test_unclosed_brace_stops_chapters_at_the_broken_entry(project: Path) -> None:
    entry, _ = break_an_entry(project / "refs.bib")
    before = outputs(project)
    proc = chapters(project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"refs.bib:{entry}: this entry cannot be parsed"), proc.stderr
    assert outputs(project) == before


def test_a_key_used_twice_is_reported_at_the_second_entry(project: Path) -> None:
    bib = project / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    first = re.search(r"^@\w+\{([^,]+),\n(?:.*\n)*?\}\n", text, flags=re.MULTILINE)
    assert first is not None
    bib.write_text(text + "\n" + first.group(0), encoding="utf-8")
    second = line_of(bib, first.group(0).splitlines()[0], 1)
    proc = chapters(project)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"refs.bib:{second}: the key '{first.group(1)}' is also used on line "), (
        proc.stderr
    )
    build = sphinx_build(project, "html")
    assert build.returncode != 0 and "Traceback" not in build.stderr
    assert f"refs.bib:{second}: ERROR: the key" in build.stderr


def test_a_reference_key_missing_from_refs_bib_stops_chapters_at_its_table(project: Path) -> None:
    toml = project / "seeds" / f"{SEED}.toml"
    key = re.search(r'keys = \["([^"]+)"\]', toml.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(f'["{key}"]', '["ghost2020work"]', 1), encoding="utf-8"
    )
    table = max(n for n in range(1, line_of(toml, "ghost2020work")) if "[[references]]" in
                toml.read_text(encoding="utf-8").splitlines()[n - 1])  # fmt: skip
    before = outputs(project)
    proc = chapters(project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"seeds/{SEED}.toml:{table}: [[references]] "), proc.stderr
    assert "'ghost2020work', which is not in refs.bib: add an entry" in proc.stderr
    assert outputs(project) == before


def test_the_articles_own_key_missing_from_refs_bib_stops_chapters_at_its_line(project: Path) -> None:
    toml = project / "seeds" / f"{SEED}.toml"
    toml.write_text(re.sub(r'^key = ".*"$', 'key = "ghost2020article"', toml.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")  # fmt: skip
    proc = chapters(project)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"seeds/{SEED}.toml:{line_of(toml, 'key = ')}: key 'ghost2020article'")


# -- a role's own line -------------------------------------------------------------------------------


def role_lines(page: Path) -> list[tuple[int, str]]:
    """(line, name) of every role in the page naming something that does not exist ("ghost…")."""
    text = page.read_text(encoding="utf-8")
    found = []
    for m in re.finditer(r"\{[a-z:]+\}`([^`]*)`", text):
        for name in re.split(r",\s*", m.group(1)):
            if name.startswith("ghost"):
                found.append((text.count("\n", 0, m.start()) + 1, name))
    return sorted(found)


def warned(warnings: str) -> list[tuple[int, str]]:
    what = r"(?:could not find bibtex key \"|term not in glossary: '|undefined label: ')"
    found = re.finditer(r"index\.md:(\d+): WARNING: " + what + r"([^\"']+)", warnings)
    return sorted((int(m.group(1)), m.group(2)) for m in found)


def test_roles_are_reported_at_their_own_line(tmp_path: Path) -> None:
    src = copy_root("rolelines", tmp_path / "src")
    build = build_root(src)
    expected = role_lines(src / "index.md")
    assert len({line for line, _ in expected}) >= 6  # roles on first, middle and continued lines
    assert warned(build.warnings) == expected


def test_without_it_myst_reports_the_paragraphs_first_line(tmp_path: Path) -> None:
    """Why litreview.sphinxext.rolelines exists: MyST gives a role no line of its own."""
    src = copy_root("rolelines", tmp_path / "src")
    build = build_root(src, extensions=["myst_parser", "sphinxcontrib.bibtex"])
    reported = warned(build.warnings)
    assert reported and reported != role_lines(src / "index.md")
    assert (line_of(src / "index.md", "A paragraph opens here"), "ghostsecond") in reported


@pytest.mark.slow
def test_an_unknown_key_in_the_review_is_reported_at_its_line(project: Path) -> None:
    themes = project / "book" / "review" / "themes.md"
    lines = themes.read_text(encoding="utf-8").split("\n")
    # the second line of the first paragraph of two or more lines that has a citation
    target = next(
        n for n in range(1, len(lines) - 1)
        if lines[n - 1].strip() and lines[n].strip() and "{cite" in lines[n]
        and not lines[n].startswith(("#", "`", ":"))
    )  # fmt: skip
    lines[target] += " {cite:p}`ghost2020review`"
    themes.write_text("\n".join(lines), encoding="utf-8")
    build = sphinx_build(project, "html")
    assert build.returncode != 0
    assert (
        f'review/themes.md:{target + 1}: WARNING: could not find bibtex key "ghost2020review"' in build.stderr
    )
    assert str(ROOT) not in build.stderr  # the copy's own file, not the project's
