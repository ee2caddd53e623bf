"""LaTeX → plain text: the fast path (no decoding for text the decoder would not change) engages,
and gives what the decoder gives."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from pybtex.plugin import find_plugin
from pybtex.richtext import Text

from litreview.bench import synthbook
from litreview.core import bib, latex
from support import ROOT

#: Characters whose combinations the fast path must judge right: TeX's ligatures and quotes are
#: made of them, and white space is collapsed by the decoder.
TRICKY = "?!`'-<>,.^_#&@\"|/ \t\n\r\u00a0"


TEXT = find_plugin("pybtex.backends", "text")()


def decoded(value: str) -> str:
    """What the decoder gives (``render_as("text")``, with the backend looked up once)."""
    return Text.from_latex(value).render(TEXT)


def field_values(path: Path) -> list[str]:
    data = bib.parse(path)
    values = [str(v) for entry in data.entries.values() for v in entry.fields.values()]
    values += [str(p) for entry in data.entries.values() for people in entry.persons.values() for p in people]
    return values


def test_the_fast_path_gives_what_the_decoder_gives_for_every_pair_of_tricky_characters() -> None:
    for combo in itertools.chain(TRICKY, itertools.product(TRICKY, repeat=2)):
        run = "".join(combo)
        for value in (f"a{run}b", f"{run}b", f"a{run}"):
            if not latex.needs_decoding(value):  # the fast path returns it as it is
                assert value == decoded(value), repr(value)


def test_the_fast_path_gives_what_the_decoder_gives_for_every_field_of_the_bibliographies(
    tmp_path: Path,
) -> None:
    book = synthbook.generate(tmp_path / "book", 2, 300, "b", project=ROOT)
    values = field_values(ROOT / "refs.bib") + field_values(book.root / "refs.bib")
    assert len(values) > 1000
    fast = [v for v in values if not latex.needs_decoding(v)]
    assert len(fast) > len(values) / 2  # most fields have nothing to decode
    assert [v for v in fast if v != decoded(v)] == []


@pytest.fixture
def decoder(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Callable[[str], Text]]:
    """The LaTeX decoder (``Text.from_latex``) counting its calls: the list of values it decoded,
    and the counting decoder itself."""
    calls: list[str] = []
    original = Text.from_latex

    def counting(value: str) -> Text:
        calls.append(value)
        return original(value)

    monkeypatch.setattr(latex.Text, "from_latex", staticmethod(counting))
    return calls, counting


def test_the_fast_path_engages(decoder: tuple[list[str], Callable[[str], Text]]) -> None:
    calls, _ = decoder
    latex.latex_to_text.cache_clear()
    assert latex.latex_to_text("Цифровая экономика: a survey, 2019") == "Цифровая экономика: a survey, 2019"
    assert calls == []  # nothing to decode: the decoder is not called
    assert latex.latex_to_text("pp. 1--30, {\\&} more") == "pp. 1–30, & more"
    assert calls == ["pp. 1--30, {\\&} more"]
    latex.latex_to_text.cache_clear()


def test_the_bibliography_style_formats_every_entry_as_with_the_decoder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decoder: tuple[list[str], Callable[[str], Text]]
) -> None:
    """The book's style reads fields through the fast path; every entry of refs.bib and of a
    synthetic bibliography comes out as it does when every field goes through the decoder."""
    book = synthbook.generate(tmp_path / "book", 2, 300, "b", project=ROOT)
    bibs = (ROOT / "refs.bib", book.root / "refs.bib")
    entries = [entry for path in bibs for entry in bib.parse(path).entries.values()]
    style = find_plugin("pybtex.style.formatting", "litreview")()
    calls, counting = decoder
    fast = [e.text.render_as("html") for e in style.format_entries(entries)]
    decoded_fields = len(calls)
    monkeypatch.setattr(latex, "rich", counting)  # every field through the decoder
    slow = [e.text.render_as("html") for e in style.format_entries(entries)]
    assert fast == slow
    assert 0 < decoded_fields < (len(calls) - decoded_fields) / 2  # most fields skip the decoder
