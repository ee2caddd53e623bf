"""Version-gated patches that make rebuilds fast and leave every output byte unchanged.

Each names the upstream versions it was checked against and switches itself off, saying so at the
default verbosity (:func:`say_off`), for any other; a patch that replaces an upstream function
with a modified copy is also gated on that function's source (:func:`changed_sources`), so a fix
upstream ships in a patch release is never silently shadowed. Each names the upstream change that
would retire it; each counts what it reused (its ``stats(app)``), logged at ``-v``. How the
upstream trackers were searched is in docs/speedups.md.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from typing import Any

from sphinx.util import logging


def patch(originals: dict[str, Any], owner: object, name: str, replacement: Callable[..., Any]) -> None:
    """Replace ``owner.name`` (a class's method or a module's function) by ``replacement`` once per
    process; the original is kept in ``originals`` (the replacement calls it when its speed-up is off
    in a build)."""
    if name not in originals:
        originals[name] = getattr(owner, name)
        setattr(owner, name, replacement)


def say_off(name: str, found: str, checked: str, meaning: str) -> None:
    """Say, at the default verbosity, that speed-up ``name`` is off because ``found`` is not among
    the versions it was ``checked`` against, and what that ``meaning`` for the build is."""
    logging.getLogger(f"litreview.speedups.{name}").info(
        "litreview.%s: off: %s is not a version it was checked against (%s); %s",
        name,
        found,
        checked,
        meaning,
    )


def source_digest(func: Callable[..., Any]) -> str:
    """A digest of a function's source, as :func:`inspect.getsource` gives it."""
    return hashlib.sha256(inspect.getsource(func).encode("utf-8")).hexdigest()[:16]


def changed_sources(originals: dict[str, Any], owner: object, digests: dict[str, str]) -> list[str]:
    """The functions of ``owner`` named in ``digests`` whose source is not the one a modified copy
    was made from (the original's, when it is already patched)."""
    return [
        name
        for name, digest in digests.items()
        if source_digest(originals.get(name) or getattr(owner, name)) != digest
    ]
