"""Incremental, parallel, reproducible builds: manifest decisions and scheduling order."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from zinepress.build import builder
from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES as TARGETS

# What the essay and the tiny book get: rows for other settings (a separate cover) are skipped.
BUILT = {name for name, recipe in TARGETS.items() if recipe.wanted is None}

ROOT = Path(__file__).resolve().parents[1]


def hashes(build_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(build_dir.iterdir()) if p.is_file()}


def rebuilt(results: dict[str, str]) -> set[str]:
    return {name for name, reason in results.items() if reason != "up to date"}


@pytest.fixture(scope="module")
def built_tiny(tmp_path_factory):
    """A tiny project built once; tests copy it so each starts from a built state."""
    from conftest import FIXTURES, copy_project
    root = copy_project(tmp_path_factory.mktemp("built") / "p", FIXTURES / "tiny" / "source")
    first = Build(root).run(["all"])
    assert rebuilt(first) == BUILT
    assert set(first.values()) == {"never built"}
    return root


@pytest.fixture
def project(built_tiny, tmp_path):
    import shutil
    dest = tmp_path / "p"
    shutil.copytree(built_tiny, dest)
    return dest


def test_build_py_with_no_arguments_builds_everything(project):
    """`python build.py` in a project folder is `build all` (here: all up to date)."""
    proc = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert {line.split()[0] for line in proc.stderr.splitlines()
            if line.endswith("up to date")} == BUILT


def test_a_title_too_long_for_a_file_name_is_cut_between_words(project):
    """A 300-character title once crashed the build with 'File name too long'."""
    from zinepress.source.load import slugify
    meta = project / "source" / "metadata.yaml"
    title = "Notes " + " ".join(f"on the question number {n}" for n in range(12))
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        'title: "A Tiny Zine!"', f'title: "{title}"'), encoding="utf-8")
    Build(project).run(["colophon"])
    [made] = [p.name for p in (project / "build").glob("notes-on-*-colophon.pdf")]
    stem = made.removesuffix("-colophon.pdf")
    assert len(title) > 300 and 50 < len(stem) <= 60
    assert slugify(title, limit=1000).startswith(stem + "-"), "cut between two words"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "lang: en\n", "lang: en\nslug: tiny\n"), encoding="utf-8")
    Build(project).run(["colophon"])
    assert (project / "build" / "tiny-colophon.pdf").is_file()


def test_nothing_changed_rebuilds_nothing(project):
    before = hashes(project / "build")
    results = Build(project).run(["all"])
    assert rebuilt(results) == set()
    assert hashes(project / "build") == before


def test_epub_stylesheet_edit_rebuilds_only_the_epub(project):
    css = project / "templates" / "epub.css"
    css.write_text(css.read_text() + "\nh1 { letter-spacing: 0.02em; }\n")
    results = Build(project).run(["all"])
    assert rebuilt(results) == {"epub"}
    assert "templates/epub.css" in results["epub"]


def test_print_css_edit_never_rebuilds_the_epub_and_zines_follow_their_pdf(project):
    css = project / "templates" / "print.css"
    css.write_text(css.read_text().replace("font-size: 10.5pt;", "font-size: 10pt;"))
    results = Build(project).run(["all"])
    assert "epub" not in rebuilt(results)
    assert {"pdf", "pdf-letter", "colophon", "zine-a4", "zine-letter"} <= rebuilt(results)
    assert "build/a-tiny-zine.pdf" in results["zine-a4"]


def test_imposition_is_skipped_when_its_pdf_comes_out_identical(project):
    css = project / "templates" / "print.css"
    css.write_text(css.read_text() + "\n/* a comment changes no page */\n")
    results = Build(project).run(["all"])
    assert {"pdf", "pdf-letter"} <= rebuilt(results)
    assert results["zine-a4"] == results["zine-letter"] == "up to date"


def test_chapter_edit_rebuilds_text_outputs_but_not_the_colophon(project):
    chapter = project / "source" / "01-first.md"
    chapter.write_text(chapter.read_text().replace("A second paragraph", "A second, longer paragraph"))
    results = Build(project).run(["all"])
    assert {"pdf", "pdf-letter", "epub"} <= rebuilt(results)
    assert results["colophon"] == "up to date"
    assert "source/01-first.md" in results["epub"]
    # same page count: the printing instructions stay as they are
    assert results["printing"] == "up to date"


def test_a_deleted_or_replaced_output_is_rebuilt(project):
    (project / "build" / "a-tiny-zine.epub").unlink()
    (project / "build" / "a-tiny-zine-colophon.pdf").write_bytes(b"%PDF-1.7 not ours")
    results = Build(project).run(["all"])
    assert rebuilt(results) == {"epub", "colophon"}
    assert results["epub"] == "output missing"


def test_independent_outputs_start_together_and_imposition_waits_for_its_pdf(project, monkeypatch):
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    release = {name: threading.Event() for name in TARGETS}

    def fake_make(book, prepared, name, run=None):
        with lock:
            events.append(("start", name))
        if name in ("pdf", "pdf-letter"):
            # hold the PDFs until every independent output has started
            assert release[name].wait(10)
        with lock:
            events.append(("end", name))
            if {"epub", "colophon"} <= {n for kind, n in events if kind == "start"}:
                release["pdf"].set()
                release["pdf-letter"].set()
        return f"fake {name} {len(events)}".encode(), 0.0

    monkeypatch.setattr(builder, "make_output", fake_make)
    import shutil
    shutil.rmtree(project / "build")
    independent = {name for name, recipe in TARGETS.items() if not recipe.after}
    with cf.ThreadPoolExecutor(max_workers=len(independent)) as pool:
        Build(project).run(["all"], executor=pool)
    starts = [n for kind, n in events if kind == "start"]
    assert {"pdf", "pdf-letter", "epub", "colophon"} <= independent
    assert set(starts[:len(independent)]) == independent
    for zine, pdf in (("zine-a4", "pdf"), ("zine-letter", "pdf-letter"), ("printing", "pdf")):
        assert events.index(("start", zine)) > events.index(("end", pdf)), events


def test_no_output_carries_the_clock_only_the_edition_date(essay, essay_book):
    """'Another day' gives the same bytes: every date inside the outputs is the edition's."""
    import re
    import zipfile

    import pikepdf
    edition = essay_book.meta["edition"]["date"]
    with zipfile.ZipFile(essay["epub"]) as epub:
        assert {info.date_time[:3] for info in epub.infolist()} == {
            (edition.year, edition.month, edition.day)}
        opf = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".opf"))
        assert re.search(r'dcterms:modified">(\d{4}-\d{2}-\d{2})T', opf).group(1) == \
            edition.isoformat()
    for name, target in TARGETS.items():
        if name in BUILT and target.pattern.endswith(".pdf"):
            with pikepdf.open(essay[name]) as pdf:
                for key in ("/CreationDate", "/ModDate"):
                    if key in pdf.docinfo:
                        assert str(pdf.docinfo[key]).startswith(
                            "D:" + edition.strftime("%Y%m%d")), (name, key)


