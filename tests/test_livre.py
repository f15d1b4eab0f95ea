"""A French book made the way a newcomer makes one: `zinepress new`, three chapters, `build`.

Three chapters that each number their notes from ``[^1]``, two authors and a
translator, a Creative Commons licence, a 250-character title, and every Markdown
form a zine uses (poem, section break, lists in notes, nested lists, headings to
level 6, a table and an image with captions, code, an epigraph, definitions). Built
once per session through the real command line; the tests read its PDF and EPUB back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml

from pdfread import page_texts, squash
from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES
from zinepress.source import scaffold
from zinepress.source.load import load_book

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "livre" / "source"
TITLE = ("Sur la nécessité de l’entraide dans les petites choses : essai sur les cuisines "
         "collectives, les imprimeries de quartier, les bibliothèques sans murs et toutes les "
         "manières de faire ensemble ce que personne ne ferait seul, suivi de notes et de poèmes")
SHORT = "Sur la nécessité de l’entraide dans les petites choses"
CHAPTERS = [("01-les-cuisines.md", "Les cuisines collectives"),
            ("02-formes.md", "Formes de l’entraide"),
            ("03-les-imprimeries.md", "Les imprimeries de quartier")]
# Note bodies in call order: chapter 1 has two, chapter 2 two, chapter 3 two, each from [^1].
NOTES = ["Trois cuisines au moins", "Voir le troisième chapitre",
         "Chaque chapitre numérote", "Une note qui cite un vers",
         "Souvent une ancienne boutique", "Et aux lectrices"]


def zinepress(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="session")
def livre(tmp_path_factory) -> dict[str, Path]:
    """`zinepress new`, the fixture's chapters and metadata, `zinepress build`; map output -> path."""
    root = tmp_path_factory.mktemp("livre") / "livre"
    made = zinepress("new", str(root), "--title", TITLE, "--author", "Louise Michel-Duval",
                     "--lang", "fr", "--license", "CC-BY-NC-SA-4.0")
    assert made.returncode == 0, made.stderr
    (root / "source" / "01-start.md").unlink()
    for path in FIXTURE.iterdir():
        shutil.copy(path, root / "source" / path.name)
    meta_path = root / "source" / "metadata.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta.update({"author": ["Louise Michel-Duval", {"name": "Élisée Martin",
                                                    "file-as": "Martin, Élisée"}],
                 "translator": "Ana Lima", "date": "1998-03"})
    del meta["chapters"]
    meta_path.write_text(scaffold.metadata_yaml(meta, [
        scaffold.NewChapter(file, title, "") for file, title in CHAPTERS]), encoding="utf-8")
    built = zinepress("--root", str(root), "build")
    assert built.returncode == 0, built.stderr
    book = load_book(root)
    return {"root": root, **{name: recipe.path(book) for name, recipe in RECIPES.items()}}


@pytest.fixture(scope="session")
def pdf_text(livre) -> str:
    return squash(" ".join(page_texts(livre["pdf"])))


@pytest.fixture(scope="session")
def epub_files(livre) -> dict[str, str]:
    with zipfile.ZipFile(livre["epub"]) as epub:
        return {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                if name.endswith((".xhtml", ".opf", ".ncx", ".svg"))}


def english_words() -> list[str]:
    """Return the fixed words of every English label that French says otherwise."""
    tables = {lang: yaml.safe_load((ROOT / "templates" / "lang" / f"{lang}.yaml").read_text())
              for lang in ("en", "fr")}
    found = []
    for key, english in tables["en"]["labels"].items():
        if tables["fr"]["labels"][key] != english:
            found += [part.strip() for part in re.split(r"\{[^}]*\}", english) if len(part) > 4]
    found += [text for text in tables["en"]["pass-it-on"].values()]
    return found + ["Table of Contents", "Landmarks", "Cover", "Title Page", "licensed"]


def test_every_output_is_built(livre):
    from zinepress.build.recipes import made_for
    for name in made_for(load_book(livre["root"])):
        assert livre[name].is_file() and livre[name].stat().st_size > 1000, name


def test_pdf_speaks_french_with_no_english_label_left(pdf_text):
    for words in ("Table des matières", "Traduit par Ana Lima", "Édition 1, 25 novembre",
                  "Louise Michel-Duval et Élisée Martin", "mars 1998",
                  "Composé avec zinepress"):
        assert words in pdf_text or words.startswith("Édition"), words
    assert re.search(r"Édition 1, \d{1,2} \w+ \d{4}\.", pdf_text)
    left = [words for words in english_words() if words in pdf_text]
    assert left == []


def test_pdf_numbers_the_notes_through_the_book(livre, pdf_text):
    for number, start in enumerate(NOTES, start=1):
        assert f"{number}. {start}" in pdf_text, (number, start)
    from pdfread import destination_pages
    dests = destination_pages(livre["pdf"])
    for n in range(1, len(NOTES) + 1):
        assert dests[f"note-{n}"] == dests[f"noteref-{n}"], f"note {n} on its call's page"


def test_pdf_licence_wording(pdf_text):
    assert ("Ce texte est placé sous la licence Creative Commons Attribution - Pas "
            "d’utilisation commerciale - Partage dans les mêmes conditions 4.0 International "
            "(CC BY-NC-SA 4.0).") in pdf_text
    assert "https://creativecommons.org/licenses/by-nc-sa/4.0/" in pdf_text
    assert "faites-le circuler, mais sans le vendre à profit." in pdf_text
    assert "Anti-copyright" not in pdf_text


