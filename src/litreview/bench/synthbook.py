"""Generate a synthetic book of any size, for benchmarks and speed-up equivalence tests.

The book lives in a temp dir chosen by the caller and is never committed. Content is deterministic
(seeded), so two books made with the same arguments are byte-identical.

A book is laid out as a project tree, like the real one: ``conf.py``, ``book/``, ``refs.bib``
and, for the variant ``ours``, the project's own ``conf.py`` (copied unchanged, so the build runs
every extension the book ships with), ``CITATION.cff``, ``seeds/`` and the review's timeline data.
Its chapters are article chapters (``book/articles/chNNNN.md``, each naming its original in its
front matter, as the real chapters do), about 1,200 words in four sections with 12 citations each.
The bibliography looks like the real one: the project's own ``refs.bib`` entries (so the seeds'
and the timeline's keys resolve), then generated entries of every type the book uses (articles,
web pages, books, chapters in edited books, reports, documents, collections), with Cyrillic and
corporate names, notes, URLs with access dates, DOIs and unknown dates (``date = {XXXX}``).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
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
CYRILLIC_SURNAMES = _words("Иванова Петров Смирнова Кузнецов Попова Соколов Лебедева Козлов Новикова Морозов")
CYRILLIC_GIVEN = _words("Анна Борис Елена Игорь Ирина Максим Нина Олег")
CYRILLIC_WORDS = _words(
    "цифровая экономика государство платформа данные услуги регион политика сеть развитие"
)
ORGANISATIONS = (
    "World Bank",
    "Government of the Russian Federation",
    "Ministry of Digital Development",
    "Organisation for Economic Co-operation and Development",
    "Федеральная служба государственной статистики",
)
PUBLISHERS = (
    ("Springer", "Cham"),
    ("Routledge", "London"),
    ("Наука", "Москва"),
    ("MIT Press", "Cambridge, MA"),
)
NOTES = (
    "As printed in the article; the title was not verified.",
    "Publication date not found; inferred from the text.",
    "The article prints the second author's name differently.",
    "Copy on the author's site; the original was not seen.",
)
VARIANTS = ("a", "b", "book", "ours")
EDIT_KEYS = ("editmarkeralpha", "editmarkerbeta")
EDIT_TITLES = {"editmarkeralpha": "Edit Marker Alpha", "editmarkerbeta": "Edit Marker Beta"}
BIB_EDIT_SUFFIX = " (revised)"  # what a .bib entry edit appends to (or removes from) one entry's title
CITES_PER_CHAPTER = 12
WORDS_PER_CHAPTER = 1200
SECTIONS_PER_CHAPTER = 4
ARTICLES = "articles"
#: Files of the project the variant ``ours`` builds with, copied unchanged (``seeds/`` too).
PROJECT_FILES = ("conf.py", "CITATION.cff")
TIMELINE = Path("review") / "timeline.yaml"


@dataclass(frozen=True)
class Entry:
    """One synthetic bibliography entry."""

    key: str
    type: str
    authors: tuple[str, ...]  # "Surname, Given", or "{Organisation}" for a corporate author
    title: str
    year: int | None  # None: date unknown (date = {XXXX})
    fields: tuple[tuple[str, str], ...] = ()  # the other fields, in order
    editors: tuple[str, ...] = ()

    def bibtex(self) -> str:
        """The entry as biblatex, in the layout refs.bib uses."""
        lines = [f"@{self.type}{{{self.key},"]
        pairs = []
        if self.authors:
            pairs.append(("author", " and ".join(self.authors)))
        if self.editors:
            pairs.append(("editor", " and ".join(self.editors)))
        pairs.append(("title", self.title))
        pairs += list(self.fields)
        if self.year is None:
            pairs.append(("date", "XXXX"))
        else:
            pairs += [("year", str(self.year)), ("date", str(self.year))]
        lines += [f"  {name:<12} = {{{value}}}," for name, value in pairs]
        lines.append("}")
        return "\n".join(lines)

    @property
    def surname(self) -> str:
        people = self.authors or self.editors
        if not people:
            return dict(self.fields).get("organization", "Anon")
        return people[0].split(",")[0].strip("{}")

    def plain(self, textual: bool) -> str:
        """A citation of this entry as plain text (floor a): "Surname (Year)" or "(Surname Year)"."""
        year = str(self.year) if self.year else "n.d."
        return f"{self.surname} ({year})" if textual else f"({self.surname} {year})"

    def reference(self) -> str:
        """One line of floor (a)'s plain-text reference list."""
        who = "; ".join(p.replace(",", "").strip("{}") for p in self.authors or self.editors) or self.surname
        return f"{who} ({self.year or 'n.d.'}). {self.title}."


