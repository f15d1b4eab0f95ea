"""`zinepress new` and the README's "Make your own zine", followed word by word."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pdfread import page_texts, squash
from zinepress.build.recipes import RECIPES as TARGETS
from zinepress.errors import ZineError
from zinepress.source import scaffold
from zinepress.source.load import load_book
from zinepress.source.metadata import FIELDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> str:
    """Return the shell blocks of the README's "Make your own zine", in order, as one script."""
    section = README.split("## Make your own zine", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S))


@pytest.fixture(scope="session")
def readme_zine(tmp_path_factory) -> Path:
    """Run the README section's commands in a fresh home folder; return the zine's folder."""
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "HOME": str(home)}
    env.pop("MAKEFLAGS", None)
    proc = subprocess.run(["bash", "-e", "-c", readme_commands()], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home / "my-zine"


def test_readme_section_gives_a_finished_zine(readme_zine):
    build = readme_zine / "build"
    book = load_book(readme_zine)
    assert book.slug == "notes-from-the-kitchen-table"
    for target in TARGETS.values():
        path = target.path(book)
        assert path.is_file() and path.stat().st_size > 1000, target.name
    assert (build / "manifest.json").is_file()
    text = squash(" ".join(page_texts(build / f"{book.slug}.pdf")))
    assert "Ana Lima" in text and "Notes from the Kitchen Table" in text
    assert "The Second Part" in text
    # Both chapters start their notes at [^1]; the book numbers them on: 1, then 2.
    assert "2. A note, numbered on from the first chapter." in text
    assert not (readme_zine / "templates").exists(), "defaults travel with zinepress"


def test_new_project_explains_every_field_and_checks_clean(tmp_path):
    root = scaffold.new_project(tmp_path / "zine", title="Zine", author="A. Person")
    text = (root / "source" / "metadata.yaml").read_text(encoding="utf-8")
    for field in FIELDS:
        assert re.search(rf"^# {re.escape(field.name)} \((required|optional)\): ", text, re.M), \
            field.name
    data = yaml.safe_load(text)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", data["identifier"])
    assert list(data)[-1] == "chapters", "appending a chapter line must work"
    book = load_book(root)
    from zinepress.check.rules import check_book
    assert check_book(book) == []
    assert (root / "Makefile").read_text().count(sys.executable) == 1
    other = scaffold.new_project(tmp_path / "zine2")
    assert yaml.safe_load((other / "source" / "metadata.yaml").read_text())["identifier"] \
        != data["identifier"], "a fresh identifier each time"
    assert load_book(other).meta["title"] == "Zine2"


def test_create_project_takes_metadata_and_chapters(tmp_path):
    """The function `zinepress import` reuses: a root, a metadata dict and chapters."""
    meta = scaffold.default_metadata("Le Titre", author=["A", {"name": "B C", "file-as": "C, B"}],
                                     lang="fr", license="CC-BY-4.0",
                                     today=dt.date(2026, 1, 2), identifier="urn:uuid:x")
    meta["translator"] = "T"
    chapters = [scaffold.NewChapter("01-un.md", "Un", "Texte.[^1]\n\n[^1]: Note."),
                scaffold.NewChapter("02-deux.md", "Deux", "Suite.[^1]\n\n[^1]: Note.")]
    root = scaffold.create_project(tmp_path / "livre", meta, chapters,
                                   extra_files={"source/original/livre.txt": b"Texte. Suite."})
    book = load_book(root)
    assert [c.title for c in book.chapters] == ["Un", "Deux"]
    assert book.meta["edition"] == {"number": 1, "date": dt.date(2026, 1, 2)}
    assert book.meta["author"][1] == {"name": "B C", "file-as": "C, B"}
    assert (root / "source" / "original" / "livre.txt").read_bytes() == b"Texte. Suite."


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "keep.txt").write_text("mine")
    with pytest.raises(ZineError) as caught:
        scaffold.new_project(tmp_path / "z")
    assert caught.value.code == "Z130"
    assert (tmp_path / "z" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["z"], "no staging folder left"
    (tmp_path / "empty").mkdir()
    assert scaffold.new_project(tmp_path / "empty").is_dir(), "an empty folder is fine"


def test_default_templates_ship_with_the_package():
    """The wheel carries templates/ as package data: the link and the globs cover every file."""
    import tomllib

    from zinepress.render.layers import DEFAULT_TEMPLATES
    link = ROOT / "zinepress" / "templates"
    assert link.resolve() == (ROOT / "templates").resolve() == DEFAULT_TEMPLATES.resolve()
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["zinepress"]
    files = {p.relative_to(ROOT / "zinepress").as_posix()
             for p in link.rglob("*") if p.is_file()}
    covered = {f for f in files if any(Path(f).match(g) and f.count("/") == g.count("/")
                                       for g in globs)}
    assert files and covered == files


def test_project_templates_override_file_by_file(tmp_path):
    from zinepress.check.rules import check_book
    from zinepress.render.layers import DEFAULT_TEMPLATES, template_file
    from zinepress.render.templates import book_context, labels, render_template
    root = scaffold.new_project(tmp_path / "z", lang="fr")
    (root / "templates" / "lang").mkdir(parents=True)
    (root / "templates" / "lang" / "fr.yaml").write_text("labels: {contents: Sommaire}\n")
    (root / "templates" / "print.css").write_text(
        (DEFAULT_TEMPLATES / "print.css").read_text() + "\nh1 { color: red; }\n")
    book = load_book(root)
    assert check_book(book) == [], "the project's print.css finds the default fonts"
    assert template_file(root, "print.css") == (root / "templates" / "print.css").resolve()
    assert template_file(root, "book.html.j2") == DEFAULT_TEMPLATES.resolve() / "book.html.j2"
    words = labels(book)
    assert words["contents"] == "Sommaire" and words["colophon"] == "Colophon"
    html = render_template(root, "book.html.j2", {
        **book_context(book, {"pandoc": "x", "weasyprint": "y"}), "chapters": [],
        "colophon": "", "page": {"name": "a5", "size": "a5"}, "extra_css": [], "edition_css": [],
        "build_date": "2026-01-01"})
    assert "<h2>Sommaire</h2>" in html and "Table des matières" not in html
