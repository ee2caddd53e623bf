"""Shared fixtures: the real book built once per session, and the test-root directory for
``sphinx.testing``. The helpers they use (and that test modules import) are in support.py.

The real book is built once per test session and shared (``html_build``, ``epub_build``,
``pdf_build``): with pytest-xdist (``-n auto``) the workers share one copy and one build of each
kind, made by whichever worker asks first (a file lock in the session's temporary folder).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from support import (
    ROOTS,
    Build,
    RootBuild,
    build_pdf,
    build_root,
    copy_project,
    copy_root,
    locked,
    sphinx_build,
    xdist_scope,
)

pytest_plugins = ("sphinx.testing.fixtures", "browser_support")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds ``@pytest.mark.sphinx(testroot=…)`` roots."""
    return ROOTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The scopes with the most slow tests first. `nox -s tests` runs pytest-xdist with
    ``--dist loadscope --no-loadscope-reorder``: it hands the scopes out in this order, so the long
    ones start at once and the run ends on short ones instead of one worker waiting for the other."""
    slow = Counter(xdist_scope(item.nodeid) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[xdist_scope(item.nodeid)])  # stable: a scope's order is kept


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every xdist worker sees (each has its own below it).

    Judged by the folder, not by ``PYTEST_XDIST_WORKER``: a pytest started by a test (the suite run
    inside a copy of the project) inherits that variable without being a worker, and would share a
    folder left by another session."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


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


@pytest.fixture(scope="session")
def citing_build(tmp_path_factory: pytest.TempPathFactory) -> RootBuild:
    """The ``citing`` test root (a small book that cites) built once per session, with no public
    base URL; the tests only read it."""
    return build_root(copy_root("citing", tmp_path_factory.mktemp("citing") / "book"), html_baseurl="")
