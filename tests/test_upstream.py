"""The speed-ups pass the patched libraries' own test suites: the same outcomes and the same files.

Each suite comes from the library's source distribution on PyPI, at the version installed (the
one requirements/constraints.txt pins), fetched once into a cache folder with ``pip download``
(``~/.cache/litreview/upstream``, or ``$LITREVIEW_UPSTREAM_CACHE``). It runs twice, in two
processes: as published, and with our speed-up set up in every Sphinx app the suite makes, right
after the extension it patches (tests/upstream/litreview_speedup_plugin.py). A pass count would
hide a crash in a test upstream marks ``xfail``, so the comparison is of every test's outcome and
of every file the two runs wrote (build outputs, with the temporary folder's name taken out).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import ROOT, locked

PLUGIN_DIR = ROOT / "tests" / "upstream"
#: Files that differ between two runs of the same suite whatever the speed-ups do: Sphinx's pickles
#: (object layout), build info (hash of the config), our own caches, bytecode.
VOLATILE = re.compile(r"(\.pickle|\.doctree|\.pyc|\.buildinfo|/litreview-[^/]*(/.*)?|/__pycache__/.*)$")


@dataclass(frozen=True)
class Suite:
    """A library's test suite and the speed-up to run it with."""

    distribution: str
    tests: str  # the suite's folder in the sdist
    speedup: str
    after: str  # the extension the speed-up is set up after
    ignore: tuple[str, ...] = ()  # test files that cannot run here (why: see SUITES)


SUITES = {
    "sphinxcontrib-bibtex": Suite(
        "sphinxcontrib-bibtex", "test", "litreview.speedups.bibcache", "sphinxcontrib.bibtex"
    ),
    # the same suite with the References page's kept entries (it patches the bibliography transform)
    "sphinxcontrib-bibtex, refpage": Suite(
        "sphinxcontrib-bibtex", "test", "litreview.speedups.refpage", "sphinxcontrib.bibtex"
    ),
    # test_a11y.py and test_playwright.py drive a browser over pydata's own documentation, built
    # with its [doc] extra (ablog, jupyterlite, …): they test neither the sidebar nor our code.
    "pydata-sphinx-theme": Suite(
        "pydata-sphinx-theme",
        "tests",
        "litreview.speedups.fastnav",
        "sphinx.builders.html",
        ("tests/test_a11y.py", "tests/test_playwright.py"),
    ),
    "sphinx-book-theme": Suite(
        "sphinx-book-theme", "tests", "litreview.speedups.fastnav", "sphinx.builders.html"
    ),
}


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "litreview" / "upstream"
    return Path(os.environ.get("LITREVIEW_UPSTREAM_CACHE", default))


def _pip() -> list[str]:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("pip3") or shutil.which("pip")
    if found is None:
        pytest.fail("pip is needed to fetch the upstream test suites (pip download); none was found")
    return [found]


