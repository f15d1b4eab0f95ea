"""The command line end to end: the essay's zines, `zinepress impose` on any PDF, the script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf

from test_booklet import A5, A4_PORTRAIT, numbered_pdf, placements, read_halves

ROOT = Path(__file__).resolve().parents[1]


def zinepress(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_essay_zines_put_the_back_cover_beside_the_front_cover(essay):
    # Each zine is compared with its own reading PDF: A5 and half-letter books are
    # typeset separately and need not have the same number of pages.
    for name, reading_pdf in (("zine-a4", essay["pdf"]), ("zine-letter", essay["pdf-letter"])):
        with pikepdf.open(reading_pdf) as reading:
            last = len(reading.pages)
        sides = placements(essay[name])
        first = sides[0]
        assert set(first) == {1, last}, (name, first)
        assert first[last][4] < first[1][4], "back cover on the left, front cover on the right"
        placed = sorted(page for side in sides for page in side)
        assert placed == list(range(1, last + 1)), "every page placed once"
        with pikepdf.open(essay[name]) as zine:
            assert len(zine.pages) == 2 * -(-last // 4)
        assert essay[name].stat().st_size <= 1.2 * reading_pdf.stat().st_size


def test_impose_command_works_on_any_pdf(tmp_path):
    source = numbered_pdf(tmp_path / "in.pdf", 10, size=A5)
    out = tmp_path / "out.pdf"
    proc = zinepress("impose", str(source), "-o", str(out), "--paper", "letter",
                     "--signature", "2", "--creep", "0.1mm", "--marks", "--duplex", "manual")
    assert proc.returncode == 0, proc.stderr
    halves = read_halves(out)
    assert sorted(p for side in halves for p in side if p) == list(range(1, 11))


def test_impose_command_refuses_mixed_page_sizes_with_one_line(tmp_path):
    source = numbered_pdf(tmp_path / "mixed.pdf", 4, sizes=[A5, A5, A4_PORTRAIT, A5])
    out = tmp_path / "out.pdf"
    proc = zinepress("impose", str(source), "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Z505" in lines[0] and str(source) in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unknown_output_name_is_one_line(tmp_path):
    proc = zinepress("build", "poster")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        proc.stderr.strip()] and "Z900 unknown output 'poster'" in proc.stderr


def test_console_script_has_the_same_command_line():
    script = Path(sys.executable).with_name("zinepress")
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True).stdout
    assert {"build", "check", "impose"} <= set(help_text.replace(",", " ").replace("{", " ")
                                                 .replace("}", " ").split())


def test_jobs_must_be_positive():
    proc = zinepress("build", "-j", "0", "epub")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "at least 1" in proc.stderr
