"""Fixture book for the internal link checker: good links of each kind, a broken href, a lost anchor."""

project = "internal links fixture"
extensions = ["myst_parser"]
exclude_patterns = ["_build"]
myst_heading_anchors = 2
