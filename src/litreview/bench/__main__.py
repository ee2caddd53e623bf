"""``python -m litreview.bench``."""

from litreview.bench.cli import main

raise SystemExit(main())
