"""The timeline figure, drawn with matplotlib from the events: byte-for-byte reproducible SVG and PDF."""

from __future__ import annotations

import hashlib
import importlib.metadata  # matplotlib's version without importing it (which takes longer than a no-op build)
import io
import itertools
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.core.files import write_if_changed
from litreview.review.timeline import HOLLOW, KINDS, Event

SVG_SALT = "litreview-timeline"


def alt_text(events: list[Event]) -> str:
    """A text alternative for the figure, computed from the same data."""
    first, last = events[0], events[-1]
    return (
        f"Timeline from {first.start.year} to {(last.end or last.start).year} of the {len(events)} dated "
        f"events the articles mention, each row one event with the articles that mention it, "
        f"the first being {first.label} ({first.when}) and the last {last.label} ({last.when}). "
        "The table below the figure lists the same events."
    )


#: The book's text face (fonts-freefont-otf, in system-packages.txt): the PDF's figure is set in it.
TEXT_FONT = Path("/usr/share/fonts/opentype/freefont/FreeSerif.otf")
TEXT_FONT_BOLD = TEXT_FONT.with_name("FreeSerifBold.otf")
#: The screen figure's label size and its smallest text (names, years, legend), in points.
LABEL_PT, SMALLEST_TEXT_PT = 11.5, 10.0
GRID = "#dddddd"
INK = "#222222"
MUTED = "#555555"


def _years(events: list[Event]) -> tuple[int, int]:
    years = [e.start.year for e in events] + [(e.end or e.start).year for e in events]
    return min(years) - 1, max(years) + 2


def _marker(kind: str) -> dict[str, Any]:
    """A kind's mark: its colour and shape, hollow for what was only announced or forecast."""
    _label, colour, shape = KINDS[kind]
    face = "white" if kind in HOLLOW else colour
    return {"marker": shape, "color": colour, "markerfacecolor": face, "markeredgecolor": colour}


def _mark(ax: Any, event: Event, y: float, size: float) -> None:
    """The event on the time axis: its kind's mark at its date, or a bar over its period with the
    mark at its start (the shape tells the kind in black and white)."""
    mark = _marker(event.kind)
    if event.end is not None:
        ax.plot([event.start.begin, event.end.finish], [y, y], color=mark["color"], linewidth=size * 0.7,
                solid_capstyle="butt")  # fmt: skip
        ax.plot([event.start.begin], [y], markersize=size, linestyle="none", **mark)
    else:
        ax.plot([event.start.middle], [y], markersize=size, linestyle="none", **mark)


