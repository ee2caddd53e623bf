"""Shared fixtures: builds of small test roots (Sphinx's own sphinx.testing), and of the real book.

Two ways to build, one each:

- a test root in ``tests/roots/test-<case>/`` (a conf.py beside its pages, one behaviour each) is
  built in-process by :func:`build_root`, with ``sphinx.testing``'s ``SphinxTestApp``, the way
  Sphinx, MyST-Parser and sphinxcontrib-bibtex test themselves; warnings are collected, not fatal,
  so a test asserts on them;
- a project tree (``conf.py``, ``book/``, ``seeds/``, ``refs.bib``: the real book, or a copy) is
  built by :func:`sphinx_build`, which runs the one strict command every nox session runs
  (:mod:`litreview.tools.build`).

The real book is built once per test session and shared (``html_build``, ``epub_build``,
``pdf_build``): with pytest-xdist (``-n auto``) the workers share one copy and one build of each
kind, made by whichever worker asks first (a file lock in the session's temporary folder).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from litreview.tools import build

pytest_plugins = ("sphinx.testing.fixtures", "browser_support")

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


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds ``@pytest.mark.sphinx(testroot=…)`` roots."""
    return ROOTS


def xdist_scope(nodeid: str) -> str:
    """The unit ``--dist loadscope`` gives one worker: a module, or a class in one."""
    return nodeid.rsplit("::", 1)[0]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The scopes with the most slow tests first. `nox -s tests` runs pytest-xdist with
    ``--dist loadscope --no-loadscope-reorder``: it hands the scopes out in this order, so the long
    ones start at once and the run ends on short ones instead of one worker waiting for the other."""
    slow = Counter(xdist_scope(item.nodeid) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[xdist_scope(item.nodeid)])  # stable: a scope's order is kept


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


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every xdist worker sees (each has its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(lock_dir: Path, name: str, make: Any) -> Any:
    """``make()``'s JSON-able result, computed by the first process of the session that asks."""
    result = lock_dir / f"{name}.json"
    with locked(lock_dir / f"{name}.lock"):
        if not result.is_file():
            result.write_text(json.dumps(make()), encoding="utf-8")
    return json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project per test session, built from, never edited."""
    shared = shared_tmp(tmp_path_factory) / "project" / "book-project"
    _once(shared.parent, "copy", lambda: str(copy_project(shared)))
    return shared


def _shared_build(tmp_path_factory: pytest.TempPathFactory, project: Path, builder: str) -> Build:
    def make() -> dict[str, Any]:
        found = asdict(sphinx_build(project, builder))
        return {**found, "outdir": str(found["outdir"])}

    found = _once(shared_tmp(tmp_path_factory) / "builds", builder, make)
    return Build(**{**found, "outdir": Path(found["outdir"])})


@pytest.fixture(scope="session")
def html_build(project_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The HTML book built once per session from the project copy."""
    return _shared_build(tmp_path_factory, project_copy, "html")


@pytest.fixture(scope="session")
def epub_build(project_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The EPUB book built once per session from the project copy."""
    return _shared_build(tmp_path_factory, project_copy, "epub")


def build_pdf(project: Path, epoch: str = "1700000000") -> tuple[Build, subprocess.CompletedProcess[str]]:
    """Build the PDF the way `nox -s pdf` does: strict sphinx-build, then litreview-editions' latexmk run."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    latex = sphinx_build(project, "latex", env=env)
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.tools.editions", "pdf", str(latex.outdir)],
        cwd=project, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    return latex, proc


@pytest.fixture(scope="session")
def pdf_build(
    project_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Build, subprocess.CompletedProcess[str]]:
    """The PDF book built once per session from the project copy (Sphinx's LaTeX, then latexmk)."""

    def make() -> dict[str, Any]:
        latex, proc = build_pdf(project_copy)
        return {"latex": {**asdict(latex), "outdir": str(latex.outdir)},
                "proc": [proc.args, proc.returncode, proc.stdout, proc.stderr]}  # fmt: skip

    found = _once(shared_tmp(tmp_path_factory) / "builds", "pdf", make)
    latex = Build(**{**found["latex"], "outdir": Path(found["latex"]["outdir"])})
    return latex, subprocess.CompletedProcess(*found["proc"])
