"""``python -m litreview.chapters.scaffold``."""

from litreview.chapters.scaffold.cli import main

raise SystemExit(main())
