"""The review's timeline code: the loader keeps each article's words, bad data is reported with its
file and line, and a figure is drawn from the data at build time (reproducibly, and differently when
the data change). What the data say against the seeds (the evidence rule) is a content check:
tests/content/test_timeline_evidence.py."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from litreview.core import bib
from litreview.core.errors import TimelineError
from litreview.review import timeline
from litreview.review import timeline_figure as figure
from litreview.sphinxext.timeline import short_names
from review_support import BOOK, seed_texts
from support import ROOT, build_root, collapse_spaces, copy_root

DATA = BOOK / "review" / "timeline.yaml"
EVENTS = timeline.load_events(DATA)
RAW_EVENTS: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["events"]


FIGURE_DIGEST = (
    "import hashlib, sys; from pathlib import Path; from litreview.core import bib; "
    "from litreview.review import timeline, timeline_figure; "
    "from litreview.sphinxext.timeline import short_names; "
    "events = timeline.load_events(Path(sys.argv[1])); "
    "names = short_names(bib.parse(Path(sys.argv[2]))); "
    "print(*(hashlib.sha256(timeline_figure.render_bytes(events, names, f)).hexdigest() "
    "for f in ('svg', 'pdf')))"
)


@pytest.mark.slow  # two processes each import matplotlib and draw the figure twice: ~15 s
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


def test_the_table_and_figure_use_the_same_words_as_the_data() -> None:
    seeds = seed_texts()
    for raw, event in zip(RAW_EVENTS, sorted(EVENTS, key=lambda e: e.line), strict=True):
        assert set(event.words) == set(event.mentioned_by) == set(raw["mentioned_by"])
        assert event.words[event.dated_by][: len(event.evidence)] == event.evidence
        for key, words in event.words.items():
            assert all(collapse_spaces(w) in seeds[key] for w in words)


def test_the_loader_keeps_each_articles_words_and_still_reads_a_plain_list(tmp_path: Path) -> None:
    event = next(e for e in EVENTS if len(e.mentioned_by) > 1)
    assert event.words["stafeev2002community"] == (
        'the government recently initiated a $2.6 billion "Electronic Russia" program',
    )
    data = tmp_path / "timeline.yaml"
    data.write_text(
        "events:\n  - date: 2010\n    label: A target\n    kind: target\n    dated_by: stafeev2002community\n"
        "    evidence: [by 2010]\n    mentioned_by: [stafeev2002community]\n",
        encoding="utf-8",
    )
    (plain,) = timeline.load_events(data)
    assert plain.mentioned_by == ("stafeev2002community",)
    assert plain.words == {"stafeev2002community": ("by 2010",)}


def svg_text(svg: str) -> str:
    """The words an SVG drawn by matplotlib shows: text set as paths keeps each string in a comment."""
    found = re.findall(r"<!-- (.*?) -->|<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape(" ".join(a or b for a, b in found))


def test_svg_shows_every_event_and_the_articles_that_mention_it() -> None:
    names = short_names(bib.parse(ROOT / "refs.bib"))
    text = " ".join(svg_text(figure.render_bytes(EVENTS, names, "svg").decode("utf-8")).split())
    for event in EVENTS:
        assert event.label in text
        for key in event.mentioned_by:
            assert names[key] in text


def test_the_figure_speaks_with_curly_apostrophes() -> None:
    names = short_names(bib.parse(ROOT / "refs.bib"))
    text = svg_text(figure.render_bytes(EVENTS, names, "svg").decode("utf-8"))
    assert "’" in text
    assert not re.search(r"\w'\w", text), "a straight apostrophe in the figure"


def test_the_pdf_figure_is_set_in_the_books_text_face(tmp_path: Path) -> None:
    names = short_names(bib.parse(ROOT / "refs.bib"))
    pdf = tmp_path / "figure.pdf"
    pdf.write_bytes(figure.render_bytes(EVENTS, names, "pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    faces = {row.split()[0].partition("+")[2] for row in fonts.splitlines()[2:]}
    assert faces and faces <= {figure.TEXT_FONT.stem, figure.TEXT_FONT_BOLD.stem}, faces


def test_the_screen_figure_is_legible_on_a_phone() -> None:
    """Shown 358 px wide (a 390-px phone's column), its smallest text is at least 10 px tall."""
    svg = figure.render_bytes(EVENTS, short_names(bib.parse(ROOT / "refs.bib")), "svg").decode("utf-8")
    width_pt = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg).group(1))
    scale = 358 / (width_pt * 4 / 3)  # CSS px per pt once the image is fitted to the column
    assert figure.SMALLEST_TEXT_PT * 4 / 3 * scale >= 10, (
        f"text {figure.SMALLEST_TEXT_PT}pt at scale {scale:.2f}"
    )


