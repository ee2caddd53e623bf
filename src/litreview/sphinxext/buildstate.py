"""The per-build state of litreview's extensions: one object on the application.

Each extension keeps its part under its own name (``part(app, "derived", factory)``), so a
maintainer looking for what a build remembers finds it in one place, ``app._litreview``, and a
test or a second build in the same process starts from :func:`reset`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sphinx.application import Sphinx

T = TypeVar("T")
ATTR = "_litreview"


def _parts(app: Any) -> dict[str, Any]:
    parts = getattr(app, ATTR, None)
    if parts is None:
        parts = {}
        setattr(app, ATTR, parts)
    return parts


def part(app: Sphinx | None, name: str, factory: Callable[[], T]) -> T:
    """This build's state of the extension ``name``, made by ``factory()`` on first use.

    Without an application (a call from outside a build) a fresh, unkept state.
    """
    if app is None:
        return factory()
    parts = _parts(app)
    if name not in parts:
        parts[name] = factory()
    return parts[name]


def reset(app: Sphinx, name: str, value: Any) -> None:
    """Start the state of ``name`` again for this build."""
    _parts(app)[name] = value