def _year_axis(ax: Any, lo: int, hi: int, size: float) -> None:
    span = hi - lo
    step = 10 if span > 30 else 5 if span > 12 else 2 if span > 6 else 1
    minor = 5 if step >= 5 else 1
    ax.set_xlim(lo, hi)
    ax.set_xticks(range(lo + (-lo % step), hi, step))  # none at the right edge, by "Mentioned by"
    ax.set_xticks(range(lo + (-lo % minor), hi + 1, minor), minor=True)
    ax.tick_params(axis="x", which="both", labelsize=size, length=0, labeltop=True, colors=MUTED)
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.grid(axis="x", which="both", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ax.spines.values():
        side.set_visible(False)


def _legend(fig: Any, size: float, columns: int, y: float) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], linestyle="none", label=KINDS[kind][0], **_marker(kind)) for kind in KINDS]
    fig.legend(handles=handles, loc="upper left", ncol=columns, fontsize=size, frameon=False,
               bbox_to_anchor=(0.0, y), handletextpad=0.2, columnspacing=1.0, borderaxespad=0.0,
               labelcolor=INK)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """The column layout's measures: figure width and label wrap (characters), in inches."""

    width: float
    wrap: int
    legend_columns: int

    @property
    def head(self) -> float:
        """Room above the axis: the legend, one line per row of it, and the years."""
        rows = -(-len(KINDS) // self.legend_columns)
        return rows * 0.22 + 0.33

    def rows(self, events: list[Event]) -> list[list[str]]:
        return [textwrap.wrap(e.label, self.wrap) for e in events]

    def height(self, events: list[Event]) -> float:
        return self.head + COLUMN_FOOT + sum(self.row_height(r) for r in self.rows(events))

    @staticmethod
    def row_height(lines: list[str]) -> float:
        return len(lines) * COLUMN_LINE + COLUMN_TRACK + COLUMN_GAP


#: The column layout's vertical measures, in inches: a label line, an event's track and the gap
#: after it, the room below the axis.
COLUMN_LINE, COLUMN_TRACK, COLUMN_GAP, COLUMN_FOOT = 14.0 / 72, 0.17, 0.09, 0.35
#: A phone's figure (HTML, below a laptop's width): 4 in wide, the legend in one column.
PHONE = Column(4.0, 42, 1)
#: An e-reader's panel: a 600 x 900 px screen shows one whole, its smallest text at 10 px or more.
PANEL = Column(5.4, 58, 2)
#: The screen an e-reader panel must fit, in CSS px, with the reader's margins and the caption.
READER_SCREEN, READER_MARGIN = (600, 900), (40, 100)


def _column_figure(events: list[Event], names: dict[str, str], layout: Column = PHONE,
                   years: tuple[int, int] | None = None, title: str = "") -> Any:  # fmt: skip
    """For a screen as narrow as a phone's (HTML, EPUB): each event's label on a line of its own,
    wrapped, then its place on a shared time axis, and the articles that mention it at the right."""
    from matplotlib.figure import Figure as MplFigure

    width, label_pt, small_pt, line = layout.width, LABEL_PT, SMALLEST_TEXT_PT, COLUMN_LINE
    rows = layout.rows(events)
    track, gap, head, foot = COLUMN_TRACK, COLUMN_GAP, layout.head + (0.3 if title else 0), COLUMN_FOOT
    height = head + foot + sum(len(r) * line + track + gap for r in rows)
    fig = MplFigure(figsize=(width, height))
    left, right = 0.02, 0.64
    ax = fig.add_axes((left, foot / height, right - left, (height - head - foot) / height))
    lo, hi = years or _years(events)
    _year_axis(ax, lo, hi, small_pt)
    span = height - head - foot
    ax.set_ylim(span, 0)
    y = 0.0
    for event, lines in zip(events, rows, strict=True):
        for text in lines:
            y += line
            ax.text(lo, y - line * 0.22, text, fontsize=label_pt, color=INK, ha="left", va="baseline",
                    clip_on=False)  # fmt: skip
        y += track / 2
        _mark(ax, event, y, 6.5)
        tags = "; ".join(names.get(k, k) for k in event.mentioned_by)
        ax.annotate(tags, xy=(1.0, y), xycoords=("axes fraction", "data"), xytext=(8, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=small_pt,
                    color=MUTED)  # fmt: skip
        y += track / 2 + gap
    ax.annotate("Mentioned by", xy=(1.0, 0), xycoords=("axes fraction", "data"), xytext=(8, 0),
                textcoords="offset points", fontsize=small_pt, fontweight="bold", ha="left", va="bottom",
                color=INK, annotation_clip=False)  # fmt: skip
    if title:
        fig.text(0.0, 1.0, title, fontsize=LABEL_PT, fontweight="bold", color=INK, ha="left", va="top")
    _legend(fig, small_pt, layout.legend_columns, 1.0 - (0.3 / height if title else 0))
    return fig


@dataclass(frozen=True)
class Page:
    """The page layout's measures: width (in), label and small text sizes (pt), label wrap."""

    width: float
    label_pt: float
    small_pt: float
    wrap: int
    axis: tuple[float, float]  # the time axis's left and right, as fractions of the width


#: The printed page (PDF): 6.2 in wide, set in the book's text face.
PRINT = Page(6.2, 8.0, 7.5, 58, (0.47, 0.84))
#: A laptop's screen (HTML, 992 px and wider): shown about 1000 px wide in a 1366-px window (the
#: column and its margin), its smallest text about 11 px tall, the time axis 60% of the width.
LAPTOP = Page(13.0, 12.5, 11.0, 38, (0.27, 0.87))


def _page_figure(events: list[Event], names: dict[str, str], layout: Page = PRINT) -> Any:
    """For a printed page (PDF) or a laptop: labels left of the time axis, the articles at its right."""
    from matplotlib.figure import Figure as MplFigure

    width, label_pt, small_pt, line = (
        layout.width,
        layout.label_pt,
        layout.small_pt,
        layout.label_pt * 1.2 / 72,
    )
    rows = [textwrap.wrap(e.label, layout.wrap) for e in events]
    gap, head, foot = 0.07 * layout.label_pt / 8, 0.55 * layout.label_pt / 8, 0.3
    height = head + foot + sum(len(r) * line + gap for r in rows)
    fig = MplFigure(figsize=(width, height))
    left, right = layout.axis
    ax = fig.add_axes((left, foot / height, right - left, (height - head - foot) / height))
    lo, hi = _years(events)
    _year_axis(ax, lo, hi, small_pt)
    ax.set_ylim(height - head - foot, 0)
    y = 0.0
    for event, lines in zip(events, rows, strict=True):
        middle = y + (len(lines) * line + gap) / 2
        ax.annotate("\n".join(lines), xy=(0.0, middle), xycoords=("axes fraction", "data"), xytext=(-6, 0),
                    textcoords="offset points", va="center", ha="right", fontsize=label_pt, color=INK,
                    linespacing=1.1)  # fmt: skip
        _mark(ax, event, middle, 5.0 * layout.label_pt / 8)
        tags = "; ".join(names.get(k, k) for k in event.mentioned_by)
        ax.annotate(tags, xy=(1.0, middle), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=small_pt,
                    color=MUTED)  # fmt: skip
        y += len(lines) * line + gap
    ax.text(1.0, 0, "Mentioned by", transform=ax.get_yaxis_transform(), fontsize=small_pt, fontweight="bold",
            ha="left", va="bottom", color=INK, clip_on=False)  # fmt: skip
    _legend(fig, small_pt, 3, 1.0)
    return fig


def panels(events: list[Event], layout: Column = PANEL) -> list[list[Event]]:
    """The events in consecutive periods, each drawn small enough for one e-reader screen.

    A period never splits a year's events; the periods are as few as fit and of even heights.
    """
    shown_w, shown_h = (s - m for s, m in zip(READER_SCREEN, READER_MARGIN, strict=True))
    most = layout.width * shown_h / shown_w * PANEL_SAFETY  # inches: the panel as shown stays on screen
    years: list[list[Event]] = []
    for event in events:
        if years and years[-1][0].start.year == event.start.year:
            years[-1].append(event)
        else:
            years.append([event])
    rows = [sum(layout.row_height(r) for r in layout.rows(year)) for year in years]
    room = most - layout.head - PANEL_TITLE - COLUMN_FOOT
    for count in range(1, len(years) + 1):
        cuts = _even_split(rows, count)
        heights = [sum(rows[a:b]) for a, b in itertools.pairwise([0, *cuts, len(rows)])]
        if max(heights) <= room or count == len(years):
            return [
                [e for year in years[a:b] for e in year] for a, b in itertools.pairwise([0, *cuts, len(rows)])
            ]
    return []


def _even_split(heights: list[float], count: int) -> list[int]:
    """Where to cut ``heights`` into ``count`` consecutive runs so the tallest run is least."""
    n = len(heights)
    prefix = [0.0, *itertools.accumulate(heights)]
    # best[k][i]: the least tallest run splitting the first i heights into k runs; cut: its last cut
    best = [[math.inf] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                tallest = max(best[k - 1][j], prefix[i] - prefix[j])
                if tallest < best[k][i]:
                    best[k][i], cut[k][i] = tallest, j
    cuts, i = [], n
    for k in range(count, 1, -1):
        i = cut[k][i]
        cuts.append(i)
    return cuts[::-1]


#: Room for a panel's title (inches), and the share of the screen's height a panel's estimate may
#: fill (the drawn figure is trimmed to its ink, which may be a little taller than estimated).
PANEL_TITLE, PANEL_SAFETY = 0.3, 0.92


def period(events: list[Event]) -> tuple[int, int]:
    """The first and last year the events' dates reach."""
    return events[0].start.year, max((e.end or e.start).year for e in events)


def panel_title(number: int, count: int, events: list[Event]) -> str:
    first, last = period(events)
    years = str(first) if first == last else f"{first}–{last}"
    return f"{years} (part {number} of {count})"


def panel_alt(number: int, count: int, events: list[Event]) -> str:
    """A panel's text alternative: its period, its first and last events, the table's promise."""
    first, last = period(events)
    years = str(first) if first == last else f"from {first} to {last}"
    if len(events) == 1:
        shown = f"one dated event, {events[0].label} ({events[0].when})"
    else:
        shown = (
            f"the {len(events)} dated events {years}, the first being {events[0].label} "
            f"({events[0].when}) and the last {events[-1].label} ({events[-1].when})"
        )
    return f"Timeline, part {number} of {count}: {shown}. The table below the figure lists the same events."


#: The figure's drawings: what each is for, and its file name after the stem.
PHONE_FIGURE, LAPTOP_FIGURE, PRINT_FIGURE = "phone", "laptop", "print"
SUFFIXES = {PHONE_FIGURE: ".svg", LAPTOP_FIGURE: "-wide.svg", PRINT_FIGURE: ".pdf"}


def panel_suffix(number: int) -> str:
    return f"-part{number}.svg"


def drawings(events: list[Event]) -> dict[str, str]:
    """Every drawing of the events (phone, laptop, print, and each e-reader panel) → its suffix."""
    parts = panels(events)
    return {**SUFFIXES, **{f"part{n}": panel_suffix(n) for n in range(1, len(parts) + 1)}}


def _draw(events: list[Event], names: dict[str, str], drawing: str) -> Any:
    if drawing == PRINT_FIGURE:
        return _page_figure(events, names, PRINT)
    if drawing == LAPTOP_FIGURE:
        return _page_figure(events, names, LAPTOP)
    if drawing == PHONE_FIGURE:
        return _column_figure(events, names, PHONE)
    parts = panels(events)
    number = int(drawing.removeprefix("part"))
    part = parts[number - 1]
    first, last = period(part)
    return _column_figure(part, names, PANEL, (first - 1, last + 1), panel_title(number, len(parts), part))


def render_drawing(events: list[Event], names: dict[str, str], drawing: str) -> bytes:
    """One drawing (:func:`drawings`) as SVG, or as PDF in the book's text face with its text
    embedded as text (a TrueType copy of the face, :mod:`litreview.core.truetype`); identical on
    every run for the same data."""
    import matplotlib
    from matplotlib import font_manager

    from litreview.core.truetype import truetype

    fmt = "pdf" if drawing == PRINT_FIGURE else "svg"
    rc: Any = {
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "path.simplify": True,
    }  # keys: matplotlib's Literal
    if fmt == "pdf":
        faces = [truetype(face) for face in (TEXT_FONT, TEXT_FONT_BOLD)]
        for face in faces:
            font_manager.fontManager.addfont(str(face))
        family = font_manager.FontProperties(fname=str(faces[0])).get_name()
        rc.update({"font.family": family, "pdf.fonttype": 42})
    else:
        rc.update({"font.family": "DejaVu Sans"})
    metadata: dict[str, Any] = {"Title": "Timeline of events mentioned by the articles"}
    metadata.update({"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None})
    with matplotlib.rc_context(rc):
        fig = _draw(events, names, drawing)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=metadata, bbox_inches="tight", pad_inches=0.05)
    return buf.getvalue()


def render_bytes(events: list[Event], names: dict[str, str], fmt: str) -> bytes:
    """The phone's figure as SVG, or the printed page's as PDF."""
    return render_drawing(events, names, PHONE_FIGURE if fmt == "svg" else PRINT_FIGURE)


def inputs_digest(events: list[Event], names: dict[str, str]) -> str:
    """What the figure is drawn from: the events, the names, matplotlib's version and this code."""
    digest = hashlib.sha256()
    code = Path(__file__).read_text(encoding="utf-8")
    for part in (repr(events), repr(sorted(names.items())), importlib.metadata.version("matplotlib"), code):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def render(events: list[Event], names: dict[str, str], out_stem: Path) -> list[Path]:
    """Write every drawing (:func:`drawings`) beside ``out_stem``; return the files that changed.

    Drawing takes seconds, so it is skipped when every file exists and was drawn from the same
    inputs (recorded in ``out_stem``.inputs).
    """
    targets = {d: out_stem.with_name(f"{out_stem.name}{suffix}") for d, suffix in drawings(events).items()}
    stamp = out_stem.with_name(f"{out_stem.name}.inputs")
    digest = inputs_digest(events, names)
    if all(t.exists() for t in targets.values()) and stamp.exists() and stamp.read_text() == digest:
        return []
    changed = [t for d, t in targets.items() if write_if_changed(t, render_drawing(events, names, d))]
    write_if_changed(stamp, digest)
    return changed
