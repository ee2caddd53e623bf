"""The test-linkcheck fixture book's settings (the project's linkcheck_* values); other pages."""

import runpy
from pathlib import Path

globals().update(runpy.run_path(str(Path(__file__).resolve().parents[1] / "test-linkcheck" / "conf.py")))
