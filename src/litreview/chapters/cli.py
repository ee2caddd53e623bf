"""``litreview-chapters`` (``nox -s chapters``): regenerate the article chapters from the seeds.

Writes nothing and exits 1 with ``file:line: message`` when a seed, its metadata or refs.bib is
wrong; ``--check`` exits 1 with a diff when a committed chapter differs from what the seeds make.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

from litreview.chapters.provenance import PROVENANCE_DOC
from litreview.chapters.regions import COMMAND, chapter_text, index_text, provenance_text
from litreview.chapters.render import build_chapter
from litreview.core import bib
from litreview.core.errors import ConvertError, LitReviewError
from litreview.core.files import write_atomic
from litreview.core.order import reading_order
from litreview.core.seeds import SeedMeta, load_all


def generate(root: Path, stems: Sequence[str] = ()) -> dict[Path, str]:
    """The text of every generated file under ``root`` (nothing is written)."""
    seeds_dir, out_dir, bib_path = root / "seeds", root / "book" / "articles", root / "refs.bib"
    data = bib.parse(bib_path)
    metas = load_all(seeds_dir)
    if stems:
        unknown = set(stems) - {m.stem for m in metas}
        if unknown:
            raise ConvertError(f"no such seed: {', '.join(sorted(unknown))}", seeds_dir)
    for meta in metas:
        check_keys(meta, data.entries)
    chapters = [build_chapter(m, data) for m in metas]
    files: dict[Path, str] = {}
    for chapter in chapters:
        if stems and chapter.meta.stem not in stems:
            continue
        path = out_dir / chapter.filename
        files[path] = chapter_text(chapter, path, _read(path))
    index = out_dir / "index.md"
    by_key = {c.meta.key: c for c in chapters}
    entries = [(by_key[p.meta.key], by_key[p.meta.key].byline(p)) for p in reading_order(metas, data)]
    files[index] = index_text(entries, index, _read(index))
    appendix = root / "book" / f"{PROVENANCE_DOC}.md"
    files[appendix] = provenance_text(entries, appendix, _read(appendix))
    return files


def check_keys(meta: SeedMeta, keys: Collection[str]) -> None:
    """Every refs.bib key the metadata names must be in refs.bib: say which line names a missing one."""
    if meta.key not in keys:
        raise ConvertError(
            f"key {meta.key!r} (the article's own entry) is not in refs.bib: add the entry, or fix the key",
            meta.toml_path,
            meta.line_of("key"),
        )
    for ref in meta.references:
        for key in ref.keys:
            if key not in keys:
                raise ConvertError(
                    f"[[references]] {ref.label!r} names {key!r}, which is not in refs.bib: add an entry "
                    f"for the work the article prints at line {ref.line} of {meta.seed_path.name}",
                    meta.toml_path,
                    ref.toml_line,
                )


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def check(files: dict[Path, str], root: Path) -> list[str]:
    """Unified diffs for every file whose committed text differs from what the seeds make."""
    diffs = []
    for path, text in files.items():
        old = _read(path) or ""
        if old != text:
            rel = path.relative_to(root).as_posix()
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        old.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{rel}", f"b/{rel}"
                    )
                )
            )
    return diffs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Regenerate the article chapters (book/articles/) from seeds/*.txt and their .toml.",
    )
    parser.add_argument("stems", nargs="*", help="only these seeds (file name without .txt); default: all")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current directory)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if a chapter differs from its seed",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        files = generate(root, args.stems)
    except LitReviewError as err:
        print(err.located(root), file=sys.stderr)
        return 1
    if args.check:
        diffs = check(files, root)
        for diff in diffs:
            sys.stdout.write(diff)
        if diffs:
            print(f"{len(diffs)} generated file(s) differ from the seeds; run `{COMMAND}`.", file=sys.stderr)
            return 1
        print(f"{len(files)} generated file(s) up to date.")
        return 0
    changed = 0
    for path, text in files.items():
        if _read(path) != text:
            write_atomic(path, text)
            changed += 1
            print(f"wrote {path.relative_to(root)}")
    print(f"{len(files)} generated file(s), {changed} changed.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
