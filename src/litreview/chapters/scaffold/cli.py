"""The ``litreview-new-article`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from litreview.chapters.scaffold.bib_stub import bib_stub
from litreview.chapters.scaffold.draft import Draft
from litreview.chapters.scaffold.drafting import MetadataDrafter
from litreview.chapters.scaffold.line_shapes import COMMAND, SEED_NAME
from litreview.chapters.scaffold.reading import PageReader
from litreview.chapters.scaffold.seed_sums import recorded_sums
from litreview.chapters.scaffold.toml_output import render_toml
from litreview.core.errors import LitReviewError, SeedMetaError
from litreview.core.files import write_atomic, write_new


def draft_for(seed: Path) -> Draft:
    """The draft metadata for one seed (nothing is written)."""
    return MetadataDrafter(seed, PageReader(seed).read()).build()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Draft seeds/NNN_name.toml from a raw seed seeds/NNN_name.txt, for you to review; "
        "record the seed's SHA-256 in seeds/SHA256SUMS; print a refs.bib stub for the article.",
        epilog="Never overwrites a file. Exit status: 0 drafted, 1 bad input (file:line: message), "
        "2 bad usage.",
    )
    parser.add_argument("seed", type=Path, help="the raw article, seeds/NNN_name.txt (UTF-8)")
    args = parser.parse_args(argv)
    cwd = Path.cwd()
    seed = args.seed if args.seed.is_absolute() else cwd / args.seed
    toml = seed.with_suffix(".toml")
    try:
        if not seed.is_file():
            raise SeedMetaError("seed file not found", seed)
        if not SEED_NAME.match(seed.name):
            raise SeedMetaError("a seed is named NNN_<anything>.txt (three digits set its place)", seed)
        if toml.exists():
            raise SeedMetaError(
                f"already exists: {COMMAND} never overwrites a file (move it away to draft again)", toml
            )
        sums, new_sums = recorded_sums(seed)
        draft = draft_for(seed)
        write_new(toml, render_toml(draft))
    except LitReviewError as err:
        print(err.located(cwd), file=sys.stderr)
        return 1
    except FileExistsError:
        print(f"{_rel(toml, cwd)}: already exists: {COMMAND} never overwrites a file", file=sys.stderr)
        return 1
    print(f"wrote {_rel(toml, cwd)}: a draft to review")
    if new_sums is not None:
        write_atomic(sums, new_sums)
        print(f"recorded the SHA-256 of {seed.name} in {_rel(sums, cwd)} (the seed as received)")
    missing = draft.unaccounted
    if missing:
        shown = ", ".join(str(n) for n in missing[:12]) + ("…" if len(missing) > 12 else "")
        print(f"{len(missing)} line(s) of the seed are not accounted for (marked ? in the preview): {shown}")
    print("\nThe article's refs.bib entry, to check and complete before you paste it into refs.bib:\n")
    print(bib_stub(draft))
    print(
        "Next: review the draft; fill in key, genre and every `keys = []`; add the refs.bib entries; "
        'then run `nox -s chapters` (README.md, "Adding an article").'
    )
    return 0


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
