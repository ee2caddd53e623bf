"""An OpenType (CFF) face as TrueType, so that matplotlib embeds it in a PDF as real text.

Matplotlib embeds a TrueType face in a PDF as a CID font (``pdf.fonttype`` 42): selectable,
searchable text. An OpenType face with CFF outlines, such as the book's text face FreeSerif,
it can only draw as Type 3 glyphs, or embed under a TrueType font type a viewer warns about. So the
face's outlines are converted to TrueType quadratic curves (fontTools' cu2qu, within a thousandth
of an em) once per face and version, into a cache folder; the copy keeps the face's PostScript name
(the PDF names "FreeSerif") under a family name of its own, so matplotlib cannot confuse it with
the installed OpenType face.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

#: The converted copy's family: the original family with this suffix.
FAMILY_SUFFIX = " TrueType"
#: Largest distance of a quadratic curve from the cubic it replaces, in font units (1000 an em).
MAX_ERR = 1.0


def cache_dir() -> Path:
    """Where converted faces are kept: $XDG_CACHE_HOME/litreview/fonts, else the temporary folder."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path(tempfile.gettempdir()) / f"litreview-{os.getuid()}"
    return root / "litreview" / "fonts"


def convert(otf: Path, ttf: Path) -> None:
    """Write ``otf``'s glyphs with TrueType outlines to ``ttf`` (the same bytes on every run)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(otf), recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        outlines[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, outlines
    font["loca"] = newTable("loca")
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(record.toUnicode() + FAMILY_SUFFIX, 1 if record.nameID == 1 else 16,
                          record.platformID, record.platEncID, record.langID)  # fmt: skip
    ttf.parent.mkdir(parents=True, exist_ok=True)
    partial = ttf.with_name(f".{ttf.name}.{os.getpid()}")
    font.save(str(partial))
    partial.replace(ttf)  # another process converting the same face writes the same bytes


def truetype(otf: Path) -> Path:
    """The TrueType copy of ``otf`` (made on first use, kept per face, fontTools and this code)."""
    import fontTools

    digest = hashlib.sha256(otf.read_bytes())
    digest.update(fontTools.version.encode() + Path(__file__).read_bytes())
    ttf = cache_dir() / f"{otf.stem}-{digest.hexdigest()[:16]}.ttf"
    if not ttf.is_file():
        convert(otf, ttf)
    return ttf