def test_the_pdf_figure_is_text_a_reader_can_search(tmp_path: Path) -> None:
    """No Type 3 font (glyphs drawn as pictures): the face is embedded as TrueType, and every
    event's label can be found in the PDF's text."""
    names = short_names(bib.parse(ROOT / "refs.bib"))
    pdf = tmp_path / "figure.pdf"
    pdf.write_bytes(figure.render_bytes(EVENTS, names, "pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    types = {row[37:55].strip() for row in fonts.stdout.splitlines()[2:]}
    assert types == {"CID TrueType"}, fonts.stdout
    assert (
        "Mismatch"
        not in fonts.stderr
        + subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stderr
    )
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
        .stdout.replace("-\n", "-")
        .split()
    )
    missing = [e.label for e in EVENTS if " ".join(e.label.split()) not in text]
    assert not missing, f"labels not found in the PDF's text: {missing}"


def svg_size_px(svg: str) -> tuple[float, float]:
    """An SVG's drawn width and height in CSS px (matplotlib gives them in pt)."""
    size = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(size.group(1)) * 4 / 3, float(size.group(2)) * 4 / 3


def test_each_e_reader_part_fits_a_600_by_900_screen_legibly() -> None:
    """The e-reader's timeline comes in parts, each period's events in order, every event once;
    each part, drawn at its size (or shrunk to fit the screen with a reader's margins), keeps its
    smallest text at 10 px or more and its labels at 14 px or more."""
    names = short_names(bib.parse(ROOT / "refs.bib"))
    parts = figure.panels(EVENTS)
    assert len(parts) > 1 and [e for part in parts for e in part] == EVENTS
    screen_w, screen_h = (s - m for s, m in zip(figure.READER_SCREEN, figure.READER_MARGIN, strict=True))
    for number, part in enumerate(parts, start=1):
        svg = figure.render_drawing(EVENTS, names, f"part{number}").decode("utf-8")
        width, height = svg_size_px(svg)
        fit = min(1.0, screen_w / width, screen_h / height)
        assert figure.SMALLEST_TEXT_PT * 4 / 3 * fit >= 10, (number, width, height)
        assert figure.LABEL_PT * 4 / 3 * fit >= 14, (number, width, height)
        text = " ".join(svg_text(svg).split())
        assert all(e.label in text for e in part), number
        first, last = figure.period(part)
        assert f"(part {number} of {len(parts)})" in text and str(first) in text and str(last) in text


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
    assert (tmp_path / "fig.svg").read_bytes() != svg and (tmp_path / "fig.pdf").read_bytes() != pdf
    svgs = [p for p in after if p.suffix == ".svg"]
    moved = {p.name for p in svgs if "Crimea, moved" in svg_text(p.read_text(encoding="utf-8"))}
    # the phone's, the laptop's and the one e-reader part showing it; the PDF, set as text, too
    assert {"fig.svg", "fig-wide.svg"} < moved and sum(n.startswith("fig-part") for n in moved) == 1
    assert (tmp_path / "fig.pdf") in after


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("date: 2014", "date: 14-2014"),
        ("kind: politics", "kind: gossip"),
        ("dated_by: erofeev2022learning", "dated_by: khumaryanndrussia"),  # not among mentioned_by
        ("      stafeev2002community: ['the", "      stafeev2002community: [7, 'the"),  # words not text
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
    assert re.search(
        r"timeline\.yaml:\d+: WARNING: kind 'rumour'.*\[litreview\.timeline\]", build.warnings
    ), build.warnings


@pytest.mark.parametrize("drawing", [figure.PRINT_FIGURE, figure.PHONE_FIGURE])
def test_each_kind_of_event_is_told_apart_without_colour(drawing: str) -> None:
    """Printed in black and white, or read on a grey e-reader, the kinds still differ: each kind's
    mark has a shape (and a fill) of its own, in the figure and in its legend."""
    import matplotlib.pyplot as plt

    names = short_names(bib.parse(ROOT / "refs.bib"))
    fig = figure._draw(EVENTS, names, drawing)
    try:
        marks = {
            (line.get_marker(), line.get_markerfacecolor() == "white", line.get_color())
            for ax in fig.axes
            for line in ax.get_lines()
            if line.get_marker() not in (None, "None", "")
        }
        legend = {
            (h.get_marker(), h.get_markerfacecolor() == "white")
            for lg in fig.legends
            for h in lg.legend_handles
        }
    finally:
        plt.close(fig)
    kinds = {event.kind for event in EVENTS}
    shapes_by_colour = {colour: (shape, hollow) for shape, hollow, colour in marks}
    assert len(shapes_by_colour) == len(kinds), marks  # one colour per kind drawn …
    assert len(set(shapes_by_colour.values())) == len(kinds), marks  # … and one shape per kind
    assert len(legend) == len(timeline.KINDS), legend
