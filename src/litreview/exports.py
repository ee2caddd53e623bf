"""Sphinx extension: refs.bib and a CSL-JSON export (refs.json) in the HTML output, for download.

Both are written at build time from the bibliography files sphinxcontrib-bibtex reads
(``bibtex_bibfiles``), so the downloads can never drift from the References page. The
``{bibliography-downloads}`` directive links them from a page. The module also holds the small
helpers other citing modules share: LaTeX-free text, names split into parts, dates as parts.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from pybtex.database import BibliographyData, Entry, Person
from pybtex.richtext import Text
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from litreview.errors import CitingError

logger = logging.getLogger(__name__)

# BibTeX/biblatex entry types → CSL types (https://docs.citationstyles.org/en/stable/specification.html#appendix-iii-types).
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "misc": "document",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}
# Plain-text fields copied one to one (BibTeX name → CSL name); the first present one wins.
CSL_TEXT_FIELDS = {
    "title": ("title",),
    "container-title": ("journal", "journaltitle", "booktitle"),
    "collection-title": ("series",),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "edition": ("edition",),
    "publisher": ("publisher", "institution", "school"),
    "publisher-place": ("location", "address"),
    "language": ("langid", "language"),
    "ISBN": ("isbn",),
    "ISSN": ("issn",),
    "abstract": ("abstract",),
    "note": ("note",),
}
DATE = re.compile(r"^([\dX]{4})(?:-([\dX]{2})(?:-([\dX]{2}))?)?$")
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}


@dataclass(frozen=True)
class Name:
    """A person split into parts (CSL's family/given), or an organisation as one literal name."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    @classmethod
    def from_person(cls, person: Person) -> Name:
        """Split a pybtex person; a name wholly in braces (``{World Bank}``) is an organisation."""
        last = person.last_names
        alone = len(last) == 1 and not (person.first_names or person.middle_names or person.prelast_names)
        if alone and last[0].startswith("{") and last[0].endswith("}"):
            return cls(literal=plain(last[0]))
        return cls(
            family=plain(" ".join(last)),
            given=plain(" ".join(person.first_names + person.middle_names)),
            particle=plain(" ".join(person.prelast_names)),
            suffix=plain(" ".join(person.lineage_names)),
        )

    @property
    def display(self) -> str:
        """The name as a reader writes it: "Sergei Stafeev", "World Bank"."""
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.particle, self.family, self.suffix) if p)

    @property
    def inverted(self) -> str:
        """Family name first, the form Google Scholar and catalogues use: "Stafeev, Sergei"."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        return ", ".join(p for p in (family, self.given, self.suffix) if p)

    @property
    def bibtex(self) -> str:
        """The name as a BibTeX field writes it: "von Last, Jr, First", organisations braced."""
        if self.literal:
            return "{" + self.literal + "}"
        family = " ".join(p for p in (self.particle, self.family) if p)
        return ", ".join(p for p in (family, self.suffix, self.given) if p)

    def csl(self) -> dict[str, str]:
        """The name as a CSL-JSON name object."""
        if self.literal:
            return {"literal": self.literal}
        parts = {
            "family": self.family,
            "given": self.given,
            "non-dropping-particle": self.particle,
            "suffix": self.suffix,
        }
        return {k: v for k, v in parts.items() if v}


def plain(value: str) -> str:
    """A BibTeX field's text without LaTeX markup: braces dropped, ``--`` and quotes typeset."""
    return Text.from_latex(value).render_as("text")


def names(entry: Entry, role: str) -> tuple[Name, ...]:
    """The entry's people in one role ("author", "editor"), split into parts."""
    return tuple(Name.from_person(p) for p in entry.persons.get(role, []))


def field(entry: Entry, *names_: str) -> str:
    """The first of the named fields that the entry has, as plain text ("" if none)."""
    for name in names_:
        if entry.fields.get(name):
            return plain(entry.fields[name])
    return ""


def raw_field(entry: Entry, name: str) -> str:
    """A field that must not be read as LaTeX (URL, DOI, dates), stripped of spaces."""
    return str(entry.fields.get(name, "")).strip()


