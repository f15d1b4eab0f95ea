"""Import stage: a ``.muse`` file in, a new zinepress project folder out.

Reads the file (UTF-8; a BOM and CRLF are fine), converts it
(:func:`~zinepress.library.muse.convert_muse`) and writes the project with
:func:`zinepress.source.scaffold.create_project`, as ``zinepress new`` does: chapters and
``metadata.yaml`` under ``source/``, the ``.muse`` byte for byte in ``source/original/``
with the loss report beside it (``<name>.losses.txt``), and images the text uses, copied
from beside the ``.muse`` into ``source/``. The project is staged and renamed into place,
so an import that fails leaves nothing behind. The ``.muse`` is never modified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from zinepress.errors import ZineError
from zinepress.library import musescan
from zinepress.library.muse import Conversion, convert_muse
from zinepress.render.language import language_table
from zinepress.render.layers import DEFAULT_TEMPLATES
from zinepress.source.scaffold import NewChapter, create_project

ORIGINAL_DIR = "source/original"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


@dataclass(frozen=True)
class Imported:
    """What an import made: the project folder, the conversion and its loss report lines."""

    root: Path
    conversion: Conversion
    report: list[str]


@dataclass(frozen=True)
class ImportedChapter(NewChapter):
    """A chapter whose whole Markdown, heading line included, the import wrote."""

    markdown: str = ""

    def text(self) -> str:
        return self.markdown


def read_muse(path: Path) -> tuple[bytes, str]:
    """Return the file's bytes and text, or raise a one-line error."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ZineError(path, None, "Z702", f"cannot read file: {exc.strerror}") from None
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ZineError(path, line, "Z702", f"file is not UTF-8 (byte {raw[exc.start]:#04x})",
                        hint="save it as UTF-8") from None


def text_lang(text: str) -> str:
    """Return the ``#lang`` of a Muse text (Text::Amuse's default: en)."""
    directives, _ = musescan.split_header(musescan.normalise_lines(text))
    found = [d.value.strip() for d in directives if d.name.lower() == "lang" and d.value.strip()]
    return found[0] if found else "en"


def import_muse(muse: Path, dest: Path, today: dt.date | None = None,
                templates: Path = DEFAULT_TEMPLATES) -> Imported:
    """Create the project ``dest`` from ``muse``; return what was made."""
    muse, dest = Path(muse), Path(dest)
    raw, text = read_muse(muse)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ZineError(str(dest), None, "Z130", "folder exists and is not empty",
                        hint="import into a new folder")
    folders = (Path(templates),)
    words = language_table(folders, text_lang(text)).get("import") or \
        language_table(folders, "en")["import"]
    present = frozenset(p.name for p in muse.parent.iterdir()
                        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    conversion = convert_muse(text, raw, words=words, today=today or dt.date.today(),
                              present=present, name=str(muse))
    report = [loss.format(f"{ORIGINAL_DIR}/{muse.name}") for loss in conversion.losses]
    chapters = [ImportedChapter(ch.file, ch.title, "", markdown=ch.markdown)
                for ch in conversion.chapters]
    extra = {f"{ORIGINAL_DIR}/{muse.name}": raw,
             f"{ORIGINAL_DIR}/{muse.stem}.losses.txt": "".join(f"{line}\n" for line in report).encode()}
    for chapter in conversion.chapters:
        for name in images_used(chapter.markdown, muse.parent):
            extra[f"source/{name}"] = (muse.parent / name).read_bytes()
    meta = {k: v for k, v in conversion.metadata.items() if k != "chapters"}
    create_project(dest, meta, chapters, extra_files=extra)
    return Imported(dest, conversion, report)


def images_used(markdown: str, folder: Path) -> list[str]:
    """Return the image files beside the ``.muse`` that a chapter shows."""
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES and f"]({p.name}" in markdown)
