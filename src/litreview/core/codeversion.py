"""Which code made a value: the one home of "code tokens" for the caches kept between builds.

A cached value may be reused only if the code that computed it is unchanged. For an installed
release that is its version; for a package installed from a working tree (``pip install -e``, as
this project is) a version says nothing, so the token is a digest of every source file of the
package as it is on disk (not of the modules imported so far: that set depends on which pages a
build happened to read, and would make a cache miss for no reason).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path


def _package_path(name: str) -> Path:
    """The package's folder (or a single module's file); LookupError if it cannot be imported."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        locations = list(spec.submodule_search_locations)
        if len(locations) == 1:  # a namespace package spread over folders has no one version
            return Path(locations[0])
    elif spec is not None and spec.origin and spec.has_location:
        return Path(spec.origin)
    raise LookupError(f"{name}: no package or module of that name to take a version from")


def files_token(paths: Iterable[Path], root: Path | None = None) -> str:
    """A digest of files' names (relative to ``root``) and bytes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = path.relative_to(root).as_posix() if root else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def package_token(name: str) -> str:
    """``TOP==VERSION`` for the top-level package of ``name`` installed as a release; ``TOP@DIGEST``
    of its ``.py`` files when it is installed from a working tree or has no distribution metadata.
    LookupError if there is no such package or module.
    """
    top = name.split(".")[0]
    where = _package_path(top)
    if where.resolve().is_relative_to(Path(sys.prefix).resolve()):
        try:
            return f"{top}=={importlib.metadata.version(top)}"
        except importlib.metadata.PackageNotFoundError:
            pass
    files = [where] if where.is_file() else list(where.rglob("*.py"))
    return f"{top}@{files_token(files, where.parent)}"


def distribution_token(names: Iterable[str]) -> str:
    """``name==VERSION`` of installed distributions (``name==?`` for one that is not installed)."""
    found = []
    for name in sorted(set(names)):
        try:
            found.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return ";".join(found)
