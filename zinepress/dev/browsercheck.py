"""Browser check: the catalogue of this project and the Muse fixtures in, screenshots out.

``make browser-check`` imports the three Muse fixtures (``tests/fixtures/muse/``) into
``build/library/``, builds the catalogue of the essay and those texts into
``build/library/site/``, and opens its pages in Debian's headless Chromium (``apt-get
install chromium``; no browser is downloaded) at a phone's and a desktop's width. The
screenshots land in ``build/browser-check/``: look at them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "build" / "library"
SHOTS = ROOT / "build" / "browser-check"
WIDTHS = {"phone": (390, 2400), "desktop": (1280, 1600)}
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    found = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if found is None:
        raise SystemExit("browser-check: no Chromium found; install Debian's: apt-get install chromium")
    return found


def screenshot(exe: str, page: Path, out: Path, size: tuple[int, int]) -> None:
    subprocess.run([exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={size[0]},{size[1]}", f"--screenshot={out}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    if not out.is_file() or out.stat().st_size < 1000:
        raise SystemExit(f"browser-check: no screenshot of {page}")


def main() -> int:
    from zinepress.cli import configure_logging
    from zinepress.library.catalog import make_catalog
    from zinepress.library.importer import import_muse
    configure_logging(quiet=False)
    exe = browser()
    projects = [ROOT]
    for muse in sorted((ROOT / "tests" / "fixtures" / "muse").glob("*.muse")):
        dest = LIBRARY / muse.stem
        if not dest.exists():
            import_muse(muse, dest)
        projects.append(dest)
    site = LIBRARY / "site"
    make_catalog(projects, site)
    SHOTS.mkdir(parents=True, exist_ok=True)
    topic = sorted((site / "topics").glob("*.html"))[0]
    for name, page in (("index", site / "index.html"), ("topic", topic)):
        for width, size in WIDTHS.items():
            out = SHOTS / f"{name}-{width}.png"
            screenshot(exe, page, out, size)
            print(out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
