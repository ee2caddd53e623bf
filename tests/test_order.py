"""One order of the articles everywhere a reader meets them (litreview.core.order).

The order is computed from refs.bib and the seeds' metadata; the tests check that it is the one
the review's method states, and that the sidebar, previous/next links, the front page, the
articles index, the corpus, appraisal and comparison tables all show the articles in it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from litreview.core import bib, myst_roles
from litreview.core.errors import SeedMetaError
from litreview.core.order import article_keys, reading_order
from litreview.core.seeds import SeedMeta, load_all, load_seed_meta
from support import ROOT, Build

METAS = load_all(ROOT / "seeds")
ORDER = article_keys(METAS, bib.parse(ROOT / "refs.bib"))
SLUG_KEY = {f"articles/{m.slug}": m.key for m in METAS}


def test_the_order_is_the_one_the_review_states() -> None:
    method = (ROOT / "book" / "review" / "method.md").read_text(encoding="utf-8")
    rule = next(line for line in method.splitlines() if line.startswith("Wherever the review orders"))
    stated = list(dict.fromkeys(myst_roles.cited_keys(rule, frozenset({"cite:t", "cite:p"}))))
    assert len(stated) >= 2
    # An article added since the review was written is not in its sentence yet (the review is an
    # editorial step, reminded of by N002); those it names come in the computed order.
    assert stated == [key for key in ORDER if key in stated]


def test_the_committed_articles_index_lists_them_in_that_order() -> None:
    index = (ROOT / "book" / "articles" / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}\n(?::.*\n)*\n(.*?)```", index, re.S).group(1).split()
    assert [SLUG_KEY[f"articles/{slug}"] for slug in toctree] == ORDER
    listed = re.findall(r"^- .*\]\(([\w-]+)\.md\)$", index, re.M)
    assert listed == toctree, "the visible list and the toctree disagree"


def meta(key: str, earliest: str = "") -> SeedMeta:
    return SeedMeta(slug=key, key=key, format="text", genre="essay", earliest=earliest)


BIB = parse_string(
    """
    @online{late, title = {L}, date = {2022-02-09}}
    @online{early, title = {E}, date = {2002/2003}}
    @online{undated, title = {U}, date = {XXXX}}
    @online{plain, title = {P}, year = {2010}}
    @online{never, title = {N}}
    """,
    "bibtex",
)


def test_dated_articles_go_by_date_inferred_ones_by_their_earliest_and_the_rest_last() -> None:
    metas = [meta("never"), meta("undated", "2022-07"), meta("late"), meta("plain"), meta("early")]
    placed = reading_order(metas, BIB)
    assert [p.meta.key for p in placed] == ["early", "plain", "late", "undated", "never"]
    assert [p.when for p in placed] == ["2002–2003", "2010", "2022", "undated, July 2022 or later", "undated"]


def test_ties_keep_the_seeds_order_and_an_inferred_year_sorts_before_its_months() -> None:
    metas = [meta("b", "2022"), meta("a", "2022"), meta("late"), meta("c", "2022-03")]
    assert [p.meta.key for p in reading_order(metas, BIB)] == ["b", "a", "late", "c"]


def test_a_malformed_earliest_date_is_reported_at_its_line(tmp_path: Path) -> None:
    source = next(ROOT.joinpath("seeds").glob("000_*.toml"))
    for name in (source.name, source.with_suffix(".txt").name):
        (tmp_path / name).write_bytes((source.parent / name).read_bytes())
    toml = tmp_path / source.name
    lines = toml.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("earliest"))
    lines[at] = 'earliest = "July 2022"'
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SeedMetaError) as err:
        load_seed_meta(toml)
    assert err.value.line == at + 1 and "earliest" in str(err.value)


# -- the built book: every place agrees ---------------------------------------------------------


def soup(build: Build, docname: str) -> BeautifulSoup:
    return BeautifulSoup((build.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def keys_cited(cells: list) -> list[str]:
    """The article keys cited in each cell (first one per cell), in order."""
    found = []
    for cell in cells:
        keys = [a["href"].partition("#cite-")[2] for a in cell.select("a[href*='#cite-']")]
        keys = [k for k in keys if k in ORDER]
        if keys:
            found.append(keys[0])
    return found


def page_keys(base: str, hrefs: list[str]) -> list[str]:
    docs = [posixpath.normpath(posixpath.join(posixpath.dirname(base), h.split("#")[0])) for h in hrefs]
    return [SLUG_KEY[d.removesuffix(".html")] for d in docs if d.removesuffix(".html") in SLUG_KEY]


@pytest.mark.slow
def test_sidebar_and_previous_next_follow_the_order(html_build: Build) -> None:
    assert html_build.returncode == 0, html_build.stderr[-3000:]
    sidebar = soup(html_build, "index").select("nav.bd-links a[href]")
    assert page_keys("index", [a["href"] for a in sidebar]) == ORDER
    chain, docname = [], "articles/index"
    while (nxt := soup(html_build, docname).select_one("a.right-next[href]")) is not None:
        docname = posixpath.normpath(posixpath.join(posixpath.dirname(docname), nxt["href"]))
        docname = docname.removesuffix(".html")
        if docname not in SLUG_KEY:
            break
        chain.append(SLUG_KEY[docname])
    assert chain == ORDER, "“Next” does not lead through the articles in order"


@pytest.mark.slow
def test_front_page_index_and_tables_follow_the_order(html_build: Build) -> None:
    front = soup(html_build, "index").select_one("article")
    lists = [keys_cited(ul.find_all("li", recursive=False)) for ul in front.find_all("ul")]
    assert ORDER in lists, f"the front page lists the articles otherwise: {lists}"
    index = soup(html_build, "articles/index").select_one("article")
    assert page_keys("articles/index", [li.a["href"] for li in index.select("li") if li.a]) == ORDER
    tables = {
        "review/corpus": ("corpus-table", "appraisal-table"),
        "review/comparison": ("comparison-table",),
    }
    for docname, ids in tables.items():
        page = soup(html_build, docname)
        for table_id in ids:
            table = page.find("table", id=table_id)
            assert table is not None, f"{docname}: no table {table_id}"
            rows = table.select("tbody tr")
            by_rows = keys_cited([row.find(["th", "td"]) for row in rows])
            by_columns = keys_cited(table.select("thead th"))
            assert ORDER in (by_rows, by_columns), f"{docname} {table_id}: {by_rows or by_columns}"
