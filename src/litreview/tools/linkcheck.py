"""Check the book's links: internal ones in the built HTML (no network), external ones with Sphinx's builder.

``litreview-linkcheck`` (``nox -s linkcheck``) after an HTML build. Internal links (every
``href``/``src`` and ``#anchor`` in ``_build/html``, which is where ``{ref}``, ``{doc}``, ``{term}`` and
citations end up) are resolved to files and element ids. External links go through Sphinx's
``linkcheck`` builder with the settings in conf.py's linkcheck section; its JSON report is kept at
``_build/linkcheck/output.json``; ours (internal and external) at ``_build/linkcheck/report.json``.

Exit status (also in ``--help``):
  0  every internal and external link works (or is ignored for a stated reason)
  1  a link is broken: internal (missing page or anchor) or external (broken, timeout, unexpected redirect)
  2  cannot run: no built HTML, or Sphinx's linkcheck builder failed
  3  no network: internal links all work, external links were NOT checked
  4  the external check hit its time budget: the links it reached all work, the rest were NOT checked
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from litreview.core.errors import LinkCheckError
from litreview.core.files import write_atomic
from litreview.core.findings import Finding

EXIT_OK, EXIT_BROKEN, EXIT_CANNOT_RUN, EXIT_OFFLINE, EXIT_BUDGET = 0, 1, 2, 3, 4
PROBE_TIMEOUT = 3.0  # seconds to decide whether the network is there at all
DEFAULT_BUDGET = 60.0  # seconds for Sphinx's external check, so a whole run stays well under two minutes
FALLBACK_PROBE_HOST = "doi.org"  # used only when the book links to no external host at all


# -- Internal links ----------------------------------------------------------------------------------

_LINK_ATTRS = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "source": "src"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


class _Page(HTMLParser):
    """One HTML file's element ids and outgoing links (with their lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        target = values.get(_LINK_ATTRS.get(tag, ""))
        if target is not None:
            self.links.append((target, self.getpos()[0]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def html_pages(html_dir: Path) -> list[Path]:
    """The built pages, leaving out theme assets under _static."""
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts)


@dataclass(frozen=True)
class InternalReport:
    """What the internal check saw: pages, links, broken ones, and the external URLs it passed over."""

    pages: int
    links: int
    findings: tuple[Finding, ...]
    external: tuple[str, ...]


def check_internal(html_dir: Path) -> InternalReport:
    """Resolve every relative href/src and #anchor in the built site to a file and an element id."""
    if not (html_dir / "index.html").is_file():
        raise LinkCheckError(
            "no built HTML book here (no index.html): build it first (nox -s html)", html_dir
        )
    root = html_dir.resolve()
    cache: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in cache:
            cache[path] = _parse(path)
        return cache[path]

    findings: list[Finding] = []
    external: list[str] = []
    count = 0
    for source in html_pages(html_dir):
        source = source.resolve()
        for target, line in page_of(source).links:
            target = target.strip()
            if _SCHEME.match(target):
                if target.startswith(("http://", "https://")):
                    external.append(target)
                continue
            if target in {"", "#"}:
                continue
            count += 1
            problem = _resolve(root, source, target, page_of)
            if problem:
                code, message = problem
                findings.append(Finding(_display(source), line, code, message))
    return InternalReport(len(cache), count, tuple(findings), tuple(dict.fromkeys(external)))


def _resolve(
    root: Path, source: Path, target: str, page_of: Callable[[Path], _Page]
) -> tuple[str, str] | None:
    """None if ``target`` (relative to ``source``) exists and has its anchor; else (code, message)."""
    parts = urlsplit(target)
    path_part, fragment = unquote(parts.path), unquote(parts.fragment)
    if path_part.startswith("/"):
        resolved = (root / path_part.lstrip("/")).resolve()
    else:
        resolved = (source.parent / path_part).resolve() if path_part else source
    if resolved.is_dir():
        resolved = resolved / "index.html"
    if not resolved.is_relative_to(root):
        return "L001", f"link '{target}' points outside the built site"
    if not resolved.is_file():
        return "L001", f"link '{target}' points to {_display(resolved)}, which does not exist"
    if fragment and resolved.suffix == ".html" and fragment not in page_of(resolved).ids:
        return "L002", f"link '{target}': no element with id '{fragment}' in {_display(resolved)}"
    return None


def _display(path: Path) -> Path:
    """A path relative to the working directory when it is inside it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


# -- Network probe -----------------------------------------------------------------------------------


def probe_hosts(urls: Iterable[str], limit: int = 3) -> list[tuple[str, int]]:
    """Up to ``limit`` (host, port) pairs the book links to most, to test the network against."""
    counts: Counter[tuple[str, int]] = Counter()
    for url in urls:
        parts = urlsplit(url)
        if parts.hostname:
            counts[(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))] += 1
    hosts = [host for host, _n in counts.most_common(limit)]
    return hosts or [(FALLBACK_PROBE_HOST, 443)]


def network_available(hosts: Iterable[tuple[str, int]], timeout: float = PROBE_TIMEOUT) -> bool:
    """True if a TCP connection to any of ``hosts`` opens within ``timeout`` seconds (DNS included)."""
    reached = threading.Event()

    def attempt(host: str, port: int) -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                reached.set()
        except OSError:
            pass

    for host, port in hosts:  # daemon threads: a DNS lookup that hangs is simply abandoned
        threading.Thread(target=attempt, args=(host, port), daemon=True).start()
    return reached.wait(timeout)


# -- External links (Sphinx's linkcheck builder) ------------------------------------------------------


@dataclass(frozen=True)
class ExternalReport:
    """The builder's results (output.json lines) and whether it finished inside the budget."""

    results: tuple[dict, ...]
    finished: bool
    findings: tuple[Finding, ...]


# sphinx-build, with SIGINT raising KeyboardInterrupt even where the parent ignores it (a background job):
# that is how the budget stops it so that output.json is closed with the results so far.
_SPHINX_INTERRUPTIBLE = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from sphinx.cmd.build import main; sys.exit(main(sys.argv[1:]))"
)


