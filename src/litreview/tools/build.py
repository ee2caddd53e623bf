"""``litreview-build BUILDER``: build the book the one strict way (any warning fails).

The command line every session, test and benchmark uses lives here:
``sphinx-build -n -W --keep-going -c . -b BUILDER book _build/BUILDER``, run from the project
root (``conf.py`` beside ``book/``). Extra arguments go through to sphinx-build.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

#: Nitpicky, warnings are errors, but report them all before failing.
STRICT = ("-n", "-W", "--keep-going")
SOURCE_DIR = "book"
CONF_DIR = "."


def sphinx_args(builder: str, outdir: str | None = None, *extra: str, strict: bool = True) -> list[str]:
    """sphinx-build's arguments for the book, with ``builder``, into ``outdir`` (default _build/BUILDER)."""
    return [
        *(STRICT if strict else ()),
        "-c", CONF_DIR, "-b", builder, SOURCE_DIR, outdir or f"_build/{builder}", *extra,
    ]  # fmt: skip


def command(builder: str, outdir: str | None = None, *extra: str, strict: bool = True) -> list[str]:
    """The whole command, with this interpreter: ``python -m sphinx …``."""
    return [sys.executable, "-m", "sphinx", *sphinx_args(builder, outdir, *extra, strict=strict)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="litreview-build",
        description="Build the book strictly (sphinx-build -n -W --keep-going -c . -b BUILDER book OUTDIR).",
        epilog="Arguments after the builder go to sphinx-build (e.g. -D litreview_fastnav=0, -q, -E).",
    )
    parser.add_argument("builder", help="html, latex, epub, linkcheck …")
    parser.add_argument("--outdir", help="output folder (default: _build/BUILDER)")
    args, extra = parser.parse_known_args(argv)
    from sphinx.cmd.build import main as sphinx_main

    return sphinx_main(sphinx_args(args.builder, args.outdir, *extra))


if __name__ == "__main__":
    raise SystemExit(main())