def test_a_local_image_reaches_the_pdf_and_the_epub_the_same_in_any_folder(tiny, tmp_path):
    """Images sit beside the chapters in source/; print and EPUB both find them, and the
    same project built in another folder gives the same bytes (the PDF once named an
    image after a hash of its absolute path)."""
    import shutil
    import zipfile

    import pikepdf
    from PIL import Image
    (tiny / "source" / "images").mkdir()
    Image.new("RGB", (60, 40), "#b3261e").save(tiny / "source" / "images" / "red.png")
    chapter = tiny / "source" / "01-first.md"
    chapter.write_text(chapter.read_text() + "\n![A red rectangle](images/red.png)\n")
    Build(tiny).run(["pdf", "epub"])
    with pikepdf.open(tiny / "build" / "a-tiny-zine.pdf") as pdf:
        from pdfread import page_resources
        images = [name for page in pdf.pages
                  for name, obj in page_resources(page, "/XObject")
                  if obj.get("/Subtype") == "/Image"]
    assert images
    with zipfile.ZipFile(tiny / "build" / "a-tiny-zine.epub") as epub:
        assert any(name.endswith(".png") for name in epub.namelist())
    other = tmp_path / "another" / "folder"
    shutil.copytree(tiny, other, ignore=shutil.ignore_patterns("build"))
    Build(other).run(["pdf", "epub"])
    for name in ("a-tiny-zine.pdf", "a-tiny-zine.epub"):
        assert (other / "build" / name).read_bytes() == (tiny / "build" / name).read_bytes(), name


