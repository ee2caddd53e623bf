"""The system-package check: clear errors, and the exact command to run where it cannot install."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from litreview.core.errors import SystemPackagesError
from litreview.tools import sysdeps


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
