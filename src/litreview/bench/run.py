"""How fast the book builds, against two floors, and how it scales: `nox -s bench`.

Floors, on the same sources: (a) myst-parser alone with the basic theme, citations as plain text;
(b) the same plus sphinxcontrib-bibtex with its defaults. The real book (a copy of the project in
a temp dir, built by the nox sessions' own commands): clean, no-op and one-chapter-edit HTML builds,
PDF, EPUB, chapter regeneration and the citations check. Scale: synthetic books
(litreview.bench.synthbook) of 5, 50 and 200 chapters with 100, 1,000 and 5,000 entries, built four ways
(floor a, floor b, the default stack with the book theme, and the project's own conf.py with every
extension the book ships with: "ours"), clean, no-op, one chapter edited and one .bib entry edited,
and ours with ``-j auto``. Every figure is the median of ``--runs`` runs (at least 3 unless asked
otherwise) with min and max. Prints a table; writes JSON to _build/bench.json.

    python -m litreview.bench [--quick] [--chapters 5,50,200] [--entries 100,1000,5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.bench import synthbook
from litreview.core.errors import LitReviewError
from litreview.core.files import write_atomic
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
IGNORED = shutil.ignore_patterns("_build", ".nox", ".git", "__pycache__", "*.egg-info", ".pytest_cache")
CITE_ROLE = re.compile(r"\{cite:(?P<kind>[a-z]+)\}`(?P<keys>[^`<>]+)`")
SEEDCITE_ROLE = re.compile(r"\{seedcite\}`(?P<text>[^`]*?)\s*<(?P<keys>[^>`]+)>`")
PARA_NUMBER = re.compile(r"\{para\}`\d+` ")  # an article paragraph's number (litreview.sphinxext.paragraphs)
BIBLIOGRAPHY_BLOCK = re.compile(r"^(?P<fence>```+|:::+)\{bibliography\}.*?^(?P=fence)\s*$\n?", re.M | re.S)
GIB = 1024**3


class BenchError(LitReviewError):
    """The benchmark could not run (a build failed, or the project is not where it was said to be)."""


# -- measuring ---------------------------------------------------------------------------------


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


# -- scale: synthetic books ----------------------------------------------------------------------


@dataclass
class ScaleRow:
    """One synthetic book size built one way."""

    chapters: int
    entries: int
    variant: str
    times: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})
    jobs_clean: list[float] = field(default_factory=list)
    peak_rss: int = 0
    edit_ok: bool = True
    problems: list[str] = field(default_factory=list)

    def stat(self, measure: str) -> Stat | None:
        runs = self.jobs_clean if measure == "jobs" else self.times[measure]
        return Stat(tuple(runs)) if runs else None


def sphinx_cmd(jobs: bool = False, strict: bool = False) -> list[str]:
    return build.command("html", None, "-q", *(["-j", "auto"] if jobs else []), strict=strict)


def _build(book_root: Path, env: dict[str, str], clean: bool, jobs: bool = False) -> Timed:
    if clean:
        shutil.rmtree(book_root / "_build", ignore_errors=True)
    return run_timed(sphinx_cmd(jobs), book_root, env)


def _edit_shows(book: synthbook.SynthBook, new_title: str) -> bool:
    """The rebuilt chapter shows the new marker citation and not the old one."""
    html = (
        (book.root / "_build" / "html" / f"{book.edit_docname}.html").read_text(encoding="utf-8").casefold()
    )
    old_title = next(t for t in synthbook.EDIT_TITLES.values() if t != new_title)
    return new_title.casefold() in html and old_title.casefold() not in html  # styles may change case


def _bib_edit_shows(book: synthbook.SynthBook, new_title: str) -> bool:
    """The rebuilt References page shows the entry's new title."""
    html = (book.root / "_build" / "html" / "references.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html).casefold()  # Cyrillic runs are wrapped in <span lang="ru">
    return " ".join(new_title.casefold().split()) in " ".join(text.split())


def measure_scale(
    sizes: Sequence[tuple[int, int]],
    variants: Sequence[str],
    runs: int,
    work: Path,
    env: dict[str, str],
    jobs_at: tuple[int, int] | None,
    say: Callable[[str], None],
    project: Path,
) -> list[ScaleRow]:
    """Build each size each way ``runs`` times (clean, no-op, one chapter edited, one .bib entry
    edited), variants interleaved."""
    rows: list[ScaleRow] = []
    for chapters, entries in sizes:
        books = {
            v: synthbook.generate(work / f"{chapters}x{entries}-{v}", chapters, entries, v, project=project)
            for v in variants
        }
        size_rows = {v: ScaleRow(chapters, entries, v) for v in variants}
        for run in range(runs):
            for variant in variants:
                book, row = books[variant], size_rows[variant]
                say(f"  {chapters} chapters x {entries} entries, {variant}: run {run + 1}/{runs}")
                for measure in MEASURES:
                    if measure == "edit":
                        new_title = synthbook.swap_marker(book)
                    if measure == "bibedit":
                        new_title = synthbook.edit_bib_entry(book)
                    timed = _build(book.root, env, clean=measure == "clean")
                    row.peak_rss = max(row.peak_rss, timed.maxrss_bytes)
                    if timed.returncode != 0:
                        row.problems.append(
                            f"{measure}: exit {timed.returncode}: {first_problem(timed.output)}"
                        )
                        continue
                    row.times[measure].append(timed.seconds)
                    if measure == "edit" and not _edit_shows(book, new_title):
                        row.edit_ok = False
                        row.problems.append("edit: the new citation does not show in the rebuilt chapter")
                    if measure == "bibedit" and not _bib_edit_shows(book, new_title):
                        row.edit_ok = False
                        row.problems.append("bib edit: the new title does not show on the References page")
        if (chapters, entries) == jobs_at:
            for run in range(runs):
                for variant in variants:
                    if variant == "ours":  # the stack as the project builds it
                        say(f"  {chapters} x {entries}, {variant}, -j auto: run {run + 1}/{runs}")
                        timed = _build(books[variant].root, env, clean=True, jobs=True)
                        size_rows[variant].peak_rss = max(size_rows[variant].peak_rss, timed.maxrss_bytes)
                        if timed.returncode == 0:
                            size_rows[variant].jobs_clean.append(timed.seconds)
                        else:
                            size_rows[variant].problems.append(f"-j auto: {first_problem(timed.output)}")
        for variant in variants:
            shutil.rmtree(books[variant].root, ignore_errors=True)
        rows += size_rows.values()
    return rows


# -- the real book ---------------------------------------------------------------------------------


class SessionFailed(Exception):
    """A command run by a nox session (under FakeSession) exited non-zero."""


class FakeSession:
    """Enough of nox.Session to run the project's sessions' commands in a copy, timing them."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root = root
        self.cwd = root
        self._env = env
        self.env: dict[str, str | None] = {}
        self.posargs: list[str] = []
        self.seconds = 0.0
        self.maxrss = 0
        self.name = "bench"
        self.python = platform.python_version()
        self.bin = str(Path(sys.executable).parent)
        self.interactive = False

    def install(self, *args: Any, **kwargs: Any) -> None:
        """Packages are already installed in the bench's environment."""

    conda_install = install

    def run(
        self,
        *args: str,
        env: dict[str, str | None] | None = None,
        success_codes: Sequence[int] = (0,),
        **_: Any,
    ) -> str:
        cmd = [str(a) for a in args]
        if cmd[0] == "python":
            cmd[0] = sys.executable
        elif (Path(self.bin) / cmd[0]).exists():
            cmd[0] = str(Path(self.bin) / cmd[0])
        merged = {**self._env, **self.env, **(env or {})}
        timed = run_timed(
            cmd, self.cwd, {k: v for k, v in merged.items() if v is not None}
        )  # None: unset, as in nox
        self.seconds += timed.seconds
        self.maxrss = max(self.maxrss, timed.maxrss_bytes)
        if timed.returncode not in success_codes:
            raise SessionFailed(f"{' '.join(args)}: exit {timed.returncode}: {first_problem(timed.output)}")
        return timed.output

    run_always = run

    def chdir(self, path: str | Path) -> contextlib.AbstractContextManager[None]:
        previous, self.cwd = self.cwd, (self.cwd / path).resolve()

        @contextlib.contextmanager
        def restore() -> Iterator[None]:
            try:
                yield
            finally:
                self.cwd = previous

        return restore()

    cd = chdir

    def log(self, *args: Any, **kwargs: Any) -> None:
        """Session log lines are not part of the benchmark."""

    warn = debug = notify = log

    def error(self, *args: Any) -> None:
        raise SessionFailed(" ".join(map(str, args)))

    skip = error


def load_noxfile(path: Path) -> types.ModuleType:
    """Import the project's noxfile (with a stand-in ``nox`` module if nox is not installed here)."""
    if importlib.util.find_spec("nox") is None:
        stub = types.ModuleType("nox")

        def session(func: Any = None, **_: Any) -> Any:
            return func if callable(func) else (lambda f: f)

        stub.session = session  # type: ignore[attr-defined]
        stub.parametrize = lambda *a, **k: lambda f: f  # type: ignore[attr-defined]
        stub.options = types.SimpleNamespace()  # type: ignore[attr-defined]
        stub.Session = FakeSession  # type: ignore[attr-defined]
        sys.modules["nox"] = stub
    spec = importlib.util.spec_from_file_location(f"bench_noxfile_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_session(noxfile: types.ModuleType, name: str, root: Path, env: dict[str, str]) -> Timed:
    """Run one nox session's commands in ``root``; time and peak RSS over all its commands."""
    func = getattr(noxfile, name, None)
    if func is None:
        raise SessionFailed(f"noxfile has no session {name!r}")
    session = FakeSession(root, env)
    func = getattr(func, "func", func)  # nox wraps sessions in a Func object
    func(session)
    return Timed(session.seconds, session.maxrss, 0, "")


@dataclass(frozen=True)
class Edit:
    """A citation swapped in one chapter: where, the key it had, the key it gets, how to see it."""

    path: Path
    docname: str
    old: str
    new: str
    cite_id: str  # conf.py's bibtex_cite_id ("cite-{key}"): how a citation links, when it fixes it


def bib_keys(bibfile: Path) -> list[str]:
    return re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", bibfile.read_text(encoding="utf-8"), re.M)


def find_edit(root: Path, conf: dict[str, Any]) -> Edit | None:
    """The first citation in a chapter (articles, then review, then other pages) and a key to swap in."""
    src = root / "book"
    candidates = [
        *sorted((src / "articles").glob("*.md")),
        *sorted((src / "review").glob("*.md")),
        *sorted(p for p in src.rglob("*.md") if p.parent == src and p.stem not in ("references", "index")),
        src / "index.md",
    ]
    bibfiles = [root / b for b in conf.get("bibtex_bibfiles", ["refs.bib"])]
    keys = [k for b in bibfiles if b.is_file() for k in bib_keys(b)]
    cite_id = conf.get("bibtex_cite_id", "")
    for path in candidates:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        match = CITE_ROLE.search(text) or SEEDCITE_ROLE.search(text)
        if match is None:
            continue
        old = match.group("keys").split(",")[0].strip()
        unused = [k for k in keys if k not in text]
        if not unused:
            continue
        new = unused[0]
        docname = path.relative_to(src).with_suffix("").as_posix()
        return Edit(path, docname, old, new, cite_id if "{key}" in cite_id else "")
    return None


def apply_edit(edit: Edit, forward: bool) -> str:
    """Swap the first citation of ``edit.old`` to ``edit.new`` (or back); return the key now cited."""
    old, new = (edit.old, edit.new) if forward else (edit.new, edit.old)
    text = edit.path.read_text(encoding="utf-8")
    for pattern in (CITE_ROLE, SEEDCITE_ROLE):
        match = next(
            (m for m in pattern.finditer(text) if old in [k.strip() for k in m["keys"].split(",")]), None
        )
        if match is not None:
            keys = [k.strip() for k in match["keys"].split(",")]
            start, end = match.span("keys")
            text = text[:start] + ",".join(new if k == old else k for k in keys) + text[end:]
            break
    edit.path.write_text(text, encoding="utf-8")
    return new


def floor_source(text: str, variant: str) -> str:
    """The chapter as floor (a) or (b) sees it: citations plain text (a) or stock roles (b), and no
    paragraph numbers (neither floor has the extension that writes them)."""
    text = PARA_NUMBER.sub("", text)
    if variant == "a":
        text = CITE_ROLE.sub(lambda m: "(" + "; ".join(k.strip() for k in m["keys"].split(",")) + ")", text)
        text = SEEDCITE_ROLE.sub(lambda m: m["text"], text)
        return BIBLIOGRAPHY_BLOCK.sub("", text)
    text = SEEDCITE_ROLE.sub(lambda m: "{cite:p}`" + m["keys"] + "`", text)
    return re.sub(r"^:style:.*\n", "", text, flags=re.M)  # the stock style, as floor (b) says


def floor_conf(variant: str) -> str:
    """conf.py of a floor copy: the project's settings, but only myst (+ bibtex defaults), basic theme."""
    extensions = ["myst_parser"] if variant == "a" else ["myst_parser", "sphinxcontrib.bibtex"]
    return "\n".join(
        [
            '"""Floor build for the benchmark: the project\'s conf with the stock stack only."""',
            "import runpy as _runpy",
            "from pathlib import Path as _Path",
            "",
            '_project = _runpy.run_path(str(_Path(__file__).with_name("conf_project.py")))',
            'globals().update({k: v for k, v in _project.items() if not k.startswith("__")})',
            f"extensions = {extensions!r}",
            'html_theme = "basic"',
            "html_theme_options = {}",
            "# stock settings, except the formatting style: pybtex's stock styles cannot format",
            "# biblatex entry types (@collection, @online) that refs.bib holds",
            "for _name in [n for n in globals() if n.startswith('bibtex_')]:",
            "    if _name not in ('bibtex_bibfiles', 'bibtex_encoding', 'bibtex_default_style'):",
            "        del globals()[_name]",
            "",
        ]
    )


def make_floor_copy(real: Path, dest: Path, variant: str) -> Path:
    """A copy of the project whose conf and sources are floor (a) or (b)."""
    shutil.copytree(real, dest, ignore=IGNORED)
    (dest / "conf.py").rename(dest / "conf_project.py")
    (dest / "conf.py").write_text(floor_conf(variant), encoding="utf-8")
    for path in (dest / "book").rglob("*.md"):
        path.write_text(floor_source(path.read_text(encoding="utf-8"), variant), encoding="utf-8")
    return dest


@dataclass
class RealResult:
    """Figures for the real book: each a list of run times, or why it is not available."""

    times: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, int] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    edit: dict[str, Any] = field(default_factory=dict)


def measure_real(
    project: Path,
    runs: int,
    work: Path,
    env: dict[str, str],
    pdf: bool,
    epub: bool,
    say: Callable[[str], None],
) -> RealResult:
    """The real book in a copy: HTML clean/no-op/edit (and floors), PDF, EPUB, regeneration, citations."""
    result = RealResult()
    real = work / "real"
    shutil.copytree(project, real, ignore=IGNORED)
    try:
        conf = runpy.run_path(str(real / "conf.py"))
    except Exception as err:  # the project's conf.py is someone else's code: report, do not crash
        result.unavailable["html_clean"] = f"conf.py does not load: {err}"
        return result
    noxfile = load_noxfile(real / "noxfile.py")
    edit = find_edit(real, conf)
    result.edit = {"file": str(edit.path.relative_to(real)), "from": edit.old, "to": edit.new} if edit else {}

    def record(name: str, timed: Timed) -> None:
        result.times.setdefault(name, []).append(timed.seconds)
        result.rss[name] = max(result.rss.get(name, 0), timed.maxrss_bytes)

    def attempt(name: str, action: Callable[[], Timed]) -> bool:
        try:
            record(name, action())
            return True
        except (SessionFailed, OSError) as err:
            result.unavailable[name] = f"failed: {err}"
            result.times.pop(name, None)
            return False

    html_out = real / "_build" / "html"
    say("  real book: warm-up HTML build (not counted)")
    with contextlib.suppress(SessionFailed):
        run_session(noxfile, "html", real, env)
    edit_ok = True
    for run in range(runs):
        say(f"  real book HTML: run {run + 1}/{runs}")
        shutil.rmtree(html_out, ignore_errors=True)
        if not attempt("html_clean", lambda: run_session(noxfile, "html", real, env)):
            break
        attempt("html_noop", lambda: run_session(noxfile, "html", real, env))
        if edit is None:
            result.unavailable["html_edit"] = "no citation found to edit"
            continue
        now = apply_edit(edit, forward=run % 2 == 0)
        if attempt("html_edit", lambda: run_session(noxfile, "html", real, env)):
            page = (html_out / f"{edit.docname}.html").read_text(encoding="utf-8")
            shows = f"#{edit.cite_id.format(key=now)}" in page if edit.cite_id else now in page
            edit_ok = edit_ok and shows
    result.edit["shows_new_citation"] = edit_ok if "html_edit" in result.times else None
    if edit is not None and (runs % 2 == 1):
        apply_edit(edit, forward=False)  # back to the committed text for what follows

    for variant in ("a", "b"):
        name = f"floor_{variant}"
        say(f"  real book floor ({variant}): {runs} runs")
        floor = make_floor_copy(real, work / f"real-floor-{variant}", variant)
        for _ in range(runs):
            shutil.rmtree(floor / "_build", ignore_errors=True)
            timed = run_timed(sphinx_cmd(), floor, env)
            if timed.returncode != 0:
                result.unavailable[f"{name}_clean"] = (
                    f"exit {timed.returncode}: {first_problem(timed.output)}"
                )
                break
            record(f"{name}_clean", timed)
            record(f"{name}_noop", run_timed(sphinx_cmd(), floor, env))
        shutil.rmtree(floor, ignore_errors=True)

    for name, session_name, wanted, out in (
        ("pdf", "pdf", pdf, "latex"),
        ("epub", "epub", epub, "epub"),
    ):
        if not wanted:
            result.unavailable[name] = "not run (--quick or --no-" + name + ")"
            continue
        for run in range(runs):
            say(f"  real book {name.upper()}: run {run + 1}/{runs}")
            shutil.rmtree(real / "_build" / out, ignore_errors=True)
            if not attempt(name, lambda s=session_name: run_session(noxfile, s, real, env)):
                break

    for name, module in (("chapters", "litreview.chapters"), ("citations", "litreview.tools.citations")):
        if importlib.util.find_spec(module) is None:
            result.unavailable[name] = f"not available: {module} is not installed"
            continue
        for run in range(runs):
            say(f"  {module}: run {run + 1}/{runs}")
            timed = run_timed([sys.executable, "-m", module], real, env)
            record(name, timed)  # timed whatever it finds; its exit status is noted
            if timed.returncode != 0:
                result.notes[name] = f"exit {timed.returncode}: {first_problem(timed.output)}"
    return result


# -- report ------------------------------------------------------------------------------------------


def _stat(runs: Sequence[float] | None) -> Stat | None:
    return Stat(tuple(runs)) if runs else None


def _ratio(value: Stat | None, floor: Stat | None) -> float | None:
    if value is None or floor is None or floor.median == 0:
        return None
    return round(value.median / floor.median, 2)


def per_chapter_slopes(rows: Sequence[ScaleRow], variant: str, entries: int) -> list[dict[str, Any]]:
    """Marginal clean-build seconds per chapter between consecutive sizes (fixed entries)."""
    points = sorted(
        (r.chapters, r.stat("clean").median)  # type: ignore[union-attr]
        for r in rows
        if r.variant == variant and r.entries == entries and r.stat("clean")
    )
    return [
        {"from": c1, "to": c2, "seconds_per_chapter": round((t2 - t1) / (c2 - c1), 4)}
        for (c1, t1), (c2, t2) in itertools.pairwise(points)
    ]


def evaluate_targets(rows: Sequence[ScaleRow], real: RealResult | None) -> list[dict[str, Any]]:
    """Each target of issue 19, the figure it is judged on, and whether it is met.

    The synthetic targets are for the variant "ours" (the project's conf.py) at 200 chapters and
    5,000 entries (or the largest size measured), as ratios to the floors measured in the same run.
    """

    def row(chapters: int, entries: int, variant: str) -> ScaleRow | None:
        return next(
            (r for r in rows if (r.chapters, r.entries, r.variant) == (chapters, entries, variant)), None
        )

    sizes = sorted({(r.chapters, r.entries) for r in rows})
    targets: list[dict[str, Any]] = []
    big = (200, 5000) if (200, 5000) in sizes else (sizes[-1] if sizes else None)
    where = f"{big[0]} ch / {big[1]} entries" if big else "-"

    def add(name: str, limit: str, value: float | None, met: bool | None, note: str = "") -> None:
        targets.append({"target": name, "limit": limit, "value": value, "met": met, "at": note or where})

    ours = row(*big, "ours") if big else None
    floor_a = row(*big, "a") if big else None
    floor_b = row(*big, "b") if big else None
    for measure, limit in (("noop", 2.0), ("edit", 3.0), ("bibedit", 4.0)):
        ratio = _ratio(ours.stat(measure) if ours else None, floor_a.stat(measure) if floor_a else None)
        add(f"{MEASURE_NAMES[measure]}, ours", f"<= {limit:g} x floor (a)", ratio,
            None if ratio is None else ratio <= limit)  # fmt: skip
    ratio = _ratio(ours.stat("clean") if ours else None, floor_b.stat("clean") if floor_b else None)
    add("clean, ours", "<= 1.0 x floor (b)", ratio, None if ratio is None else ratio <= 1.0)
    if big:
        slopes = per_chapter_slopes(rows, "ours", big[1])
        values = [s["seconds_per_chapter"] for s in slopes]
        spread = round(max(values) / min(values), 2) if values and min(values) > 0 else None
        chapters = sorted({r.chapters for r in rows if r.entries == big[1]})
        note = f"chapters {chapters}, {big[1]} entries"
        if len(chapters) < 3:
            flat = None  # two sizes give one slope: nothing to compare
        elif spread is None:  # a slope of 0 s or less: the runs' noise is larger than a chapter's cost
            flat, note = False, note + "; a marginal <= 0 s, so noise exceeds the per-chapter cost"
        else:
            flat = spread <= 1.25
        add("time per chapter flat (marginal, max/min)", "<= 1.25", spread, flat, note)
    peak = max((r.peak_rss for r in rows), default=0)
    if real:
        peak = max([peak, *real.rss.values()])
    add("peak RSS, any build", "<= 1 GiB", round(peak / GIB, 3) if peak else None,
        None if not peak else peak <= GIB, "all builds")  # fmt: skip
    if real is not None:
        noop = _stat(real.times.get("html_noop"))
        add("real book no-op", "<= 1.5 s", noop and round(noop.median, 2),
            None if noop is None else noop.median <= 1.5, "real book")  # fmt: skip
        real_ratio = _ratio(_stat(real.times.get("html_clean")), _stat(real.times.get("floor_b_clean")))
        add("real book clean HTML", "<= 1.3 x floor (b)", real_ratio,
            None if real_ratio is None else real_ratio <= 1.3, "real book")  # fmt: skip
        pdf = _stat(real.times.get("pdf"))
        pdf_met = None if pdf is None else pdf.median <= 60
        add("real book PDF", "<= 60 s", pdf and round(pdf.median, 2), pdf_met, "real book")
    return targets


def report_json(
    info: dict[str, Any], runs: int, rows: Sequence[ScaleRow], real: RealResult | None, targets: list
) -> dict[str, Any]:
    """Everything measured, as one JSON document."""
    scale = []
    for r in rows:
        a = next(
            (x for x in rows if (x.chapters, x.entries, x.variant) == (r.chapters, r.entries, "a")), None
        )
        b = next(
            (x for x in rows if (x.chapters, x.entries, x.variant) == (r.chapters, r.entries, "b")), None
        )
        item: dict[str, Any] = {"chapters": r.chapters, "entries": r.entries, "variant": r.variant}
        for measure in (*MEASURES, "jobs"):
            stat = r.stat(measure)
            key = "clean_j_auto" if measure == "jobs" else measure
            if stat is None:
                continue
            base = "clean" if measure == "jobs" else measure
            item[key] = {
                **stat.json(),
                "ratio_a": _ratio(stat, a.stat(base) if a else None),
                "ratio_b": _ratio(stat, b.stat(base) if b else None),
            }
        clean = r.stat("clean")
        item["seconds_per_chapter"] = round(clean.median / r.chapters, 4) if clean else None
        item["peak_rss_mib"] = round(r.peak_rss / 2**20, 1)
        item["edit_shows_new_citation"] = r.edit_ok
        item["problems"] = r.problems
        scale.append(item)
    slopes = {
        f"{v}/{e}": per_chapter_slopes(rows, v, e)
        for v in sorted({r.variant for r in rows})
        for e in sorted({r.entries for r in rows})
    }
    doc: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "versions": versions(),
        "runs": runs,
        "variants": VARIANT_NAMES,
        "scale": scale,
        "per_chapter_marginal": slopes,
        "targets": targets,
    }
    if real is not None:
        figures: dict[str, Any] = {}
        for name, times in real.times.items():
            stat = Stat(tuple(times))
            floor = name.replace("html_", "") if name.startswith("html_") else None
            figures[name] = {
                **stat.json(),
                "peak_rss_mib": round(real.rss.get(name, 0) / 2**20, 1),
                "ratio_a": _ratio(stat, _stat(real.times.get(f"floor_a_{floor}"))) if floor else None,
                "ratio_b": _ratio(stat, _stat(real.times.get(f"floor_b_{floor}"))) if floor else None,
            }
        for name, why in real.unavailable.items():
            figures.setdefault(name, {"status": why})
        for name, note in real.notes.items():
            figures[name]["note"] = note
        doc["real"] = {"figures": figures, "edit": real.edit}
    return doc


