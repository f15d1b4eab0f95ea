"""Glyph coverage: a loaded :class:`Book` in, the characters no font of the project draws out.

The print outputs see only the project's fonts (:mod:`zinepress.formats.pdf`): the
files its stylesheets declare with ``@font-face`` and those listed under ``fonts:`` in
the metadata. A character none of them has would print as an empty box, so each one is
reported once, where it first occurs, with its code point and Unicode name::

    source/02-night.md:14: L301 character '中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) is in no font of the project

The build logs these as warnings; ``zinepress check`` lists them with the lint
findings (fatal with ``--strict``).
"""

from __future__ import annotations

import posixpath
import unicodedata
from pathlib import Path
from typing import Iterator

from zinepress.errors import ZineError
from zinepress.formats.fonts import characters, font_urls
from zinepress.render.layers import template_file, template_names
from zinepress.source.load import METADATA_FILE, SOURCE_DIR, Book

MAX_REPORTED = 20  # distinct characters named one by one; the rest are counted
HINT = "list a font file that has it under 'fonts:' in the metadata"


def font_files(book: Book) -> list[Path]:
    """Return every font file the print outputs may draw with, each once.

    Those the stylesheets of ``templates/`` declare (the project's own or, where it has
    none, zinepress's defaults), those of the metadata's ``css`` and its ``fonts``.
    """
    root = Path(book.root)
    found = [root / rel for rel in book.meta.get("fonts") or []]
    for name in template_names(root, "**/*.css"):
        for url in _font_urls(template_file(root, name)):
            target = template_file(root, posixpath.normpath(posixpath.join(
                posixpath.dirname(name), url)))
            found += [target] if target else []
    for css in book.meta.get("css") or []:
        found += [(root / css).parent / url for url in _font_urls(root / css)]
    unique = dict.fromkeys(p.resolve() for p in found)
    return [p for p in unique if p.is_file()]


def _font_urls(css: Path | None) -> list[str]:
    try:
        return font_urls(css.read_text(encoding="utf-8")) if css else []
    except (OSError, UnicodeDecodeError):
        return []  # reported by the resource checks


def drawn(char: str) -> bool:
    """Return whether ``char`` needs a glyph (controls and format characters do not).

    >>> drawn("a"), drawn("\\n"), drawn("\\u00ad"), drawn("\\ufe0f")
    (True, False, False, False)
    """
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        return False
    return not ("\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef")


def printed_lines(book: Book) -> Iterator[tuple[str, int, str]]:
    """Yield ``(file, line, text)`` for the chapters and the metadata, in book order."""
    for number, line in enumerate(book.metadata_text.split("\n"), start=1):
        if not line.lstrip().startswith("#"):
            yield f"{SOURCE_DIR}/{METADATA_FILE}", number, line
    for chapter in book.chapters:
        for number, line in enumerate(chapter.text.split("\n"), start=1):
            yield chapter.rel, number, line


def missing_glyphs(book: Book) -> list[ZineError]:
    """Return one L301 finding per character that no font of the project draws."""
    covered = characters(font_files(book))
    first: dict[str, tuple[str, int]] = {}
    for path, number, text in printed_lines(book):
        for char in text:
            if char not in first and ord(char) not in covered and drawn(char):
                first[char] = (path, number)
    findings = []
    for char, (path, number) in list(first.items())[:MAX_REPORTED]:
        name = unicodedata.name(char, "unnamed")
        findings.append(ZineError(path, number, "L301",
                                  f"character '{char}' (U+{ord(char):04X} {name}) "
                                  "is in no font of the project", hint=HINT))
    if len(first) > MAX_REPORTED:
        path, number = list(first.values())[MAX_REPORTED]
        findings.append(ZineError(path, number, "L301",
                                  f"and {len(first) - MAX_REPORTED} more characters "
                                  "that no font of the project has", hint=HINT))
    return findings
