"""Sphinx extension: the review's timeline as a figure and a table, from ``book/review/timeline.yaml``.

On ``builder-inited`` the figure's drawings (:mod:`litreview.review.timeline_figure`) are made
into ``<srcdir>/_generated/``, only when their inputs changed: ``timeline.svg`` (a phone),
``timeline-wide.svg`` (a laptop), ``timeline-partN.svg`` (one period each, for an e-reader's
screen) and ``timeline.pdf`` (the printed page). ``{timeline-figure}`` shows them (alt text
computed from the data), each edition keeping its own (:class:`TimelineDrawings`);
``{timeline-table}`` lists the same events, each citing the articles that mention it, with the
words that date it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.database import BibliographyData
from sphinx.application import Sphinx
from sphinx.directives.patches import Figure
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from litreview.core import bib
from litreview.core.codeversion import files_token
from litreview.core.errors import TimelineError
from litreview.review.timeline import Event, load_events
from litreview.review.timeline_figure import (
    LAPTOP_FIGURE,
    PHONE_FIGURE,
    SUFFIXES,
    alt_text,
    panel_alt,
    panel_suffix,
    panels,
    render,
)
from litreview.sphinxext import bookdata, derived
from litreview.sphinxext.warnings import LitreviewWarnings, warn

logger = logging.getLogger(__name__)


def short_names(data: BibliographyData) -> dict[str, str]:
    """Short names of the works for the figure's tags (:func:`litreview.core.bib.cited_name`, "&")."""
    return {key: bib.cited_name(entry, "&") for key, entry in data.entries.items()}


def _paths(app: Sphinx) -> tuple[Path, Path]:
    src = Path(app.srcdir)
    return src / app.config.litreview_timeline_data, src / app.config.litreview_timeline_image


def _render_on_init(app: Sphinx) -> None:
    data, stem = _paths(app)
    try:
        events = TIMELINE_EVENTS(app.env, data) if data.is_file() else load_events(data)
    except TimelineError as exc:
        warn(logger, LitreviewWarnings.TIMELINE, "%s", exc.message, location=f"{exc.path}:{exc.line or 0}")
        return
    names = TIMELINE_NAMES(app.env)
    for path in render(events, names, stem):
        logger.info("timeline: wrote %s", path)


def _escape(text: str) -> str:
    """Markdown-escape text copied from a seed, so it stays literal inside a table cell."""
    return re.sub(r"([\\`*_{}\[\]<>#|$~^])", r"\\\1", text)


class _TimelineBase(SphinxDirective):
    def events(self) -> list[Event] | None:
        data, _ = _paths(bookdata.app_of(self.env))
        self.env.note_dependency(str(data))
        try:
            return load_events(data)
        except TimelineError as exc:
            warn(logger, LitreviewWarnings.TIMELINE, "%s", exc.message, location=self.get_location())
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
        data, stem = _paths(bookdata.app_of(env))
        env.note_dependency(str(data))
        try:
            events = load_events(data)
        except TimelineError as exc:
            warn(logger, LitreviewWarnings.TIMELINE, "%s", exc.message, location=(env.docname, self.lineno))
            return []
        rel = stem.relative_to(Path(bookdata.app_of(env).srcdir)).as_posix()
        self.arguments = [f"/{rel}.*"]  # the phone's SVG; the printed page's PDF in LaTeX
        self.options.setdefault("alt", alt_text(events))
        self.options.setdefault("width", "100%")
        # No link to the image file around either screen drawing: a stylesheet hides one of them,
        # and the link around a hidden image would be an empty link (axe: link-name).
        self.options["class"] = [*self.options.get("class", []), DRAWING_CLASS[PHONE_FIGURE], NO_LINK]
        result = super().run()
        figure = next((n for n in result if isinstance(n, nodes.figure)), None)
        if figure is None:
            return result
        first = figure.next_node(nodes.image)
        if first is None:
            return result
        wide = nodes.image(uri=f"/{rel}{SUFFIXES[LAPTOP_FIGURE]}", alt=first["alt"], width="100%",
                           classes=[DRAWING_CLASS[LAPTOP_FIGURE], NO_LINK])  # fmt: skip
        parts = panels(events)
        shown = [wide] + [
            nodes.image(
                uri=f"/{rel}{panel_suffix(n)}", alt=panel_alt(n, len(parts), part), classes=[PART_CLASS]
            )
            for n, part in enumerate(parts, start=1)
        ]
        for image in reversed(shown):
            first.parent.insert(first.parent.index(first) + 1, image)
        return result


#: The class of each drawing's image: a stylesheet (theme.css) shows the phone's or the laptop's,
#: and :class:`TimelineDrawings` keeps the ones an edition shows.
DRAWING_CLASS = {PHONE_FIGURE: "lit-timeline-phone", LAPTOP_FIGURE: "lit-timeline-wide"}
PART_CLASS = "lit-timeline-part"
NO_LINK = "no-scaled-link"  # Sphinx's HTML writer: no link to the image file around a sized image


class TimelineDrawings(SphinxPostTransform):
    """Each edition keeps its drawings of the timeline: the EPUB its panels, one a screen; the
    HTML the phone's and the laptop's (the stylesheet shows one by the screen's width); LaTeX and
    the rest the one image the directive named (the printed page's PDF)."""

    default_priority = 5  # before the images are converted or copied

    def run(self, **kwargs: Any) -> None:
        builder = bookdata.app_of(self.env).builder
        if builder.name.startswith("epub"):
            keep = {PART_CLASS}
        elif builder.format == "html":
            keep = set(DRAWING_CLASS.values())
        else:
            keep = {DRAWING_CLASS[PHONE_FIGURE]}
        drawn = {PART_CLASS, *DRAWING_CLASS.values()}
        for image in list(self.document.findall(nodes.image)):
            classes = drawn.intersection(image["classes"])
            if classes and not classes & keep:
                image.parent.remove(image)


#: The timeline's events (from its data file) and the works' short names (from refs.bib).
TIMELINE_EVENTS = derived.kind(
    "timeline-events",
    inputs=lambda env, data: files_token([data]),
    compute=lambda env, data: load_events(data),
)
TIMELINE_NAMES = derived.kind(
    "timeline-names", inputs=derived.bib_inputs, compute=lambda env: short_names(bookdata.bib_data(env))
)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the config values, the build-time renderer and the two directives."""
    app.setup_extension("litreview.sphinxext.bookdata")
    app.setup_extension("litreview.sphinxext.derived")
    app.add_config_value("litreview_timeline_data", "review/timeline.yaml", "env", types=frozenset({str}))
    app.add_config_value("litreview_timeline_image", "_generated/timeline", "env", types=frozenset({str}))
    app.connect("builder-inited", _render_on_init, priority=600)  # after refs.bib is parsed (500)
    app.add_directive("timeline-table", TimelineTable)
    app.add_directive("timeline-figure", TimelineFigure)
    app.add_post_transform(TimelineDrawings)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
