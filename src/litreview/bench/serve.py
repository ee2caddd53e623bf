"""The edit loop as an editor sees it: ``nox -s serve`` (sphinx-autobuild) running, one chapter's
citation swapped and saved, and the time until the served page shows the new citation.

sphinx-autobuild is started on the book with the serve session's own arguments, on a free local
port; after its first build, each run swaps one citation (as the scale's edit does) and polls
the served chapter until it shows the new title. The process is stopped at the end (by its own
id). Without sphinx-autobuild installed (the ``serve`` extra; ``nox -s bench`` installs it) nothing
is measured, and the report says the target was not measured.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from litreview.bench import synthbook

POLL = 0.05  # seconds between two looks at the served page
FIRST_BUILD_LIMIT = 1800.0  # seconds the first (clean) build may take
EDIT_LIMIT = 600.0  # seconds an edit may take to show


def available() -> bool:
    return importlib.util.find_spec("sphinx_autobuild") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace").casefold()
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def _shows(title: str, page: str) -> bool:
    """The served page (casefolded) shows ``title``."""
    return title.casefold() in page


def _wait(url: str, shows: Callable[[str], bool], limit: float) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        page = _page(url)
        if page is not None and shows(page):
            return True
        time.sleep(POLL)
    return False


def measure_serve(book: synthbook.SynthBook, runs: int, env: dict[str, str]) -> tuple[list[float], str]:
    """Seconds from saving a swapped citation to the served page showing it, ``runs`` times; and a
    problem, if any ("" when every run showed its edit)."""
    if not available():
        return [], ""  # not measured: the report says so
    port = _free_port()
    cmd = [sys.executable, "-m", "sphinx_autobuild", "-n", "-c", ".", "book", "_build/html",
           "--host", "127.0.0.1", "--port", str(port), "--watch", "refs.bib", "--no-initial"]  # fmt: skip
    # a clean build first (as the edit loop starts from a built book), then the server
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-c", ".", "book", "_build/html"], cwd=book.root,
                   env=env, capture_output=True, check=False)  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=book.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/{book.edit_docname}.html"
    times: list[float] = []
    try:
        if not _wait(url, lambda page: True, FIRST_BUILD_LIMIT):
            return [], "sphinx-autobuild did not serve the book"
        time.sleep(1.0)  # let the watcher settle
        for _ in range(runs):
            new_title = synthbook.swap_marker(book)
            start = time.monotonic()
            if not _wait(url, functools.partial(_shows, new_title), EDIT_LIMIT):
                return times, "the served page did not show the edit"
            times.append(time.monotonic() - start)
            time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    return times, ""
