"""Writing files so that a reader or a build never sees half a file: the one home of atomic writes.

Each write goes to a temporary file in the target's folder, then replaces the target in one
rename. Files are readable by everyone (mode 0644, as a web server needs for a download), whatever
the temporary file was created with.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

MODE = 0o644


def write_atomic(path: Path, data: str | bytes, mode: int = MODE) -> None:
    """Write ``data`` (text as UTF-8 with ``\\n`` line ends, or bytes) to ``path`` atomically."""
    _place(path, data, mode, lambda tmp, target: tmp.replace(target))


def write_new(path: Path, data: str | bytes, mode: int = MODE) -> None:
    """Write ``data`` to ``path``, which must not exist: FileExistsError, and nothing written, if it does.

    The file appears whole (written beside it, then hard-linked into place, which fails rather than
    replace a file that appeared meanwhile).
    """
    if Path(path).exists():
        raise FileExistsError(errno.EEXIST, "file exists", str(path))
    _place(path, data, mode, os.link)


def _place(path: Path, data: str | bytes, mode: int, put: Callable[[Path, Path], object]) -> None:
    """Write ``data`` to a temporary file beside ``path`` and ``put`` it there; never leave the temporary."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        tmp.chmod(mode)
        put(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write atomically, and only if the bytes differ (so Sphinx sees no spurious change)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    if path.is_file() and path.read_bytes() == payload:
        return False
    write_atomic(path, payload)
    return True


def copy_atomic(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically, readable by everyone."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        Path(tmp).chmod(MODE)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
