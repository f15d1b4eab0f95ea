"""Benchmark: the essay and a generated long book in, timings out (stdout, BENCHMARKS.md).

Run by ``make bench``. Every figure is a whole process (``build.py`` as ``make`` runs
it), timed from outside with the operating system's own accounting (wall time, CPU
time of the process and its workers, peak memory of the largest single process), in
one run on throw-away copies, so the figures are comparable:

- the floor: the bare ``weasyprint`` command on the build's own A5 HTML (the whole
  book as one document), run in turn with the clean build (A B A B) so that the ratio
  of each pair holds while the shared machine's speed drifts;
- the clean build of every output, the no-op rebuild, and a one-word edit (a word of
  a middle chapter changed back and forth, so each run is a real edit).

The long book (:mod:`zinepress.dev.longbook`, ~150,000 words) is generated in a
temporary folder from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
ESSAY_EDIT = ("source/05-revolutionary-chile.md", "dogged presence", "stubborn presence")


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    peak_mb: float


def measure(argv: list[str], log: Path | None = None, what: str = "") -> Run:
    """Run ``argv`` to its end; return its wall time, CPU time and peak memory."""
    started = time.perf_counter()
    with open(log or os.devnull, "ab") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}" + (f" (see {log})" if log else ""))
    # wait4 counts the children the process waited for (the build's workers) too;
    # ru_maxrss is then the largest single process, in KiB on Linux.
    run = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    print(f"{what or argv[-1]}: {run.wall_s:.2f} s wall, {run.cpu_s:.2f} s CPU, "
          f"{run.peak_mb:.0f} MB ({load()})", file=sys.stderr, flush=True)
    return run


def build_argv(root: Path) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "build", "all"]


def floor_argv(root: Path) -> list[str]:
    """Write the build's A5 HTML beside the project; return the bare WeasyPrint command."""
    from zinepress.build.builder import Build
    from zinepress.build.recipes import PAGES, print_html
    build = Build(root)
    html = root.parent / f"{root.name}-a5.html"
    html.write_text(print_html(build.book, build.prepared("pdf"), PAGES["a5"]), encoding="utf-8")
    weasyprint = Path(sys.executable).with_name("weasyprint")
    # The same project-only font configuration as the build (templates/fonts/fonts.conf).
    fonts = root / "templates" / "fonts" / "fonts.conf"
    return ["env", f"FONTCONFIG_FILE={fonts}", str(weasyprint), "--base-url", (root / "templates").as_uri() + "/", str(html),
            str(root.parent / f"{root.name}-floor.pdf")]


def clean(root: Path) -> None:
    import shutil
    shutil.rmtree(root / "build", ignore_errors=True)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bench_book(root: Path, edit_spec: tuple[str, str, str], pairs: int, logs: Path,
               edits_count: int = 3) -> dict:
    """Measure one book: clean build against the floor (paired), no-op, one-word edit."""
    floor = floor_argv(root)
    clean_runs, floor_runs = [], []
    for _ in range(pairs):
        clean(root)
        clean_runs.append(measure(build_argv(root), logs / f"{root.name}-clean.log",
                                  f"{root.name} clean build"))
        floor_runs.append(measure(floor, what=f"{root.name} floor"))
    noop = [measure(build_argv(root), what=f"{root.name} no-op") for _ in range(5)]
    rel, old, new = edit_spec
    edits = []
    for i in range(edits_count):
        edit(root, rel, *((old, new) if i % 2 == 0 else (new, old)))
        edits.append(measure(build_argv(root), logs / f"{root.name}-edit.log",
                             f"{root.name} one-word edit"))
    return {"clean": clean_runs, "floor": floor_runs, "noop": noop, "edit": edits,
            "pages": page_count(root), "edit_spec": edit_spec,
            "edit_log": last_build_lines(logs / f"{root.name}-edit.log")}


def page_count(root: Path) -> int:
    from zinepress.build.recipes import RECIPES
    from zinepress.formats.pdffile import page_count as count
    from zinepress.source.load import load_book
    return count(RECIPES["pdf"].path(load_book(root)))


def last_build_lines(log: Path) -> list[str]:
    """Return the per-output lines of the last build in ``log`` (what took the time)."""
    lines = log.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("load and check"))
    return [line for line in lines[start:] if "rebuilt" in line or "load and check" in line]


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def subsetter() -> str:
    """The build always subsets with fontTools (:func:`zinepress.formats.pdf.subset_with_fonttools`);
    the floor, the bare ``weasyprint`` command, uses HarfBuzz's subsetter where installed."""
    import ctypes.util
    found = ctypes.util.find_library("harfbuzz-subset")
    return "fontTools" + (" (the floor: HarfBuzz, installed here)" if found else "")


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def rows(result: dict) -> list[str]:
    """Return the table rows of one book's figures."""
    ratios = [c.wall_s / f.wall_s for c, f in zip(result["clean"], result["floor"])]
    clean_wall = median(result["clean"], "wall_s")

    def row(name: str, runs: list[Run], ratio: str) -> str:
        wall, cpu = median(runs, "wall_s"), median(runs, "cpu_s")
        peak = max(run.peak_mb for run in runs)
        return f"| {name} | {wall:.2f} | {cpu:.2f} | {cpu / wall:.2f} | {peak:.0f} | {ratio} |"

    edit_share = median(result["edit"], "wall_s") / clean_wall
    return [
        "| run | wall s | CPU s | CPU / wall | peak MB, one process | ratio |",
        "|---|---:|---:|---:|---:|---|",
        row("floor: `weasyprint` on the build's A5 HTML", result["floor"], "1.00 × floor"),
        row("clean build, every output", result["clean"],
            f"{statistics.median(ratios):.2f} × floor (pairs: "
            + ", ".join(f"{r:.2f}" for r in ratios) + ")"),
        row("no-op rebuild", result["noop"], ""),
        row("one-word edit, rebuild", result["edit"], f"{edit_share:.1%} of the clean build"),
    ]


