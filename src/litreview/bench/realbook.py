"""The real book: a copy of the project built by the nox sessions' own commands (clean, no-op and
one-chapter-edit HTML, PDF, EPUB, chapter regeneration, the citations check), and its two floors."""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import importlib.util
import platform
import re
import runpy
import shutil
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.bench.measure import Timed, first_problem, run_timed, sphinx_cmd

IGNORED = shutil.ignore_patterns(
    "_build", ".nox", ".git", "__pycache__", "*.egg-info", ".pytest_cache", "node_modules"
)
CITE_ROLE = re.compile(r"\{cite:(?P<kind>[a-z]+)\}`(?P<keys>[^`<>]+)`")
SEEDCITE_ROLE = re.compile(r"\{seedcite\}`(?P<text>[^`]*?)\s*<(?P<keys>[^>`]+)>`")
PARA_NUMBER = re.compile(r"\{para\}`\d+` ")  # an article paragraph's number (litreview.sphinxext.paragraphs)
BIBLIOGRAPHY_BLOCK = re.compile(r"^(?P<fence>```+|:::+)\{bibliography\}.*?^(?P=fence)\s*$\n?", re.M | re.S)


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
            if not attempt(name, functools.partial(run_session, noxfile, session_name, real, env)):
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