def sdist(distribution: str) -> Path:
    """The source distribution of the installed version, fetched once (``pip download``)."""
    version = importlib.metadata.version(distribution)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{distribution.replace('-', '_')}-{version}"
    with locked(folder / f"{stem}.lock"):
        found = sorted(folder.glob(f"{stem}.tar.gz"))
        if not found:
            proc = subprocess.run(
                [*_pip(), "download", "--no-deps", "--no-binary", ":all:", "--dest", str(folder),
                 f"{distribution}=={version}"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            assert proc.returncode == 0, (
                f"pip download {distribution}=={version}:\n{proc.stdout}{proc.stderr}"
            )
            found = sorted(folder.glob(f"{stem}.tar.gz"))
        assert found, f"pip download gave no {stem}.tar.gz in {folder}"
    return found[0]


def unpack(archive: Path, dest: Path, tests: str) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    (root,) = [p for p in dest.iterdir() if p.is_dir()]
    assert (root / tests).is_dir(), f"{archive.name} has no {tests}/ folder: its tests are not in the sdist"
    return root


def outcomes(junit: Path) -> dict[str, str]:
    """Each test's outcome from pytest's JUnit XML: passed, failed, error, skipped or xfail."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
        skipped = case.find("skipped")
        if skipped is not None and skipped.get("type") == "pytest.xfail":
            kinds = ["xfail"]
        found[name] = kinds[0] if kinds else "passed"
    return found


#: Sphinx lists every loaded extension's environment version in searchindex.js: ours is named
#: there only because it is loaded.
OUR_ENV_VERSION = re.compile(rb'"litreview\.[a-z.]+":\d+,?')
#: Executing a notebook (sphinx-book-theme's test site, with myst-nb) gives its cells new random ids.
CELL_ID = re.compile(rb'"id": "[0-9a-f]{8}"')


def files(basetemp: Path) -> dict[str, bytes]:
    """Every file a run wrote, its temporary folder's name replaced by a placeholder."""
    found = {}
    for path in basetemp.rglob("*"):
        rel = path.relative_to(basetemp).as_posix()
        if path.is_file() and not VOLATILE.search("/" + rel):
            data = path.read_bytes().replace(str(basetemp).encode(), b"<BASETEMP>")
            if path.name == "searchindex.js":
                data = OUR_ENV_VERSION.sub(b"", data)
            if path.suffix == ".ipynb":
                data = CELL_ID.sub(b'"id": "<random>"', data)
            found[rel] = data
    return found


def _run(suite: Suite, source: Path, work: Path, name: str, with_speedup: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTEST_XDIST_WORKER", None)
    args = [sys.executable, "-m", "pytest", suite.tests, "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            f"--basetemp={work / name}", f"--junitxml={work / f'{name}.xml'}"]  # fmt: skip
    args += [f"--ignore={path}" for path in suite.ignore]
    if with_speedup:
        args += ["-p", "litreview_speedup_plugin"]
        env["PYTHONPATH"] = os.pathsep.join([str(PLUGIN_DIR), env.get("PYTHONPATH", "")])
        env["LITREVIEW_SPEEDUP"], env["LITREVIEW_SPEEDUP_AFTER"] = suite.speedup, suite.after
        env["LITREVIEW_FASTNAV_VERIFY"] = "1"  # every sidebar also checked against the theme's own
        env["LITREVIEW_SPEEDUP_REPORT"] = str(work / f"{name}-stats.json")
    log = (work / f"{name}.log").open("w")
    return subprocess.Popen(args, cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def _both(*procs: subprocess.Popen) -> Iterator[None]:
    try:
        yield
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def check_suite(name: str, tmp_path: Path) -> None:
    suite = SUITES[name]
    source = unpack(sdist(suite.distribution), tmp_path / "src", suite.tests)
    stock = _run(suite, source, tmp_path, "stock", with_speedup=False)
    ours = _run(suite, source, tmp_path, "ours", with_speedup=True)
    with _both(stock, ours):
        stock.wait(timeout=1200)
        ours.wait(timeout=1200)
    logs = {n: (tmp_path / f"{n}.log").read_text(errors="replace")[-3000:] for n in ("stock", "ours")}
    for n in ("stock", "ours"):
        assert (tmp_path / f"{n}.xml").is_file(), f"{n} run wrote no report:\n{logs[n]}"
    before, after = outcomes(tmp_path / "stock.xml"), outcomes(tmp_path / "ours.xml")
    assert len(before) > 10, logs["stock"]
    assert {
        t: (before.get(t), after.get(t))
        for t in before.keys() | after.keys()
        if before.get(t) != after.get(t)
    } == {}
    stock_files, our_files = files(tmp_path / "stock"), files(tmp_path / "ours")
    assert len(stock_files) > 10
    assert sorted(stock_files.keys() ^ our_files.keys()) == []
    assert sorted(f for f in stock_files if stock_files[f] != our_files[f]) == []
    if suite.distribution == "sphinxcontrib-bibtex":  # the crossref case (xfail upstream) built its page
        assert "bibfiles_crossref/_build/html/index.html" in our_files
    # the speed-up did its work in these suites (pydata's own sidebar asks for startdepth=1, a tree
    # fastnav leaves to the theme, so there it only has to stay out of the way)
    counts = json.loads((tmp_path / "ours-stats.json").read_text(encoding="utf-8"))
    if suite.distribution == "sphinxcontrib-bibtex":
        assert counts["misses"] > 0 and counts["hits"] > 0, counts  # made, then reused on rebuilds
    if name == "sphinx-book-theme":
        assert counts["filled"] > 0, counts


# One class per suite: the test runner's workers (pytest-xdist, --dist loadscope) take a class each.
@pytest.mark.slow
class TestSphinxcontribBibtex:
    def test_bibcache_passes_its_suite(self, tmp_path: Path) -> None:
        check_suite("sphinxcontrib-bibtex", tmp_path)


@pytest.mark.slow
class TestSphinxcontribBibtexRefpage:
    def test_refpage_passes_its_suite(self, tmp_path: Path) -> None:
        check_suite("sphinxcontrib-bibtex, refpage", tmp_path)


@pytest.mark.slow
class TestPydataSphinxTheme:
    def test_fastnav_passes_its_suite(self, tmp_path: Path) -> None:
        check_suite("pydata-sphinx-theme", tmp_path)


@pytest.mark.slow
class TestSphinxBookTheme:
    def test_fastnav_passes_its_suite(self, tmp_path: Path) -> None:
        check_suite("sphinx-book-theme", tmp_path)
