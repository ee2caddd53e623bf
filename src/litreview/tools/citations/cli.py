"""The command line: lint the project and print one `path:line: CODE message` each (or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from litreview.tools.citations.project import Finding, Project, load_project
from litreview.tools.citations.reminders import REMINDERS
from litreview.tools.citations.rules import RULES

CODES = {
    "E001": "bib-unreadable",
    "E002": "seed-metadata-unreadable",
    "E003": "book-missing",
    **{code: name for code, (name, _rule) in RULES.items()},
    **{code: name for code, (name, _rule) in REMINDERS.items()},
}


def lint(project: Project) -> list[Finding]:
    """Every finding and reminder: unreadable inputs first, then each rule's, sorted by file and line."""
    findings = list(project.input_findings)
    for _name, rule in (*RULES.values(), *REMINDERS.values()):
        findings.extend(rule(project))
    return sorted(set(findings), key=lambda f: (str(f.path), f.line, f.code, f.message))


def _relative(finding: Finding, root: Path) -> Finding:
    try:
        path = finding.path.resolve().relative_to(root.resolve())
    except ValueError:
        path = finding.path
    return Finding(path, finding.line, finding.code, finding.message)


def main(argv: list[str] | None = None) -> int:
    """Lint and print; 0 when clean, 1 when anything was found."""
    parser = argparse.ArgumentParser(
        prog="litreview-citations",
        description="Check refs.bib against the book's citations and the seeds' printed references.",
        epilog="Exit status: 0 no findings (reminders N… never fail), 1 findings, 2 bad usage. Rules: "
        + ", ".join(f"{code} {name}" for code, name in CODES.items()),
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current directory)"
    )
    parser.add_argument("--bib", type=Path, help="bibliography (default: ROOT/refs.bib)")
    parser.add_argument("--book", type=Path, help="book sources (default: ROOT/book)")
    parser.add_argument("--seeds", type=Path, help="seeds and their metadata (default: ROOT/seeds)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    args = parser.parse_args(argv)

    project = load_project(args.root, args.bib, args.book, args.seeds)
    findings = [_relative(f, args.root) for f in lint(project)]
    if args.format == "json":
        print(json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
    errors = [f for f in findings if not f.is_reminder]
    reminders = len(findings) - len(errors)
    summary = f"{len(errors)} finding(s)" if errors else "no findings"
    if reminders:
        summary += f" and {reminders} reminder(s) (optional)"
    if args.format == "text":
        print(
            f"{summary} in {len(project.entries)} entries and {len(project.citations)} citations",
            file=sys.stderr,
        )
    return 1 if errors else 0
