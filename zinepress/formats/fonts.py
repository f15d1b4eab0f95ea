"""Font files: paths in, what the typesetter and the checks need to know of them out.

For each font file, the face it declares (family, style, weight: enough to offer it
to WeasyPrint with ``@font-face``) and the characters it draws (its cmap), read with
fontTools. The print outputs see no font but the project's (:mod:`zinepress.formats.pdf`),
so these files are all a character can be drawn with.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
# url(...) in a ``src:`` descriptor of an @font-face rule (one rule per line or not).
_SRC = re.compile(r"""src\s*:[^;}]*""", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")


@dataclass(frozen=True)
class Face:
    """One font file as ``@font-face`` declares it."""

    path: Path
    family: str
    style: str   # "normal" or "italic"
    weight: int  # 100 … 900


def read_face(path: Path) -> Face:
    """Return the face a font file declares; raise ``ValueError`` if it is not a font."""
    try:
        with TTFont(path, lazy=True) as font:
            names = font["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1) or "").strip()
            os2 = font["OS/2"] if "OS/2" in font else None
            weight = int(os2.usWeightClass) if os2 is not None else 400
            italic = bool(os2.fsSelection & 1) if os2 is not None else bool(
                font["head"].macStyle & 2)
    except (TTLibError, OSError, KeyError, AssertionError, AttributeError) as exc:
        raise ValueError(f"not a font file ({exc.__class__.__name__})") from None
    if not family:
        raise ValueError("the font names no family")
    return Face(path, family, "italic" if italic else "normal", min(900, max(100, weight)))


@functools.lru_cache(maxsize=64)
def _cmap(path: Path, stamp: tuple[int, int]) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


def characters(paths: list[Path]) -> frozenset[int]:
    """Return the code points that at least one of the font files draws."""
    covered: set[int] = set()
    for path in paths:
        stat = path.stat()
        covered |= _cmap(path, (stat.st_mtime_ns, stat.st_size))
    return frozenset(covered)


def font_urls(css: str) -> list[str]:
    """Return the ``url()``\\ s of the ``src`` descriptors in a stylesheet, in order.

    >>> font_urls('@font-face { font-family: "A"; src: url("a.ttf"); } p { background: url(x.png) }')
    ['a.ttf']
    """
    return [m.group(2) for src in _SRC.finditer(css) for m in _URL.finditer(src.group(0))]
