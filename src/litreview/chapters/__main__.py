"""``python -m litreview.chapters``: the same as ``litreview-chapters``."""

from litreview.chapters.cli import main

raise SystemExit(main())
