"""DAISY Ace, the EPUB accessibility checker publishers run, on the book's EPUB (offline).

Ace is an npm package, pinned in ``tools/ace/package-lock.json``: its command line (``@daisy/ace-cli``)
with the puppeteer runner, never Electron. Puppeteer downloads no browser (``PUPPETEER_SKIP_DOWNLOAD``);
it drives Debian's Chromium (``PUPPETEER_EXECUTABLE_PATH``), so a check needs no network.

``litreview-ace install`` installs it with ``npm ci`` when the lock file changed since the last
install; ``litreview-ace check BOOK.epub`` prints every violation and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ACE_DIR = ROOT / "tools" / "ace"
CHROMIUM = Path("/usr/bin/chromium")
STAMP = ".litreview-lock.sha256"  # the lock file's digest, written into node_modules/ by install()


def environment() -> dict[str, str]:
    """Puppeteer on Debian's Chromium, with no browser download."""
    return {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "true", "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}


def executable(ace_dir: Path = ACE_DIR) -> Path:
    return ace_dir / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"


def _digest(ace_dir: Path) -> str:
    return hashlib.sha256((ace_dir / "package-lock.json").read_bytes()).hexdigest()


def installed(ace_dir: Path = ACE_DIR) -> bool:
    """Ace is installed from the lock file as it is now."""
    stamp = ace_dir / "node_modules" / STAMP
    return executable(ace_dir).is_file() and stamp.is_file() and stamp.read_text() == _digest(ace_dir)


def install(ace_dir: Path = ACE_DIR) -> None:
    """``npm ci`` in ``ace_dir`` unless the pinned versions are installed already."""
    if installed(ace_dir):
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ace_dir, env=environment(), check=True)
    (ace_dir / "node_modules" / STAMP).write_text(_digest(ace_dir))


def violations(report: dict) -> list[str]:
    """Each failed check of an Ace report as one line: file, rule, impact, where, what."""
    lines = []
    for subject in report.get("assertions", []):
        url = subject.get("earl:testSubject", {}).get("url", "?")
        for assertion in subject.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            where = " ".join(result.get("earl:pointer", {}).get("css", []))
            html = " ".join(result.get("html", "").split())[:120]
            title, impact = test.get("dct:title"), test.get("earl:impact")
            lines.append(f"{url}: {title} ({impact}) {where} {html}".rstrip())
    return lines


def check(epub: Path, ace_dir: Path = ACE_DIR) -> tuple[list[str], dict]:
    """Run Ace on ``epub``: its violations (one line each) and its whole JSON report."""
    if not installed(ace_dir):
        raise FileNotFoundError(f"Ace is not installed in {ace_dir}: run `litreview-ace install` (nox does)")
    with tempfile.TemporaryDirectory(prefix="ace-") as out:
        proc = subprocess.run(
            ["node", str(executable(ace_dir)), "--silent", "--force", "--outdir", out, str(epub)],
            env=environment(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        path = Path(out) / "report.json"
        if not path.is_file():
            raise RuntimeError(f"Ace wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        report = json.loads(path.read_text(encoding="utf-8"))
    return violations(report), report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="litreview-ace", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install the pinned Ace (npm ci) unless it is installed already")
    checking = sub.add_parser("check", help="check an EPUB; exit 1 on any violation")
    checking.add_argument("epub", type=Path)
    args = parser.parse_args(argv)
    if args.command == "install":
        install()
        return 0
    found, _ = check(args.epub)
    for line in found:
        print(line)
    print(f"{args.epub}: Ace found {len(found)} violation(s)", file=sys.stderr if found else sys.stdout)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
