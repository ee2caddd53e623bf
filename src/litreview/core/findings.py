"""A problem a checker found, printed like a linter: ``path:line: CODE message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One problem at one place; ``str()`` is the line a maintainer reads."""

    path: Path
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"path": str(self.path), "line": self.line, "code": self.code, "message": self.message}
