"""Catalogue benchmark: generated texts in, catalogue timings and peak memory out.

Part of ``make bench``. For each size (1, 10 and 50 texts; ``BENCH_TEXTS=1,10`` for
fewer) it writes that many generated Muse texts, imports them with ``zinepress
import``, and times ``zinepress catalog`` as a whole process, as a distro runs it:
from clean (every output of every text) and again with nothing changed. Memory is the
peak resident size of the largest process (the catalogue or one of its workers), from
``getrusage`` of a wrapper process. From the largest size it estimates 5,000 texts:
clean work grows with texts ÷ cores; a no-op grows with texts.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = tuple(int(n) for n in os.environ.get("BENCH_TEXTS", "1,10,50").split(","))
NAMES = ("Ana Costa", "Ben Okafor", "Chloé Martin", "Dario Ferri", "Eun-ji Park",
         "Femi Adeyemi", "Greta Lund")
TOPICS = ("mutual aid", "housing", "labour", "ecology", "prisons", "zines", "printing",
          "history", "feminism", "migration", "organizing", "education")
WORDS = ("the assembly met again in the old hall and decided that the rota would change "
         "every month so that nobody held a task for long enough to own it and everyone "
         "learned how the presses worked").split()
WRAPPER = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], capture_output=True); "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
           "r.returncode); sys.stderr.write(r.stderr.decode()[-2000:])")


def generated_muse(n: int) -> str:
    """Return a small Muse text (four chapters, a note each), the same for the same ``n``."""
    rng = random.Random(n)
    topics = ", ".join(rng.sample(TOPICS, 3))
    lines = [f"#title Generated Text {n:03d}", f"#author {rng.choice(NAMES)}",
             f"#SORTtopics {topics}", "#lang en", f"#date {1970 + n % 50}",
             f"#pubdate 2026-01-{1 + n % 28:02d}", "#teaser A generated text for the benchmark.", ""]
    for chapter in range(1, 5):
        lines += [f"** Chapter {chapter}", ""]
        for paragraph in range(3):
            words = [rng.choice(WORDS) for _ in range(90)]
            lines += [" ".join(words).capitalize() + "." + (f" [{chapter}]" if paragraph == 0 else ""), ""]
        lines += [f"[{chapter}] A note to chapter {chapter}.", ""]
    return "\n".join(lines)


def measure(args: list[str]) -> tuple[float, float]:
    """Return (seconds, peak MB of the largest process) of one command."""
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True, text=True)
    seconds, peak_kb, code = proc.stdout.split()
    if code != "0":
        raise SystemExit(f"catalogue failed:\n{proc.stderr}")
    return float(seconds), int(peak_kb) / 1024


def library(base: Path, count: int) -> list[Path]:
    """Import ``count`` generated texts under ``base``; return the project folders."""
    from zinepress.library.importer import import_muse
    projects = []
    for n in range(count):
        muse = base / "muse" / f"generated-{n:03d}.muse"
        muse.parent.mkdir(parents=True, exist_ok=True)
        muse.write_text(generated_muse(n), encoding="utf-8")
        dest = base / "texts" / muse.stem
        if not dest.exists():
            import_muse(muse, dest)
        projects.append(dest)
    return projects


def rows(base: Path) -> list[tuple[str, float, float, str]]:
    """Return (what, seconds, peak MB, note) for each size, clean and no-op."""
    out = []
    for count in SIZES:
        projects = library(base / f"lib-{count}", count)
        site = base / f"site-{count}"
        args = [sys.executable, str(ROOT / "build.py"), "-q", "catalog", *map(str, projects), "-o", str(site)]
        clean = measure(args)
        noop = measure(args)
        out.append((f"catalogue of {count} texts, clean", *clean,
                    f"{count} × every output, {os.cpu_count()} workers"))
        out.append((f"catalogue of {count} texts, nothing changed", *noop, "manifests compared"))
        for what, seconds, mb, _ in out[-2:]:     # progress: a 50-text run takes a while
            print(f"{what}: {seconds:.2f} s, {mb:.0f} MB", file=sys.stderr, flush=True)
    return out


def estimate(table: list[tuple[str, float, float, str]]) -> list[str]:
    """Return sentences estimating 5,000 texts from the largest size measured."""
    count = SIZES[-1]
    clean = next(r[1] for r in table if r[0] == f"catalogue of {count} texts, clean")
    noop = next(r[1] for r in table if r[0] == f"catalogue of {count} texts, nothing changed")
    cores = os.cpu_count() or 1
    per_text_cpu = clean * cores / count      # rendering keeps every core busy
    lines = [f"Per text: {clean / count:.2f} s of wall time on {cores} cores "
             f"({per_text_cpu:.1f} core-seconds); a no-op costs {noop / count * 1000:.0f} ms per text."]
    for n in (cores, 8, 32):
        hours = per_text_cpu * 5000 / n / 3600
        lines.append(f"5,000 texts on {n} cores: about {hours:.1f} h from clean, "
                     f"{noop / count * 5000 / 60:.1f} min to find nothing changed.")
    return lines


def report(base: Path) -> str:
    table = rows(base)
    lines = ["", "## Catalogue (`zinepress catalog`, generated texts)", "",
             "| what | seconds | peak MB | note |", "|---|---:|---:|---|"]
    lines += [f"| {what} | {s:.2f} | {mb:.0f} | {note} |" for what, s, mb, note in table]
    return "\n".join(lines + [""] + estimate(table)) + "\n"
