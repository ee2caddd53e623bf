"""seeds/SHA256SUMS: the record of the seeds as received."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from litreview.chapters.scaffold.line_shapes import SUMS
from litreview.core.errors import SeedMetaError


def read_sums(path: Path) -> list[tuple[str, str, int]]:
    """(digest, file name, line) of each line of SHA256SUMS."""
    if not path.is_file():
        return []
    found = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            raise SeedMetaError("not a `SHA-256  file name` line", path, n)
        found.append((parts[0], parts[1].lstrip("*").strip(), n))
    return found


def recorded_sums(seed: Path) -> tuple[Path, str | None]:
    """SHA256SUMS beside the seed, with its new text if the seed must be added (None if recorded).

    A seed recorded with other bytes is an error: the record is of the seed as received.
    """
    sums = seed.parent / SUMS
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    rows = read_sums(sums)
    for recorded, name, line in rows:
        if name == seed.name:
            if recorded != digest:
                raise SeedMetaError(
                    f"records another SHA-256 for {seed.name} ({recorded[:12]}…; the file's is "
                    f"{digest[:12]}…): a seed is kept byte for byte as received",
                    sums,
                    line,
                )
            return sums, None
    rows_text = sorted([(name, recorded) for recorded, name, _ in rows] + [(seed.name, digest)])
    return sums, "".join(f"{d}  {name}\n" for name, d in rows_text)


# -- the command line ---------------------------------------------------------------------------------
