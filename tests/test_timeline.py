"""The review's timeline: every event dated by the words of an article that mentions it, and a figure
drawn from the data at build time (reproducibly, and differently when the data change)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_root, copy_root
from litreview.core import bib
from litreview.core.errors import TimelineError
from litreview.core.seeds import load_all
from litreview.review import timeline
from litreview.review import timeline_figure as figure
from litreview.sphinxext.timeline import short_names
from review_support import BOOK, QUOTE_RE, ROOT, normalise, seed_texts

DATA = BOOK / "review" / "timeline.yaml"
ARTICLE_KEYS = {m.key for m in load_all(ROOT / "seeds")}
EVENTS = timeline.load_events(DATA)


def test_the_timeline_has_the_events_the_articles_date() -> None:
    years = {e.start.year for e in EVENTS}
    assert {2002, 2011, 2012, 2014, 2016, 2017, 2019, 2020, 2021, 2022} <= years
    assert {e.dated_by for e in EVENTS} == ARTICLE_KEYS  # every article dates at least one event


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.start}-{e.label[:30]}")
def test_event_is_dated_by_the_words_of_an_article_that_mentions_it(event: timeline.Event) -> None:
    seeds = seed_texts()
    assert set(event.mentioned_by) <= ARTICLE_KEYS, (
        f"timeline.yaml:{event.line}: mentioned_by must be articles"
    )
    assert event.dated_by in event.mentioned_by
    text = seeds[event.dated_by]
    for words in event.evidence:
        assert normalise(words) in text, (
            f"timeline.yaml:{event.line}: not verbatim in {event.dated_by}: {words}"
        )
    evidence = " ".join(event.evidence)
    assert str(event.start.year) in evidence and str(event.start.year) in text
    if event.end is not None:
        assert str(event.end.year) in text


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.start}-{e.label[:30]}")
def test_quoted_words_in_labels_and_notes_are_the_articles(event: timeline.Event) -> None:
    seeds = seed_texts()
    for quote in QUOTE_RE.findall(f"{event.label} {event.note}"):
        assert any(normalise(quote) in seeds[k] for k in event.mentioned_by), (
            f"timeline.yaml:{event.line}: {quote}"
        )


FIGURE_DIGEST = (
    "import hashlib, sys; from pathlib import Path; from litreview.core import bib; "
    "from litreview.review import timeline, timeline_figure; "
    "from litreview.sphinxext.timeline import short_names; "
    "events = timeline.load_events(Path(sys.argv[1])); "
    "names = short_names(bib.parse(Path(sys.argv[2]))); "
    "print(*(hashlib.sha256(timeline_figure.render_bytes(events, names, f)).hexdigest() "
    "for f in ('svg', 'pdf')))"
)


def test_rendering_is_reproducible_in_two_processes() -> None:
    """Two interpreters draw the same SVG and PDF bytes from the same data."""
    digests = set()
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", FIGURE_DIGEST, str(DATA), str(ROOT / "refs.bib")], capture_output=True,
            text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        digests.add(proc.stdout.strip())
    assert len(digests) == 1 and len(next(iter(digests)).split()) == 2


def test_svg_shows_every_event_and_the_articles_that_mention_it() -> None:
    names = short_names(bib.parse(ROOT / "refs.bib"))
    svg = figure.render_bytes(EVENTS, names, "svg").decode("utf-8")
    for event in EVENTS:
        assert _svg_escape(event.label) in svg
        for key in event.mentioned_by:
            assert _svg_escape(names[key]) in svg


def _svg_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_changing_the_data_changes_the_figure(tmp_path: Path) -> None:
    data = tmp_path / "timeline.yaml"
    shutil.copy(DATA, data)
    before = figure.render(timeline.load_events(data), {}, tmp_path / "fig")
    assert {p.suffix for p in before} == {".svg", ".pdf"}
    svg, pdf = (tmp_path / "fig.svg").read_bytes(), (tmp_path / "fig.pdf").read_bytes()
    assert figure.render(timeline.load_events(data), {}, tmp_path / "fig") == []  # unchanged: not rewritten
    data.write_text(data.read_text(encoding="utf-8").replace("date: 2014", "date: 2015"), encoding="utf-8")
    data.write_text(
        data.read_text(encoding="utf-8").replace("Annexation of Crimea", "Crimea, moved"), encoding="utf-8"
    )
    after = figure.render(timeline.load_events(data), {}, tmp_path / "fig")
    assert len(after) == 2
    assert (tmp_path / "fig.svg").read_bytes() != svg and (tmp_path / "fig.pdf").read_bytes() != pdf
    assert "Crimea, moved" in (tmp_path / "fig.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("date: 2014", "date: 14-2014"),
        ("kind: politics", "kind: gossip"),
        ("mentioned_by: [erofeev2022learning]", "mentioned_by: [khumaryanndrussia]"),
    ],
)
def test_bad_data_is_reported_with_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    text = DATA.read_text(encoding="utf-8")
    data = tmp_path / "timeline.yaml"
    data.write_text(text.replace(bad, message, 1), encoding="utf-8")
    with pytest.raises(TimelineError) as caught:
        timeline.load_events(data)
    err = str(caught.value)
    match = re.fullmatch(rf"{re.escape(str(data))}:(\d+): .+", err)
    assert match, err
    line = int(match.group(1))
    event_lines = [
        i + 1 for i, row in enumerate(data.read_text(encoding="utf-8").splitlines()) if row.startswith("  - ")
    ]
    assert line in event_lines  # the line of the offending event


def test_build_draws_figure_and_table_and_redraws_when_data_change(tmp_path: Path) -> None:
    project = copy_root("timeline", tmp_path / "project")
    first = build_root(project)
    assert first.warnings == ""
    html = BeautifulSoup((first.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    img = html.select_one("figure img")
    assert img["src"].endswith(".svg") and "2 dated events" in img["alt"]
    svg_before = (first.outdir / img["src"]).read_text(encoding="utf-8")
    assert "A programme created" in svg_before
    rows = html.select("table tbody tr")
    assert len(rows) == 2
    assert rows[1].select_one('a[href*="#id"], a.reference')  # the event cites its articles
    assert "“the ranking of 2020”" in rows[1].get_text(" ", strip=True)

    data = project / "review" / "timeline.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("A programme created", "A programme renamed"),
                    encoding="utf-8")  # fmt: skip
    second = build_root(project)
    assert second.warnings == ""
    svg_after = (second.outdir / img["src"]).read_text(encoding="utf-8")
    assert svg_after != svg_before and "A programme renamed" in svg_after
    assert "A programme renamed" in (second.outdir / "index.html").read_text(encoding="utf-8")


def test_latex_build_uses_the_pdf_figure(tmp_path: Path) -> None:
    build = build_root(copy_root("timeline", tmp_path / "project"), "latex")
    assert build.warnings == ""
    tex = next(build.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert re.search(r"\\(?:sphinx)?includegraphics[^{]*\{\{?timeline\}?\.pdf\}", tex), (
        "the LaTeX figure is not the PDF"
    )
    assert (build.outdir / "timeline.pdf").read_bytes().startswith(b"%PDF")


def test_bad_data_is_a_warning_with_its_location(tmp_path: Path) -> None:
    project = copy_root("timeline", tmp_path / "project")
    data = project / "review" / "timeline.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("kind: measure", "kind: rumour"), encoding="utf-8"
    )
    build = build_root(project)
    assert re.search(r"timeline\.yaml:\d+: WARNING: kind 'rumour'", build.warnings), build.warnings
