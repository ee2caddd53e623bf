"""What the tests share besides fixtures (those are in conftest.py, which no test module imports):
where the project is, building a test root or the book, and reading what a build or a file shows.

Two ways to build, one each:

- a test root in ``tests/roots/test-<case>/`` (a conf.py beside its pages, one behaviour each) is
  built in-process by :func:`build_root`, with ``sphinx.testing``'s ``SphinxTestApp``, the way
  Sphinx, MyST-Parser and sphinxcontrib-bibtex test themselves; warnings are collected, not fatal,
  so a test asserts on them;
- a project tree (``conf.py``, ``book/``, ``seeds/``, ``refs.bib``: the real book, or a copy) is
  built by :func:`sphinx_build`, which runs the one strict command every nox session runs
  (:mod:`litreview.tools.build`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from litreview.tools import build

ROOT = Path(__file__).resolve().parents[1]
ROOTS = ROOT / "tests" / "roots"
IGNORED = shutil.ignore_patterns(
    "_build", ".nox", ".git", "__pycache__", "*.egg-info", ".pytest_cache", "node_modules"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Build:
    """The result of one sphinx-build run: where the output is and what it printed."""

    outdir: Path
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class RootBuild:
    """A test root built in-process: its source folder, output folder, and what Sphinx said."""

    srcdir: Path
    outdir: Path
    status: str
    warnings: str
    env: Any = field(repr=False, default=None)

    def page(self, name: str) -> BeautifulSoup:
        """A built page, parsed ("index.html", "refs.html"…)."""
        return BeautifulSoup((self.outdir / name).read_text(encoding="utf-8"), "html.parser")


def xdist_scope(nodeid: str) -> str:
    """The unit ``--dist loadscope`` gives one worker: a module, or a class in one."""
    return nodeid.rsplit("::", 1)[0]


def copy_root(testroot: str, dest: Path) -> Path:
    """Copy ``tests/roots/test-<testroot>`` to ``dest`` (to edit it before a build)."""
    shutil.copytree(ROOTS / f"test-{testroot}", dest, ignore=IGNORED)
    return dest


def build_root(
    srcdir: Path, buildername: str = "html", builddir: Path | None = None, **confoverrides: Any
) -> RootBuild:
    """Build the test root at ``srcdir`` in-process with sphinx.testing, into ``builddir`` (default
    ``srcdir/_build``); a second call on the same folders is an incremental rebuild."""
    from sphinx.testing.util import SphinxTestApp

    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        buildername, srcdir=srcdir, builddir=builddir, confoverrides=confoverrides, status=status,
        warning=warning,
    )  # fmt: skip
    try:
        app.build()
    finally:
        app.cleanup()
    return RootBuild(srcdir, Path(app.outdir), _ANSI.sub("", status.getvalue()),
                     _ANSI.sub("", warning.getvalue()), app.env)  # fmt: skip


def copy_project(dest: Path) -> Path:
    """Copy the project's sources (no build output, no venvs) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    return dest


def copy_chapter_inputs(dest: Path) -> Path:
    """Copy what `nox -s chapters` reads and writes (seeds/, refs.bib, book/articles/) to ``dest``,
    every file writable, for a test that changes them."""
    (dest / "book").mkdir(parents=True)
    shutil.copytree(ROOT / "seeds", dest / "seeds")
    shutil.copytree(ROOT / "book" / "articles", dest / "book" / "articles")
    shutil.copy(ROOT / "refs.bib", dest / "refs.bib")
    for path in (dest / "seeds").iterdir():
        path.chmod(0o644)
    return dest


def sphinx_build(
    project: Path, builder: str, *extra: str, outdir: Path | None = None, env: dict[str, str] | None = None
) -> Build:
    """Build the book in ``project`` the way `nox -s html` does (strict: litreview.tools.build)."""
    outdir = outdir or project / "_build" / builder
    proc = subprocess.run(
        build.command(builder, str(outdir), *extra), cwd=project, capture_output=True, text=True,
        check=False, env=env,
    )  # fmt: skip
    return Build(outdir, proc.returncode, proc.stdout, proc.stderr)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across processes, e.g. xdist workers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_pdf(project: Path, epoch: str = "1700000000") -> tuple[Build, subprocess.CompletedProcess[str]]:
    """Build the PDF the way `nox -s pdf` does: strict sphinx-build, then litreview-editions' latexmk run."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    latex = sphinx_build(project, "latex", env=env)
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.tools.editions", "pdf", str(latex.outdir)],
        cwd=project, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    return latex, proc


# -- reading what a file or a build shows --------------------------------------------------------


def line_of(path: Path, needle: str, occurrence: int = 0) -> int:
    """1-based line of the ``occurrence``-th (0-based) line of ``path`` containing ``needle``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    if len(hits) <= occurrence:
        raise AssertionError(f"{needle!r} is not in {path} {occurrence + 1} time(s)")
    return hits[occurrence]


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, ends stripped: the only normalisation quotations are allowed."""
    return " ".join(text.split())


def fold_typography(text: str) -> str:
    """Text compared across renderers: typographic quotes and dashes folded, whitespace collapsed."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "\u00ad": "", "\xa0": " "})
    return collapse_spaces(text.translate(table))


def squeeze(text: str) -> str:
    """Text with whitespace and hyphens removed, so a word hyphenated across lines still matches."""
    return re.sub(r"[\s\-‐]", "", fold_typography(text))


#: A matplotlib SVG sets each text as glyph outlines drawn 100 units to the point
#: (``matplotlib.textpath.TextToPath.FONT_SCALE``), scaled by its size: "scale(0.115 -0.115)".
SVG_TEXT_SCALE = re.compile(r"scale\(([\d.]+) -\1\)")


def svg_text_sizes_pt(svg: str) -> set[float]:
    """The sizes (pt) of the texts a matplotlib SVG sets as outlines."""
    return {round(float(s) * 100, 2) for s in SVG_TEXT_SCALE.findall(svg)}
