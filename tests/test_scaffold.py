"""`litreview-new-article` (`nox -s new-article`): a draft metadata file from a raw seed.

The draft for each of the worked examples in seeds/, after only the edits a person makes (listed
below, each small and data-level), must make the committed chapter byte for byte. Expected values
come from the seeds, the committed metadata and refs.bib, never from a run.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pybtex.database import parse_string

from litreview.chapters.cli import generate
from litreview.chapters.prepare import prepare
from litreview.chapters.scaffold import dump_toml
from litreview.core.seeds import SeedMeta, load_seed_meta, read_seed_lines
from support import ROOT, copy_chapter_inputs

FIXTURES = Path(__file__).parent / "fixtures"
SIXTH = FIXTURES / "sixth-seed" / "005_sixth-article.txt"
CHROME_SEED = FIXTURES / "scaffold" / "007_chrome-everywhere.txt"


def run(
    cwd: Path, *args: str, module: str = "litreview.chapters.scaffold"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def project(tmp_path: Path) -> Path:
    """The seeds, refs.bib and committed chapters, in a temp dir a test may change."""
    return copy_chapter_inputs(tmp_path / "project")


def add_seed(root: Path, source: Path) -> Path:
    """Put a fixture seed into the project under the next free number (never one the book uses)."""
    number = max((int(p.name[:3]) for p in (root / "seeds").glob("[0-9][0-9][0-9]_*.txt")), default=-1) + 1
    seed = root / "seeds" / f"{number:03d}{source.name[3:]}"
    seed.write_bytes(source.read_bytes())
    return seed


def draft_of(root: Path, stem: str) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """Run the scaffold on seeds/<stem>.txt (its metadata moved away first) and read the draft."""
    (root / "seeds" / f"{stem}.toml").unlink(missing_ok=True)
    proc = run(root, f"seeds/{stem}.txt")
    assert proc.returncode == 0, proc.stderr
    return tomllib.loads((root / "seeds" / f"{stem}.toml").read_text(encoding="utf-8")), proc


# -- the edits a person makes to a draft ---------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One small change a person makes to the draft: what it is, in words, and the change itself."""

    what: str
    change: Callable[[dict[str, Any], SeedMeta], None]

    def __repr__(self) -> str:
        return self.what


def fill(name: str) -> Edit:
    """Type in a value only a person knows (the committed metadata's, for these worked examples)."""

    def change(data: dict[str, Any], meta: SeedMeta) -> None:
        data[name] = getattr(meta, name)

    return Edit(f"fill in {name}", change)


def fill_keys() -> Edit:
    def change(data: dict[str, Any], meta: SeedMeta) -> None:
        assert [r["keys"] for r in data["references"]] == [[] for _ in meta.references]
        for ref, committed in zip(data["references"], meta.references, strict=True):
            ref["keys"] = list(committed.keys)

    return Edit("fill in the refs.bib key(s) of every printed reference", change)


def rename(old: str, new: str) -> Edit:
    def change(data: dict[str, Any], meta: SeedMeta) -> None:
        (rule,) = [r for r in data["drop"] if r["category"] == old]
        rule["category"] = new

    return Edit(f"call the {old!r} drop rule {new!r}", change)


def set_repair(kind: str, line: str, name: str, value: str) -> Edit:
    def change(data: dict[str, Any], meta: SeedMeta) -> None:
        (repair,) = [r for r in data["repairs"] if r["kind"] == kind and r["line"].startswith(line)]
        repair[name] = value

    return Edit(f"set {name} of the {kind} repair at {line!r} to {value!r}", change)


def add_kept() -> Edit:
    def change(data: dict[str, Any], meta: SeedMeta) -> None:
        data["kept"] = [{"text": k.text, "remark": k.remark} for k in meta.kept]

    return Edit("note the slips kept as printed ([[kept]])", change)