@dataclass(frozen=True)
class SynthBook:
    """Where a generated book is and what it holds."""

    root: Path
    chapters: int
    entries: int
    variant: str
    edit_chapter: Path  # the chapter whose marker citation an edit swaps
    edit_docname: str
    bib_edit_key: str = ""  # the entry a .bib edit retitles
    project_keys: tuple[str, ...] = field(default=(), repr=False)  # entries copied from the project

    @property
    def srcdir(self) -> Path:
        return self.root / "book"


def _person(rng: random.Random, cyrillic: bool) -> str:
    if cyrillic:
        return f"{rng.choice(CYRILLIC_SURNAMES)}, {rng.choice(CYRILLIC_GIVEN)}"
    return f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}"


def _title(rng: random.Random, cyrillic: bool) -> str:
    words = CYRILLIC_WORDS if cyrillic else WORDS
    return " ".join(rng.choice(words) for _ in range(rng.randint(5, 10))).capitalize()


def _entry(i: int, rng: random.Random) -> Entry:
    """Entry number ``i``: types in about the real bibliography's proportions."""
    kind = rng.choice(
        ("article",) * 6 + ("online",) * 4 + ("book", "book", "misc", "misc", "techreport", "incollection")
        + ("collection",)
    )  # fmt: skip
    cyrillic = rng.random() < 0.2
    corporate = kind in {"online", "misc", "techreport"} and rng.random() < 0.4
    authors = (
        (f"{{{rng.choice(ORGANISATIONS)}}}",)
        if corporate
        else tuple(_person(rng, cyrillic and j == 0) for j in range(rng.randint(1, 4)))
    )
    year: int | None = rng.randint(1995, 2024) if rng.random() > 0.15 else None
    venue = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} Review"
    publisher, place = rng.choice(PUBLISHERS)
    fields: list[tuple[str, str]] = []
    editors: tuple[str, ...] = ()
    if kind == "article":
        fields += [("journal", venue), ("volume", str(rng.randint(1, 60)))]
        if rng.random() < 0.5:
            fields.append(("number", str(rng.randint(1, 12))))
        first = rng.randint(1, 400)
        fields.append(("pages", f"{first}--{first + rng.randint(5, 30)}"))
        if rng.random() < 0.4:
            fields.append(("doi", f"10.{rng.randint(1000, 9999)}/synth.{i}"))
    elif kind == "online":
        fields.append(("organization", rng.choice(ORGANISATIONS)))
    elif kind in {"book", "collection"}:
        fields += [("publisher", publisher), ("address", place)]
        if rng.random() < 0.5:
            fields.append(("isbn", f"978-5-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{i % 10}"))
        if kind == "collection":
            editors, authors = authors if not corporate else (_person(rng, cyrillic),), ()
    elif kind == "incollection":
        editors = (_person(rng, False),)
        first = rng.randint(1, 300)
        fields += [("booktitle", _title(rng, False)), ("publisher", publisher), ("address", place),
                   ("pages", f"{first}--{first + rng.randint(10, 40)}")]  # fmt: skip
    elif kind == "techreport":
        fields += [("institution", rng.choice(ORGANISATIONS)), ("type", "Working Paper"),
                   ("number", str(rng.randint(1, 999)))]  # fmt: skip
    elif kind == "misc":
        fields.append(("howpublished", f"Order No. {rng.randint(100, 2000)}"))
    if cyrillic:
        fields.append(("langid", "russian"))
    if kind == "online" or rng.random() < 0.3:
        fields += [("url", f"https://example.org/synth/{i}"), ("urldate", "2026-11-23")]
    if rng.random() < 0.6:
        fields.append(("note", rng.choice(NOTES)))
    return Entry(f"e{i:05d}", kind, authors, _title(rng, cyrillic), year, tuple(fields), editors)


def make_entries(count: int, seed: int = 1, reserved: int = 0) -> list[Entry]:
    """``count`` deterministic entries, the two edit-marker entries included, less ``reserved``
    (the project's own entries that share the bibliography); at least one of its own, whatever the
    project holds, so that every chapter has an entry to cite."""
    rng = random.Random(seed)
    entries = [_entry(i, rng) for i in range(max(count - reserved - len(EDIT_KEYS), 1))]
    for key in EDIT_KEYS:
        entries.append(
            Entry(key, "article", ("Marker, Edith",), EDIT_TITLES[key], 2020, (("journal", "Bench Journal"),))
        )
    return entries


