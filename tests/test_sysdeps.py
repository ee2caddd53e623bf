"""The system-package check: clear errors, and the exact command to run where it cannot install."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from litreview.core.errors import SystemPackagesError
from litreview.tools import sysdeps
from support import ROOT


def test_project_list_parses_and_names_each_package_once() -> None:
    packages = sysdeps.read_list(ROOT / "system-packages.txt")
    names = [p.name for p in packages]
    assert len(names) == len(set(names))
    assert {"texlive-xetex", "chromium", "biber", "epubcheck"} <= set(names)


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "packages.txt"
    bad.write_text("# comment\ngood-package /bin/sh\nonly-a-name\n", encoding="utf-8")
    with pytest.raises(SystemPackagesError) as info:
        sysdeps.read_list(bad)
    assert str(info.value).startswith(f"{bad}:3: ")


def test_missing_package_without_install_prints_the_command_and_exits_2(tmp_path: Path) -> None:
    listing = tmp_path / "packages.txt"
    listing.write_text("present-pkg /bin/sh\nabsent-pkg /nonexistent/litreview-probe\n", encoding="utf-8")
    out = io.StringIO()
    assert sysdeps.ensure(listing, install=False, out=out) == 2
    text = out.getvalue()
    assert "absent-pkg" in text and "present-pkg" not in text
    assert "apt-get install -y --no-install-recommends absent-pkg" in text


def test_cli_exit_code_when_all_present(tmp_path: Path) -> None:
    listing = tmp_path / "packages.txt"
    listing.write_text("shell /bin/sh\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.tools.sysdeps", "--list", str(listing), "--check-only"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0
    assert "all 1 present" in proc.stdout


# -- a fresh machine: every file TeX reads comes from a package the list installs --------------------

BIBLATEX_USER = r"""\documentclass{article}
\usepackage{fontspec}
\setmainfont{FreeSerif}
\usepackage[backend=biber,style=authoryear]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def files_read(fls: Path, pdf: Path) -> list[Path]:
    """Every installed file a TeX run read: the recorder's INPUT lines (latexmk ``-recorder``) and the
    font files behind the fonts the PDF embeds (xdvipdfmx reads those, unrecorded)."""
    inputs = [line.removeprefix("INPUT ") for line in fls.read_text(encoding="utf-8").splitlines()]
    paths = {Path(p) for p in inputs if p.startswith("/")}
    listing = subprocess.run(["fc-list", "-f", r"%{postscriptname}\t%{file}\n"], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    by_name = dict(line.split("\t", 1) for line in listing.splitlines() if "\t" in line)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    for row in fonts.splitlines()[2:]:
        name = row.split()[0].partition("+")[2] or row.split()[0]
        name = name.removesuffix("-Identity-H")
        found = (
            by_name.get(name)
            or subprocess.run(
                ["kpsewhich", f"{name.lower()}.pfb"], capture_output=True, text=True, check=False
            ).stdout.strip()
        )
        assert found, f"cannot tell which file gave the font {name}"
        paths.add(Path(found))
    return sorted(paths)


def packages_not_installed_by_the_list(paths: list[Path]) -> list[str]:
    listed = [p.name for p in sysdeps.read_list(ROOT / "system-packages.txt")]
    installed = sysdeps.dependency_closure(listed)
    problems = []
    for path, package in sysdeps.owners(paths).items():
        if package is None:
            if not str(path).startswith(sysdeps.GENERATED_TEX_FILES):
                problems.append(f"{path}: no Debian package owns it")
        elif package not in installed:
            problems.append(f"{path}: from {package}, which system-packages.txt does not install")
    return problems


@pytest.mark.slow
def test_the_pdf_build_reads_only_files_the_package_list_installs(pdf_build: tuple) -> None:
    latex, proc = pdf_build
    assert latex.returncode == 0 and proc.returncode == 0, proc.stderr
    fls = next(latex.outdir.glob("*.fls"))
    paths = files_read(fls, fls.with_suffix(".pdf"))
    assert any("texlive" in str(p) for p in paths) and any(p.suffix == ".otf" for p in paths)
    assert not packages_not_installed_by_the_list(paths)


@pytest.mark.slow
def test_a_biblatex_user_of_refs_bib_needs_only_the_listed_packages(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_bytes((ROOT / "refs.bib").read_bytes())
    (tmp_path / "user.tex").write_text(BIBLATEX_USER, encoding="utf-8")
    proc = subprocess.run(
        ["latexmk", "-pdfxe", "-recorder", "-interaction=nonstopmode", "-halt-on-error", "user.tex"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    paths = files_read(tmp_path / "user.fls", tmp_path / "user.pdf")
    assert any(p.name == "biblatex.sty" for p in paths)
    assert not packages_not_installed_by_the_list(paths)


def test_a_package_the_list_does_not_bring_is_found(tmp_path: Path) -> None:
    """The check itself: a TeX file from a package outside a list's dependencies is named."""
    tfm = Path(subprocess.run(["kpsewhich", "pzdr.tfm"], capture_output=True, text=True).stdout.strip())
    assert tfm.is_file(), "pzdr.tfm (texlive-fonts-recommended) is not installed"
    assert sysdeps.owners([tfm])[tfm] == "texlive-fonts-recommended"
    assert "texlive-fonts-recommended" not in sysdeps.dependency_closure(["texlive-xetex"])
    assert "texlive-fonts-recommended" in sysdeps.dependency_closure(["texlive-fonts-recommended"])