def date_parts(value: str) -> list[list[int]]:
    """A biblatex date as CSL date-parts; [] if unknown; raise ValueError if malformed.

    biblatex reads ISO 8601-2 (EDTF): ``2022-02-09``, ranges ``2002/2003`` and open ``2002/..``,
    unspecified digits ``XXXX`` (year unknown) or ``2022-XX``, and ``?``/``~`` qualifiers. Unknown
    parts are left out, never guessed: ``XXXX`` gives no date at all.
    """
    parts = []
    for piece in value.strip().split("/"):
        piece = piece.strip().rstrip("?~%")
        if piece in {"", ".."}:
            continue  # an open end of a range
        match = DATE.match(piece)
        if not match:
            raise ValueError(f"not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD, XXXX): {value!r}")
        known = []
        for group in match.groups():
            if group is None or "X" in group:
                break
            known.append(int(group))
        if known:
            parts.append(known)
    return parts


def issued(entry: Entry) -> list[list[int]]:
    """When the work appeared, from ``date`` or else ``year`` (+ ``month``); [] if unknown."""
    if raw_field(entry, "date"):
        return date_parts(raw_field(entry, "date"))
    year = raw_field(entry, "year")
    if not year:
        return []
    if not year.isdigit():
        raise ValueError(f"year is not a number: {year!r}")
    parts = [int(year)]
    month = raw_field(entry, "month").lower()[:3]
    if month:
        parts.append(int(month) if month.isdigit() else MONTHS[month])
    return [parts]


