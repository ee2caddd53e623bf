"""A new article, added by following README.md's "Adding an article" alone, leaves the tree green.

On a copy of the project, with the sixth seed in tests/fixtures/sixth-seed/: the raw text into
seeds/ (step 1), a draft of its metadata with litreview-new-article and the edits a person makes
(step 2), its refs.bib entries (step 3), then `nox -s chapters` (step 4); then the HTML book
builds with no warning, the citations check passes (reminding, not failing, about the optional
steps 5 and 6), and the fast tests that read the seeds, refs.bib and the book pass on the copy.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from litreview.chapters.render import article_paragraphs
from litreview.core import bib
from litreview.core.seeds import load_seed_meta
from support import ROOT, copy_project, sphinx_build

SIXTH = Path(__file__).parent / "fixtures" / "sixth-seed"
SEED = "005_sixth-article.txt"
ARTICLE, CITED = "fixture2024sixth", "example2021rural"  # its refs.bib entry, and the work it cites
README = ROOT / "README.md"


def run(project: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A command line as its nox session runs it (`nox -s <session> -- args`), in the project."""
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=project, capture_output=True, text=True, check=False
    )


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_readme_names_every_step_this_test_takes() -> None:
    section = README.read_text(encoding="utf-8").split("## Adding an article", 1)[1].split("\n## ", 1)[0]
    for needle in (
        "NNN_<anything>.txt", "seeds/SHA256SUMS", "nox -s new-article -- seeds/NNN_<anything>.txt",
        "`key`, `genre` and every `keys = []`", "authorYEARword", "`nd`", "urldate", "nox -s chapters",
        "nox -s html", "nox -s citations", "nox -s tests", "(optional)",
    ):  # fmt: skip
        assert needle in section, needle


@pytest.mark.slow
def test_a_new_article_added_by_the_readme_builds_lints_and_passes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for f in (project / "seeds").iterdir():
        f.chmod(0o644)

    # The sixth seed must be new to the book. If someone already added it (following the README with
    # it, say), it is added once more as another page: "Sixth" becomes "Sixth-N" in its text and entry.
    existing = bib.scan(project / "refs.bib").by_key
    number = max(int(p.name[:3]) for p in (project / "seeds").glob("[0-9][0-9][0-9]_*.txt")) + 1
    fixture = bib.scan(SIXTH / "refs-entries.bib").by_key

    def new(text: str) -> str:
        if ARTICLE not in existing:
            return text
        return text.replace("Sixth", f"Sixth-{number}").replace("sixth", f"sixth{number}")

    key = new(ARTICLE)

    # 1. The raw text, as received, in seeds/, numbered after the book's last seed.
    seed = project / "seeds" / f"{number:03d}{SEED[3:]}"
    seed.write_bytes(new((SIXTH / SEED).read_bytes().decode("utf-8")).encode("utf-8"))

    # 2. A draft of its metadata; the person fills in what only they know.
    drafted = run(project, "litreview.chapters.scaffold", f"seeds/{seed.name}")
    assert drafted.returncode == 0, drafted.stderr
    assert seed.name in (project / "seeds" / "SHA256SUMS").read_text(encoding="utf-8")
    toml = seed.with_suffix(".toml")
    text = toml.read_text(encoding="utf-8")
    edits = {  # the person's edits: key, genre, and the printed reference's key (whole lines)
        r'key = ".*"': f'key = "{key}"',
        r'genre = ""': 'genre = "essay"',
        r"keys = \[\]": f'keys = ["{CITED}"]',
    }
    for old, replacement in edits.items():
        text, count = re.subn(rf"^{old}$", replacement, text, flags=re.MULTILINE)
        assert count == 1, old
    toml.write_text(text, encoding="utf-8")

    # 3. The refs.bib entries: the article's own, completed from the printed stub, and the work it
    # cites (unless refs.bib has it already: one work, one entry).
    stub = drafted.stdout[drafted.stdout.index("% refs.bib stub") :].split("\n}\n")[0] + "\n}\n"
    (printed,) = parse_string(stub, "bibtex").entries.values()
    entries = [new(fixture[ARTICLE].text)] + ([] if CITED in existing else [fixture[CITED].text])
    verified = parse_string(entries[0], "bibtex").entries[key]
    assert printed.fields["title"] == verified.fields["title"]  # the stub's title, as printed, was right
    with (project / "refs.bib").open("a", encoding="utf-8") as refs:
        refs.write("".join(f"\n{entry}\n" for entry in entries))

    # 4. Generate.
    made = run(project, "litreview.chapters")
    assert made.returncode == 0, made.stderr
    assert run(project, "litreview.chapters", "--check").returncode == 0
    meta = load_seed_meta(toml)
    chapter = project / "book" / "articles" / f"{meta.slug}.md"
    assert chapter.is_file()

    # nox -s html: the book builds, strictly, with the new chapter in its table of contents.
    build = sphinx_build(project, "html")
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr and "ERROR" not in build.stderr
    page = BeautifulSoup(
        (build.outdir / "articles" / f"{meta.slug}.html").read_text(encoding="utf-8"), "html.parser"
    )
    text_on_page = squash(page.get_text())
    for paragraph in article_paragraphs(meta):
        assert squash(paragraph) in text_on_page, paragraph
    for chrome in ("Example Site Menu", "Share this article"):
        assert squash(chrome) not in squash(page.select_one("article").get_text()), chrome
    index = BeautifulSoup(
        (build.outdir / "articles" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert f"{meta.slug}.html" in [a["href"] for a in index.select("article li a")]

    # nox -s citations: no finding; the optional steps 5 and 6 only reminded.
    cited = run(project, "litreview.tools.citations")
    assert cited.returncode == 0, cited.stdout
    assert {line.split()[1] for line in cited.stdout.splitlines()} <= {"N001", "N002"}, cited.stdout
    assert f"book/articles/{meta.slug}.md:1: N001 reminder" in cited.stdout

    # nox -s tests: the fast tests pass on the copy (but the benchmark and the link checker, which read
    # no seed and take most of the fast suite's time).
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", "tests",
         *(f"--ignore=tests/{name}" for name in ("test_bench.py", "test_linkcheck.py", "test_browser.py"))],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:]
    assert re.search(r"\d+ passed", tests.stdout)
