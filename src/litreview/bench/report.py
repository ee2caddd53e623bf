"""The report: every target in one table (:data:`TARGETS`), judged on the figures measured; the
JSON document and the text table."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litreview.bench.measure import GIB, MEASURE_NAMES, MEASURES, VARIANT_NAMES, Stat, versions
from litreview.bench.realbook import RealResult
from litreview.bench.scale import ScaleRow


def _stat(runs: Sequence[float] | None) -> Stat | None:
    return Stat(tuple(runs)) if runs else None


def _ratio(value: Stat | None, floor: Stat | None) -> float | None:
    if value is None or floor is None or floor.median == 0:
        return None
    return round(value.median / floor.median, 2)


def per_chapter_slopes(rows: Sequence[ScaleRow], variant: str, entries: int) -> list[dict[str, Any]]:
    """Marginal clean-build seconds per chapter between consecutive sizes (fixed entries)."""
    points = sorted(
        (r.chapters, r.stat("clean").median)  # type: ignore[union-attr]
        for r in rows
        if r.variant == variant and r.entries == entries and r.stat("clean")
    )
    return [
        {"from": c1, "to": c2, "seconds_per_chapter": round((t2 - t1) / (c2 - c1), 4)}
        for (c1, t1), (c2, t2) in itertools.pairwise(points)
    ]


@dataclass(frozen=True)
class Target:
    """A target: its name in the report, the limit (a ratio to a floor, seconds, GiB or a spread)
    and what the limit is a multiple of."""

    name: str
    limit: float
    unit: str  # "x floor (a)", "x floor (b)", "s", "GiB" or "" (a plain number)

    def text(self) -> str:
        return f"<= {self.limit:g}" + (f" {self.unit}" if self.unit else "")


#: Every target the bench judges, in one place. The synthetic ones are for the variant "ours" (the
#: project's conf.py) at 200 chapters and 5,000 entries (or the largest size measured), as ratios
#: to the floors measured in the same run.
TARGETS: dict[str, Target] = {
    "noop": Target(f"{MEASURE_NAMES['noop']}, ours", 2.0, "x floor (a)"),
    "edit": Target(f"{MEASURE_NAMES['edit']}, ours", 3.0, "x floor (a)"),
    "bibedit": Target(f"{MEASURE_NAMES['bibedit']}, ours", 4.0, "x floor (a)"),
    "clean": Target("clean, ours", 1.0, "x floor (b)"),
    "serve": Target("serve loop (save to page shown), ours", 3.0, "x floor (a)"),
    "flat": Target("time per chapter flat (marginal, max/min)", 1.25, ""),
    "rss": Target("peak RSS, any build", 1.0, "GiB"),
    "real_noop": Target("real book no-op", 1.5, "s"),
    "real_clean": Target("real book clean HTML", 1.3, "x floor (b)"),
    "pdf": Target("real book PDF", 60.0, "s"),
}


def evaluate_targets(rows: Sequence[ScaleRow], real: RealResult | None) -> list[dict[str, Any]]:
    """Each of :data:`TARGETS`, the figure it is judged on, and whether it is met (None: not measured)."""

    def row(chapters: int, entries: int, variant: str) -> ScaleRow | None:
        return next(
            (r for r in rows if (r.chapters, r.entries, r.variant) == (chapters, entries, variant)), None
        )

    sizes = sorted({(r.chapters, r.entries) for r in rows})
    targets: list[dict[str, Any]] = []
    big = (200, 5000) if (200, 5000) in sizes else (sizes[-1] if sizes else None)
    where = f"{big[0]} ch / {big[1]} entries" if big else "-"

    def add(which: str, value: float | None, met: bool | None = None, note: str = "") -> None:
        target = TARGETS[which]
        if met is None and value is not None:
            met = value <= target.limit
        targets.append({"target": target.name, "limit": target.text(), "value": value, "met": met,
                        "at": note or where})  # fmt: skip

    ours = row(*big, "ours") if big else None
    floor_a = row(*big, "a") if big else None
    floor_b = row(*big, "b") if big else None
    for measure in ("noop", "edit", "bibedit"):
        add(measure, _ratio(ours.stat(measure) if ours else None, floor_a.stat(measure) if floor_a else None))
    add("clean", _ratio(ours.stat("clean") if ours else None, floor_b.stat("clean") if floor_b else None))
    serve = _ratio(ours.stat("serve") if ours else None, floor_a.stat("edit") if floor_a else None)
    unmeasured = "not measured: the bench does not drive sphinx-autobuild"
    add("serve", serve, note="" if serve is not None else unmeasured)
    if big:
        slopes = per_chapter_slopes(rows, "ours", big[1])
        values = [s["seconds_per_chapter"] for s in slopes]
        spread = round(max(values) / min(values), 2) if values and min(values) > 0 else None
        chapters = sorted({r.chapters for r in rows if r.entries == big[1]})
        note = f"chapters {chapters}, {big[1]} entries"
        flat: bool | None = None  # two sizes give one slope: nothing to compare
        if len(chapters) >= 3 and spread is None:  # a slope <= 0 s: the runs' noise exceeds a chapter's cost
            flat, note = False, note + "; a marginal <= 0 s, so noise exceeds the per-chapter cost"
        elif len(chapters) >= 3:
            flat = spread <= TARGETS["flat"].limit  # type: ignore[operator]
        targets.append({"target": TARGETS["flat"].name, "limit": TARGETS["flat"].text(), "value": spread,
                        "met": flat, "at": note})  # fmt: skip
    peak = max((r.peak_rss for r in rows), default=0)
    if real:
        peak = max([peak, *real.rss.values()])
    add("rss", round(peak / GIB, 3) if peak else None, note="all builds")
    if real is not None:
        noop = _stat(real.times.get("html_noop"))
        add("real_noop", round(noop.median, 2) if noop else None, note="real book")
        add("real_clean", _ratio(_stat(real.times.get("html_clean")), _stat(real.times.get("floor_b_clean"))),
            note="real book")  # fmt: skip
        pdf = _stat(real.times.get("pdf"))
        add("pdf", round(pdf.median, 2) if pdf else None, note="real book")
    return targets


def report_json(
    info: dict[str, Any], runs: int, rows: Sequence[ScaleRow], real: RealResult | None, targets: list
) -> dict[str, Any]:
    """Everything measured, as one JSON document."""
    scale = []
    for r in rows:
        a = next(
            (x for x in rows if (x.chapters, x.entries, x.variant) == (r.chapters, r.entries, "a")), None
        )
        b = next(
            (x for x in rows if (x.chapters, x.entries, x.variant) == (r.chapters, r.entries, "b")), None
        )
        item: dict[str, Any] = {"chapters": r.chapters, "entries": r.entries, "variant": r.variant}
        for measure in (*MEASURES, "jobs"):
            stat = r.stat(measure)
            key = "clean_j_auto" if measure == "jobs" else measure
            if stat is None:
                continue
            base = "clean" if measure == "jobs" else measure
            item[key] = {
                **stat.json(),
                "ratio_a": _ratio(stat, a.stat(base) if a else None),
                "ratio_b": _ratio(stat, b.stat(base) if b else None),
            }
        serve = r.stat("serve")
        if serve is not None:  # the edit loop through sphinx-autobuild, against floor (a)'s edit
            item["serve"] = {**serve.json(), "ratio_a": _ratio(serve, a.stat("edit") if a else None)}
        clean = r.stat("clean")
        item["seconds_per_chapter"] = round(clean.median / r.chapters, 4) if clean else None
        item["peak_rss_mib"] = round(r.peak_rss / 2**20, 1)
        item["edit_shows_new_citation"] = r.edit_ok
        item["problems"] = r.problems
        scale.append(item)
    slopes = {
        f"{v}/{e}": per_chapter_slopes(rows, v, e)
        for v in sorted({r.variant for r in rows})
        for e in sorted({r.entries for r in rows})
    }
    doc: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "versions": versions(),
        "runs": runs,
        "variants": VARIANT_NAMES,
        "scale": scale,
        "per_chapter_marginal": slopes,
        "targets": targets,
    }
    if real is not None:
        figures: dict[str, Any] = {}
        for name, times in real.times.items():
            stat = Stat(tuple(times))
            floor = name.replace("html_", "") if name.startswith("html_") else None
            figures[name] = {
                **stat.json(),
                "peak_rss_mib": round(real.rss.get(name, 0) / 2**20, 1),
                "ratio_a": _ratio(stat, _stat(real.times.get(f"floor_a_{floor}"))) if floor else None,
                "ratio_b": _ratio(stat, _stat(real.times.get(f"floor_b_{floor}"))) if floor else None,
            }
        for name, why in real.unavailable.items():
            figures.setdefault(name, {"status": why})
        for name, note in real.notes.items():
            figures[name]["note"] = note
        doc["real"] = {"figures": figures, "edit": real.edit}
    return doc


def table(doc: dict[str, Any]) -> str:
    """The report as text: machine, versions, scale table, real book, targets."""
    m = doc["machine"]
    lines = [
        f"Build speed, {doc['date']}, {m['nproc']} cores ({m['cpu']}), Python {m['python']}, "
        f"load {m['load_before']} -> {m.get('load_after')}",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in doc["versions"].items()),
        f"Each figure: median [min-max] of {doc['runs']} runs, seconds; xa / xb = ratio to floor (a) / (b).",
        "Variants: " + "; ".join(f"{k} = {v}" for k, v in doc["variants"].items()),
    ]
    if doc["scale"]:
        lines += ["", "Scale (synthetic books)"]
        header = f"{'chapters':>8} {'entries':>7} {'variant':<7} " + " ".join(
            f"{MEASURE_NAMES[m][:28]:<28}" for m in MEASURES
        )
        lines += [header + f" {'s/chapter':>9} {'RSS MiB':>8}"]
        for item in doc["scale"]:
            cells = []
            for measure in MEASURES:
                f = item.get(measure)
                ratios = f"x{_fmt(f['ratio_a'])}/{_fmt(f['ratio_b'])}" if f else ""
                cells.append(f"{f['median']:.2f} [{f['min']:.2f}-{f['max']:.2f}] {ratios}" if f else "failed")
            lines.append(
                f"{item['chapters']:>8} {item['entries']:>7} {item['variant']:<7} "
                + " ".join(f"{c:<28}" for c in cells)
                + f" {_fmt(item['seconds_per_chapter'], 4):>9} {item['peak_rss_mib']:>8}"
                + ("" if item["edit_shows_new_citation"] else "  EDIT NOT SHOWN")
                + ("  " + "; ".join(item["problems"]) if item["problems"] else "")
            )
        jobs = [i for i in doc["scale"] if "clean_j_auto" in i]
        for item in jobs:
            j, c = item["clean_j_auto"], item["clean"]
            helps = "helps" if j["median"] < 0.95 * c["median"] else "does not help"
            lines.append(
                f"-j auto, {item['chapters']} x {item['entries']} {item['variant']}: clean {j['median']:.2f} "
                f"[{j['min']:.2f}-{j['max']:.2f}] vs {c['median']:.2f} serial: {helps}"
            )
        for item in doc["scale"]:
            if "serve" in item:
                f, size = item["serve"], f"{item['chapters']} x {item['entries']} {item['variant']}"
                figure = f"{f['median']:.2f} [{f['min']:.2f}-{f['max']:.2f}] x{_fmt(f['ratio_a'])}"
                lines.append(f"serve loop (save to page shown), {size}: {figure} floor (a)'s edit")
        lines.append("Marginal clean seconds per chapter (fixed entries):")
        for key, slopes in doc["per_chapter_marginal"].items():
            if slopes:
                lines.append(
                    f"  {key}: "
                    + ", ".join(f"{s['from']}->{s['to']}: {s['seconds_per_chapter']}" for s in slopes)
                )
    if "real" in doc:
        lines += ["", "Real book (a copy of the project, built by the nox sessions' commands)"]
        for name, f in doc["real"]["figures"].items():
            if "median" in f:
                ratio = f" x{_fmt(f['ratio_a'])}/{_fmt(f['ratio_b'])}" if f.get("ratio_a") is not None else ""
                note = f"  ({f['note']})" if f.get("note") else ""
                lines.append(
                    f"  {name:<16} {f['median']:.2f} [{f['min']:.2f}-{f['max']:.2f}]{ratio}"
                    f"  RSS {f['peak_rss_mib']} MiB{note}"
                )
            else:
                lines.append(f"  {name:<16} {f['status']}")
        if doc["real"]["edit"]:
            lines.append(f"  edit: {doc['real']['edit']}")
    lines += ["", "Targets"]
    for t in doc["targets"]:
        met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"  {t['target']:<44} {t['limit']:<20} {_fmt(t['value']):>8}  {met}  ({t['at']})")
    return "\n".join(lines)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
