"""`nox -s linkcheck`: internal links offline, and the project's linkcheck settings against a local server."""

from __future__ import annotations

import json
import os
import re
import runpy
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from litreview.tools import linkcheck
from support import ROOT, ROOTS, build_root

CONF = runpy.run_path(str(ROOT / "conf.py"))  # the project's real settings, as Sphinx reads them
FIXTURE_ORIGIN = "http://linkcheck.test"  # rewritten to the live server by the fixture books' conf.py
HANG_GUARD = 300  # seconds: only stops a hung test run; no test asserts a duration


# -- a tiny site on 127.0.0.1 ----------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """good (with id="section"), missing (404), old (301 to good), slow (past the timeout), busy (429)."""

    hits: dict[str, int]
    slow_seconds: float

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def do_GET(self) -> None:
        self.respond(body=True)

    def respond(self, body: bool) -> None:
        path = self.path.split("#")[0]
        self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/good":
            self.send(200, b'<html><body><h1 id="section">Good</h1></body></html>', body)
        elif path == "/old":
            self.send(301, b"", body, Location="/good")
        elif path == "/slow":
            time.sleep(self.slow_seconds)
            self.send(200, b"<html><body>Late</body></html>", body)
        elif path == "/busy-once" and self.hits[path] == 1:
            self.send(429, b"", body, **{"Retry-After": "1"})
        elif path == "/busy-once":
            self.send(200, b"<html><body>Ready now</body></html>", body)
        elif path == "/busy":
            self.send(429, b"", body)  # no Retry-After: Sphinx would wait 60 s
        else:
            self.send(404, b"<html><body>Not found</body></html>", body)

    def send(self, status: int, content: bytes, body: bool, **headers: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow page): that is the point


@dataclass(frozen=True)
class Server:
    origin: str
    port: int
    hits: dict[str, int]