#: For each worked example, every edit a person makes to the draft; nothing else is changed.
EDITS: dict[str, list[Edit]] = {
    "000_de68ed6c4e8229e3": [
        fill("slug"), fill("key"), fill("genre"), fill("earliest"),
        rename("list of recent posts on the site",
               "list of recent posts on the site, each title printed twice"),
    ],
    "001_a99c662e468ee4e4": [
        fill("slug"), fill("key"), fill("genre"), fill_keys(), add_kept(),
        rename("title as printed, shown once as the chapter title",
               "title as printed, with a page label and a follower count glued to it"),
    ],
    "002_0115458a33be5f7d": [
        fill("slug"), fill("genre"), fill("earliest"), fill_keys(), add_kept(),
        set_repair("move", "<sup>", "what",
                   "corresponding-author footnote printed at the page break inside the Introduction’s list"),
        set_repair("join", "- innovative", "cause", "page break and its footnote"),
    ],
    "003_643182e9a0f1c9b0": [
        fill("key"), fill("genre"), fill_keys(), add_kept(),
        rename("date as printed above the article",
               "issue label of the journal’s page (shown in the byline)"),
    ],
    "004_79a4b91692c8b3fe": [
        fill("slug"), fill("key"), fill("genre"), fill("attributed_to"), fill_keys(), add_kept(),
    ],
}  # fmt: skip


def test_the_worked_examples_are_seeds() -> None:
    assert {p.stem for p in (ROOT / "seeds").glob("*.txt")} >= set(EDITS)


@pytest.mark.parametrize("stem", EDITS, ids=str)
def test_draft_after_a_persons_edits_makes_the_committed_chapter(tmp_path: Path, stem: str) -> None:
    committed = load_seed_meta(ROOT / "seeds" / f"{stem}.toml")
    root = project(tmp_path)
    data, _ = draft_of(root, stem)
    for edit in EDITS[stem]:
        edit.change(data, committed)
    (root / "seeds" / f"{stem}.toml").write_text(dump_toml(data), encoding="utf-8")
    files = generate(root)
    for path, text in files.items():  # the chapter (its editor's summary is outside the regions) and index
        expected = (ROOT / path.relative_to(root)).read_text(encoding="utf-8")
        assert text == expected, f"{path.name} differs after the edits {EDITS[stem]}"


@pytest.mark.parametrize("stem", EDITS, ids=str)
def test_the_preview_numbers_every_line_and_says_what_the_draft_does(tmp_path: Path, stem: str) -> None:
    root = project(tmp_path)
    draft_of(root, stem)
    text = (root / "seeds" / f"{stem}.toml").read_text(encoding="utf-8")
    lines = read_seed_lines(root / "seeds" / f"{stem}.txt")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    preview = re.findall(r"^# +(\d+) (\S*) *\| ?(.*)$", text, flags=re.MULTILINE)
    assert [int(n) for n, _, _ in preview] == list(range(1, len(lines) + 1))
    committed = prepare(load_seed_meta(ROOT / "seeds" / f"{stem}.toml"))
    removed = {n for blocks in committed.removed.values() for s, e in blocks for n in range(s, e + 1)}
    for (n, role, shown), line in zip(preview, lines, strict=True):
        assert line.strip().startswith(shown.rstrip("…")), n
        if int(n) in removed and line.strip():  # what the committed metadata removes, the draft does too
            assert role in ("drop", "title", "copy"), (n, role, line)


# -- what only a person knows is left empty, and refused with its line -----------------------------


