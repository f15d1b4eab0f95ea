"""``make a11y``: EPUB files in, Ace by DAISY's verdict on each out (exit 1 on any violation).

Checks every EPUB in ``build/`` and every EPUB the tests build (they are run with
``--keep-epubs``: the essay, the tiny book with an image, the French book), each with
Ace by DAISY, the accessibility checker
that libraries and audits use. Ace runs axe-core in a real browser, so it is not part
of ``make test``; the Makefile installs it (npm) and Debian's chromium first.

    python -m zinepress.dev.a11y --ace .cache/ace/node_modules/.bin/ace-cli [EPUB ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def violations(report: dict) -> list[str]:
    """Return one line per failed assertion of an Ace ``report.json``.

    >>> violations({"assertions": [{"earl:testSubject": {"url": "a.xhtml"}, "assertions": [
    ...     {"earl:result": {"earl:outcome": "fail", "html": "<a>1</a>"},
    ...      "earl:test": {"dct:title": "link-in-text-block", "earl:impact": "serious"}}]}]})
    ['serious link-in-text-block a.xhtml <a>1</a>']
    """
    found = []
    for subject in report.get("assertions", []):
        for assertion in subject.get("assertions", []):
            result = assertion["earl:result"]
            if result["earl:outcome"] == "fail":
                test = assertion["earl:test"]
                found.append(f"{test.get('earl:impact', '?')} {test['dct:title']} "
                             f"{subject['earl:testSubject']['url']} "
                             f"{' '.join(result.get('html', '').split())[:160]}")
    return found


def fixture_epubs(work: Path) -> list[Path]:
    """Run the tests that build EPUBs and return a copy of every EPUB they built."""
    keep = work / "epubs"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "tests/test_epub.py", "tests/test_livre.py", "-k", "epub and not epubcheck",
                    "--keep-epubs", str(keep)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return sorted(keep.glob("*.epub"))


def run_ace(ace: str, epub: Path, out: Path) -> dict:
    """Run Ace on ``epub`` and return its report."""
    env = {**os.environ}
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    subprocess.run([ace, "--silent", "--force", "--outdir", str(out), str(epub)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ace", required=True, help="path of the ace-cli program")
    parser.add_argument("epubs", nargs="*", type=Path,
                        help="EPUB files (default: build/*.epub and the fixture books)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zinepress-a11y-") as tmp:
        epubs = args.epubs or sorted((ROOT / "build").glob("*.epub")) + fixture_epubs(Path(tmp))
        failed = 0
        for i, epub in enumerate(epubs):
            report = run_ace(args.ace, epub, Path(tmp) / f"report-{i}")
            found = violations(report)
            missing = report.get("a11y-metadata", {}).get("missing", [])
            label = epub.name if epub.parent == ROOT / "build" else f"tests: {epub.name}"
            print(f"{label}: {len(found)} violations"
                  + (f" (metadata not given: {', '.join(missing)})" if missing else ""))
            for line in found:
                print("   ", line)
            failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