def targets(essay: dict, long: dict) -> list[str]:
    """Return the targets of issue 11 against what was measured."""
    def ratio(result):
        return statistics.median(c.wall_s / f.wall_s for c, f in zip(result["clean"], result["floor"]))

    edit_share = median(long["edit"], "wall_s") / median(long["clean"], "wall_s")
    parallel = median(long["clean"], "cpu_s") / median(long["clean"], "wall_s")
    peak = max(r.peak_mb for runs in ("clean", "noop", "edit") for r in long[runs])
    checks = [
        ("essay, clean build of every output ≤ 1.25 × the floor", f"{ratio(essay):.2f} ×",
         ratio(essay) <= 1.25),
        ("long book, one-word edit ≤ 10 % of its clean build", f"{edit_share:.1%}",
         edit_share <= 0.10),
        ("long book, clean build CPU / wall ≥ 1.8", f"{parallel:.2f}", parallel >= 1.8),
        ("long book, peak memory per process ≤ 300 MB", f"{peak:.0f} MB", peak <= 300),
        ("essay, no-op ≤ 0.5 s", f"{median(essay['noop'], 'wall_s'):.2f} s",
         median(essay["noop"], "wall_s") <= 0.5),
        ("long book, no-op ≤ 0.5 s", f"{median(long['noop'], 'wall_s'):.2f} s",
         median(long["noop"], "wall_s") <= 0.5),
    ]
    return ["| target | measured | met |", "|---|---:|---|"] + [
        f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in checks]


def report(essay: dict, long: dict, words: int, loads: tuple[str, str]) -> str:
    import weasyprint

    from zinepress.convert.pandoc import pandoc_version
    lines = [
        "# Benchmarks", "",
        f"Written by `make bench` on {dt.date.today().isoformat()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"pandoc {pandoc_version()}, font subsetting by {subsetter()}. Whole processes, "
        "timed from outside; medians; the clean build and the floor in turn (A B A B), the "
        f"ratio taken pair by pair. Machine {loads[0]} at the start, {loads[1]} at the end: "
        "on a shared machine the ratios hold better than the seconds.", "",
        "## Targets (issue 11)", "", *targets(essay, long), "",
        f"## The essay ({essay['pages']} A5 pages)", "", *rows(essay), "",
        f"One-word edit: '{essay['edit_spec'][1]}' ↔ '{essay['edit_spec'][2]}' in "
        f"`{essay['edit_spec'][0]}`.", "",
        f"## A generated book of {words:,} words ({long['pages']} A5 pages, "
        "`zinepress/dev/longbook.py`)", "", *rows(long), "",
        f"One-word edit: '{long['edit_spec'][1]}' ↔ '{long['edit_spec'][2]}' in "
        f"`{long['edit_spec'][0]}`. Where the time of the last edit went "
        "(seconds per output, as the build logs them; outputs run side by side):", "",
        "```", *long["edit_log"], "```", "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``make bench``; ``--quick``: fewer runs, for a loaded machine."""
    from zinepress.dev import longbook
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    loads = [load()]
    with tempfile.TemporaryDirectory(prefix="zinepress-bench-") as tmp:
        tmp = Path(tmp)
        essay_root = tmp / "essay"
        import shutil
        shutil.copytree(PROJECT / "source", essay_root / "source")
        shutil.copytree(PROJECT / "templates", essay_root / "templates")
        print("essay …", file=sys.stderr)
        essay = bench_book(essay_root, ESSAY_EDIT, pairs=2 if quick else 3, logs=tmp)
        long_root = tmp / "long"
        files = longbook.write_project(long_root, PROJECT / "templates")
        words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
        middle = files[len(files) // 2]
        word = middle.read_text(encoding="utf-8").split("\n\n")[3].split()[5]
        print(f"long book ({words:,} words) …", file=sys.stderr)
        long = bench_book(long_root, (middle.relative_to(long_root).as_posix(), f" {word} ",
                                      f" {word[::-1]} "), pairs=1 if quick else 2, logs=tmp,
                          edits_count=2 if quick else 3)
        from zinepress.dev import catalogbench
        print("catalogue …", file=sys.stderr)
        catalogue = catalogbench.report(tmp)
    loads.append(load())
    text = report(essay, long, words, (loads[0], loads[1])) + catalogue
    print(text)
    (PROJECT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
