"""Generate a synthetic MyST book of any size, for benchmarks and speed-up equivalence tests.

The book lives in a temp dir chosen by the caller and is never committed. Content is deterministic
(seeded), so two books made with the same arguments are byte-identical.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "digital state platform data service citizen region policy network economy innovation "
    "infrastructure access public private sector market regulation security society internet "
    "government portal programme strategy research education industry technology transformation "
    "development institution community growth reform capacity evidence analysis survey measure "
    "index report adoption broadband mobile payment identity registry budget agency ministry"
)
SURNAMES = _words(
    "Ivanova Petrov Smirnova Kuznetsov Popova Sokolov Lebedeva Kozlov Novikova Morozov Volkova "
    "Solovyov Vasilieva Zaitsev Pavlova Semyonov Golubeva Vinogradov Bogdanova Vorobyov Fyodorova "
    "Mikhailov Belyaeva Tarasov Belova Komarov Orlova Kiselyov Makarova Andreev Kovalyova Ilyin "
    "Gusev Titova Kuzmin Kudryavtseva Baranov Kulikova Alekseev Stepanova Yakovlev Sorokina Sergeev "
    "Romanova Zakharov Borisova Korolev Gerasimova Ponomaryov Grigorieva Lazarev Medvedeva Smith "
    "Jones Brown Taylor Wilson Davies Evans Thomas Roberts Walker Wright Robinson Thompson White"
)
GIVEN = _words("Anna Boris Clara Dmitry Elena Fyodor Galina Igor Irina Kirill Lidia Maxim Nina Oleg Petra")
VARIANTS = ("a", "b", "book", "fast")
EDIT_KEYS = ("editmarkeralpha", "editmarkerbeta")
EDIT_TITLES = {"editmarkeralpha": "Edit Marker Alpha", "editmarkerbeta": "Edit Marker Beta"}
CITES_PER_CHAPTER = 12
WORDS_PER_CHAPTER = 1200
SECTIONS_PER_CHAPTER = 4


@dataclass(frozen=True)
class Entry:
    """One synthetic bibliography entry."""

    key: str
    type: str
    authors: tuple[str, ...]  # "Surname, Given"
    title: str
    year: int
    venue: str

    def bibtex(self) -> str:
        """The entry as BibTeX."""
        venue_field = {"article": "journal", "inproceedings": "booktitle", "book": "publisher"}[self.type]
        lines = [
            f"@{self.type}{{{self.key},",
            f"  author = {{{' and '.join(self.authors)}}},",
            f"  title = {{{self.title}}},",
            f"  {venue_field} = {{{self.venue}}},",
            f"  year = {{{self.year}}},",
        ]
        if self.type == "article":
            lines += [
                f"  volume = {{{self.year % 40 + 1}}},",
                f"  pages = {{{self.year % 97 + 1}--{self.year % 97 + 19}}},",
            ]
        lines.append("}")
        return "\n".join(lines)

    def plain(self, textual: bool) -> str:
        """A citation of this entry as plain text (floor a): "Surname (Year)" or "(Surname Year)"."""
        surname = self.authors[0].split(",")[0]
        return f"{surname} ({self.year})" if textual else f"({surname} {self.year})"


@dataclass(frozen=True)
class SynthBook:
    """Where a generated book is and what it holds."""

    root: Path
    chapters: int
    entries: int
    variant: str
    edit_chapter: Path  # the chapter whose marker citation an edit swaps
    edit_docname: str

    @property
    def srcdir(self) -> Path:
        return self.root / "book"


def make_entries(count: int, seed: int = 1) -> list[Entry]:
    """``count`` deterministic entries plus the two edit-marker entries (counted in ``count``)."""
    rng = random.Random(seed)
    entries = []
    for i in range(max(count - len(EDIT_KEYS), 0)):
        authors = tuple(f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 3)))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10))).capitalize()
        kind = rng.choice(("article", "article", "inproceedings", "book"))
        venue = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} Review"
        entries.append(Entry(f"e{i:05d}", kind, authors, title, rng.randint(1990, 2024), venue))
    for key in EDIT_KEYS:
        entries.append(Entry(key, "article", ("Marker, Edith",), EDIT_TITLES[key], 2020, "Bench Journal"))
    return entries


def _cite(variant: str, keys: Sequence[Entry], textual: bool) -> str:
    if variant == "a":
        return "; ".join(entry.plain(textual) for entry in keys)
    role = "cite:t" if textual else "cite:p"
    return f"{{{role}}}`{','.join(entry.key for entry in keys)}`"


def chapter_text(number: int, variant: str, entries: Sequence[Entry], marker: str | None) -> str:
    """One chapter of ~1,200 words in four sections with 12 citations (one may be the edit marker)."""
    rng = random.Random(number * 7919)
    pool = [e for e in entries if e.key not in EDIT_KEYS]
    cited = [pool[(number * CITES_PER_CHAPTER + i * 37) % len(pool)] for i in range(CITES_PER_CHAPTER)]
    lines = [f"# Chapter {number}: {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}", ""]
    words_per_para = WORDS_PER_CHAPTER // (SECTIONS_PER_CHAPTER * 3)
    cite_at = 0
    for section in range(1, SECTIONS_PER_CHAPTER + 1):
        lines += [f"## Section {number}.{section}: {rng.choice(WORDS)} {rng.choice(WORDS)}", ""]
        for _ in range(3):
            words = [rng.choice(WORDS) for _ in range(words_per_para)]
            words[0] = words[0].capitalize()
            para = " ".join(words) + "."
            if cite_at < CITES_PER_CHAPTER:
                textual = _cite(variant, cited[cite_at : cite_at + 1], True)
                parenthetical = _cite(variant, cited[cite_at + 1 : cite_at + 2], False)
                para += f" As {textual} shows, {rng.choice(WORDS)} matters {parenthetical}."
                cite_at += 2
            lines += [para, ""]
    if marker is not None:
        mark = next(e for e in entries if e.key == marker)
        cite = f"({mark.title})" if variant == "a" else _cite(variant, [mark], False)
        lines += [f"The edit marker is cited here {cite}.", ""]
    return "\n".join(lines)


def conf_text(variant: str, extra_extensions: Sequence[str] = ()) -> str:
    """conf.py for a variant: a = myst + basic; b = + bibtex defaults; book = + book theme; fast = + ours."""
    extensions = ["myst_parser"]
    if variant != "a":
        extensions.append("sphinxcontrib.bibtex")
    if variant == "fast":
        extensions += ["litreview.speedups.bibcache", "litreview.speedups.fastnav"]
    extensions += list(extra_extensions)
    lines = [
        '"""Synthetic benchmark book (generated, never committed)."""',
        'project = "Synthetic book"',
        'author = "Bench"',
        f"extensions = {extensions!r}",
        'exclude_patterns = ["_build"]',
        'html_theme = "basic"' if variant in ("a", "b") else 'html_theme = "sphinx_book_theme"',
    ]
    if variant != "a":
        lines.append('bibtex_bibfiles = ["refs.bib"]')
    return "\n".join(lines) + "\n"


def _toctree(entries: list[str], caption: str | None = None, hidden: bool = False) -> list[str]:
    options = [f":caption: {caption}"] if caption else []
    options += [":hidden:"] if hidden else []
    return ["```{toctree}", *options, ":maxdepth: 2", "", *entries, "```", ""]


def generate(
    root: Path,
    chapters: int,
    entries: int,
    variant: str = "book",
    marker: str = EDIT_KEYS[0],
    parts: int = 0,
    works_cited: bool = False,
) -> SynthBook:
    """Write a synthetic book with ``chapters`` chapters and ``entries`` bib entries into ``root``.

    By default the chapters sit in one toctree and one ``:all:`` bibliography lists the entries
    (the shape issue 11 measures). ``parts`` groups them into that many part pages in their own
    folders (a nested navigation tree, with a hidden toctree and an external link), and
    ``works_cited`` ends each chapter with its own filtered bibliography, as the real book does.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    src = root / "book"
    src.mkdir(parents=True, exist_ok=True)
    bib = make_entries(entries)
    (root / "conf.py").write_text(conf_text(variant), encoding="utf-8")
    if variant != "a":
        (root / "refs.bib").write_text("\n\n".join(e.bibtex() for e in bib) + "\n", encoding="utf-8")
    edit_number = max(1, chapters // 2)
    groups: dict[str, list[str]] = {}
    docnames: dict[int, str] = {}
    for number in range(1, chapters + 1):
        folder = f"part{(number - 1) * parts // chapters + 1:02d}" if parts else "chapters"
        docnames[number] = f"{folder}/ch{number:04d}"
        groups.setdefault(folder, []).append(f"ch{number:04d}")
        text = chapter_text(number, variant, bib, marker if number == edit_number else None)
        if works_cited and variant != "a":
            text += (
                "\n## Works cited\n\n```{bibliography}\n:list: bullet\n:filter: docname in docnames\n```\n"
            )
        (src / folder).mkdir(exist_ok=True)
        (src / f"{docnames[number]}.md").write_text(text, encoding="utf-8")
    index = ["# Synthetic book", "", "A generated book for measuring build speed.", ""]
    if parts:
        for folder, names in groups.items():
            title = f"# Part {int(folder[4:])}\n\nChapters of this part.\n\n"
            (src / folder / "index.md").write_text(title + "\n".join(_toctree(names)), encoding="utf-8")
        index += _toctree([f"{folder}/index" for folder in groups], caption="Parts")
        index += _toctree(["Sphinx <https://www.sphinx-doc.org/>"], caption="Elsewhere")
        (src / "colophon.md").write_text("# Colophon\n\nHow this book was made.\n", encoding="utf-8")
        index += _toctree(["colophon"], hidden=True)
    else:
        index += _toctree([f"chapters/{name}" for name in groups["chapters"]], caption="Chapters")
    index += _toctree(["references"], caption="Back matter")
    (src / "index.md").write_text("\n".join(index), encoding="utf-8")
    if variant == "a":
        items = [
            f"- {'; '.join(a.replace(',', '') for a in e.authors)} ({e.year}). {e.title}. {e.venue}."
            for e in bib
        ]
        refs = ["# References", "", *items, ""]
    else:
        refs = ["# References", "", "```{bibliography}", ":all:", "```", ""]
    (src / "references.md").write_text("\n".join(refs), encoding="utf-8")
    edit_doc = docnames[edit_number]
    return SynthBook(root, chapters, entries, variant, src / f"{edit_doc}.md", edit_doc)


def swap_marker(book: SynthBook) -> str:
    """Swap the edit chapter's marker citation to the other marker; return the new marker's title.

    The title is what a reader sees: in the text for floor (a), in the citation link's tooltip otherwise.
    """
    text = book.edit_chapter.read_text(encoding="utf-8")
    first, second = EDIT_KEYS
    old, new = (
        (first, second) if f"`{first}`" in text or f"({EDIT_TITLES[first]})" in text else (second, first)
    )
    if book.variant == "a":
        text = text.replace(f"({EDIT_TITLES[old]})", f"({EDIT_TITLES[new]})")
    else:
        text = text.replace(f"`{old}`", f"`{new}`")
    book.edit_chapter.write_text(text, encoding="utf-8")
    return EDIT_TITLES[new]
