"""Measuring one build: the command, its wall time and peak memory, the machine and the versions."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.core.errors import LitReviewError
from litreview.tools import build

PACKAGES = (
    "sphinx",
    "myst-parser",
    "sphinxcontrib-bibtex",
    "sphinx-book-theme",
    "pydata-sphinx-theme",
    "pybtex",
    "docutils",
    "beautifulsoup4",
    "litreview",
)
VARIANT_NAMES = {
    "a": "floor (a): myst + basic theme, plain-text citations",
    "b": "floor (b): + sphinxcontrib-bibtex defaults",
    "book": "default stack + sphinx-book-theme",
    "ours": "the project's own conf.py: every extension the book ships with",
}
MEASURES = ("clean", "noop", "edit", "bibedit")
MEASURE_NAMES = {
    "clean": "clean",
    "noop": "no-op",
    "edit": "one chapter edited",
    "bibedit": "one .bib entry edited",
}
GIB = 1024**3


class BenchError(LitReviewError):
    """The benchmark could not run (a build failed, or the project is not where it was said to be)."""


@dataclass(frozen=True)
class Timed:
    """One command: wall time, peak resident memory of it and its children, exit status."""

    seconds: float
    maxrss_bytes: int
    returncode: int
    output: str


@dataclass(frozen=True)
class Stat:
    """A figure over several runs."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def json(self) -> dict[str, Any]:
        return {
            "median": round(self.median, 3),
            "min": round(min(self.runs), 3),
            "max": round(max(self.runs), 3),
            "runs": [round(r, 3) for r in self.runs],
        }

    def text(self) -> str:
        return f"{self.median:.2f} [{min(self.runs):.2f}-{max(self.runs):.2f}]"


def build_env(pycache: Path) -> dict[str, str]:
    """The environment builds run in: bytecode cached (in our own prefix), the venv's tools first."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_timed(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> Timed:
    """Run ``cmd``; its wall time and peak RSS (from wait4, so children it waited for count too)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return Timed(seconds, usage.ru_maxrss * 1024, proc.returncode, output)


def sphinx_cmd(jobs: bool = False, strict: bool = False) -> list[str]:
    return build.command("html", None, "-q", *(["-j", "auto"] if jobs else []), strict=strict)


def first_problem(output: str) -> str:
    """The line of a build's output that says why it failed (an error first, else a warning)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for pattern in (r"exception|Error|error:", r"WARNING"):
        for line in lines:
            if re.search(pattern, line) and not line.startswith(("File ", "raise ")):
                return line[:300]
    return lines[-1][:300] if lines else ""


def machine_info() -> dict[str, Any]:
    """Core count, CPU model, load and Python: what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict[str, str]:
    """Installed versions of the packages the build uses."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
