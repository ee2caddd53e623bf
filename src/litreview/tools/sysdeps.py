"""The Debian packages the build and the tests need: check them, and install them where we may.

The list lives in ``system-packages.txt`` (one package a line, with a command or
file that proves it is installed). ``litreview-sysdeps`` checks it:
every package present → exit 0; missing packages on Debian as root (a fresh
machine, CI) → ``apt-get install`` them, printing the command; anywhere else →
print the exact command to run and exit 2, before any test runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import SystemPackagesError

DEFAULT_LIST = Path(__file__).resolve().parents[2] / "system-packages.txt"


@dataclass(frozen=True)
class SystemPackage:
    name: str
    probe: str  # a command on PATH, or an absolute path that the package installs
    line: int

    def present(self) -> bool:
        if self.probe.startswith("/"):
            return Path(self.probe).exists()
        return shutil.which(self.probe) is not None


def read_list(path: Path = DEFAULT_LIST) -> list[SystemPackage]:
    """Parse the package list; a malformed line is an error naming file and line."""
    packages = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.split()
        if len(fields) != 2:
            raise SystemPackagesError(
                f"expected 'package probe', got {len(fields)} field(s): {raw.strip()!r}", path, number
            )
        packages.append(SystemPackage(fields[0], fields[1], number))
    return packages


def missing(packages: list[SystemPackage]) -> list[SystemPackage]:
    return [p for p in packages if not p.present()]


def install_command(packages: list[SystemPackage]) -> list[str]:
    names = [p.name for p in packages]
    return ["apt-get", "install", "-y", "--no-install-recommends", *names]


def can_install() -> bool:
    """True on Debian (apt-get present) when we are root."""
    return shutil.which("apt-get") is not None and hasattr(os, "geteuid") and os.geteuid() == 0


def ensure(path: Path = DEFAULT_LIST, *, install: bool = True, out=sys.stdout) -> int:
    """Check the list; install what is missing if allowed. Returns a process exit code."""
    packages = read_list(path)
    absent = missing(packages)
    if not absent:
        print(f"system packages: all {len(packages)} present ({path.name})", file=out)
        return 0
    names = " ".join(p.name for p in absent)
    if not (install and can_install()):
        print(
            f"system packages missing: {names}\n"
            "The tests need them and will not run without them. Install them with:\n"
            f"  sudo apt-get update && sudo {' '.join(install_command(absent))}",
            file=out,
        )
        return 2
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-q"], [*install_command(absent), "-q"]):
        print("+ " + " ".join(cmd), file=out, flush=True)
        subprocess.run(cmd, check=True, env=env)
    still = missing(packages)
    if still:
        print(
            "system packages still missing after install: " + " ".join(p.name for p in still),
            file=out,
        )
        return 2
    print(f"system packages: installed {names}", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="litreview-sysdeps", description=__doc__.split("\n")[0])
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="the package list to check")
    parser.add_argument("--check-only", action="store_true", help="never install, only report")
    args = parser.parse_args(argv)
    try:
        return ensure(args.list, install=not args.check_only)
    except SystemPackagesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(f"error: {' '.join(exc.cmd)} failed with exit code {exc.returncode}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
