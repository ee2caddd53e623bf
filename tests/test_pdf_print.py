"""The PDF as a printed and archived book: its XMP metadata, references a reader can follow on
paper, tables set without broken names (issue 26). Built once per session (``pdf_build``)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from litreview.core import rights
from litreview.core.book import load_book
from litreview.core.outputs import FILE_STEM
from support import Build

pytestmark = pytest.mark.slow

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
}


@pytest.fixture(scope="module")
def pdf(project_copy: Path, pdf_build: tuple[Build, subprocess.CompletedProcess[str]]) -> Path:
    latex, proc = pdf_build
    assert latex.returncode == 0, latex.stderr
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return latex.outdir / f"{FILE_STEM}.pdf"


def xmp_values(root: ET.Element, name: str) -> list[str]:
    """The texts an XMP property holds (a simple value, or the items of its Alt, Bag or Seq)."""
    found = []
    for prop in root.iter(name.format(**{k: "{" + v + "}" for k, v in XMP.items()})):
        items = [li.text or "" for li in prop.iter("{" + XMP["rdf"] + "}li")]
        found += items or [prop.text or ""]
    return [" ".join(v.split()) for v in found]


def test_the_pdf_carries_xmp_metadata_from_citation_cff(project_copy: Path, pdf: Path) -> None:
    """Archives and reference managers read title, editors, rights, licence and keywords from XMP."""
    book = load_book(project_copy / "CITATION.cff")
    packet = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "<x:xmpmeta" in packet, "the PDF has no XMP metadata stream"
    root = ET.fromstring(packet[packet.index("<x:xmpmeta") : packet.index("</x:xmpmeta>") + 12])
    assert xmp_values(root, "{dc}title") == [book.title]
    assert xmp_values(root, "{dc}creator") == list(book.editor_names)
    assert xmp_values(root, "{dc}rights") == [rights.rights_line(book)]
    assert xmp_values(root, "{xmpRights}WebStatement") == [rights.licence(book).url]
    assert xmp_values(root, "{dc}subject") == list(book.keywords)
    assert xmp_values(root, "{dc}description") == [" ".join(book.abstract.split())]
    assert xmp_values(root, "{xmpMM}VersionID") == [book.version]
