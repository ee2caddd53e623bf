"""Scale: synthetic books (litreview.bench.synthbook) of several sizes, built four ways (two
floors, the stock book stack, and the project's own conf.py), clean, no-op, one chapter edited and
one .bib entry edited."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from litreview.bench import serve, synthbook
from litreview.bench.measure import MEASURES, Stat, Timed, first_problem, run_timed, sphinx_cmd


@dataclass
class ScaleRow:
    """One synthetic book size built one way."""

    chapters: int
    entries: int
    variant: str
    times: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})
    jobs_clean: list[float] = field(default_factory=list)
    peak_rss: int = 0
    edit_ok: bool = True
    problems: list[str] = field(default_factory=list)

    def stat(self, measure: str) -> Stat | None:
        runs = self.jobs_clean if measure == "jobs" else self.times.get(measure)
        return Stat(tuple(runs)) if runs else None


def _build(book_root: Path, env: dict[str, str], clean: bool, jobs: bool = False) -> Timed:
    if clean:
        shutil.rmtree(book_root / "_build", ignore_errors=True)
    return run_timed(sphinx_cmd(jobs), book_root, env)


def _edit_shows(book: synthbook.SynthBook, new_title: str) -> bool:
    """The rebuilt chapter shows the new marker citation and not the old one."""
    html = (
        (book.root / "_build" / "html" / f"{book.edit_docname}.html").read_text(encoding="utf-8").casefold()
    )
    old_title = next(t for t in synthbook.EDIT_TITLES.values() if t != new_title)
    return new_title.casefold() in html and old_title.casefold() not in html  # styles may change case


def _bib_edit_shows(book: synthbook.SynthBook, new_title: str) -> bool:
    """The rebuilt References page shows the entry's new title."""
    html = (book.root / "_build" / "html" / "references.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html).casefold()  # Cyrillic runs are wrapped in <span lang="ru">
    return " ".join(new_title.casefold().split()) in " ".join(text.split())


def measure_scale(
    sizes: Sequence[tuple[int, int]],
    variants: Sequence[str],
    runs: int,
    work: Path,
    env: dict[str, str],
    jobs_at: tuple[int, int] | None,
    say: Callable[[str], None],
    project: Path,
    serve_at: tuple[int, int] | None = None,
) -> list[ScaleRow]:
    """Build each size each way ``runs`` times (clean, no-op, one chapter edited, one .bib entry
    edited), variants interleaved; at ``serve_at``, ours' edit loop through sphinx-autobuild."""
    rows: list[ScaleRow] = []
    for chapters, entries in sizes:
        books = {
            v: synthbook.generate(work / f"{chapters}x{entries}-{v}", chapters, entries, v, project=project)
            for v in variants
        }
        size_rows = {v: ScaleRow(chapters, entries, v) for v in variants}
        for run in range(runs):
            for variant in variants:
                book, row = books[variant], size_rows[variant]
                say(f"  {chapters} chapters x {entries} entries, {variant}: run {run + 1}/{runs}")
                for measure in MEASURES:
                    if measure == "edit":
                        new_title = synthbook.swap_marker(book)
                    if measure == "bibedit":
                        new_title = synthbook.edit_bib_entry(book)
                    timed = _build(book.root, env, clean=measure == "clean")
                    row.peak_rss = max(row.peak_rss, timed.maxrss_bytes)
                    if timed.returncode != 0:
                        row.problems.append(
                            f"{measure}: exit {timed.returncode}: {first_problem(timed.output)}"
                        )
                        continue
                    row.times[measure].append(timed.seconds)
                    if measure == "edit" and not _edit_shows(book, new_title):
                        row.edit_ok = False
                        row.problems.append("edit: the new citation does not show in the rebuilt chapter")
                    if measure == "bibedit" and not _bib_edit_shows(book, new_title):
                        row.edit_ok = False
                        row.problems.append("bib edit: the new title does not show on the References page")
        if (chapters, entries) == jobs_at:
            for run in range(runs):
                for variant in variants:
                    if variant == "ours":  # the stack as the project builds it
                        say(f"  {chapters} x {entries}, {variant}, -j auto: run {run + 1}/{runs}")
                        timed = _build(books[variant].root, env, clean=True, jobs=True)
                        size_rows[variant].peak_rss = max(size_rows[variant].peak_rss, timed.maxrss_bytes)
                        if timed.returncode == 0:
                            size_rows[variant].jobs_clean.append(timed.seconds)
                        else:
                            size_rows[variant].problems.append(f"-j auto: {first_problem(timed.output)}")
        if (chapters, entries) == serve_at and "ours" in variants:
            say(f"  {chapters} x {entries}, ours, served by sphinx-autobuild: {runs} edits")
            times, problem = serve.measure_serve(books["ours"], runs, env)
            size_rows["ours"].times["serve"] = times
            if problem:
                size_rows["ours"].problems.append(f"serve: {problem}")
        for variant in variants:
            shutil.rmtree(books[variant].root, ignore_errors=True)
        rows += size_rows.values()
    return rows
