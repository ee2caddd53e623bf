"""The timeline figure, drawn with matplotlib from the events: byte-for-byte reproducible SVG and PDF."""

from __future__ import annotations

import hashlib
import importlib.metadata  # matplotlib's version without importing it (which takes longer than a no-op build)
import io
from pathlib import Path
from typing import Any

from litreview.core.files import write_if_changed
from litreview.review.timeline import KINDS, Event

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


def _mark(ax: Any, event: Event, y: float, size: float) -> None:
    """The event on the time axis: a dot at its date, or a bar over its period."""
    colour = KINDS[event.kind][1]
    if event.end is not None:
        ax.plot([event.start.begin, event.end.finish], [y, y], color=colour, linewidth=size * 0.7,
                solid_capstyle="butt")  # fmt: skip
    else:
        ax.plot([event.start.middle], [y], marker="o", markersize=size, color=colour, linestyle="none")


def _year_axis(ax: Any, lo: int, hi: int, size: float) -> None:
    step = 10 if hi - lo > 30 else 5
    ax.set_xlim(lo, hi)
    ax.set_xticks(range(lo + (-lo % step), hi + 1, step))
    ax.set_xticks(range(lo + (-lo % 5), hi + 1, 5), minor=True)
    ax.tick_params(axis="x", which="both", labelsize=size, length=0, labeltop=True, colors=MUTED)
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.grid(axis="x", which="both", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ax.spines.values():
        side.set_visible(False)


def _legend(fig: Any, size: float, columns: int, y: float) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", linestyle="none", color=c, label=lbl) for lbl, c in KINDS.values()]
    fig.legend(handles=handles, loc="upper left", ncol=columns, fontsize=size, frameon=False,
               bbox_to_anchor=(0.0, y), handletextpad=0.2, columnspacing=1.0, borderaxespad=0.0,
               labelcolor=INK)  # fmt: skip


def _column_figure(events: list[Event], names: dict[str, str]) -> Any:
    """For a screen as narrow as a phone's (HTML, EPUB): each event's label on a line of its own,
    wrapped, then its place on a shared time axis, and the articles that mention it at the right."""
    import textwrap

    from matplotlib.figure import Figure as MplFigure

    width, label_pt, small_pt, line = 4.0, LABEL_PT, SMALLEST_TEXT_PT, 14.0 / 72  # inches per label line
    rows = [textwrap.wrap(e.label, 42) for e in events]
    track, gap, head, foot = 0.17, 0.09, 1.65, 0.35
    height = head + foot + sum(len(r) * line + track + gap for r in rows)
    fig = MplFigure(figsize=(width, height))
    left, right = 0.02, 0.64
    ax = fig.add_axes((left, foot / height, right - left, (height - head - foot) / height))
    lo, hi = _years(events)
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
    ax.text(1.0, 0, "Mentioned by", transform=ax.get_yaxis_transform(), fontsize=small_pt, fontweight="bold",
            ha="left", va="bottom", color=INK, clip_on=False)  # fmt: skip
    _legend(fig, small_pt, 1, 1.0)
    return fig


def _page_figure(events: list[Event], names: dict[str, str]) -> Any:
    """For a printed page (PDF): labels at the left of the time axis, the articles at its right."""
    import textwrap

    from matplotlib.figure import Figure as MplFigure

    width, label_pt, small_pt, line = 6.2, 8.0, 7.5, 9.6 / 72
    rows = [textwrap.wrap(e.label, 58) for e in events]
    gap, head, foot = 0.07, 0.55, 0.3
    height = head + foot + sum(len(r) * line + gap for r in rows)
    fig = MplFigure(figsize=(width, height))
    left, right = 0.47, 0.84
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
        _mark(ax, event, middle, 5.0)
        tags = "; ".join(names.get(k, k) for k in event.mentioned_by)
        ax.annotate(tags, xy=(1.0, middle), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=small_pt,
                    color=MUTED)  # fmt: skip
        y += len(lines) * line + gap
    ax.text(1.0, 0, "Mentioned by", transform=ax.get_yaxis_transform(), fontsize=small_pt, fontweight="bold",
            ha="left", va="bottom", color=INK, clip_on=False)  # fmt: skip
    _legend(fig, small_pt, 3, 1.0)
    return fig


def render_bytes(events: list[Event], names: dict[str, str], fmt: str) -> bytes:
    """The figure as SVG (the narrow layout, for screens) or PDF (the page layout, in the book's
    text face), identical on every run for the same data."""
    import matplotlib
    from matplotlib import font_manager

    rc: dict[str, Any] = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "path.simplify": True}
    if fmt == "pdf":
        for face in (TEXT_FONT, TEXT_FONT_BOLD):
            font_manager.fontManager.addfont(str(face))
        family = font_manager.FontProperties(fname=str(TEXT_FONT)).get_name()
        # Type 3: matplotlib cannot embed an OpenType-CFF face as TrueType (type 42).
        rc.update({"font.family": family, "pdf.fonttype": 3})
    else:
        rc.update({"font.family": "DejaVu Sans"})
    metadata: dict[str, Any] = {"Title": "Timeline of events mentioned by the articles"}
    metadata.update({"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None})
    with matplotlib.rc_context(rc):
        fig = _page_figure(events, names) if fmt == "pdf" else _column_figure(events, names)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=metadata, bbox_inches="tight", pad_inches=0.05)
    return buf.getvalue()


def inputs_digest(events: list[Event], names: dict[str, str]) -> str:
    """What the figure is drawn from: the events, the names, matplotlib's version and this code."""
    digest = hashlib.sha256()
    code = Path(__file__).read_text(encoding="utf-8")
    for part in (repr(events), repr(sorted(names.items())), importlib.metadata.version("matplotlib"), code):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def render(events: list[Event], names: dict[str, str], out_stem: Path) -> list[Path]:
    """Write ``out_stem``.svg and .pdf; return the files that changed.

    Drawing takes about a second, so it is skipped when both files exist and were drawn from the
    same inputs (recorded in ``out_stem``.inputs).
    """
    targets = [out_stem.with_name(f"{out_stem.name}.{fmt}") for fmt in ("svg", "pdf")]
    stamp = out_stem.with_name(f"{out_stem.name}.inputs")
    digest = inputs_digest(events, names)
    if all(t.exists() for t in targets) and stamp.exists() and stamp.read_text() == digest:
        return []
    changed = [t for t in targets if write_if_changed(t, render_bytes(events, names, t.suffix[1:]))]
    write_if_changed(stamp, digest)
    return changed
