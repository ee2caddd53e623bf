"""How fast the book builds, against two floors, and how it scales: `nox -s bench`.

Floors, on the same sources: (a) myst-parser alone with the basic theme, citations as plain text;
(b) the same plus sphinxcontrib-bibtex with its defaults. The real book (a copy of the project in
a temp dir, built by the nox sessions' own commands): clean, no-op and one-chapter-edit HTML builds,
PDF, EPUB, chapter regeneration and the citations check. Scale: synthetic books
(litreview.bench.synthbook) of 5, 50 and 200 chapters with 100, 1,000 and 5,000 entries, built four ways
(floor a, floor b, the default stack with the book theme, and the project's own conf.py with every
extension the book ships with: "ours"), clean, no-op, one chapter edited and one .bib entry edited,
and ours with ``-j auto``. Every figure is the median of ``--runs`` runs (at least 3 unless asked
otherwise) with min and max. Prints a table; writes JSON to _build/bench.json.

The parts: :mod:`~litreview.bench.measure` (one timed build, the machine, the versions),
:mod:`~litreview.bench.scale` (the synthetic books), :mod:`~litreview.bench.realbook` (the real
book), :mod:`~litreview.bench.report` (the targets, in its one ``TARGETS`` table, the JSON and the
text table) and this module, the command line.

    python -m litreview.bench [--quick] [--chapters 5,50,200] [--entries 100,1000,5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from litreview.bench import synthbook
from litreview.bench.measure import build_env, machine_info, run_timed, sphinx_cmd
from litreview.bench.realbook import measure_real
from litreview.bench.report import evaluate_targets, report_json, table
from litreview.bench.scale import ScaleRow, measure_scale
from litreview.core.files import write_atomic


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from err


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m litreview.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=_ints, help="synthetic chapter counts (default 5,50,200)")
    parser.add_argument("--entries", type=_ints, help="synthetic entry counts (default 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="5,50 chapters x 100,1000 entries; no PDF")
    parser.add_argument("--full-grid", action="store_true", help="every chapters x entries pair (slow)")
    parser.add_argument("--no-real", action="store_true", help="skip the real book")
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic books")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF build")
    parser.add_argument("--no-epub", action="store_true", help="skip the EPUB build")
    parser.add_argument("--no-jobs", action="store_true", help="skip the -j auto builds")
    parser.add_argument("--no-serve", action="store_true", help="skip the edit loop through sphinx-autobuild")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project (default: here)")
    parser.add_argument("--json", type=Path, help="where to write JSON (default ROOT/_build/bench.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the books")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.quick:
        args.chapters = args.chapters or [5, 50]
        args.entries = args.entries or [100, 1000]
        args.no_pdf = True
    args.chapters = args.chapters or [5, 50, 200]
    args.entries = args.entries or [100, 1000, 5000]
    return args


def grid(chapters: Sequence[int], entries: Sequence[int], full: bool) -> list[tuple[int, int]]:
    """Sizes to build: by default every chapter count at the largest entry count, and every entry
    count at the largest chapter count (the two axes the targets are about); --full-grid: all pairs.
    """
    if full:
        return [(c, e) for c in chapters for e in entries]
    sizes = {(c, max(entries)) for c in chapters} | {(max(chapters), e) for e in entries}
    return sorted(sizes)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    if not (root / "conf.py").is_file() or not (root / "book").is_dir():
        print(f"{root}: not the project (no conf.py and book/ here); use --root", file=sys.stderr)
        return 2
    out = args.json or root / "_build" / "bench.json"
    info = machine_info()
    pycache = out.parent / "bench-pycache"  # bytecode for the builds, kept between bench runs
    env = build_env(pycache)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="litreview-bench-"))
    here = Path.cwd()
    try:
        say(f"bench: working in {work}; {info['nproc']} cores, load {info['load_before']}")
        warm = synthbook.generate(work / "warmup", 2, 60, "ours", project=root)
        run_timed(sphinx_cmd(), warm.root, env)  # fill the bytecode cache; not counted
        rows: list[ScaleRow] = []
        if not args.no_scale:
            sizes = grid(args.chapters, args.entries, args.full_grid)
            jobs_at = None if args.no_jobs else max(sizes)
            serve_at = None if args.no_serve else max(sizes)
            rows = measure_scale(
                sizes, list(synthbook.VARIANTS), args.runs, work, env, jobs_at, say, root, serve_at
            )
        real = None
        if not args.no_real:
            real = measure_real(root, args.runs, work, env, not args.no_pdf, not args.no_epub, say)
        info["load_after"] = [round(x, 2) for x in os.getloadavg()]
        targets = evaluate_targets(rows, real)
        doc = report_json(info, args.runs, rows, real, targets)
    finally:
        os.chdir(here)
        if args.keep:
            say(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    write_atomic(out, json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    print(f"\nJSON: {out}")
    failed = [r for r in rows if r.problems or not r.edit_ok]
    if real is not None and real.edit.get("shows_new_citation") is False:
        print("real book: the edited citation does not show after the rebuild", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
