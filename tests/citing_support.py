"""Helpers for the citing tests: build the small citing book, read meta tags and bibliographies."""

from __future__ import annotations

from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from pybtex.database import BibliographyData, Person, parse_file

from support import Build, RootBuild, build_root, copy_root


def build_fixture(dest: Path, base_url: str = "") -> RootBuild:
    """Copy the citing test root to ``dest`` and build its HTML, with ``html_baseurl`` = base_url."""
    return build_root(copy_root("citing", dest), html_baseurl=base_url)


def project_of(build: Build | RootBuild) -> Path:
    """The project (or test root) a build was made from: where its refs.bib and CITATION.cff are."""
    return build.srcdir if isinstance(build, RootBuild) else build.outdir.parents[1]


def page(build: Build | RootBuild, name: str) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup((build.outdir / name).read_text(encoding="utf-8"), "html.parser")


def metas(soup: BeautifulSoup, name: str) -> list[str]:
    """The contents of every ``<meta name=NAME>`` in the page's head, in order."""
    return [m["content"] for m in soup.find_all("meta", attrs={"name": name})]


def og(soup: BeautifulSoup, prop: str) -> list[str]:
    """The contents of every ``<meta property=PROP>`` (OpenGraph)."""
    return [m["content"] for m in soup.find_all("meta", attrs={"property": prop})]


def bib(project: Path) -> BibliographyData:
    """The project's refs.bib, read with pybtex as the book reads it."""
    return parse_file(str(project / "refs.bib"), "bibtex")


def unbraced(value: str) -> str:
    """A field without BibTeX braces (our refs.bib writes real UTF-8, no LaTeX escapes)."""
    return value.replace("{", "").replace("}", "")


def family(person: Person) -> str:
    """The family name with its particle, as plain text ("van der Berg", "Петров")."""
    return unbraced(" ".join(person.prelast_names + person.last_names))


def given(person: Person) -> str:
    return unbraced(" ".join(person.first_names + person.middle_names))


def is_organisation(person: Person) -> bool:
    """A name written wholly in braces in refs.bib: ``{World Bank}``."""
    last = person.last_names
    return len(last) == 1 and last[0].startswith("{") and not person.first_names


def cff(project: Path) -> dict:
    """CITATION.cff as data."""
    return yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))


def cff_people(project: Path, role: str) -> list[dict]:
    """The preferred citation's people in a role ("authors", "editors"), as CITATION.cff lists them."""
    data = cff(project)
    preferred = data.get("preferred-citation") or {}
    return preferred.get(role) or data["authors"]


def cff_family(person: dict) -> str:
    """A CFF person's family name with particle, or an entity's name."""
    if "name" in person:
        return person["name"]
    return " ".join(p for p in (person.get("name-particle", ""), person["family-names"]) if p)