def table(doc: dict[str, Any]) -> str:
    """The report as text: machine, versions, scale table, real book, targets."""
    m = doc["machine"]
    lines = [
        f"Build speed, {doc['date']}, {m['nproc']} cores ({m['cpu']}), Python {m['python']}, "
        f"load {m['load_before']} -> {m.get('load_after')}",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in doc["versions"].items()),
        f"Each figure: median [min-max] of {doc['runs']} runs, seconds; xa / xb = ratio to floor (a) / (b).",
        "Variants: " + "; ".join(f"{k} = {v}" for k, v in doc["variants"].items()),
    ]
    if doc["scale"]:
        lines += ["", "Scale (synthetic books)"]
        header = f"{'chapters':>8} {'entries':>7} {'variant':<7} " + " ".join(
            f"{MEASURE_NAMES[m][:28]:<28}" for m in MEASURES
        )
        lines += [header + f" {'s/chapter':>9} {'RSS MiB':>8}"]
        for item in doc["scale"]:
            cells = []
            for measure in MEASURES:
                f = item.get(measure)
                ratios = f"x{_fmt(f['ratio_a'])}/{_fmt(f['ratio_b'])}" if f else ""
                cells.append(f"{f['median']:.2f} [{f['min']:.2f}-{f['max']:.2f}] {ratios}" if f else "failed")
            lines.append(
                f"{item['chapters']:>8} {item['entries']:>7} {item['variant']:<7} "
                + " ".join(f"{c:<28}" for c in cells)
                + f" {_fmt(item['seconds_per_chapter'], 4):>9} {item['peak_rss_mib']:>8}"
                + ("" if item["edit_shows_new_citation"] else "  EDIT NOT SHOWN")
                + ("  " + "; ".join(item["problems"]) if item["problems"] else "")
            )
        jobs = [i for i in doc["scale"] if "clean_j_auto" in i]
        for item in jobs:
            j, c = item["clean_j_auto"], item["clean"]
            helps = "helps" if j["median"] < 0.95 * c["median"] else "does not help"
            lines.append(
                f"-j auto, {item['chapters']} x {item['entries']} {item['variant']}: clean {j['median']:.2f} "
                f"[{j['min']:.2f}-{j['max']:.2f}] vs {c['median']:.2f} serial: {helps}"
            )
        lines.append("Marginal clean seconds per chapter (fixed entries):")
        for key, slopes in doc["per_chapter_marginal"].items():
            if slopes:
                lines.append(
                    f"  {key}: "
                    + ", ".join(f"{s['from']}->{s['to']}: {s['seconds_per_chapter']}" for s in slopes)
                )
    if "real" in doc:
        lines += ["", "Real book (a copy of the project, built by the nox sessions' commands)"]
        for name, f in doc["real"]["figures"].items():
            if "median" in f:
                ratio = f" x{_fmt(f['ratio_a'])}/{_fmt(f['ratio_b'])}" if f.get("ratio_a") is not None else ""
                note = f"  ({f['note']})" if f.get("note") else ""
                lines.append(
                    f"  {name:<16} {f['median']:.2f} [{f['min']:.2f}-{f['max']:.2f}]{ratio}"
                    f"  RSS {f['peak_rss_mib']} MiB{note}"
                )
            else:
                lines.append(f"  {name:<16} {f['status']}")
        if doc["real"]["edit"]:
            lines.append(f"  edit: {doc['real']['edit']}")
    lines += ["", "Targets"]
    for t in doc["targets"]:
        met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"  {t['target']:<44} {t['limit']:<20} {_fmt(t['value']):>8}  {met}  ({t['at']})")
    return "\n".join(lines)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# -- command line --------------------------------------------------------------------------------


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from err


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m litreview.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=_ints, help="synthetic chapter counts (default 5,50,200)")
    parser.add_argument("--entries", type=_ints, help="synthetic entry counts (default 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="5,50 chapters x 100,1000 entries; no PDF")
    parser.add_argument("--full-grid", action="store_true", help="every chapters x entries pair (slow)")
    parser.add_argument("--no-real", action="store_true", help="skip the real book")
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic books")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF build")
    parser.add_argument("--no-epub", action="store_true", help="skip the EPUB build")
    parser.add_argument("--no-jobs", action="store_true", help="skip the -j auto builds")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project (default: here)")
    parser.add_argument("--json", type=Path, help="where to write JSON (default ROOT/_build/bench.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the books")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.quick:
        args.chapters = args.chapters or [5, 50]
        args.entries = args.entries or [100, 1000]
        args.no_pdf = True
    args.chapters = args.chapters or [5, 50, 200]
    args.entries = args.entries or [100, 1000, 5000]
    return args


