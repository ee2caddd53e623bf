"""``python -m litreview.bench``."""

from litreview.bench.run import main

raise SystemExit(main())
