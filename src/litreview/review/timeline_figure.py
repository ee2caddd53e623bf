"""The timeline figure, drawn with matplotlib from the events: byte-for-byte reproducible SVG and PDF."""

from __future__ import annotations

import hashlib
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


def _figure(events: list[Event], names: dict[str, str]) -> Any:
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.lines import Line2D

    n = len(events)
    height = 0.32 * n + 1.3
    fig = MplFigure(figsize=(8.0, height))
    ax = fig.add_axes((0.44, 0.9 / height, 0.36, 0.32 * n / height))
    years = [e.start.year for e in events] + [(e.end or e.start).year for e in events]
    lo, hi = min(years) - 1, max(years) + 2
    ax.set_xlim(lo, hi)
    ax.set_ylim(n - 0.5, -0.5)
    for row, event in enumerate(events):
        colour = KINDS[event.kind][1]
        if event.end is not None:
            ax.plot([event.start.begin, event.end.finish], [row, row], color=colour, linewidth=5,
                    solid_capstyle="butt")  # fmt: skip
        else:
            ax.plot([event.start.middle], [row], marker="o", markersize=7, color=colour, linestyle="none")
        tags = "; ".join(names.get(k, k) for k in event.mentioned_by)
        ax.annotate(tags, xy=(1.0, row), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=8.5,
                    color="#333333")  # fmt: skip
    ax.set_yticks(range(n), [e.label for e in events], fontsize=9)
    step = 4 if hi - lo <= 40 else 10
    ax.set_xticks(range(lo + (-lo % step), hi + 1, step))
    ax.set_xticks(range(lo, hi + 1), minor=True)
    ax.tick_params(axis="x", labelsize=9, rotation=0)
    ax.grid(axis="x", which="both", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.text(1.0, -0.6, "Mentioned by", transform=ax.get_yaxis_transform(), fontsize=8.5,
            fontweight="bold", ha="left", va="bottom", color="#333333")  # fmt: skip
    handles = [Line2D([], [], marker="o", linestyle="none", color=c, label=lbl) for lbl, c in KINDS.values()]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8.5, frameon=False,
               bbox_to_anchor=(0.5, 0.0))  # fmt: skip
    return fig


def render_bytes(events: list[Event], names: dict[str, str], fmt: str) -> bytes:
    """The figure as SVG or PDF bytes, identical on every run for the same data."""
    import matplotlib

    rc = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "none", "pdf.fonttype": 42,
          "font.family": "DejaVu Sans", "path.simplify": True}  # fmt: skip
    metadata: dict[str, Any] = {"Title": "Timeline of events mentioned by the articles"}
    metadata.update({"Date": None} if fmt == "svg" else {"CreationDate": None, "ModDate": None})
    with matplotlib.rc_context(rc):
        fig = _figure(events, names)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=metadata, bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()


def inputs_digest(events: list[Event], names: dict[str, str]) -> str:
    """What the figure is drawn from: the events, the names, matplotlib's version and this code."""
    import matplotlib

    digest = hashlib.sha256()
    code = Path(__file__).read_text(encoding="utf-8")
    for part in (repr(events), repr(sorted(names.items())), matplotlib.__version__, code):
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
