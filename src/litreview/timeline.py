"""The review's timeline: dated events the articles mention, drawn from one YAML file at build time.

The data (book/review/timeline.yaml) is the one home of the events. On ``builder-inited`` this
extension renders it with matplotlib to ``<srcdir>/_generated/timeline.svg`` (HTML, EPUB) and
``.pdf`` (LaTeX), byte-for-byte reproducibly, and rewrites a file only when its bytes change.
``{timeline-figure}`` shows the figure (alt text computed from the data) and ``{timeline-table}``
lists the same events, each citing the article(s) that mention it, with the verbatim words that
date it. ``python -m litreview.timeline DATA OUTSTEM`` renders without Sphinx.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.directives.patches import Figure
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from litreview.errors import TimelineError

__all__ = ["Event", "TimelineError", "alt_text", "load_events", "render", "render_bytes", "write_if_changed"]

logger = logging.getLogger(__name__)

VERSION = "1.0"
KINDS: dict[str, tuple[str, str]] = {
    # kind: (legend label, colour from the colour-blind-safe Okabe–Ito palette)
    "programme": ("Programme, law or platform", "#0072B2"),
    "target": ("Target, forecast or announcement", "#56B4E9"),
    "measure": ("Ranking, statistic or funding", "#009E73"),
    "politics": ("Politics and protest", "#D55E00"),
    "war-emigration": ("War and emigration", "#CC79A7"),
    "publication": ("Publication or concept", "#E69F00"),
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
REQUIRED = ("date", "label", "kind", "dated_by", "evidence", "mentioned_by")
SVG_SALT = "litreview-timeline"


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the article gives it: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def begin(self) -> float:
        """Where the year, month or day starts on a year axis."""
        if self.month is None:
            return float(self.year)
        return self.year + (self.month - 1) / 12 + ((self.day or 1) - 1) / 365

    @property
    def finish(self) -> float:
        """Where the year, month or day ends on a year axis."""
        if self.month is None:
            return self.year + 1.0
        return self.begin + (1 / 12 if self.day is None else 1 / 365)

    @property
    def middle(self) -> float:
        """Where a point event is drawn."""
        return (self.begin + self.finish) / 2

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order; a bare year sorts before its months and days."""
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class Event:
    """One dated event and the articles that mention it."""

    start: PartialDate
    end: PartialDate | None
    label: str
    kind: str
    dated_by: str
    evidence: tuple[str, ...]
    mentioned_by: tuple[str, ...]
    also_cite: tuple[str, ...]
    note: str
    line: int
    # per article in mentioned_by, the verbatim words of that article that mention the event
    # (the dated_by article's words begin with ``evidence``)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def when(self) -> str:
        """The date or period as the table prints it."""
        if self.end is None:
            return str(self.start)
        sep = "–" if self.start.month is None and self.end.month is None else " – "
        return f"{self.start}{sep}{self.end}"


def _date(value: Any, path: Path, line: int) -> PartialDate:
    match = DATE_RE.match(str(value))
    if not match:
        raise TimelineError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", path, line)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise TimelineError(f"date {value!r} has no month {month}", path, line)
    return PartialDate(year, month, day)  # type: ignore[arg-type]


