"""The book's cover, drawn from its facts (title, editors, year): the same PNG on every build.

The title is set in the book's text face (FreeSerif, from fonts-freefont-otf), broken at its colon
into title and subtitle and wrapped to the page; a band of the timeline's six colours sets it off
from the editors and the year. The PNG carries no date or other metadata, so the same facts
(and the same Pillow and FreeType) give the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from litreview.core.book import Book
from litreview.review.timeline import KINDS

#: The book's text face (system-packages.txt: fonts-freefont-otf).
FONTS = Path("/usr/share/fonts/opentype/freefont")
#: Size in px: 2:3, as e-book shops ask, 1600 px wide.
SIZE = (1600, 2400)
MARGIN = 150
PAPER, INK, MUTED = "#f6f2e9", "#1b1f2a", "#4a4f5c"
TITLE_PX, SUBTITLE_PX, FACTS_PX = 132, 92, 64


def title_parts(title: str) -> tuple[str, str]:
    """The title and the subtitle, split at the first colon ("…, 2002–2022" / "A Literature Review")."""
    main, colon, sub = title.partition(": ")
    return (main, sub) if colon else (title, "")


def alt_text(book: Book) -> str:
    """What the cover shows, in words."""
    return f"Cover: {book.title}. {', '.join(book.editor_names)}, {book.year}."


def _wrap(draw: object, text: str, font: object, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` px, broken between words."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:  # type: ignore[attr-defined]
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def render(book: Book) -> bytes:
    """The cover as PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN

    def face(name: str, px: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(FONTS / name), px)

    main, sub = title_parts(book.title)
    y = 330
    for text, font, gap in ((main, face("FreeSerifBold.otf", TITLE_PX), 1.18),
                            (sub, face("FreeSerifItalic.otf", SUBTITLE_PX), 1.25)):  # fmt: skip
        for line in _wrap(draw, text, font, width):
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += round(font.size * gap)
        y += 40
    band_y = max(y + 120, 1300)
    colours = [colour for _label, colour, _shape in KINDS.values()]
    step = width / len(colours)
    for i, colour in enumerate(colours):
        draw.rectangle(
            (round(MARGIN + i * step), band_y, round(MARGIN + (i + 1) * step) - 1, band_y + 28), fill=colour
        )
    facts = face("FreeSerif.otf", FACTS_PX)
    y = SIZE[1] - MARGIN - 100
    lines = [line for name in book.editor_names for line in _wrap(draw, name, facts, width)]
    y -= round(FACTS_PX * 1.3) * len(lines)
    for line in lines:
        draw.text((MARGIN, y), line, font=facts, fill=INK)
        y += round(FACTS_PX * 1.3)
    draw.text((MARGIN, y + 20), str(book.year), font=facts, fill=MUTED)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
