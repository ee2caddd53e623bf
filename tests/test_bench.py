"""The benchmark runs and reports; the speed-ups (bibcache, fastnav) leave the HTML unchanged."""

from __future__ import annotations

import importlib.metadata
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from litreview.bench import synthbook

SPEEDUPS = ("litreview_bibcache", "litreview_fastnav")


def test_bench_smallest_sizes_prints_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.bench", "--root", str(ROOT), "--chapters", "5", "--entries", "100",
         "--runs", "1", "--no-real", "--no-jobs", "--json", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["machine"]["nproc"] == len(os.sched_getaffinity(0))
    assert doc["versions"]["sphinx"] == importlib.metadata.version("sphinx")
    assert doc["versions"]["sphinxcontrib-bibtex"] == importlib.metadata.version("sphinxcontrib-bibtex")
    assert [row["variant"] for row in doc["scale"]] == list(synthbook.VARIANTS)
    for row in doc["scale"]:
        assert (row["chapters"], row["entries"]) == (5, 100)
        assert row["edit_shows_new_citation"] is True
        assert row["problems"] == []
        for measure in ("clean", "noop", "edit"):
            figure = row[measure]
            assert figure["min"] <= figure["median"] <= figure["max"]
            assert len(figure["runs"]) == 1
            assert figure["ratio_a"] > 0 and figure["ratio_b"] > 0
        assert row["peak_rss_mib"] > 0
    floor_a = doc["scale"][0]
    assert floor_a["clean"]["ratio_a"] == 1.0
    targets = {t["target"]: t for t in doc["targets"]}
    fast_noop = doc["scale"][3]["noop"]["median"]
    assert targets["noop rebuild, book theme + speed-ups"]["value"] == pytest.approx(fast_noop, abs=0.006)
    assert targets["time per chapter flat (marginal, max/min)"]["met"] is None  # one size cannot show it
    # the table on stdout: a line per variant, and every target with its verdict
    lines = proc.stdout.splitlines()
    assert any(line.startswith("Build speed,") and "cores" in line for line in lines)
    for variant in synthbook.VARIANTS:
        assert any(re.match(rf"\s+5\s+100 {variant}\s", line) for line in lines), variant
    for target in targets:
        assert any(line.strip().startswith(target) for line in lines), target


def _sphinx(book: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "sphinx", "-q", "-n", "-W", "--keep-going", "-c", ".", "book", "_build/html"]
    for name in overrides:
        cmd += ["-D", name]
    env = {**os.environ, "LITREVIEW_FASTNAV_VERIFY": "1"}  # every sidebar also checked against the theme's
    return subprocess.run(cmd, cwd=book, capture_output=True, text=True, check=False, env=env)


def _snapshot(book: Path) -> dict[str, bytes]:
    """Every output file a reader gets (not Sphinx's own bookkeeping: .buildinfo, .doctrees)."""
    html = book / "_build" / "html"
    return {
        p.relative_to(html).as_posix(): p.read_bytes()
        for p in sorted(html.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


def test_speedups_leave_html_unchanged_through_clean_noop_and_edits(tmp_path: Path) -> None:
    """A small nested book built with each speed-up on and off, then rebuilt after a no-op, a
    citation edit, a bib entry edit and a chapter title edit: the same files, byte for byte, at
    every step.
    """
    settings = {
        "both off": [f"{name}=0" for name in SPEEDUPS],
        "bibcache only": ["litreview_fastnav=0"],
        "fastnav only": ["litreview_bibcache=0"],
        "both on": [],
    }
    books = {
        name: synthbook.generate(tmp_path / name.replace(" ", "-"), 7, 60, "fast", parts=3, works_cited=True)
        for name in settings
    }
    entry = synthbook.make_entries(60)[12]
    new_title = "A retitled entry for the cache"
    new_heading = "Renamed"
    steps: dict[str, dict[str, dict[str, bytes]]] = {}
    for name, book in books.items():
        for step in ("clean", "no-op", "citation edit", "bib edit", "title edit"):
            if step == "citation edit":
                synthbook.swap_marker(book)
            if step == "title edit":  # the navigation tree changes: a kept sidebar must not be reused
                text = book.edit_chapter.read_text(encoding="utf-8")
                book.edit_chapter.write_text(text.replace(": ", f": {new_heading} ", 1), encoding="utf-8")
            if step == "bib edit":
                bib = book.root / "refs.bib"
                text = bib.read_text(encoding="utf-8").replace(entry.title, new_title)
                bib.write_text(text, encoding="utf-8")
            proc = _sphinx(book.root, *settings[name])
            assert proc.returncode == 0, f"{name}, {step}: {proc.stderr}"
            steps.setdefault(step, {})[name] = _snapshot(book.root)
    for step, outputs in steps.items():
        reference = outputs["both off"]
        assert len(reference) > 20
        for name, files in outputs.items():
            assert files.keys() == reference.keys(), (step, name)
            differing = [f for f in files if files[f] != reference[f]]
            assert differing == [], (step, name, differing)
    # the rebuilds did show the edits (so the comparison is not between stale pages)
    final = steps["title edit"]["both on"]
    edited_page = f"{books['both on'].edit_docname}.html"  # its own sidebar shows the new title
    assert final[edited_page].decode().count(f"{new_heading} ") >= 2  # heading and sidebar
    assert new_title.casefold() in final["references.html"].decode().casefold()
    edited = final[edited_page].decode().casefold()
    assert synthbook.EDIT_TITLES[synthbook.EDIT_KEYS[1]].casefold() in edited


def test_bibcache_keeps_formatted_entries_in_the_environment(tmp_path: Path) -> None:
    book = synthbook.generate(tmp_path / "book", 3, 40, "fast")
    assert _sphinx(book.root).returncode == 0
    with (book.root / "_build" / "html" / ".doctrees" / "environment.pickle").open("rb") as f:
        env = pickle.load(f)  # our own build's environment
    cache = env.domaindata["cite"]["litreview_bibcache"]["entries"]
    # one cached entry per bib entry of the :all: bibliography, each with its tooltip
    assert sorted({key[2][0] for key in cache}) == sorted(e.key for e in synthbook.make_entries(40))
    assert all(tooltip is not None for _, tooltip in cache.values())


@pytest.mark.slow
def test_speedups_leave_the_real_book_unchanged(tmp_path: Path) -> None:
    """The real book, built with our speed-ups switched off and on: the same files."""
    project = copy_project(tmp_path / "project")
    conf = (project / "conf.py").read_text(encoding="utf-8")
    assert all(f'"litreview.speedups.{name}"' in conf for name in ("bibcache", "fastnav"))  # what ships
    outputs = {}
    for name, overrides in (("off", [f"{n}=0" for n in SPEEDUPS]), ("on", [])):
        proc = _sphinx(project, *overrides)
        assert proc.returncode == 0, proc.stderr
        outputs[name] = _snapshot(project)
        (project / "_build").rename(tmp_path / f"build-{name}")
    assert outputs["on"].keys() == outputs["off"].keys()
    assert [f for f in outputs["on"] if outputs["on"][f] != outputs["off"][f]] == []
