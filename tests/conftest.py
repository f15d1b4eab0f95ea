"""Shared fixtures: throw-away copies of a project, and one real build of the essay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def copy_project(dest: Path, source: Path = ROOT / "source") -> Path:
    """Copy a source folder and the real templates into ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, dest / "source")
    shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A small valid project (three chapters, three notes, a quote, references)."""
    return copy_project(tmp_path / "tiny", FIXTURES / "tiny" / "source")


@pytest.fixture(scope="session")
def essay(tmp_path_factory) -> dict[str, Path]:
    """Build every output of the real essay once per test session; map target -> path."""
    root = copy_project(tmp_path_factory.mktemp("essay"))
    build = Build(root)
    build.run(["all"])
    outputs = {name: recipe.path(build.book) for name, recipe in RECIPES.items()}
    outputs["root"] = root
    return outputs


@pytest.fixture(scope="session")
def essay_book():
    from zinepress.source.load import load_book
    return load_book(ROOT)


def pytest_addoption(parser):
    parser.addoption("--keep-epubs", metavar="DIR", default=None,
                     help="copy every EPUB the tests built into DIR (for make a11y)")


def pytest_sessionfinish(session):
    """With ``--keep-epubs DIR``: copy the EPUBs built in this session's temporary folders."""
    keep = session.config.getoption("--keep-epubs")
    factory = getattr(session.config, "_tmp_path_factory", None)
    if not keep or factory is None:
        return
    out = Path(keep)
    out.mkdir(parents=True, exist_ok=True)
    base = factory.getbasetemp()
    for epub in sorted(base.rglob("*.epub")):
        if ".tmp-" not in epub.name:
            flat = "-".join(epub.relative_to(base).parts)
            shutil.copy(epub, out / flat)
