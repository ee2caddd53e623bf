"""check-jsonschema, in an environment of its own, on the publishing configurations (offline).

check-jsonschema ships the schemas of Read the Docs' ``.readthedocs.yaml`` and of GitHub's workflow
files (``--builtin-schema vendor.readthedocs``, ``vendor.github-workflows``), so a check needs no
network. It needs jsonschema 4, which the book's own environment cannot hold (cffconvert pins
jsonschema 3.2), so it lives in a virtual environment of its own, pinned in
``tools/check-jsonschema/requirements.txt``.

``litreview-schemas install`` makes that environment when the pins changed since the last install;
``litreview-schemas check SCHEMA FILE`` validates one file and exits with check-jsonschema's status.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PINS = ROOT / "tools" / "check-jsonschema" / "requirements.txt"
VENV = ROOT / ".nox" / "check-jsonschema"
STAMP = ".litreview-pins.sha256"  # the pins' digest, written into the environment by install()
#: The configurations the book publishes with, and the builtin schema each is checked against.
SCHEMAS = {
    ".readthedocs.yaml": "vendor.readthedocs",
    ".github/workflows/pages.yml": "vendor.github-workflows",
}


def executable(venv: Path = VENV) -> Path:
    return venv / "bin" / "check-jsonschema"


def _digest() -> str:
    return hashlib.sha256(PINS.read_bytes()).hexdigest()


def installed(venv: Path = VENV) -> bool:
    """check-jsonschema is installed from the pins as they are now."""
    stamp = venv / STAMP
    return executable(venv).is_file() and stamp.is_file() and stamp.read_text() == _digest()


def install(venv: Path = VENV) -> None:
    """A virtual environment with the pinned check-jsonschema, unless it is there already."""
    if installed(venv):
        return
    uv = shutil.which("uv")
    if uv:
        subprocess.run([uv, "venv", "--quiet", "--allow-existing", str(venv)], check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                        "-r", str(PINS)], check=True)  # fmt: skip
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(PINS)]
        subprocess.run(pip, check=True)
    (venv / STAMP).write_text(_digest())


def check(schema: str, path: Path, venv: Path = VENV) -> subprocess.CompletedProcess[str]:
    """check-jsonschema on ``path`` against the builtin ``schema`` (no network: a vendored schema)."""
    if not installed(venv):
        raise FileNotFoundError(
            f"check-jsonschema is not installed in {venv}: run `litreview-schemas install` (nox does)"
        )
    cmd = [str(executable(venv)), "--builtin-schema", schema, str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="litreview-schemas", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install the pinned check-jsonschema in its own environment")
    checking = commands.add_parser("check", help="validate FILE against a builtin SCHEMA")
    checking.add_argument("schema")
    checking.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "install":
        install()
        return 0
    try:
        proc = check(args.schema, args.file)
    except FileNotFoundError as exc:
        print(f"litreview-schemas: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
