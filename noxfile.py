"""One nox session per thing a person wants to do with the book; `nox -l` lists them."""

from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
CONSTRAINTS = ("-c", "requirements/constraints.txt")
# Python keeps the bytecode it compiles, in a folder of its own: where the environment says
# PYTHONDONTWRITEBYTECODE=1, every process would compile Sphinx and its extensions again (~3 s
# each; the tests start hundreds of processes).
BYTECODE = {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": str(ROOT / ".nox" / "pycache")}

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["html"]


def install(session: nox.Session, extras: str = "") -> None:
    """Install the package (and extras) pinned by the constraints file; its processes keep bytecode."""
    session.env.update(BYTECODE)
    target = f".[{extras}]" if extras else "."
    session.install(*CONSTRAINTS, "-e", target)


@nox.session
def html(session: nox.Session) -> None:
    """Build the HTML book into _build/html (strict: any warning fails)."""
    install(session)
    session.run("litreview-build", "html", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Rebuild the HTML book on every save and serve it on http://127.0.0.1:8000."""
    install(session, "serve")
    session.run(
        "sphinx-autobuild", "-n", "-c", ".", "book", str(BUILD / "html"),
        "--host", "127.0.0.1", "--port", "8000", "--watch", "refs.bib", "--watch", "src",
        *session.posargs,
    )  # fmt: skip


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF book (xelatex via latexmk) into _build/latex/; a warning or a LaTeX error fails."""
    install(session)
    session.run("litreview-build", "latex", *session.posargs)
    session.run("litreview-editions", "pdf", str(BUILD / "latex"))


@nox.session
def epub(session: nox.Session) -> None:
    """Build the EPUB book into _build/epub/ and validate it with epubcheck."""
    install(session)
    session.run("litreview-build", "epub", *session.posargs)
    session.run("litreview-editions", "epubcheck", str(BUILD / "epub"))


@nox.session
def book(session: nox.Session) -> None:
    """Build the whole book to publish: the PDF, the EPUB, then the HTML that offers both for download."""
    install(session)
    session.run("litreview-sysdeps", "--list", "system-packages.txt")
    session.run("litreview-build", "latex")
    session.run("litreview-editions", "pdf", str(BUILD / "latex"))
    session.run("litreview-build", "epub")
    session.run("litreview-editions", "epubcheck", str(BUILD / "epub"))
    session.run("litreview-build", "html", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite on every core (installs the system packages it needs first, where it may)."""
    install(session, "test")
    session.run("litreview-sysdeps", "--list", "system-packages.txt")
    session.run("litreview-ace", "install")  # the EPUB accessibility checker (npm ci, pinned; offline)
    # pytest-xdist: one worker per core; a module's (or class's) tests stay on one worker, so a
    # module-scoped build is made once; the scopes go out in the order tests/conftest.py sorts
    # them (the slowest first). Pass `-- -n 0` to run in one process.
    session.run("pytest", "-n", "auto", "--dist", "loadscope", "--no-loadscope-reorder", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style (ruff) and the Markdown sources."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("pymarkdown", "scan", "-r", "book", "README.md")


@nox.session
def chapters(session: nox.Session) -> None:
    """Regenerate the article chapters from seeds/ (`-- --check` only compares, with a diff)."""
    install(session)
    session.run("litreview-chapters", *session.posargs)


@nox.session(name="new-article")
def new_article(session: nox.Session) -> None:
    """Draft seeds/NNN_name.toml from a new raw seed (`-- seeds/NNN_name.txt`); never overwrites a file."""
    install(session)
    session.run("litreview-new-article", *session.posargs)


@nox.session
def citations(session: nox.Session) -> None:
    """Lint refs.bib against the book's citations and the seeds' printed references (exit 1 on findings)."""
    install(session)
    session.run("litreview-citations", *session.posargs)


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check internal links offline, external links when online (exit 3: no network, not checked)."""
    install(session)
    session.run("litreview-build", "html")
    session.run("litreview-linkcheck", "--html", str(BUILD / "html"), "--out", str(BUILD / "linkcheck"),
                *session.posargs)  # fmt: skip


@nox.session
def bench(session: nox.Session) -> None:
    """Time the builds against the floors and at scale (`-- --quick` for a short run); JSON in _build/."""
    install(session, "serve")  # the edit loop is timed through sphinx-autobuild
    session.run("litreview-bench", *session.posargs)


@nox.session
def lock(session: nox.Session) -> None:
    """Re-resolve requirements/constraints.txt from pyproject.toml (run after changing a dependency)."""
    session.install("uv")
    session.run(
        "uv", "pip", "compile", "requirements/constraints.in", "-o", "requirements/constraints.txt",
        "--python-version", "3.11", "--no-emit-package", "litreview", *session.posargs,
    )  # fmt: skip
