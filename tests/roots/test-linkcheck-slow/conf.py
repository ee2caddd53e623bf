"""Fixture book for the linkcheck settings: every linkcheck_* value comes from the project's conf.py."""

import os
import runpy
from pathlib import Path

PROJECT_CONF = Path(__file__).resolve().parents[3] / "conf.py"
globals().update({k: v for k, v in runpy.run_path(str(PROJECT_CONF)).items() if k.startswith("linkcheck_")})

project = "linkcheck fixture"
extensions = ["myst_parser"]
exclude_patterns = ["_build"]


def to_test_server(app, uri: str) -> str | None:
    """Send http://linkcheck.test/... to the server the test started (its port differs per run)."""
    origin = os.environ.get("LINKCHECK_TEST_ORIGIN")
    if origin and uri.startswith("http://linkcheck.test/"):
        return origin + uri.removeprefix("http://linkcheck.test")
    return None


def setup(app):
    app.connect("linkcheck-process-uri", to_test_server)