def _cite(variant: str, keys: Sequence[Entry], textual: bool) -> str:
    if variant == "a":
        return "; ".join(entry.plain(textual) for entry in keys)
    role = "cite:t" if textual else "cite:p"
    return f"{{{role}}}`{','.join(entry.key for entry in keys)}`"


def chapter_text(
    number: int, variant: str, entries: Sequence[Entry], marker: str | None, original: str = ""
) -> str:
    """One chapter of ~1,200 words in four sections with 12 citations (one may be the edit marker)."""
    rng = random.Random(number * 7919)
    pool = [e for e in entries if e.key not in EDIT_KEYS]
    cited = [pool[(number * CITES_PER_CHAPTER + i * 37) % len(pool)] for i in range(CITES_PER_CHAPTER)]
    lines = ["---", f"original: {original}", "---", ""] if original else []
    lines += [f"# Chapter {number}: {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}", ""]
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
    """conf.py for a stock variant: a = myst + basic; b = + bibtex; book = + book theme.

    (b) and the book theme keep sphinxcontrib-bibtex's defaults except the formatting style: pybtex's
    stock styles cannot format the biblatex types the bibliography holds (@online, @collection).
    The variant ``ours`` has no conf of its own: it builds with the project's.
    """
    if variant == "ours":
        raise ValueError("the variant 'ours' builds with the project's own conf.py")
    extensions = ["myst_parser"]
    if variant != "a":
        extensions.append("sphinxcontrib.bibtex")
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
        lines += ['bibtex_bibfiles = ["refs.bib"]', 'bibtex_default_style = "litreview"']
    return "\n".join(lines) + "\n"


def _toctree(entries: list[str], caption: str | None = None, hidden: bool = False) -> list[str]:
    options = [f":caption: {caption}"] if caption else []
    options += [":hidden:"] if hidden else []
    return ["```{toctree}", *options, ":maxdepth: 2", "", *entries, "```", ""]


def _directive(name: str, *body: str) -> list[str]:
    return [f"```{{{name}}}", *body, "```", ""]


def project_bib(project: Path) -> tuple[str, list[str]]:
    """The project's refs.bib text and its keys, in file order."""
    from litreview.core import bib

    path = project / "refs.bib"
    text = bib.read_text(path)
    return text, [entry.key for entry in bib.scan(path, text).entries]


def _project_references(project: Path) -> list[str]:
    """Floor (a)'s plain-text lines for the project's own entries."""
    from litreview.core import bib

    data = bib.parse(project / "refs.bib")
    lines = []
    for entry in data.entries.values():
        who = "; ".join(n.display for n in bib.makers(entry)) or "Anon"
        lines.append(f"{who} ({bib.year(entry) or 'n.d.'}). {bib.field_text(entry, 'title')}.")
    return lines


def _back_matter(variant: str, project_refs: list[str], bib: list[Entry]) -> dict[str, list[str]]:
    """The review page, How to cite and References: ours with the book's directives, the others
    the same pages in plain text (the same number of pages for every variant)."""
    ours = variant == "ours"
    review = ["# Review", "", "The articles side by side, and the dated events they mention.", ""]
    if ours:
        review += _directive("corpus-table")
        review += _directive("timeline-figure", "Dated events mentioned by the articles.")
        review += _directive("timeline-table")
    cite = ["# How to cite", "", "Cite the book, a chapter of the review, or an article.", ""]
    if ours:
        cite += ["## The book", "", *_directive("cite-book")]
        cite += ["## The review", "", *_directive("cite-review-chapters")]
        cite += ["## The articles", "", *_directive("cite-originals")]
    refs = ["# References", ""]
    if variant == "a":
        refs += [f"- {line}" for line in [*project_refs, *(e.reference() for e in bib)]] + [""]
    else:
        refs += (_directive("bibliography-downloads") if ours else []) + _directive("bibliography", ":all:")
    return {"review/overview.md": review, "how-to-cite.md": cite, "references.md": refs}


