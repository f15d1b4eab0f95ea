"""Hermetic typesetting: the print outputs see only the project's fonts, whatever is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import weasyprint
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "templates" / "fonts"


def install_decoy_fonts(home: Path, family: str = "EB Garamond") -> dict[str, str]:
    """Install, for one user ``home``, fonts named ``family`` that are really Source Code Pro.

    Return the environment under which fontconfig's default configuration finds them
    (``$XDG_DATA_HOME/fonts`` is one of its font folders), as a machine would that had
    another "EB Garamond" installed.
    """
    folder = home / "share" / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for style, source in (("Regular", "SourceCodePro_400Regular.ttf"),
                          ("Italic", "SourceCodePro_400Regular_Italic.ttf")):
        font = TTFont(FONTS / source)
        for record in font["name"].names:
            if record.nameID in (1, 16):
                record.string = family
            elif record.nameID == 4:
                record.string = f"{family} {style}"
            elif record.nameID == 6:
                record.string = f"{family.replace(' ', '')}-{style}"
        font.save(folder / f"decoy-{style}.ttf")
    return {"HOME": str(home), "XDG_DATA_HOME": str(home / "share"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config")}


RENDER_ONE_PARAGRAPH = """
import sys
from pathlib import Path
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from zinepress.formats.pdf import project_fonts
html = ('<style>@import url("fonts/fonts.css"); p { font-family: "EB Garamond" }</style>'
        '<p>Create two, three, many parties of autonomy! ' * 20 + '</p>')
for fonts in (FontConfiguration(), project_fonts()):
    document = weasyprint.HTML(string=html, base_url=sys.argv[1]).render(font_config=fonts)
    print(document.write_pdf(pdf_identifier=True).hex())
"""


def render_paragraph(env: dict[str, str]) -> tuple[bytes, bytes]:
    """Return one paragraph's PDF with WeasyPrint's default font configuration, and with ours."""
    proc = subprocess.run([sys.executable, "-c", RENDER_ONE_PARAGRAPH, str(FONTS.parent) + "/"],
                          env={**os.environ, **env, "SOURCE_DATE_EPOCH": "1700000000"},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    default, ours = proc.stdout.split()
    return bytes.fromhex(default), bytes.fromhex(ours)


def test_a_decoy_font_changes_an_ordinary_render_but_not_ours(tmp_path):
    """The decoy is real: WeasyPrint's default configuration draws with it, ours does not."""
    clean = {"HOME": str(tmp_path / "clean"), "XDG_DATA_HOME": str(tmp_path / "clean"),
             "XDG_CACHE_HOME": str(tmp_path / "clean-cache")}
    default_clean, ours_clean = render_paragraph(clean)
    default_decoy, ours_decoy = render_paragraph(install_decoy_fonts(tmp_path / "decoy"))
    assert default_clean != default_decoy
    assert ours_clean == ours_decoy


def test_the_essay_is_byte_identical_in_another_folder_zone_and_font_set(essay, tmp_path):
    """The session's essay build, and one on another 'machine': another folder, another
    time zone and locale, a bare PATH, and another "EB Garamond" installed. Every kind of
    output (a reading PDF laid out part by part, the colophon and the printing
    instructions laid out whole, the zine, the EPUB, the cover PNG) comes out byte for
    byte the same. (The other reading PDFs are made the same way as the A5 one.)"""
    from conftest import copy_project
    from test_builder import hashes
    other = copy_project(tmp_path / "elsewhere" / "essay")
    env = {"PATH": "/usr/bin:/bin", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8",
           **install_decoy_fonts(tmp_path / "home")}
    outputs = ["pdf", "zine-a4", "printing", "colophon", "epub", "cover"]
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(other),
                           "-q", "build", *outputs], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    first, second = hashes(essay["root"] / "build"), hashes(other / "build")
    made = {essay[name].name for name in outputs}
    assert made <= set(second)
    assert {name: first[name] for name in made} == {name: second[name] for name in made}


# -- characters no bundled font has, and fonts a project adds ---------------------------

