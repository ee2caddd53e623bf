"""Shared fixtures: a copy of the project in a temp dir, and the book built from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns("_build", ".nox", ".git", "__pycache__", "*.egg-info", ".pytest_cache")


@dataclass(frozen=True)
class Build:
    """The result of one sphinx-build run: where the output is and what it printed."""

    outdir: Path
    returncode: int
    stdout: str
    stderr: str


def copy_project(dest: Path) -> Path:
    """Copy the project's sources (no build output, no venvs) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    return dest


def sphinx_build(project: Path, builder: str, *extra: str) -> Build:
    """Build the book in ``project`` the way `nox -s html` does (strict)."""
    outdir = project / "_build" / builder
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-c", ".", "book", str(outdir),
         "-b", builder, *extra],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return Build(outdir, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project per test session, built from, never edited."""
    return copy_project(tmp_path_factory.mktemp("project") / "book-project")


@pytest.fixture(scope="session")
def html_build(project_copy: Path) -> Build:
    """The HTML book built once per session from the project copy."""
    return sphinx_build(project_copy, "html")