def generate(
    root: Path,
    chapters: int,
    entries: int,
    variant: str = "book",
    marker: str = EDIT_KEYS[0],
    parts: int = 0,
    works_cited: bool = False,
    project: Path | None = None,
) -> SynthBook:
    """Write a synthetic book with ``chapters`` chapters and ``entries`` bib entries into ``root``.

    ``project``: the project whose own entries open the bibliography (for every variant, so all
    build the same sources) and whose conf.py, CITATION.cff, seeds and timeline the variant ``ours``
    builds with; required for ``ours``. By default the chapters sit in one toctree and one ``:all:``
    bibliography lists the entries. ``parts`` groups them into that many part pages (a nested
    navigation tree, with a hidden toctree and an external link), and ``works_cited`` ends each
    chapter with its own filtered bibliography, as the real book does.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    if variant == "ours" and project is None:
        raise ValueError("the variant 'ours' needs the project (its conf.py, CITATION.cff, seeds)")
    src = root / "book"
    src.mkdir(parents=True, exist_ok=True)
    project_text, project_keys = project_bib(project) if project else ("", [])
    bib = make_entries(entries, reserved=len(project_keys))
    if variant == "ours":
        assert project is not None
        for name in PROJECT_FILES:
            shutil.copy2(project / name, root / name)
        shutil.copytree(project / "seeds", root / "seeds", dirs_exist_ok=True)
        (src / TIMELINE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / "book" / TIMELINE, src / TIMELINE)
    else:
        (root / "conf.py").write_text(conf_text(variant), encoding="utf-8")
    if variant != "a":
        generated = "\n\n".join(e.bibtex() for e in bib) + "\n"
        (root / "refs.bib").write_text(project_text.rstrip() + "\n\n" + generated, encoding="utf-8")
    originals = [e for e in bib if e.key not in EDIT_KEYS]
    edit_number = max(1, chapters // 2)
    groups: dict[str, list[str]] = {}
    docnames: dict[int, str] = {}
    for number in range(1, chapters + 1):
        folder = f"{ARTICLES}/part{(number - 1) * parts // chapters + 1:02d}" if parts else ARTICLES
        docnames[number] = f"{folder}/ch{number:04d}"
        groups.setdefault(folder, []).append(docnames[number])
        original = originals[(number - 1) % len(originals)].key
        text = chapter_text(number, variant, bib, marker if number == edit_number else None, original)
        if works_cited and variant != "a":
            text += (
                "\n## Works cited\n\n```{bibliography}\n:list: bullet\n:filter: docname in docnames\n```\n"
            )
        (src / folder).mkdir(parents=True, exist_ok=True)
        (src / f"{docnames[number]}.md").write_text(text, encoding="utf-8")
    index = ["# Synthetic book", "", "A generated book for measuring build speed.", ""]
    if variant == "ours":
        index += _directive("book-downloads")
    if parts:
        for folder, names in groups.items():
            part = f"part{folder[-2:]}"
            title = f"# Part {int(folder[-2:])}\n\nChapters of this part.\n\n"
            (src / f"{part}.md").write_text(title + "\n".join(_toctree(names)), encoding="utf-8")
        index += _toctree([f"part{folder[-2:]}" for folder in groups], caption="Parts")
        index += _toctree(["Sphinx <https://www.sphinx-doc.org/>"], caption="Elsewhere")
        (src / "colophon.md").write_text("# Colophon\n\nHow this book was made.\n", encoding="utf-8")
        index += _toctree(["colophon"], hidden=True)
    else:
        index += _toctree(groups[ARTICLES], caption="Chapters")
    index += _toctree(["review/overview"], caption="The review")
    index += _toctree(["references", "how-to-cite"], caption="Back matter")
    (src / "index.md").write_text("\n".join(index), encoding="utf-8")
    project_refs = _project_references(project) if project and variant == "a" else []
    for name, lines in _back_matter(variant, project_refs, bib).items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text("\n".join(lines), encoding="utf-8")
    edit_doc = docnames[edit_number]
    bib_edit_key = originals[len(originals) // 3].key if originals else ""
    return SynthBook(root, chapters, entries, variant, src / f"{edit_doc}.md", edit_doc, bib_edit_key,
                     tuple(project_keys))  # fmt: skip


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


def edit_bib_entry(book: SynthBook) -> str:
    """Retitle one entry (append or remove :data:`BIB_EDIT_SUFFIX`); return its new title.

    In refs.bib; for floor (a), which has no .bib, in the References page's plain-text list.
    """
    path = book.srcdir / "references.md" if book.variant == "a" else book.root / "refs.bib"
    text = path.read_text(encoding="utf-8")
    if book.variant == "a":
        entries = make_entries(book.entries, reserved=len(book.project_keys))
        entry = next(e for e in entries if e.key == book.bib_edit_key)
        line = entry.reference()
        prefix = line[: len(line) - len(entry.title) - 1]
        start = text.index(f"- {prefix}{entry.title}") + 2 + len(prefix)
    else:
        start = text.index("title", text.index(f"{{{book.bib_edit_key},"))
        start = text.index("{", start) + 1
    end = text.index("}" if book.variant != "a" else ".\n", start)
    title = text[start:end]
    new = title.removesuffix(BIB_EDIT_SUFFIX) if title.endswith(BIB_EDIT_SUFFIX) else title + BIB_EDIT_SUFFIX
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return new
