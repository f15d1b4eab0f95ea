"""Hermetic typesetting: the print outputs see only the project's fonts, whatever is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

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


def test_the_essay_is_byte_identical_with_a_decoy_font_installed(essay, tmp_path):
    """The session's essay build, and one on a 'machine' with another EB Garamond."""
    from conftest import copy_project
    other = copy_project(tmp_path / "essay")
    env = {**os.environ, **install_decoy_fonts(tmp_path / "home")}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(other),
                           "-q", "build", "pdf"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    built = other / "build" / essay["pdf"].name
    assert built.read_bytes() == essay["pdf"].read_bytes()