def _keys(value: Any, field: str, path: Path, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TimelineError(f"{field} must be a list of refs.bib keys", path, line)
    return tuple(value)


def _words(value: Any, key: str, path: Path, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TimelineError(f"mentioned_by: the words of {key} must be a list of strings", path, line)
    return tuple(value)


def _mentions(value: Any, path: Path, line: int) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """``mentioned_by`` as keys and per-article words: a mapping key -> words, or a bare list of keys."""
    if isinstance(value, dict):
        keys = _keys(list(value), "mentioned_by", path, line)
        return keys, {k: _words(value[k], k, path, line) for k in keys}
    return _keys(value, "mentioned_by", path, line), {}


def load_events(path: Path) -> list[Event]:
    """Read and check the timeline file; events come back sorted by year (file order within a year)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise TimelineError(f"cannot read timeline data: {exc.strerror}", path) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise TimelineError(f"not valid YAML: {exc.problem}", path, line) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise TimelineError("expected a mapping with a list under 'events'", path, 1)
    items = next(v for k, v in root.value if k.value == "events").value  # type: ignore[union-attr]
    events = []
    for raw, node in zip(data["events"], items, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(raw, dict):
            raise TimelineError("an event must be a mapping", path, line)
        missing = [f for f in REQUIRED if not raw.get(f)]
        if missing:
            raise TimelineError(f"event lacks {', '.join(missing)}", path, line)
        if raw["kind"] not in KINDS:
            raise TimelineError(f"kind {raw['kind']!r} is not one of {', '.join(KINDS)}", path, line)
        mentioned, words = _mentions(raw["mentioned_by"], path, line)
        if raw["dated_by"] not in mentioned:
            raise TimelineError(f"dated_by {raw['dated_by']!r} is not among mentioned_by", path, line)
        evidence = raw["evidence"] if isinstance(raw["evidence"], list) else [raw["evidence"]]
        words[raw["dated_by"]] = (*map(str, evidence), *words.get(raw["dated_by"], ()))
        start = _date(raw["date"], path, line)
        end = _date(raw["end"], path, line) if raw.get("end") else None
        if end is not None and end.sort_key < start.sort_key:
            raise TimelineError("end is before date", path, line)
        events.append(
            Event(start, end, str(raw["label"]), raw["kind"], raw["dated_by"], tuple(map(str, evidence)),
                  mentioned, _keys(raw.get("also_cite", []), "also_cite", path, line),
                  " ".join(str(raw.get("note", "")).split()), line, words)
        )  # fmt: skip
    return sorted(events, key=lambda e: (e.start.year, e.line))


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


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically, and only if it differs (so Sphinx sees no spurious change)."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


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
    write_if_changed(stamp, digest.encode("utf-8"))
    return changed


def short_names(bibfiles: list[Path]) -> dict[str, str]:
    """Short article names for the figure's tags: authors' surnames, else the organisation."""
    from pybtex.database import parse_file

    names: dict[str, str] = {}
    for bib in bibfiles:
        for key, entry in parse_file(str(bib), bib_format="bibtex").entries.items():
            persons = entry.persons.get("author", [])
            surnames = [" ".join(p.last_names) for p in persons]
            if surnames:
                names[key] = " & ".join(surnames) if len(surnames) <= 2 else f"{surnames[0]} et al."
            elif entry.fields.get("organization"):
                names[key] = str(entry.fields["organization"])
    return names


# -- Sphinx -----------------------------------------------------------------------------------


def _paths(app: Sphinx) -> tuple[Path, Path]:
    src = Path(app.srcdir)
    return src / app.config.litreview_timeline_data, src / app.config.litreview_timeline_image


def _bibfiles(app: Sphinx) -> list[Path]:
    return [Path(app.confdir) / b for b in app.config.bibtex_bibfiles]


def _render_on_init(app: Sphinx) -> None:
    data, stem = _paths(app)
    try:
        events = load_events(data)
    except TimelineError as exc:
        logger.warning(
            exc.message, location=f"{exc.path}:{exc.line or 0}", type="litreview", subtype="timeline"
        )
        return
    for path in render(events, short_names(_bibfiles(app)), stem):
        logger.info("timeline: wrote %s", path)


def _escape(text: str) -> str:
    """Markdown-escape text copied from a seed, so it stays literal inside a table cell."""
    return re.sub(r"([\\`*_{}\[\]<>#|$~^])", r"\\\1", text)


class _TimelineBase(SphinxDirective):
    def events(self) -> list[Event] | None:
        data, _ = _paths(self.env.app)
        self.env.note_dependency(str(data))
        try:
            return load_events(data)
        except TimelineError as exc:
            logger.warning(exc.message, location=self.get_location(), type="litreview", subtype="timeline")
            return None


class TimelineTable(_TimelineBase):
    """``{timeline-table}``: the events as a table, each citing the articles that mention it."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        events = self.events()
        if events is None:
            return []
        rows = [
            ":::{list-table} Dated events mentioned by the articles, with the words that date them",
            ":header-rows: 1",
            ":widths: 14 34 22 30",
            ":class: timeline-table",
            *([f":name: {self.options['name']}"] if "name" in self.options else []),
            "",
            "* - Date",
            "  - Event",
            "  - Mentioned by",
            "  - Dated by the words",
        ]
        for e in events:
            cites = ", ".join(f"{{cite:t}}`{k}`" for k in e.mentioned_by)
            if e.also_cite:
                cites += " (citing {cite:t}`" + ",".join(e.also_cite) + "`)"
            label = _escape(e.label) + (f". *{_escape(e.note)}*" if e.note else "")
            words = " … ".join(f"“{_escape(w)}”" for w in e.evidence) + f" {{cite:p}}`{e.dated_by}`"
            rows += [f"* - {e.when}", f"  - {label}", f"  - {cites}", f"  - {words}"]
        rows.append(":::")
        return self.parse_text_to_nodes("\n".join(rows))


class TimelineFigure(Figure):
    """``{timeline-figure}``: the rendered figure; the body is its caption, alt text is computed."""

    required_arguments = 0
    optional_arguments = 0
    has_content = True

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        data, stem = _paths(env.app)
        env.note_dependency(str(data))
        try:
            events = load_events(data)
        except TimelineError as exc:
            logger.warning(
                exc.message, location=(env.docname, self.lineno), type="litreview", subtype="timeline"
            )
            return []
        rel = stem.relative_to(Path(env.app.srcdir)).as_posix()
        self.arguments = [f"/{rel}.*"]
        self.options.setdefault("alt", alt_text(events))
        self.options.setdefault("width", "100%")
        return super().run()


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m litreview.timeline DATA OUTSTEM [BIB...]`` writes OUTSTEM.svg and .pdf."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m litreview.timeline DATA OUTSTEM [BIBFILE...]", file=sys.stderr)
        return 2
    try:
        events = load_events(Path(args[0]))
    except TimelineError as exc:
        print(exc, file=sys.stderr)
        return 1
    names = short_names([Path(b) for b in args[2:]])
    for path in render(events, names, Path(args[1])):
        print(path)
    return 0


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the config values, the build-time renderer and the two directives."""
    app.add_config_value("litreview_timeline_data", "review/timeline.yaml", "env", types=[str])
    app.add_config_value("litreview_timeline_image", "_generated/timeline", "env", types=[str])
    app.connect("builder-inited", _render_on_init)
    app.add_directive("timeline-table", TimelineTable)
    app.add_directive("timeline-figure", TimelineFigure)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