def make_han_font(path: Path, family: str = "Test Han") -> Path:
    """Write a real TrueType font whose only glyphs are a box for 中 and 文 (and a space)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(width: int):
        pen = TTGlyphPen(None)
        for x0, y0, x1, y1 in ((50, -50, width - 50, 750), (150, 50, width - 150, 650)):
            pen.moveTo((x0, y0))
            pen.lineTo((x0, y1) if x0 == 50 else (x1, y0))
            pen.lineTo((x1, y1))
            pen.lineTo((x1, y0) if x0 == 50 else (x0, y1))
            pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "zhong", "wen"])
    builder.setupCharacterMap({0x20: "space", 0x4E2D: "zhong", 0x6587: "wen"})
    builder.setupGlyf({".notdef": box(500), "space": TTGlyphPen(None).glyph(),
                       "zhong": box(1000), "wen": box(1000)})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "space": (250, 0),
                                    "zhong": (1000, 50), "wen": (1000, 50)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(usWeightClass=400, sTypoAscender=880, sTypoDescender=-120,
                     usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    return path


def add_text(root: Path, text: str, rel: str = "source/01-first.md") -> int:
    """Append a paragraph to a chapter; return its line number."""
    path = root / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, "\n" + text)
    path.write_text("\n".join(lines), encoding="utf-8")
    return 7


def add_fonts(root: Path, *fonts: str) -> None:
    meta = root / "source" / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "lang: en\n", "lang: en\nfonts: [" + ", ".join(fonts) + "]\n"), encoding="utf-8")


def test_a_character_no_font_has_is_named_with_file_line_and_code_point(tiny):
    from zinepress.check.glyphs import missing_glyphs
    from zinepress.source.load import load_book
    line = add_text(tiny, "Box ┌─┐ from the code face, a soft hy\u00adphen, and 中 once, 中 twice.")
    findings = [str(f) for f in missing_glyphs(load_book(tiny))]
    assert findings == [
        f"source/01-first.md:{line}: L301 character '中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) "
        "is in no font of the project (list a font file that has it under 'fonts:' in the "
        "metadata)"]


def test_a_font_listed_in_the_metadata_covers_its_characters(tiny):
    from zinepress.check.glyphs import missing_glyphs
    from zinepress.source.load import load_book
    add_text(tiny, "中文")
    make_han_font(tiny / "fonts" / "han.ttf")
    add_fonts(tiny, "fonts/han.ttf")
    assert missing_glyphs(load_book(tiny)) == []


def test_a_whole_missing_script_is_named_twenty_times_then_counted(tiny):
    from zinepress.check.glyphs import MAX_REPORTED, missing_glyphs
    from zinepress.source.load import load_book
    add_text(tiny, "".join(chr(0x4E00 + i) for i in range(50)))
    findings = missing_glyphs(load_book(tiny))
    assert len(findings) == MAX_REPORTED + 1
    assert f"and {50 - MAX_REPORTED} more characters" in findings[-1].message


def pdf_font_names(path: Path) -> set[str]:
    import pikepdf
    with pikepdf.open(path) as pdf:  # pages may draw their text through forms: read them all
        return {str(obj.get("/BaseFont")).split("+")[-1] for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                and "/BaseFont" in obj}


def test_build_warns_and_a_listed_font_draws_the_character(tiny):
    """Without a font for 中 the build warns on stderr; with one the PDF draws it with that font."""
    line = add_text(tiny, "Two characters: 中文.")
    build = [sys.executable, str(ROOT / "build.py"), "--root", str(tiny), "build", "pdf"]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"source/01-first.md:{line}: L301 character '中' (U+4E2D" in proc.stderr
    assert f"source/01-first.md:{line}: L301 character '文' (U+6587" in proc.stderr
    make_han_font(tiny / "fonts" / "han.ttf")
    add_fonts(tiny, "fonts/han.ttf")
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "L301" not in proc.stderr, proc.stderr
    assert "Test-Han" in pdf_font_names(tiny / "build" / "a-tiny-zine.pdf")


def test_check_lists_the_character_and_strict_makes_it_fatal(tiny, capsys):
    from zinepress import cli
    line = add_text(tiny, "One character: 中.")
    assert cli.main(["--root", str(tiny), "-q", "check"]) == 0
    assert f"source/01-first.md:{line}: L301 character '中'" in capsys.readouterr().err
    assert cli.main(["--root", str(tiny), "-q", "check", "--strict"]) == 2
    assert " L301 " in capsys.readouterr().err  # besides the tiny book's own lint findings


def test_generic_and_unknown_families_fall_to_the_bundled_faces():
    """No installed font exists for the layout, so CSS's generic families are ours too:
    serif, sans-serif and any family no rule declares are EB Garamond, monospace is
    Source Code Pro (templates/fonts/fonts.conf), whatever else the process has done."""
    import io

    import pypdf

    from zinepress.formats.pdf import render_pdf
    families = ("serif", "sans-serif", "Georgia", "monospace")
    html = '<link rel="stylesheet" href="print.css">' + "".join(
        f'<p style="font-family: {family}">{family}</p>' for family in families)
    # An ordinary render first, as another library in the same process might: it makes
    # the system's configuration fontconfig's current one, whose rules Pango applies.
    weasyprint.HTML(string="<p style='font-family: serif'>x</p>").render(
        font_config=FontConfiguration())
    data = render_pdf(html, ROOT, ROOT / "templates", "test")
    drawn_with = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in families and font:
            drawn_with[text.strip()] = str(font["/BaseFont"]).split("+")[1]

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert drawn_with == {"serif": "EB-Garamond", "sans-serif": "EB-Garamond",
                          "Georgia": "EB-Garamond", "monospace": "Source-Code-Pro"}
