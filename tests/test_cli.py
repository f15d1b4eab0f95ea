"""The command line end to end: the essay's zines, `zinepress impose` on any PDF, the script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

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
    assert proc.stdout == f"wrote {out}: 3 sheets, 2 gatherings, US Letter, manual\n"
    assert proc.stderr == ""
    halves = read_halves(out)
    assert sorted(p for side in halves[:6] for p in side if p) == list(range(1, 11))


def impose_in_process(capsys, *args: str) -> tuple[int, str, str]:
    from zinepress import cli
    capsys.readouterr()
    code = cli.main(["impose", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_impose_output_for_people_and_scripts(tmp_path, capsys):
    import json
    source = numbered_pdf(tmp_path / "in.pdf", 8, size=A5)
    out = tmp_path / "mini.pdf"
    code, stdout, stderr = impose_in_process(capsys, str(source), "-o", str(out),
                                             "--layout", "minizine")
    assert code == 0 and stdout == f"wrote {out}: 1 sheet, A4, minizine, one-sided\n"
    assert stderr.splitlines() == [f"warning: {source}: pages of 148 x 210 mm are scaled to 0.50 "
                                   "to fit the minizine layout on A4"]
    code, stdout, stderr = impose_in_process(capsys, str(source), "-o", str(tmp_path / "q.pdf"),
                                             "--layout", "quarter", "--cover-separate", "--json")
    summary = json.loads(stdout)
    assert code == 0 and summary["files"] == {"cover": str(tmp_path / "q-cover.pdf"),
                                              "inside": str(tmp_path / "q-inside.pdf")}
    assert {k: summary[k] for k in ("layout", "sheets", "gatherings", "pages_per_side",
                                    "copies_per_sheet", "duplex")} == {
        "layout": "quarter", "sheets": 2, "gatherings": 1, "pages_per_side": 4,
        "copies_per_sheet": 2, "duplex": "long-edge"}
    assert summary["scale"] == pytest.approx(0.707, abs=0.001) and len(summary["warnings"]) == 1
    assert (tmp_path / "q-cover.pdf").is_file() and (tmp_path / "q-inside.pdf").is_file()


@pytest.mark.parametrize("args, message", [
    (["--creep", "-0.1mm"], "a length must be 0 or more, got '-0.1mm'"),
    (["--margin", "-.5in"], "a length must be 0 or more, got '-.5in'"),
    (["--creep", "0.1 furlong"], "not a length"),
])
def test_impose_lengths_say_what_is_wrong(tmp_path, capsys, args, message):
    source = numbered_pdf(tmp_path / "in.pdf", 4, size=A5)
    with pytest.raises(SystemExit) as exit_info:
        impose_in_process(capsys, str(source), "-o", str(tmp_path / "out.pdf"), *args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    code, _, _ = impose_in_process(capsys, str(source), "-o", str(tmp_path / "out.pdf"),
                                   "--creep", "0.1in", "--margin", "4.5mm")
    assert code == 0  # one sheet: nothing moves; on a thick book the pages' margins decide


def test_impose_never_writes_over_its_input_or_into_nowhere(tmp_path, capsys):
    source = numbered_pdf(tmp_path / "in.pdf", 4, size=A5)
    before = source.read_bytes()
    for out in (source, tmp_path / "nowhere" / "out.pdf"):
        code, stdout, stderr = impose_in_process(capsys, str(source), "-o", str(out))
        assert code == 2 and stdout == "" and "Z509" in stderr and len(stderr.splitlines()) == 1
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf"]


def test_creep_on_the_essay_never_overlaps(essay, tmp_path):
    """1 mm per sheet moves the essay's inner pages 10 mm into the fold: into its blank
    gutter, clipped at the fold, so nothing paints over its neighbour (or it is refused)."""
    from test_booklet import clips
    from zinepress.errors import ZineError
    from zinepress.impose.booklet import impose_pdf
    from zinepress.impose.options import MM_PT, ImposeOptions
    try:
        imposed = impose_pdf(essay["pdf"].read_bytes(), ImposeOptions(creep_pt=1 * MM_PT))
    except ZineError as error:
        assert error.code == "Z512"
        return
    (tmp_path / "creep.pdf").write_bytes(imposed.files[""])
    width = 297 * MM_PT
    for side, shown in zip(clips(tmp_path / "creep.pdf"), placements(tmp_path / "creep.pdf")):
        assert len(side) == len(shown)
        for x, _, w, _ in side:
            assert (round(x, 1), round(w, 1)) in {(0.0, round(width / 2, 1)),
                                                  (round(width / 2, 1), round(width / 2, 1))}


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
