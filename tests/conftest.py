"""Shared fixtures: throw-away copies of a project, and one real build of the essay."""

from __future__ import annotations

import contextlib
import fcntl
import os
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


@contextlib.contextmanager
def made_once(tmp_path_factory, name: str):
    """Yield ``(folder, done)`` for a fixture every test process shares: the first
    process to get here makes it in ``folder`` (``done`` False) while the others wait,
    then they find it made (``done`` True). With pytest-xdist the processes share the
    parent of their temporary folders; alone, the folder is this session's."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / f"shared-{name}"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = (folder / ".made").is_file()
        folder.mkdir(exist_ok=True)
        yield folder, done
        (folder / ".made").touch()


@pytest.fixture(scope="session")
def essay(tmp_path_factory) -> dict[str, Path]:
    """Build every output of the real essay once per test run; map target -> path."""
    with made_once(tmp_path_factory, "essay") as (folder, done):
        root = folder / "essay"
        if not done:
            copy_project(root)
            Build(root).run(["all"])
    from zinepress.source.load import load_book
    book = load_book(root)
    outputs = {name: recipe.path(book) for name, recipe in RECIPES.items()}
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


MUSE_FIXTURES = FIXTURES / "muse"


@pytest.fixture(scope="session")
def imported(tmp_path_factory) -> dict[str, Path]:
    """Import the three Muse fixtures once per session; map file stem -> project root."""
    import datetime as dt

    from zinepress.library.importer import import_muse
    base = tmp_path_factory.mktemp("imported")
    return {muse.stem: import_muse(muse, base / muse.stem, today=dt.date(2026, 11, 25)).root
            for muse in sorted(MUSE_FIXTURES.glob("*.muse"))}
