"""Benchmark: the essay in, timings out (stdout and ``BENCHMARKS.md``).

Run by ``make bench``. Everything is measured in one run on a throw-away copy of the
project, so the figures are comparable:

1. the floor: one bare WeasyPrint layout + write of the same A5 HTML the build renders
   (in-process, WeasyPrint already imported), median of three;
2. the full build from clean (``build.py build all`` in a subprocess, as ``make`` runs it);
3. the no-op rebuild (nothing changed), median of five;
4. a one-paragraph edit (one word of one chapter changed), then rebuild;
5. for comparison, the same reading PDF through pandoc -> LaTeX, if a LaTeX engine exists.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EDIT_FILE = "source/05-revolutionary-chile.md"
EDIT_FROM, EDIT_TO = "dogged presence", "stubborn presence"


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_build(root: Path) -> None:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve().parents[2] / "build.py"),
                           "--root", str(root), "-q", "build", "all"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr}")


def floor_seconds(root: Path) -> float:
    """Return the median time of one WeasyPrint render+write of the build's A5 HTML."""
    import weasyprint

    from zinepress.build.builder import Build
    from zinepress.build.recipes import PAGES, print_html
    from zinepress.formats import pdf
    build = Build(root)
    html = print_html(build.book, build.prepared("pdf"), PAGES["a5"])
    pdf.quiet_weasyprint()
    base = str(root / "templates") + "/"
    return statistics.median(
        timed(lambda: weasyprint.HTML(string=html, base_url=base).render().write_pdf())
        for _ in range(3))


def latex_seconds(root: Path) -> tuple[float | None, str]:
    engine = next((e for e in ("lualatex", "xelatex", "pdflatex") if shutil.which(e)), None)
    if engine is None:
        return None, "skipped: no LaTeX engine on this machine (lualatex, xelatex, pdflatex)"
    from zinepress.convert.pandoc import pandoc_path
    from zinepress.source.load import load_book
    book = load_book(root)
    files = [str(ch.path) for ch in book.chapters]
    out = root / "build" / "latex.pdf"
    seconds = timed(lambda: subprocess.run(
        [pandoc_path(), *files, "-o", str(out), f"--pdf-engine={engine}",
         "-V", "papersize=a5"], check=True, capture_output=True))
    return seconds, f"pandoc → {engine}"


def main() -> int:
    project = Path(__file__).resolve().parents[2]
    rows: list[tuple[str, float | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "essay"
        root.mkdir()
        shutil.copytree(project / "source", root / "source")
        shutil.copytree(project / "templates", root / "templates")

        floor = floor_seconds(root)
        rows.append(("WeasyPrint render of the A5 HTML (the floor)", floor, "median of 3"))
        rows.append(("full build from clean (7 outputs)", timed(lambda: run_build(root)),
                     f"{os.cpu_count()} worker processes"))
        rows.append(("no-op rebuild", statistics.median(
            timed(lambda: run_build(root)) for _ in range(5)), "median of 5"))
        chapter = root / EDIT_FILE
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(EDIT_FROM, EDIT_TO, 1),
                           encoding="utf-8")
        rows.append(("one-paragraph edit, rebuild", timed(lambda: run_build(root)),
                     f"'{EDIT_FROM}' → '{EDIT_TO}' in {EDIT_FILE}"))
        seconds, note = latex_seconds(root)
        rows.append(("reading PDF via pandoc → LaTeX", seconds, note))
        pages = page_count(root)
    report = format_report(rows, floor, pages)
    print(report)
    (project / "BENCHMARKS.md").write_text(report, encoding="utf-8")
    return 0


def subsetter() -> str:
    import ctypes.util
    return "HarfBuzz" if ctypes.util.find_library("harfbuzz-subset") else "fontTools"


def page_count(root: Path) -> int:
    import pikepdf

    from zinepress.build.recipes import RECIPES
    from zinepress.source.load import load_book
    with pikepdf.open(RECIPES["pdf"].path(load_book(root))) as reading:
        return len(reading.pages)


def format_report(rows, floor: float, pages: int) -> str:
    import weasyprint

    from zinepress.convert.pandoc import pandoc_version
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {dt.date.today().isoformat()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"pandoc {pandoc_version()}, font subsetting by {subsetter()}. "
        f"The essay, {pages} A5 pages; one run, so the figures are comparable.",
        "",
        "| what | seconds | × floor | note |",
        "|---|---:|---:|---|",
    ]
    for name, seconds, note in rows:
        if seconds is None:
            lines.append(f"| {name} | – | – | {note} |")
        else:
            lines.append(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} | {note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
