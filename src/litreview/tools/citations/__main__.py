"""``python -m litreview.tools.citations``."""

import sys

from litreview.tools.citations.cli import main

sys.exit(main())