def test_a_draft_as_written_is_refused_until_filled_in(tmp_path: Path) -> None:
    root = project(tmp_path)
    seed = add_seed(root, SIXTH)
    toml = seed.with_suffix(".toml")
    drafted = run(root, f"seeds/{seed.name}")
    assert drafted.returncode == 0
    text = re.sub(r'^slug = ".*"$', 'slug = "draft-under-test"', toml.read_text(encoding="utf-8"), flags=re.M)
    toml.write_text(text, encoding="utf-8")  # a slug no chapter of the book has (a person's choice)
    before = {p.name: p.read_bytes() for p in (root / "book" / "articles").iterdir()}

    def refused(needle: str, message: str) -> None:
        proc = run(root, module="litreview.chapters")
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        line = next(
            n for n, text in enumerate(toml.read_text(encoding="utf-8").splitlines(), 1) if needle in text
        )
        first = proc.stderr.strip().splitlines()[0]
        assert first.startswith(f"seeds/{toml.name}:{line}: "), first
        assert message in first, first
        assert {p.name: p.read_bytes() for p in (root / "book" / "articles").iterdir()} == before

    refused('genre = ""', "genre is empty: fill in")
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('genre = ""', 'genre = "essay"'), encoding="utf-8"
    )
    refused("[[references]]", "keys = [] — fill in the refs.bib key")
    assert "absent2021work" not in (root / "refs.bib").read_text(encoding="utf-8")
    toml.write_text(toml.read_text(encoding="utf-8").replace("keys = []", 'keys = ["absent2021work"]'),
                    encoding="utf-8")  # fmt: skip
    refused("key = ", "(the article's own entry) is not in refs.bib: add the entry")
    stub = drafted.stdout[drafted.stdout.index("% refs.bib stub") :].split("\n}\n")[0] + "\n}\n"
    with (root / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + stub)
    refused("[[references]]", "names 'absent2021work', which is not in refs.bib: add an entry")


def test_an_empty_key_is_refused_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    toml = root / "seeds" / "000_de68ed6c4e8229e3.toml"
    toml.write_text(re.sub(r'^key = ".*"$', 'key = ""', toml.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")  # fmt: skip
    proc = run(root, module="litreview.chapters")
    line = next(n for n, t in enumerate(toml.read_text(encoding="utf-8").splitlines(), 1) if t == 'key = ""')
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"seeds/{toml.name}:{line}: key is empty: fill in the refs.bib key"), (
        proc.stderr
    )


# -- what it writes, and what it never does ------------------------------------------------------------


def test_records_the_seed_as_received_and_never_overwrites(tmp_path: Path) -> None:
    root = project(tmp_path)
    seed = add_seed(root, SIXTH)
    sums = root / "seeds" / "SHA256SUMS"
    old_sums = sums.read_text(encoding="utf-8")
    refs = (root / "refs.bib").read_bytes()
    assert run(root, f"seeds/{seed.name}").returncode == 0
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    rows = [line.split() for line in sums.read_text(encoding="utf-8").splitlines()]
    assert [name for _, name in rows] == sorted(name for _, name in rows)
    assert [digest, seed.name] in rows
    assert set(old_sums.splitlines()) < set(sums.read_text(encoding="utf-8").splitlines())
    assert (root / "refs.bib").read_bytes() == refs  # the stub is printed, never appended

    draft = seed.with_suffix(".toml")
    draft.write_text("# my edits\n", encoding="utf-8")
    recorded = sums.read_bytes()
    proc = run(root, f"seeds/{seed.name}")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"seeds/{draft.name}: already exists"), proc.stderr
    assert draft.read_text(encoding="utf-8") == "# my edits\n"
    assert sums.read_bytes() == recorded


def test_a_seed_changed_since_it_was_recorded_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    seed = root / "seeds" / "001_a99c662e468ee4e4.txt"
    seed.with_suffix(".toml").unlink()
    seed.write_bytes(seed.read_bytes().replace(b"Russia", b"Rossiya", 1))
    proc = run(root, f"seeds/{seed.name}")
    line = next(n for n, t in enumerate((root / "seeds" / "SHA256SUMS").read_text().splitlines(), 1)
                if t.endswith(seed.name))  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"seeds/SHA256SUMS:{line}: records another SHA-256"), proc.stderr
    assert not seed.with_suffix(".toml").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notnumbered.txt", b"Some text\n", "a seed is named NNN_<anything>.txt"),
        ("009_latin1.txt", b"Title\n\ncaf\xe9 society\n", "not UTF-8"),
    ],
)
def test_bad_seed_is_file_line_message(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    root = project(tmp_path)
    (root / "seeds" / name).write_bytes(data)
    sums = (root / "seeds" / "SHA256SUMS").read_bytes()
    proc = run(root, f"seeds/{name}")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"seeds/{name}"), proc.stderr
    assert message in proc.stderr
    assert not (root / "seeds" / name).with_suffix(".toml").exists()
    assert (root / "seeds" / "SHA256SUMS").read_bytes() == sums