def grid(chapters: Sequence[int], entries: Sequence[int], full: bool) -> list[tuple[int, int]]:
    """Sizes to build: by default every chapter count at the largest entry count, and every entry
    count at the largest chapter count (the two axes the targets are about); --full-grid: all pairs.
    """
    if full:
        return [(c, e) for c in chapters for e in entries]
    sizes = {(c, max(entries)) for c in chapters} | {(max(chapters), e) for e in entries}
    return sorted(sizes)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    if not (root / "conf.py").is_file() or not (root / "book").is_dir():
        print(f"{root}: not the project (no conf.py and book/ here); use --root", file=sys.stderr)
        return 2
    out = args.json or root / "_build" / "bench.json"
    info = machine_info()
    pycache = out.parent / "bench-pycache"  # bytecode for the builds, kept between bench runs
    env = build_env(pycache)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="litreview-bench-"))
    here = Path.cwd()
    try:
        say(f"bench: working in {work}; {info['nproc']} cores, load {info['load_before']}")
        warm = synthbook.generate(work / "warmup", 2, 60, "ours", project=root)
        run_timed(sphinx_cmd(), warm.root, env)  # fill the bytecode cache; not counted
        rows: list[ScaleRow] = []
        if not args.no_scale:
            sizes = grid(args.chapters, args.entries, args.full_grid)
            jobs_at = None if args.no_jobs else max(sizes)
            rows = measure_scale(sizes, list(synthbook.VARIANTS), args.runs, work, env, jobs_at, say, root)
        real = None
        if not args.no_real:
            real = measure_real(root, args.runs, work, env, not args.no_pdf, not args.no_epub, say)
        info["load_after"] = [round(x, 2) for x in os.getloadavg()]
        targets = evaluate_targets(rows, real)
        doc = report_json(info, args.runs, rows, real, targets)
    finally:
        os.chdir(here)
        if args.keep:
            say(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    write_atomic(out, json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    print(f"\nJSON: {out}")
    failed = [r for r in rows if r.problems or not r.edit_ok]
    if real is not None and real.edit.get("shows_new_citation") is False:
        print("real book: the edited citation does not show after the rebuild", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