def test_long_title_runs_in_short_form(livre):
    """Running heads carry the title before its colon, on one line."""
    pages = page_texts(livre["pdf"])
    heads = [text for text in pages if f"{SHORT}\n" in text and "bibliothèques" not in text]
    assert heads, "a left page carries the short title as its running head"
    full = sum(squash(text).count("bibliothèques sans murs") for text in pages)
    assert full == 2, "the full title is on the title page and in the colophon only"


def test_epub_metadata_people_licence_and_language(epub_files):
    opf = next(text for name, text in epub_files.items() if name.endswith(".opf"))
    assert re.search(r"<dc:language>fr</dc:language>", opf)
    creators = re.findall(r'<dc:creator id="([^"]+)">([^<]+)</dc:creator>', opf)
    assert [name for _, name in creators] == ["Louise Michel-Duval", "Élisée Martin"]
    for ident, _ in creators:
        assert re.search(rf'refines="#{ident}" property="role" scheme="marc:relators">aut<', opf)
    assert re.search(r'refines="#%s" property="file-as">Martin, Élisée<' % creators[1][0], opf)
    contributor = re.search(r'<dc:contributor id="([^"]+)">Ana Lima</dc:contributor>', opf)
    assert contributor and re.search(
        rf'refines="#{contributor.group(1)}" property="role" scheme="marc:relators">trl<', opf)
    assert "<dc:rights>Ce texte est placé sous la licence Creative Commons" in opf
    cover = next(text for name, text in epub_files.items() if name.endswith(".svg"))
    assert "CC BY-NC-SA 4.0" in cover and "ANTI-COPYRIGHT" not in cover


def test_epub_notes_french_labels_and_no_english(epub_files):
    body = " ".join(text for name, text in sorted(epub_files.items())
                    if name.endswith(".xhtml"))
    calls = re.findall(r'epub:type="noteref"[^>]*><sup>(\d+)</sup>', body)
    assert calls == [str(n) for n in range(1, len(NOTES) + 1)]
    text = squash(re.sub(r"<[^>]+>", " ", body))
    assert "Table des matières" in text and "Traduit par Ana Lima" in text
    assert "mais sans le vendre à profit" in text
    left = [words for words in english_words() if words in text]
    assert left == []


def test_chapter_numbering_restarts_when_asked(livre, tmp_path):
    """`footnotes: {numbering: chapter}`: labels restart, ids stay unique (no second build)."""
    from zinepress.convert.pandoc import print_chapters, read_ast
    root = shutil.copytree(livre["root"] / "source", tmp_path / "p" / "source").parent
    meta = root / "source" / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\nfootnotes: {numbering: chapter}\n",
                    encoding="utf-8")
    book = load_book(root)
    html = "".join(ch.html for ch in print_chapters(book, read_ast(book)))
    shown = re.findall(r'class="footnote" data-n="(\d+)"', html)
    ids = re.findall(r'id="note-(\d+)"', html)
    assert shown == ["1", "2", "1", "2", "1", "2"]
    assert ids == ["1", "2", "3", "4", "5", "6"]


def font_sizes(path: Path) -> dict[str, float]:
    """Return the font size of the first run of each text in the PDF (points, scaled)."""
    sizes: dict[str, float] = {}
    for page in pypdf.PdfReader(str(path)).pages:
        def visit(text, cm, tm, font, size):
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            if text.strip():
                sizes.setdefault(text.strip(), round(size * scale, 2))
        page.extract_text(visitor_text=visit)
    return sizes


def test_markdown_forms_are_set_in_print(livre, pdf_text):
    for words in ("Nous avons plié les feuilles", "Les cuisines et leurs couverts.",
                  "Une feuille pliée en deux, vue de dessus.", "make check",
                  "Une petite publication faite à la main.", "Proverbe d’atelier"):
        assert words in pdf_text, words
    # A list inside a note keeps its items apart ("item oneitem two" was the bug).
    assert "le samedi ; la cantine" not in pdf_text.replace("\n", " ")
    sizes = font_sizes(livre["pdf"])
    body = next(size for text, size in sizes.items() if text.startswith("Texte sous le sixième"))
    levels = [sizes[f"Un {word} niveau"] for word in ("troisième", "quatrième", "cinquième",
                                                       "sixième")]
    assert all(size >= body for size in levels), (body, levels)
    assert sizes["Un poème"] > levels[0] >= levels[-1]


def test_markdown_forms_reach_the_epub(epub_files):
    body = " ".join(text for name, text in epub_files.items() if name.endswith(".xhtml"))
    for tag in ('<div class="line-block">', "<hr", "<caption>", "<figcaption",
                "<dl>", "<h6", "<pre", 'class="epigraph"', "<ol", "<table"):
        assert tag in body, tag


def test_pdf_assembled_from_parts_equals_the_whole_book(livre, tmp_path, monkeypatch):
    """Poems, tables, figures and code laid out part by part, as in one piece. (The
    book's three chapters share one layout, so the build lays it out in one piece;
    here it is made in parts.)"""
    from test_parts import assert_same_book, in_parts, whole_book
    root = shutil.copytree(livre["root"], tmp_path / "p", ignore=shutil.ignore_patterns("build"))
    in_parts(monkeypatch)
    Build(root).run(["pdf"])
    assert_same_book(whole_book(root, "pdf", tmp_path / "whole.pdf"),
                     RECIPES["pdf"].path(load_book(root)))
