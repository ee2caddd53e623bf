"""Publishing: the rights statement and colophon in every edition, the book's address everywhere
when it is set and nowhere when it is not, the Read the Docs config and the GitHub Pages workflow.

Expected values are computed from the sources (CITATION.cff, refs.bib, the lock file, the README),
through :mod:`litreview.core.rights`, their one home.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

from litreview.core import bib, rights
from litreview.core.book import load_book
from litreview.core.errors import BookInfoError, LitReviewError
from litreview.core.order import article_keys
from litreview.core.outputs import EDITIONS, FILE_STEM
from litreview.core.seeds import load_all
from litreview.tools import schemas
from support import ROOT, Build, copy_project, sphinx_build
from test_foundation import quickstart_commands

BASE = "https://example.org/russia-digital/"
DC = "{http://purl.org/dc/elements/1.1/}"
BOOK = load_book(ROOT / "CITATION.cff")


def expected_colophon(url: str = "") -> rights.Colophon:
    data = bib.parse(ROOT / "refs.bib")
    keys = article_keys(load_all(ROOT / "seeds"), data)
    return rights.colophon(BOOK, data.entries, keys, ROOT / "requirements" / "constraints.txt", url)


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(outdir: Path) -> list[Path]:
    """Every page of the book in an HTML build (not Sphinx's search and index pages)."""
    skip = {"search.html", "genindex.html"}
    return [p for p in outdir.rglob("*.html") if p.name not in skip and "_static" not in p.parts
            and "reading-lists" not in p.parts]  # fmt: skip


def text(node: BeautifulSoup) -> str:
    return " ".join(node.get_text().split())


def opf(epub: Path) -> ElementTree.Element:
    with zipfile.ZipFile(epub) as z:
        return ElementTree.fromstring(z.read("content.opf"))


# -- the rights module ----------------------------------------------------------------------------


def test_the_licence_is_the_one_citation_cff_names() -> None:
    licence = rights.licence(BOOK)
    assert licence.spdx == BOOK.license == "CC-BY-4.0"
    assert licence.url == "https://creativecommons.org/licenses/by/4.0/"
    assert licence.short in rights.rights_line(BOOK)


def test_an_unknown_or_missing_licence_is_a_clear_error() -> None:
    from dataclasses import replace

    with pytest.raises(BookInfoError, match="'Proprietary' is not one the book can name"):
        rights.licence(replace(BOOK, license="Proprietary"), ROOT / "CITATION.cff")
    with pytest.raises(BookInfoError, match="missing 'license'"):
        rights.licence(replace(BOOK, license=""))


def test_the_address_has_one_home_citation_cff_first_then_book_baseurl() -> None:
    from dataclasses import replace

    assert rights.address(BOOK, {}) == ""
    assert rights.address(BOOK, {"BOOK_BASEURL": "https://example.org/a"}) == "https://example.org/a/"
    published = replace(BOOK, url="https://books.example.net/rd/")
    assert (
        rights.address(published, {"BOOK_BASEURL": "https://example.org/a/"})
        == "https://books.example.net/rd/"
    )


def test_each_articles_rights_come_from_its_refs_bib_entry() -> None:
    colophon = expected_colophon()
    data = bib.parse(ROOT / "refs.bib")
    assert len(colophon.articles) == len(load_all(ROOT / "seeds"))
    for article in colophon.articles:
        entry = data.entries[article.key]
        makers = [n.display for n in bib.makers(entry)]
        assert list(article.makers) == makers and all(m in article.holders for m in makers)
        assert article.year == (bib.year(entry) or "n.d.")  # no year the entry does not give
        if "url" in entry.fields:
            assert entry.fields["url"] in article.line()
        assert "Copyright remains with" in article.line()


def test_tool_versions_come_from_the_lock_file(tmp_path: Path) -> None:
    pins = dict(re.findall(r"^(sphinx|myst-parser)==(\S+)$", (ROOT / "requirements" / "constraints.txt")
                           .read_text(encoding="utf-8"), flags=re.M))  # fmt: skip
    tools = dict(rights.tool_versions(ROOT / "requirements" / "constraints.txt"))
    assert tools["Sphinx"] == pins["sphinx"] and tools["MyST-Parser"] == pins["myst-parser"]
    lock = tmp_path / "constraints.txt"
    lock.write_text("sphinx==9.0.4\n", encoding="utf-8")
    with pytest.raises(LitReviewError, match="pins no version of myst-parser"):
        rights.tool_versions(lock)


# -- without an address: the rights everywhere, no address anywhere ------------------------------


@pytest.mark.slow
def test_every_page_footer_carries_the_rights_line_and_links_the_colophon(html_build: Build) -> None:
    line = rights.rights_line(BOOK)
    for path in pages(html_build.outdir):
        footer = soup_of(path).select_one(".component-rights")
        assert footer is not None and line in text(footer), path
        link = footer.find("a")
        target = (path.parent / link["href"]).resolve() if link["href"] != "#" else path
        assert target == (html_build.outdir / "colophon.html").resolve(), path
    assert "©" not in text(soup_of(html_build.outdir / "index.html").select_one("footer"))


@pytest.mark.slow
def test_the_colophon_page_states_licence_articles_tools_and_edition(html_build: Build) -> None:
    colophon = expected_colophon()
    shown = text(soup_of(html_build.outdir / "colophon.html").select_one("article"))
    for part in (colophon.own_text, colophon.articles_statement, colophon.made_with, colophon.edition,
                 *(a.line() for a in colophon.articles)):  # fmt: skip
        assert " ".join(part.split()) in shown
    assert "The book's address" not in shown


@pytest.mark.slow
def test_without_an_address_nothing_pretends_to_one(html_build: Build) -> None:
    assert not (html_build.outdir / "sitemap.xml").exists()
    for path in pages(html_build.outdir):
        soup = soup_of(path)
        assert soup.find("link", rel="canonical") is None, path
        assert soup.find("meta", attrs={"name": "citation_pdf_url"}) is None, path
        if "articles" not in path.relative_to(html_build.outdir).parts:  # a chapter names its original's
            assert soup.find("meta", attrs={"name": "citation_public_url"}) is None, path
    cite = text(soup_of(html_build.outdir / "how-to-cite.html").select_one("article"))
    assert "example.org" not in cite
    cite_page = soup_of(html_build.outdir / "how-to-cite.html")
    ours = [b.get_text() for b in cite_page.select(".how-to-cite-bibtex pre")]
    ours = [b for b in ours if b.startswith(("@book", "@incollection"))]
    assert ours and not any(re.search(r"^\s*url\s*=", b, flags=re.M) for b in ours)


@pytest.mark.slow
def test_the_epub_rights_are_the_rights_line_and_it_names_no_address(epub_build: Build) -> None:
    package = opf(epub_build.outdir / f"{FILE_STEM}.epub")
    assert package.find(f".//{DC}rights").text == rights.rights_line(BOOK)
    assert package.find(f".//{DC}source") is None


@pytest.mark.slow
def test_the_pdf_title_verso_is_the_colophon(pdf_build) -> None:
    latex, proc = pdf_build
    assert proc.returncode == 0, proc.stdout[-2000:]
    pdf = latex.outdir / f"{FILE_STEM}.pdf"
    verso = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    flat = " ".join(verso.replace("-\n", "").split())
    colophon = expected_colophon()
    assert rights.COLOPHON_TITLE in flat
    assert colophon.licence.short in flat and colophon.edition in flat
    for article in colophon.articles:
        assert article.title in flat
    assert "The book's address" not in flat and "http" not in flat.split("Made with")[-1]


# -- with an address: it is everywhere --------------------------------------------------------


@pytest.fixture(scope="module")
def addressed(tmp_path_factory: pytest.TempPathFactory, pdf_build) -> Path:
    """A copy of the project built with BOOK_BASEURL set: LaTeX, EPUB, then the HTML (which finds
    the session's PDF in place, as after `nox -s book`)."""
    project = copy_project(tmp_path_factory.mktemp("addressed") / "book")
    latex, _proc = pdf_build
    (project / EDITIONS["PDF"]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(latex.outdir / f"{FILE_STEM}.pdf", project / EDITIONS["PDF"])
    env = {**os.environ, "BOOK_BASEURL": BASE}
    for builder in ("latex", "epub", "html"):
        found = sphinx_build(project, builder, env=env)
        assert found.returncode == 0, found.stderr
    return project


@pytest.mark.slow
def test_with_an_address_every_page_is_canonical_and_in_the_sitemap(addressed: Path) -> None:
    outdir = addressed / "_build" / "html"
    sitemap = ElementTree.parse(outdir / "sitemap.xml").getroot()
    locs = {loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for path in pages(outdir):
        url = BASE + path.relative_to(outdir).as_posix()
        assert soup_of(path).find("link", rel="canonical")["href"] == url
        assert url in locs


@pytest.mark.slow
def test_with_an_address_scholar_gets_the_public_and_pdf_urls(addressed: Path) -> None:
    outdir = addressed / "_build" / "html"
    for name in ("index.html", "review/themes.html", "how-to-cite.html"):
        soup = soup_of(outdir / name)
        public = soup.find_all("meta", attrs={"name": "citation_public_url"})
        pdf = soup.find_all("meta", attrs={"name": "citation_pdf_url"})
        assert [m["content"] for m in public] == [BASE + name]
        assert [m["content"] for m in pdf] == [f"{BASE}downloads/{FILE_STEM}.pdf"]
    assert (outdir / "downloads" / f"{FILE_STEM}.pdf").is_file()


@pytest.mark.slow
def test_with_an_address_how_to_cite_gives_it_for_the_book_and_each_chapter(addressed: Path) -> None:
    soup = soup_of(addressed / "_build" / "html" / "how-to-cite.html")
    blocks = [b.get_text() for b in soup.select(".how-to-cite-bibtex pre")]
    book = next(b for b in blocks if b.startswith(f"@book{{{BOOK.key},"))
    assert re.search(rf"^\s*url\s*=\s*\{{{re.escape(BASE)}\}},", book, flags=re.M)
    chapters = [b for b in blocks if b.startswith("@incollection")]
    review = sorted(p.stem for p in (ROOT / "book" / "review").glob("*.md"))
    assert len(chapters) == len(review)
    for name in review:
        assert any(f"{BASE}review/{name}.html" in b for b in chapters), name
    references = [text(p) for p in soup.select(".how-to-cite-reference")]
    assert any(BASE in r for r in references)
    assert sum(f"{BASE}review/" in r for r in references) == len(review)


@pytest.mark.slow
def test_with_an_address_the_colophon_pdf_title_page_and_epub_name_it(addressed: Path) -> None:
    colophon = text(soup_of(addressed / "_build" / "html" / "colophon.html").select_one("article"))
    assert expected_colophon(BASE).address_line in colophon
    sty = (addressed / "_build" / "latex" / "litcolophon.sty").read_text(encoding="utf-8")
    assert rf"\authoraddress{{\url{{{BASE}}}}}" in sty  # the title page
    assert rf"The book’s address: \url{{{BASE}}}" in sty  # the verso, with a typographic apostrophe
    package = opf(addressed / "_build" / "epub" / f"{FILE_STEM}.epub")
    assert package.find(f".//{DC}source").text == BASE
    assert package.find(f".//{DC}rights").text == rights.rights_line(BOOK)


# -- Read the Docs and GitHub Pages ----------------------------------------------------------------


def system_packages() -> list[str]:
    lines = (ROOT / "system-packages.txt").read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def test_read_the_docs_builds_the_readme_way_with_the_system_packages() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["build"]["os"].startswith("ubuntu-") and config["build"]["tools"]["python"] == "3.11"
    assert config["build"]["apt_packages"] == system_packages()  # `nox -s book` checks every one
    first = config["build"]["commands"][0]
    assert first.endswith(quickstart_commands()[0])
    assert 'BOOK_BASEURL="${READTHEDOCS_CANONICAL_URL}"' in first


@pytest.mark.slow
def test_read_the_docs_publishes_the_three_editions(
    html_build: Build, epub_build: Build, pdf_build, project_copy: Path, tmp_path: Path
) -> None:
    """Its commands after the build, run on the session's builds, leave HTML, PDF and EPUB in
    $READTHEDOCS_OUTPUT."""
    assert html_build.returncode == epub_build.returncode == pdf_build[1].returncode == 0
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "rtd"
    env = {**os.environ, "READTHEDOCS_OUTPUT": str(out)}
    for command in config["build"]["commands"][1:]:
        subprocess.run(["bash", "-c", f"set -euo pipefail; {command}"], cwd=project_copy, env=env, check=True)
    assert (out / "html" / "index.html").is_file() and (out / "html" / "colophon.html").is_file()
    assert (out / "pdf" / f"{FILE_STEM}.pdf").stat().st_size > 0
    assert (out / "epub" / f"{FILE_STEM}.epub").stat().st_size > 0


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))


def test_the_pages_workflow_runs_exactly_the_readme_commands_on_a_push_to_main() -> None:
    flow = workflow()
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    steps = flow["jobs"]["build"]["steps"]
    runs = [s["run"].strip() for s in steps if "run" in s and "nox" in s["run"]]
    assert runs == quickstart_commands()
    build = next(s for s in steps if s.get("run", "").strip() == quickstart_commands()[0])
    assert build["env"]["BOOK_BASEURL"] == "${{ steps.pages.outputs.base_url }}"
    assert any(s.get("id") == "pages" and s["uses"].startswith("actions/configure-pages@") for s in steps)


def test_the_pages_workflow_publishes_the_html_with_the_official_actions() -> None:
    flow = workflow()
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    upload = next(s for s in flow["jobs"]["build"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


# -- the configurations against their published schemas (check-jsonschema's vendored copies) ------


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_the_publishing_configuration_passes_its_schema(name: str) -> None:
    proc = schemas.check(schemas.SCHEMAS[name], ROOT / name)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_a_configuration_its_schema_rejects_fails_the_check(name: str, tmp_path: Path) -> None:
    """The check can fail: the same file with a key its schema does not allow at the top."""
    broken = tmp_path / Path(name).name
    broken.write_text((ROOT / name).read_text(encoding="utf-8") + "no-such-key: 1\n", encoding="utf-8")
    proc = schemas.check(schemas.SCHEMAS[name], broken)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no-such-key" in proc.stdout + proc.stderr
