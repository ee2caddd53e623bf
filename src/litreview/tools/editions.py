"""``litreview-editions``: typeset the PDF with xelatex (latexmk) strictly, and check the EPUB with epubcheck.

``nox -s pdf`` and ``nox -s epub`` run it after Sphinx's LaTeX and EPUB builders; any LaTeX error,
undefined reference, glyph missing from the font or epubcheck error fails it with exit status 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from litreview.core.errors import EditionError
from litreview.core.outputs import FILE_STEM

LATEX_PROBLEMS = re.compile(
    r"^(?:! .*|.*Missing character: There is no .*|LaTeX Warning: (?:Hyper reference|Reference|Citation) .*"
    r" undefined.*"
    r"|LaTeX Warning: There were undefined references\.)$",
    re.M,
)


#: The book's own xindy module (page ranges), shipped by litreview.sphinxext.pdf.indexing.
XINDY_MODULE = "litindex.xdy"


def _xindy_options(latex_dir: Path) -> str:
    """The xindy options Sphinx wrote into its Makefile (so `make` itself is not needed), then the
    book's own module when the build shipped it."""
    opts: list[str] = []
    for line in (latex_dir / "Makefile").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"(?:export\s+)?XINDYOPTS\s*(\+?=)\s*(.*)", line):
            opts = [*opts, m.group(2)] if m.group(1) == "+=" else [m.group(2)]
    if (latex_dir / XINDY_MODULE).is_file():
        opts.append(f"-M {XINDY_MODULE}")
    return " ".join(opts)


def _source_date_epoch(root: Path) -> str | None:
    """SOURCE_DATE_EPOCH if set, else the last commit's time (same commit, same PDF)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    git = shutil.which("git")
    if git is None:
        return None
    proc = subprocess.run([git, "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def build_pdf(latex_dir: Path) -> Path:
    """Run latexmk (xelatex, nonstop, halt on error) on <stem>.tex; raise EditionError on any problem."""
    tex_file = latex_dir / f"{FILE_STEM}.tex"
    if not tex_file.is_file():
        raise EditionError("no LaTeX source; run sphinx-build -b latex first", tex_file)
    # max_print_line: one log line per message, so the problems below are reported whole.
    env = dict(os.environ, XINDYOPTS=_xindy_options(latex_dir), LATEXOPTS="", max_print_line="100000")
    if epoch := _source_date_epoch(latex_dir):
        env.update(SOURCE_DATE_EPOCH=epoch, FORCE_SOURCE_DATE="1")
    cmd = ["latexmk", "-pdfxe", "-g", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           tex_file.name]  # fmt: skip
    proc = subprocess.run(cmd, cwd=latex_dir, env=env, capture_output=True, text=True, errors="replace")
    log = latex_dir / f"{FILE_STEM}.log"
    log_text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    problems = [m.group() for m in LATEX_PROBLEMS.finditer(log_text)]
    if proc.returncode != 0 or problems:
        sys.stderr.write(proc.stdout[-4000:])
        detail = "; ".join(dict.fromkeys(problems)) or f"latexmk exited {proc.returncode}"
        raise EditionError(f"the PDF did not build cleanly: {detail}", log)
    return latex_dir / f"{FILE_STEM}.pdf"


def epubcheck_command() -> list[str]:
    """How to run epubcheck: Debian installs it as a bare .jar that needs ``java -jar`` without binfmt."""
    found = shutil.which("epubcheck")
    if found is None:
        raise EditionError("epubcheck is not installed (Debian package: epubcheck)")
    if Path(found).resolve().suffix == ".jar":
        return ["java", "-jar", str(Path(found).resolve())]
    return [found]


def check_epub(epub: Path) -> None:
    """Run epubcheck; raise EditionError with its messages when it reports an error."""
    if not epub.is_file() or not zipfile.is_zipfile(epub):
        raise EditionError("no EPUB here; run sphinx-build -b epub first", epub)
    proc = subprocess.run([*epubcheck_command(), "--quiet", str(epub)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise EditionError(f"epubcheck found errors:\n{proc.stdout}{proc.stderr}", epub)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="litreview-editions", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    pdf = sub.add_parser("pdf", help="typeset <latex-dir>/<stem>.tex with xelatex via latexmk, strictly")
    pdf.add_argument("latex_dir", type=Path)
    epub = sub.add_parser("epubcheck", help="validate <epub-dir>/<stem>.epub with epubcheck")
    epub.add_argument("epub_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "pdf":
            print(build_pdf(args.latex_dir))
        else:
            path = args.epub_dir / f"{FILE_STEM}.epub"
            check_epub(path)
            print(f"{path}: epubcheck found no errors")
    except EditionError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