def entry_line(bibfile: Path, key: str) -> int | None:
    """The 1-based line where ``key``'s entry starts in ``bibfile`` (None if not found)."""
    pattern = re.compile(r"^\s*@\w+\s*[{(]\s*" + re.escape(key) + r"\s*,")
    for number, line in enumerate(bibfile.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def entry_source(bibfile: Path, key: str) -> str:
    """The entry exactly as refs.bib writes it, from ``@type{key,`` to its closing brace."""
    text = bibfile.read_text(encoding="utf-8")
    match = re.search(r"^\s*@\w+\s*\{\s*" + re.escape(key) + r"\s*,", text, flags=re.MULTILINE)
    if not match:
        raise CitingError(f"no entry '{key}'", bibfile)
    start = text.index("@", match.start())
    depth = 0
    for pos in range(text.index("{", start), len(text)):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return text[start : pos + 1]
    raise CitingError(f"entry '{key}' has no closing brace", bibfile, entry_line(bibfile, key))


def csl_item(key: str, entry: Entry) -> dict[str, Any]:
    """One bibliography entry as a CSL-JSON item; raise ValueError on a malformed date."""
    item: dict[str, Any] = {"id": key, "type": CSL_TYPES.get(entry.type.lower(), "document")}
    for csl_name, bib_names in CSL_TEXT_FIELDS.items():
        value = field(entry, *bib_names)
        if value:
            item[csl_name] = value
    if entry.type.lower() == "online" and "container-title" not in item and field(entry, "organization"):
        item["container-title"] = field(entry, "organization")  # the website's name
    elif "publisher" not in item and field(entry, "organization"):
        item["publisher"] = field(entry, "organization")
    if "container-title" not in item and field(entry, "howpublished"):
        item["container-title"] = field(entry, "howpublished")
    for role in ("author", "editor", "translator"):
        if names(entry, role):
            item[role] = [n.csl() for n in names(entry, role)]
    if raw_field(entry, "pages"):
        item["page"] = plain(raw_field(entry, "pages")).replace("–", "-")
    if raw_field(entry, "doi"):
        item["DOI"] = raw_field(entry, "doi")
    if raw_field(entry, "url"):
        item["URL"] = raw_field(entry, "url")
    if issued(entry):
        item["issued"] = {"date-parts": issued(entry)}
    if raw_field(entry, "urldate"):
        item["accessed"] = {"date-parts": date_parts(raw_field(entry, "urldate"))}
    return item


def csl_json(bibdata: BibliographyData, bibfiles: Iterable[Path] = ()) -> list[dict[str, Any]]:
    """Every entry as CSL-JSON, in refs.bib order; raise CitingError naming the bad entry's line."""
    items = []
    for key, entry in bibdata.entries.items():
        try:
            items.append(csl_item(key, entry))
        except (ValueError, KeyError) as exc:
            where = next(((f, entry_line(f, key)) for f in bibfiles if entry_line(f, key)), (None, None))
            raise CitingError(f"entry '{key}': {exc}", *where) from exc
    return items


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written file is left."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as tmp:
        tmp.write(text)
    Path(tmp.name).replace(path)


def export_names(app: Sphinx) -> list[str]:
    """The downloads' file names: each bibliography file, then the CSL-JSON export of them all."""
    bibfiles = [Path(f) for f in app.config.bibtex_bibfiles]
    return [f.name for f in bibfiles] + [bibfiles[0].with_suffix(".json").name] if bibfiles else []


def bibfile_paths(app: Sphinx) -> list[Path]:
    """The bibliography files as sphinxcontrib-bibtex reads them (relative to the conf dir)."""
    return [(Path(app.confdir) / f).resolve() for f in app.config.bibtex_bibfiles]


def is_web_html(app: Sphinx) -> bool:
    """True for the HTML builders that make a web site (not EPUB, whose files are a closed set)."""
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def check_entries(app: Sphinx) -> None:
    """builder-inited: every entry must export (dates readable); warn with the entry's file:line."""
    if not app.config.bibtex_bibfiles:
        return
    try:
        csl_json(app.env.get_domain("cite").bibdata.data, bibfile_paths(app))
    except CitingError as exc:
        logger.warning("%s", exc.message, location=f"{exc.path}:{exc.line}", type="litreview")


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, put the .bib files and their CSL-JSON next to index.html."""
    if exception is not None or not is_web_html(app) or not app.config.bibtex_bibfiles:
        return
    outdir = Path(app.outdir)
    bibfiles = bibfile_paths(app)
    for bibfile in bibfiles:
        shutil.copyfile(bibfile, outdir / f".{bibfile.name}.tmp")
        (outdir / f".{bibfile.name}.tmp").replace(outdir / bibfile.name)
    try:
        items = csl_json(app.env.get_domain("cite").bibdata.data, bibfiles)
    except CitingError:
        return  # already reported by check_entries
    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    write_atomically(outdir / export_names(app)[-1], text)


class downloads_node(nodes.General, nodes.Element):
    """Where the download links go; filled in per builder by :class:`DownloadLinks`."""


class BibliographyDownloads(SphinxDirective):
    """``{bibliography-downloads}``: links to refs.bib and refs.json, written at build time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = downloads_node()
        self.set_source_info(node)
        return [node]


KINDS = {".bib": "BibTeX/biblatex, UTF-8", ".json": "CSL-JSON, for Zotero, Mendeley, Pandoc or citeproc"}


class DownloadLinks(SphinxPostTransform):
    """Turn the downloads node into links: relative in HTML, absolute elsewhere if a base URL is set."""

    default_priority = 50

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(downloads_node)):
            base = self.config.html_baseurl
            if is_web_html(self.app):
                outfile = Path(self.app.builder.get_outfilename(self.env.docname))
                prefix = Path(os.path.relpath(self.app.outdir, outfile.parent)).as_posix()
                prefix = "" if prefix == "." else prefix + "/"
            elif base:
                prefix = base.rstrip("/") + "/"
            else:
                node.parent.remove(node)  # no URL to give without a web site
                continue
            para = nodes.paragraph(classes=["bibliography-downloads"])
            para += nodes.Text("Download the whole bibliography: ")
            for i, name in enumerate(export_names(self.app)):
                if i:
                    para += nodes.Text("; ")
                uri = posixpath.join(prefix, name) if prefix else name
                para += nodes.reference("", name, refuri=uri, classes=["download"], internal=False)
                para += nodes.Text(f" ({KINDS.get(Path(name).suffix, 'file')})")
            para += nodes.Text(".")
            node.replace_self(para)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(downloads_node)
    app.add_directive("bibliography-downloads", BibliographyDownloads)
    app.add_post_transform(DownloadLinks)
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("builder-inited", check_entries, priority=600)  # after sphinxcontrib-bibtex read refs.bib
    app.connect("build-finished", write_exports)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