def test_an_image_edit_rebuilds_the_pdf_and_the_epub(project):
    from PIL import Image
    (project / "source" / "images").mkdir()
    Image.new("RGB", (60, 40), "#b3261e").save(project / "source" / "images" / "red.png")
    chapter = project / "source" / "01-first.md"
    chapter.write_text(chapter.read_text() + "\n![A red rectangle](images/red.png)\n")
    Build(project).run(["all"])
    Image.new("RGB", (60, 40), "#1a1a1a").save(project / "source" / "images" / "red.png")
    results = Build(project).run(["all"])
    assert {"pdf", "pdf-letter", "epub"} <= rebuilt(results)
    assert "source/images/red.png" in results["epub"]
    assert results["colophon"] == "up to date"


def test_a_colophon_too_long_for_the_back_page_is_reported(tiny, caplog):
    meta = tiny / "source" / "metadata.yaml"
    long_reason = "A reason that goes on and on, " * 200
    meta.write_text(meta.read_text().replace(
        'reason: "The rest of the sentence is not in the source."', f'reason: "{long_reason}"'))
    import logging
    logger = logging.getLogger("zinepress")
    level = logger.level
    logger.addHandler(caplog.handler)  # cli.main may have stopped propagation
    logger.setLevel(logging.WARNING)   # ... and set -q's level
    try:
        build = Build(tiny)
        TARGETS["pdf"].make(build.book, build.prepared("pdf"))
    finally:
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)
    assert any("colophon runs over" in r.getMessage() for r in caplog.records)


def test_printing_instructions_follow_the_page_count(project):
    chapter = project / "source" / "02-second.md"
    filler = "\n\n".join(["A paragraph added to make the book longer, " * 12] * 12)
    chapter.write_text(chapter.read_text().replace("[^2]: ", filler + "\n\n[^2]: ", 1))
    results = Build(project).run(["all"])
    assert results["printing"].startswith("changed: pages:build/a-tiny-zine.pdf")


def test_manifest_records_the_layout_libraries_and_rebuilds_when_a_listed_font_changes(project):
    """Pango, HarfBuzz and fontconfig change line breaks; a font file changes glyphs."""
    import json

    from test_fonts import add_fonts, make_han_font
    entry = json.loads((project / "build" / "manifest.json").read_text())["pdf"]["inputs"]
    for library in ("pango", "harfbuzz", "fontconfig"):
        assert entry[f"lib:{library}"][0].isdigit(), (library, entry[f"lib:{library}"])
    assert {"tool:weasyprint", "tool:fonttools", "tool:pydyf"} <= set(entry)
    assert "templates/fonts/EBGaramond_400Regular.ttf" in entry
    make_han_font(project / "fonts" / "han.ttf")
    add_fonts(project, "fonts/han.ttf")
    assert "pdf" in rebuilt(Build(project).run(["pdf", "epub"]))
    make_han_font(project / "fonts" / "han.ttf", family="Test Han Two")
    results = Build(project).run(["pdf", "epub"])
    assert "fonts/han.ttf" in results["pdf"] and results["epub"] == "up to date"