@pytest.fixture
def server() -> Iterator[Server]:
    """The tiny site, its slow page one second slower than the project's linkcheck_timeout."""
    hits: dict[str, int] = {}
    handler = type(
        "FixtureHandler", (Handler,), {"hits": hits, "slow_seconds": CONF["linkcheck_timeout"] + 1}
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    yield Server(f"http://127.0.0.1:{port}", port, hits)
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_html(case: str, tmp: Path) -> tuple[Path, Path]:
    """Build the test root ``tests/roots/test-<case>`` as HTML into ``tmp`` (no warning allowed).

    Built where it lies (its conf.py reads the project's linkcheck settings by relative path)."""
    build = build_root(ROOTS / f"test-{case}", builddir=tmp / "build", nitpicky=True)
    assert build.warnings == ""
    return build.srcdir, build.outdir


def run_linkcheck(case: str, tmp: Path, *args: str, origin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `litreview-linkcheck` on a test root the way `nox -s linkcheck` runs it on ours."""
    source, html = build_html(case, tmp)
    env = {**os.environ, "LINKCHECK_TEST_ORIGIN": origin}
    return subprocess.run(
        [sys.executable, "-m", "litreview.tools.linkcheck", "--html", str(html),
         "--out", str(tmp / "linkcheck"),
         "--source", str(source), "--confdir", str(source), *args],
        capture_output=True, text=True, check=False, env=env, timeout=HANG_GUARD,
    )  # fmt: skip


def fixture_links(case: str) -> list[str]:
    """The fixture book's external links, in order, read from its source."""
    return re.findall(r"\]\((https?://[^)\s]+)\)", (ROOTS / f"test-{case}" / "index.md").read_text())


# -- internal links ------------------------------------------------------------------------------------


def test_internal_checker_finds_the_broken_href_and_the_missing_anchor(tmp_path: Path):
    _, html = build_html("internal-links", tmp_path)
    report = linkcheck.check_internal(html)
    index = (html / "index.html").read_text(encoding="utf-8")
    line = {
        needle: index[: index.index(needle)].count("\n") + 1
        for needle in ("#no-such-anchor", "missing-page.html")
    }
    assert [(f.path.name, f.line, f.code) for f in report.findings] == [
        ("index.html", line["#no-such-anchor"], "L002"),
        ("index.html", line["missing-page.html"], "L001"),
    ]
    assert "no element with id 'no-such-anchor'" in report.findings[0].message
    # the {doc}, {ref} and heading-anchor links, and every theme asset, resolved
    soup = BeautifulSoup(index, "html.parser")
    good = [a["href"] for a in soup.select("a.reference.internal") if "other.html" in a["href"]]
    assert "other.html#a-heading" in good
    assert report.links > len(good)


def test_internal_links_with_no_built_html_say_what_to_do(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "litreview.tools.linkcheck", "--html", str(tmp_path / "nothing"),
         "--internal-only"],
        capture_output=True, text=True, check=False, timeout=HANG_GUARD,
    )  # fmt: skip
    assert proc.returncode == linkcheck.EXIT_CANNOT_RUN == 2
    assert "no built HTML book here" in proc.stderr
    assert "nox -s html" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_the_real_book_has_no_broken_internal_link(html_build):
    assert html_build.returncode == 0, html_build.stderr
    report = linkcheck.check_internal(html_build.outdir)
    assert report.findings == ()
    assert report.pages > 1


# -- no network: said plainly, distinct exit status, no hang -----------------------------------------------


def test_no_network_is_detected_reported_and_exits_3(tmp_path: Path):
    proc = run_linkcheck("linkcheck", tmp_path, "--probe", f"127.0.0.1:{closed_port()}")
    assert proc.returncode == linkcheck.EXIT_OFFLINE == 3
    assert "External links were NOT checked" in proc.stderr
    assert not (tmp_path / "linkcheck" / "output.json").exists()  # no stale or partial report
    report = json.loads((tmp_path / "linkcheck" / "report.json").read_text())
    assert report["external"]["checked"] is False
    assert report["exit_status"] == 3


def test_the_probe_gives_up_on_an_unreachable_host():
    assert linkcheck.network_available([("127.0.0.1", closed_port())], timeout=1.0) is False


# -- the project's linkcheck settings against the tiny site ---------------------------------------------


@pytest.mark.slow  # Sphinx's linkcheck builder against a local server with slow answers: ~13 s
def test_each_link_is_reported_as_it_should_be(tmp_path: Path, server: Server):
    assert (
        CONF["linkcheck_rate_limit_timeout"] < 60
    )  # so a 429 without Retry-After is reported, not waited out
    proc = run_linkcheck("linkcheck", tmp_path, "--probe", f"127.0.0.1:{server.port}", origin=server.origin)
    assert proc.returncode == linkcheck.EXIT_BROKEN, proc.stderr
    output = tmp_path / "linkcheck" / "output.json"  # Sphinx's report, at the fixed path
    results = {r["uri"]: r for r in map(json.loads, output.read_text().splitlines())}
    live = {uri: uri.replace(FIXTURE_ORIGIN, server.origin) for uri in fixture_links("linkcheck")}
    assert set(results) == set(live.values())

    def status(uri: str) -> str:
        return results[live[uri]]["status"]

    assert status(f"{FIXTURE_ORIGIN}/good") == "working"
    assert status(f"{FIXTURE_ORIGIN}/good#section") == "working"
    assert status(f"{FIXTURE_ORIGIN}/good#no-such-anchor") == "broken"  # linkcheck_anchors = True
    assert "no-such-anchor" in results[live[f"{FIXTURE_ORIGIN}/good#no-such-anchor"]]["info"]
    assert status(f"{FIXTURE_ORIGIN}/missing") == "broken"
    assert "404" in results[live[f"{FIXTURE_ORIGIN}/missing"]]["info"]
    assert status(f"{FIXTURE_ORIGIN}/old") == "redirected"  # 127.0.0.1 is on no allowed-redirect list
    assert results[live[f"{FIXTURE_ORIGIN}/old"]]["code"] == 301
    assert status(f"{FIXTURE_ORIGIN}/slow") == "timeout"  # kept apart from "broken"
    assert status(f"{FIXTURE_ORIGIN}/busy-once") == "working"  # waited the second it asked for
    assert server.hits["/busy-once"] >= 2
    assert status(f"{FIXTURE_ORIGIN}/busy") == "broken"
    ignored = [uri for uri in live if any(re.match(p, uri) for p in CONF["linkcheck_ignore"])]
    assert ignored
    assert all(status(uri) == "ignored" for uri in ignored)

    # our summary: one `path:line: CODE message` line per bad link, pointing into the fixture's source
    bad = [line for line in proc.stdout.splitlines() if re.match(r"^\S+:\d+: L1\d\d ", line)]
    assert {line.split(" ")[1] for line in bad} == {"L101", "L102", "L103"}
    lines = (ROOTS / "test-linkcheck" / "index.md").read_text().splitlines()
    missing_line = next(n for n, text in enumerate(lines, 1) if "/missing)" in text)
    assert any(
        line.split(" ")[0].endswith(f"test-linkcheck/index.md:{missing_line}:") and "/missing" in line
        for line in bad
    )
    report = json.loads((tmp_path / "linkcheck" / "report.json").read_text())
    assert report["external"]["finished"] is True
    assert report["external"]["counts"]["broken"] == 3


def test_a_server_slower_than_the_budget_is_stopped_and_exits_4(tmp_path: Path, server: Server):
    proc = run_linkcheck(
        "linkcheck-slow",
        tmp_path,
        "--probe",
        f"127.0.0.1:{server.port}",
        "--budget",
        "2",
        origin=server.origin,
    )
    assert proc.returncode == linkcheck.EXIT_BUDGET == 4, proc.stderr
    assert "TIME BUDGET" in proc.stderr
    assert json.loads((tmp_path / "linkcheck" / "report.json").read_text())["external"]["finished"] is False


# -- the settings themselves ----------------------------------------------------------------------------


def test_every_ignored_url_says_why_and_since_when():
    assert CONF["LINKCHECK_IGNORED"]
    for pattern, why, since in CONF["LINKCHECK_IGNORED"]:
        re.compile(pattern)
        assert len(why.split()) >= 5, pattern
        assert date.fromisoformat(since) <= date.today(), pattern
    assert CONF["linkcheck_ignore"] == [pattern for pattern, _why, _since in CONF["LINKCHECK_IGNORED"]]


def allowed(url: str, target: str) -> bool:
    """Sphinx's rule: some (from, to) pair whose patterns match the URL and the redirect target."""
    return any(
        re.match(f, url) and re.match(t, target) for f, t in CONF["linkcheck_allowed_redirects"].items()
    )


def test_allowed_redirects_cover_the_bibliography_and_nothing_wider():
    entries = parse_file(ROOT / "refs.bib").entries.values()
    for url in [e.fields["url"] for e in entries if e.fields.get("url", "").startswith("http://")]:
        assert allowed(url, "https://" + url.removeprefix("http://")), url
        assert not allowed(url, "https://parked-domain.example/"), url
    for doi in [e.fields["doi"] for e in entries if e.fields.get("doi")]:
        assert allowed(f"https://doi.org/{doi}", f"https://publisher.example/article/{doi}"), doi
        assert not allowed(f"https://doi.org/{doi}", f"http://publisher.example/article/{doi}"), doi
    assert not allowed("https://example.org/a", "https://example.org/b")


def test_worst_case_per_link_fits_the_budget():
    """Each link: at most `retries` attempts of a HEAD and a GET, each cut off at the timeout."""
    per_link = CONF["linkcheck_retries"] * 2 * CONF["linkcheck_timeout"]
    assert per_link < linkcheck.DEFAULT_BUDGET
    assert linkcheck.PROBE_TIMEOUT + linkcheck.DEFAULT_BUDGET < 120