def run_linkcheck(
    srcdir: Path, confdir: Path, outdir: Path, doctrees: Path | None, budget: float
) -> ExternalReport:
    """Run ``sphinx-build -b linkcheck``; stop it (SIGINT, then SIGKILL) when ``budget`` seconds are up."""
    outdir.mkdir(parents=True, exist_ok=True)
    for stale in ("output.json", "output.txt"):
        (outdir / stale).unlink(missing_ok=True)
    command = [sys.executable, "-c", _SPHINX_INTERRUPTIBLE, "-b", "linkcheck", "-q", "-c", str(confdir)]
    command += ["-d", str(doctrees or outdir / ".doctrees"), str(srcdir), str(outdir)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finished = True
    try:
        stdout, stderr = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        finished = False
        proc.send_signal(signal.SIGINT)  # Sphinx stops and closes output.json with what it has
        try:
            stdout, stderr = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
    if finished and proc.returncode not in (0, 1):
        tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
        raise LinkCheckError(f"Sphinx's linkcheck builder failed (exit {proc.returncode}):\n{tail}", srcdir)
    results = tuple(read_output_json(outdir / "output.json"))
    return ExternalReport(results, finished, tuple(external_findings(results, srcdir)))


def read_output_json(path: Path) -> Iterator[dict]:
    """The builder's JSON-lines report; a line cut off by an interrupted run is skipped."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


_BAD_STATUS = {"broken": "L101", "timeout": "L102", "redirected": "L103"}


def external_findings(results: Iterable[dict], srcdir: Path) -> Iterator[Finding]:
    """One finding per external link reported broken, timed out, or redirected somewhere not allowed."""
    for result in results:
        code = _BAD_STATUS.get(result.get("status", ""))
        if code is None:
            continue
        uri, info = result.get("uri", ""), result.get("info", "")
        if code == "L103":
            message = f"{uri} redirects to {info} (update the link, or allow the redirect in conf.py)"
        elif code == "L102":
            message = f"{uri} timed out ({info})"
        else:
            message = f"{uri} is broken ({info})" if info else f"{uri} is broken"
        yield Finding(
            _display((srcdir / result.get("filename", "")).resolve()),
            result.get("lineno") or 1,
            code,
            message,
        )


# -- Command line --------------------------------------------------------------------------------------


def _write_json(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _parse_probe(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host, int(port)


def main(argv: list[str] | None = None) -> int:
    """Check internal links, then external ones if the network is there; print and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="litreview-linkcheck",
        description="Check the built book's internal links (always) and external links (when online).",
        epilog=__doc__.split("Exit status (also in ``--help``):")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--html", type=Path, default=Path("_build/html"), help="built HTML book")
    parser.add_argument("--out", type=Path, default=Path("_build/linkcheck"), help="where the reports go")
    parser.add_argument("--source", type=Path, default=Path("book"), help="book sources, for the builder")
    parser.add_argument("--confdir", type=Path, default=Path(), help="directory holding conf.py")
    parser.add_argument("--doctrees", type=Path, help="reuse these doctrees (default: the HTML build's)")
    parser.add_argument("--internal-only", action="store_true", help="skip the external links")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET, help="seconds for the external check")
    parser.add_argument("--probe", type=_parse_probe, action="append", metavar="HOST:PORT",
                        help="probe this host for the network, not the hosts the book links to")  # fmt: skip
    args = parser.parse_args(argv)

    report: dict[str, object] = {}
    try:
        internal = check_internal(args.html)
    except LinkCheckError as err:
        print(err, file=sys.stderr)
        return EXIT_CANNOT_RUN
    for finding in internal.findings:
        print(finding)
    print(f"internal links: {internal.links} in {internal.pages} pages, {len(internal.findings)} broken")
    report["internal"] = {
        "pages": internal.pages,
        "links": internal.links,
        "findings": [f.as_dict() for f in internal.findings],
    }
    status = EXIT_BROKEN if internal.findings else EXIT_OK

    if args.internal_only:
        report["external"] = {"checked": False, "reason": "--internal-only"}
    else:
        hosts = args.probe or probe_hosts(internal.external)
        if not network_available(hosts):
            names = ", ".join(f"{host}:{port}" for host, port in hosts)
            print(
                f"NO NETWORK: none of {names} answered within {PROBE_TIMEOUT:.0f} s.\n"
                f"External links were NOT checked ({len(internal.external)} in the HTML). "
                "Run `nox -s linkcheck` again with network access before a release.",
                file=sys.stderr,
            )
            report["external"] = {"checked": False, "reason": f"no network: none of {names} answered"}
            status = status or EXIT_OFFLINE
        else:
            doctrees = args.doctrees or args.html / ".doctrees"
            try:
                external = run_linkcheck(args.source, args.confdir, args.out, doctrees, args.budget)
            except LinkCheckError as err:
                print(err, file=sys.stderr)
                return EXIT_CANNOT_RUN
            for finding in external.findings:
                print(finding)
            counts = Counter(result.get("status", "") for result in external.results)
            summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none"
            print(f"external links: {summary} (details: {args.out / 'output.json'})")
            if not external.finished:
                print(
                    f"TIME BUDGET: the external check was stopped after {args.budget:.0f} s; "
                    f"only the {len(external.results)} links above were checked.",
                    file=sys.stderr,
                )
            report["external"] = {
                "checked": True,
                "finished": external.finished,
                "counts": dict(counts),
                "output_json": str(args.out / "output.json"),
                "findings": [f.as_dict() for f in external.findings],
            }
            if external.findings:
                status = EXIT_BROKEN
            elif not external.finished:
                status = status or EXIT_BUDGET
    report["exit_status"] = status
    _write_json(args.out / "report.json", report)
    return status


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(
        f"linkcheck finished in {time.monotonic() - started:.0f} s with exit status {code}", file=sys.stderr
    )
    sys.exit(code)
