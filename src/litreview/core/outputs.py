"""Where the PDF and EPUB editions land: one file name, two folders, one downloads folder in the HTML."""

from __future__ import annotations

from pathlib import Path

#: File name (without suffix) of both editions: _build/latex/<stem>.pdf and _build/epub/<stem>.epub.
FILE_STEM = "russia-digital-transformation"
#: Where the editions land, relative to the project root; the HTML build links them when present.
EDITIONS = {
    "PDF": Path("_build/latex") / f"{FILE_STEM}.pdf",
    "EPUB": Path("_build/epub") / f"{FILE_STEM}.epub",
}
#: Folder of the HTML output that holds the copies, so the download address never changes.
DOWNLOADS_DIR = "downloads"