@pytest.mark.parametrize("stem", EDITS, ids=str)
def test_the_refs_bib_stub_is_unverified_and_invents_nothing(tmp_path: Path, stem: str) -> None:
    root = project(tmp_path)
    data, proc = draft_of(root, stem)
    stub = proc.stdout[proc.stdout.index("% refs.bib stub") :].split("\n}\n")[0] + "\n}\n"
    assert "UNVERIFIED" in stub
    (entry,) = parse_string(stub, "bibtex").entries.values()
    assert set(entry.fields) | set(entry.persons) <= {"title", "author", "annotation", "year", "date"}
    assert "Unverified" in entry.fields["annotation"]
    lines = [line.strip() for line in read_seed_lines(root / "seeds" / f"{stem}.txt")]
    year = entry.fields["year"]  # printed above the article, or "n.d.": never guessed from elsewhere
    assert year == "n.d." or any(year in line for line in lines[:12])
    assert entry.fields.get("date", year)[:4] == year[:4]
    assert entry.fields["title"] in [re.sub(r"^#+\s+", "", line) for line in lines]  # the title as printed
    if data["key"]:
        assert entry.key == data["key"]
    for person in entry.persons.get("author", []):
        assert any(str(person.last_names[0]) in line for line in lines[:12])  # a name the byline prints


# -- the heuristics on a page of every kind of chrome ------------------------------------------------------


def test_site_chrome_becomes_drop_rules_with_categories(tmp_path: Path) -> None:
    root = project(tmp_path)
    data, proc = draft_of(root, add_seed(root, CHROME_SEED).stem)
    lines = [line.strip() for line in read_seed_lines(CHROME_SEED)]
    dropped = {
        text: rule["category"] for rule in data["drop"] for text in rule.get("texts", [rule.get("text")])
    }
    expected = {
        "Skip to main content": "site navigation",
        "Main menu": "site navigation",
        "We use cookies to improve your experience. Accept all cookies": "cookie banner",
        "Posted by admin on 3 May 2021": "post metadata",
        "Share on Facebook": "share buttons",
        "Subscribe to our newsletter": "subscription prompt",
        "Related articles": "list of recent posts on the site",
        "A Story About Fibre": "list of recent posts on the site",
        "Leave a Reply": "comment form",
    }
    for text, category in expected.items():
        assert text in lines, text
        assert dropped.get(text) == category, text
    comment = next(rule for rule in data["drop"] if rule["category"].startswith("a reader’s comment"))
    assert comment["category"] == "a reader’s comment (posted in 2022)"
    assert (comment["start"], comment["count"]) == ("Hello all,", 1)
    (refs,) = [p for p in data["parts"] if p["kind"] == "references"]
    assert refs["heading_line"] is True and refs["item_pattern"] == r"(?P<label>\d+)\. (?P<text>.+)"
    assert [r["label"] for r in data["references"]] == ["1", "2"]
    (body,) = [p for p in data["parts"] if p["kind"] == "body"]
    assert lines[lines.index("by Anna Writer") + 3].startswith(body["start"])  # after the byline, "Posted by"
    assert body["end"].startswith("Villagers say")
    assert "not accounted for" not in proc.stdout


def test_a_draft_is_valid_toml_whatever_the_seed_holds(tmp_path: Path) -> None:
    """Seed text is untrusted: control characters, quotes and backslashes never break the draft."""
    root = project(tmp_path)
    source = tmp_path / "000_odd-characters.txt"
    source.write_bytes(
        b"A Title With\x0c a Form Feed\nby Ann Writer\n\n"
        b"The text\x1b[31m of the article, with \"quotes\", a \\ backslash and 'apostrophes'.\r\n\nShare\n"
    )
    seed = add_seed(root, source)
    assert run(root, f"seeds/{seed.name}").returncode == 0
    data = tomllib.loads(seed.with_suffix(".toml").read_text(encoding="utf-8"))
    texts = [rule.get("text") for rule in data["drop"]]
    assert "A Title With\x0c a Form Feed" in texts and "Share" in texts
    (body,) = [p for p in data["parts"] if p["kind"] == "body"]
    assert body["start"].startswith("The text\x1b[31m")
