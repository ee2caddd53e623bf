"""Tooling for a citable literature-review book built with Sphinx and MyST.

The package is organised by role; a module's folder says what kind of thing it is:

``core/``       pure Python, no Sphinx: the book's facts, refs.bib, names, dates, seeds, files
``chapters/``   a raw seed and its metadata → a MyST chapter (``litreview-chapters``)
``bibstyle/``   pybtex plugins: formatting, sorting, labels, and the author-year citation style
``review/``     the review's data: the corpus table's counts, the timeline's events and figure
``sphinxext/``  Sphinx extensions, one per module; ``bookdata`` holds the per-build state
``speedups/``   version-gated patches that make rebuilds fast without changing the output
``tools/``      command lines: build, citations lint, linkcheck, PDF/EPUB, system packages
``bench/``      the benchmark and its synthetic books (``litreview-bench``)
"""

__version__ = "0.2.0"
