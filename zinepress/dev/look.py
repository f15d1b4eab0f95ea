"""``make epub-look``: the EPUB in, PNG pictures of some of its pages out (headless chromium).

Unpacks ``build/<slug>.epub`` into a temporary folder and has chromium, the engine of
many reading apps, draw the cover, the title page, the contents, the colophon and two
chapters (by default the one with the most notes and the one with the most foreign
phrases) as a phone-sized reader would show them, into ``build/look/``. It is for
looking, not testing: nothing here is asserted.

    python -m zinepress.dev.look [--chromium /usr/bin/chromium] [--width 480 --height 800]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pick_chapters(texts: dict[str, str]) -> list[str]:
    """Return the chapter with the most notes and the one with the most ``lang`` spans.

    >>> pick_chapters({"a": 'epub:type="noteref"' * 2, "b": '<span xml:lang="es">', "c": ""})
    ['a', 'b']
    """
    def most(pattern: str) -> str:
        return max(sorted(texts), key=lambda name: len(re.findall(pattern, texts[name])))

    first = most(r'epub:type="noteref"')
    second = most(r'<span[^>]* xml:lang=')
    return [first] + ([second] if second != first else [])


def shoot(chromium: str, page: Path, png: Path, width: int, height: int) -> None:
    """Draw ``page`` to ``png`` at the given viewport size."""
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--window-size={width},{height}",
                    f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=480)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("epub", nargs="?", type=Path)
    args = parser.parse_args(argv)
    epub = args.epub or next(iter(sorted((ROOT / "build").glob("*.epub"))))
    out = ROOT / "build" / "look"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zinepress-look-") as tmp:
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(tmp)
        text = Path(tmp) / "EPUB" / "text"
        chapters = {p.name: p.read_text(encoding="utf-8") for p in sorted(text.glob("ch-*.xhtml"))}
        pages = [text / "cover.xhtml", text / "titlepage.xhtml", Path(tmp) / "EPUB" / "nav.xhtml",
                 *[text / name for name in pick_chapters(chapters)], text / "colophon.xhtml"]
        for page in pages:
            png = out / (page.stem + ".png")
            shoot(args.chromium, page, png, args.width, args.height)
            print(png.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
