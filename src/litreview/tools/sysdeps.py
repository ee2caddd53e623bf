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

DEFAULT_LIST = Path(__file__).resolve().parents[3] / "system-packages.txt"  # src/litreview/tools/ → root


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


# -- which Debian package brings a file, and what a list of packages installs ------------------------

#: Files no package owns because TeX Live's maintainer scripts write them (texmf.cnf, formats, maps).
GENERATED_TEX_FILES = ("/etc/texmf/", "/var/lib/texmf/")


def owners(paths: list[Path]) -> dict[Path, str | None]:
    """The installed Debian package that owns each file (``dpkg -S``), following symlinks; None if none."""
    found: dict[Path, str | None] = {}
    for path in paths:
        for candidate in dict.fromkeys([str(path), str(Path(path).resolve())]):
            proc = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            lines = [ln for ln in proc.stdout.splitlines() if not ln.startswith("diversion ")]
            if proc.returncode == 0 and lines:
                found[path] = lines[0].split(":", 1)[0].split(",")[0].strip()
                break
        else:
            found[path] = None
    return found


def _names(field: str) -> list[list[str]]:
    """A Depends field as groups of alternatives, each a bare package name ("a (>= 1) | b:any" → [a, b])."""
    groups = []
    for group in filter(None, (g.strip() for g in field.split(","))):
        groups.append([alt.split()[0].split(":")[0] for alt in group.split("|") if alt.strip()])
    return groups


def dependency_closure(names: list[str]) -> set[str]:
    """The installed packages that installing ``names`` brings: each, and their Depends and Pre-Depends,
    recursively (no Recommends, as ``apt-get install --no-install-recommends`` does)."""
    fields = "${Package}\t${db:Status-Abbrev}\t${Provides}\t${Depends}, ${Pre-Depends}\n"
    proc = subprocess.run(["dpkg-query", "-W", "-f", fields], capture_output=True, text=True, check=True)
    depends: dict[str, list[list[str]]] = {}
    providers: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        package, status, provides, deps = [*line.split("\t"), "", "", ""][:4]
        if not status.startswith("ii"):
            continue
        depends[package] = _names(deps)
        for provided in (alt for group in _names(provides) for alt in group):
            providers.setdefault(provided, []).append(package)
    closure: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        for package in [name] if name in depends else providers.get(name, []):
            if package not in closure:
                closure.add(package)
                for group in depends[package]:
                    todo += [alt for alt in group if alt in depends or alt in providers][:1]
    return closure


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
