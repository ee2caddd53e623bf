"""A YAML data file of the book (the timeline, the index topics), read with its line numbers.

Both the parsed data and the node tree come back: the tree gives each item's line, so a checker
can say "timeline.yaml:42: …" about a value deep inside the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from litreview.core.errors import LitReviewError


def read(path: Path, error: type[LitReviewError], what: str) -> tuple[Any, Any]:
    """(the node tree, the data) of a YAML file; ``error`` (naming the file, and the line of a
    syntax error) when it cannot be read or parsed. ``what`` names the file in the message."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", path) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error(f"not valid YAML: {exc.problem}", path, line) from None
    return root, data
