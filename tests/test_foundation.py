"""The skeleton a newcomer meets first: seeds, Quick start, CI script, strict build."""

from __future__ import annotations

import hashlib
import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from litreview.core.book import load_book
from support import ROOT, Build, xdist_scope


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded_hashes() -> dict[str, str]:
    lines = (ROOT / "seeds" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def test_seeds_match_their_recorded_sha256() -> None:
    """Every seed is recorded in seeds/SHA256SUMS as received, and is still those bytes."""
    recorded = recorded_hashes()
    on_disk = {p.name: sha256(p) for p in (ROOT / "seeds").glob("*.txt")}
    assert on_disk, "no seeds"
    for name in sorted(set(on_disk) - set(recorded)):
        raise AssertionError(
            f"seeds/SHA256SUMS does not record seeds/{name}: `nox -s new-article -- seeds/{name}` records "
            f"a new seed as received (or add the line `sha256sum seeds/{name}` prints, without the seeds/)"
        )
    assert on_disk == recorded, "a seed differs from the bytes seeds/SHA256SUMS records, or is gone"


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Quick start has exactly one fenced block"
    return [line for line in blocks[0].splitlines() if line.strip()]


def test_readme_quick_start_is_exactly_two_commands() -> None:
    build, test = quickstart_commands()
    assert "nox -s book" in build  # PDF, EPUB, then the HTML that links both
    assert shlex.split(test) == ["nox", "-s", "tests"]


def test_ci_script_runs_the_readme_commands_in_order() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    quick = quickstart_commands()
    positions = [commands.index(cmd) for cmd in quick]  # ValueError names a command CI does not run
    assert positions == sorted(positions)
    assert commands[-1] == quick[-1], "the test command is the last thing CI runs"


def test_conf_reads_title_and_editors_from_citation_cff() -> None:
    info = load_book(ROOT / "CITATION.cff")
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert info.title not in conf and all(editor not in conf for editor in info.editor_names)
    assert info.title and info.editor_names


def source_pages() -> set[str]:
    """Every page of the book, by docname, computed from the sources."""
    book = ROOT / "book"
    return {p.relative_to(book).with_suffix("").as_posix() for p in book.rglob("*.md")}


@pytest.mark.slow
def test_book_builds_from_a_copy_with_zero_warnings(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.stderr
    assert "WARNING" not in html_build.stderr and "ERROR" not in html_build.stderr
    assert "build succeeded." in html_build.stdout


@pytest.mark.slow
def test_front_page_has_title_and_links_every_page(html_build: Build) -> None:
    info = load_book(ROOT / "CITATION.cff")
    soup = BeautifulSoup((html_build.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert info.title in soup.title.get_text()
    assert soup.h1.get_text(strip=True).rstrip("#") == info.title
    nav = soup.select_one("nav.bd-docs-nav") or soup.select_one(".bd-sidebar-primary")
    linked = {a["href"].split("#")[0].removesuffix(".html") for a in nav.select("a[href]")}
    expected = source_pages() - {"index"}
    assert expected <= linked, f"pages missing from the table of contents: {sorted(expected - linked)}"


def collected(*args: str) -> list[str]:
    """The test ids pytest collects here, in the order it would run them."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:]
    return [line for line in proc.stdout.splitlines() if "::" in line]


def test_the_full_suite_hands_out_its_slowest_scopes_first() -> None:
    """`nox -s tests` keeps the order tests/conftest.py gives (xdist would sort scopes by their
    number of tests, which puts the few long tests last), and that order starts with the scopes
    that hold the most slow tests and ends with scopes that hold none."""
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"--dist", "loadscope", "--no-loadscope-reorder"' in noxfile
    slow = Counter(xdist_scope(nodeid) for nodeid in collected("-m", "slow"))
    order = list(dict.fromkeys(xdist_scope(nodeid) for nodeid in collected()))
    counts = [slow[scope] for scope in order]
    assert counts == sorted(counts, reverse=True), list(zip(order, counts, strict=True))
    assert counts[0] > 1 and counts[-1] == 0
