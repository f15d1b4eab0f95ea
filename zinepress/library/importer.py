"""Import stage: a ``.muse`` file in, a new zinepress project folder out.

Reads the file (UTF-8; a BOM and CRLF are fine), converts it
(:func:`~zinepress.library.muse.convert_muse`) and writes the project: chapters and
``metadata.yaml`` under ``source/``, the ``.muse`` byte for byte in ``source/original/``
with the loss report beside it (``<name>.losses.txt``), images the text uses copied
from beside the ``.muse`` into ``source/``, and the templates. Everything is written to
a temporary folder next to the destination and renamed into place at the end, so an
import that fails leaves nothing behind. The ``.muse`` is never modified.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from zinepress.errors import ZineError
from zinepress.library import musescan
from zinepress.library.muse import Conversion, convert_muse
from zinepress.render.language import language_table

ORIGINAL_DIR = "source/original"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
PACKAGE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Imported:
    """What an import made: the project folder, the conversion and its loss report lines."""

    root: Path
    conversion: Conversion
    report: list[str]


class _Dumper(yaml.SafeDumper):
    """YAML without anchors: each value written where it belongs."""

    def ignore_aliases(self, data) -> bool:
        return True


def metadata_yaml(meta: dict, muse_name: str) -> str:
    """Return ``metadata.yaml``'s text, with a comment naming where it came from."""
    body = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return (f"# Imported from original/{muse_name} by `zinepress import`. What the import could\n"
            f"# not carry over is listed in original/{Path(muse_name).stem}.losses.txt.\n" + body)


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


def check_destination(dest: Path) -> None:
    """Refuse a destination that exists and is not an empty folder."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ZineError(dest, None, "Z703", "destination exists and is not an empty folder",
                        hint="import into a new folder")


def text_lang(text: str) -> str:
    """Return the ``#lang`` of a Muse text (Text::Amuse's default: en)."""
    directives, _ = musescan.split_header(musescan.normalise_lines(text))
    found = [d.value.strip() for d in directives if d.name.lower() == "lang" and d.value.strip()]
    return found[0] if found else "en"


def import_muse(muse: Path, dest: Path, today: dt.date | None = None,
                templates: Path = PACKAGE_TEMPLATES) -> Imported:
    """Create the project ``dest`` from ``muse``; return what was made."""
    muse, dest = Path(muse), Path(dest)
    raw, text = read_muse(muse)
    check_destination(dest)
    words = language_table(templates, text_lang(text)).get("import") or \
        language_table(templates, "en")["import"]
    present = frozenset(p.name for p in muse.parent.iterdir()
                        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    conversion = convert_muse(text, raw, words=words, today=today or dt.date.today(),
                              present=present, name=str(muse))
    report = [loss.format(f"{ORIGINAL_DIR}/{muse.name}") for loss in conversion.losses]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tmp-import-", dir=dest.parent) as tmp:
        staged = Path(tmp) / "project"
        write_project(staged, conversion, muse, raw, report, templates)
        if dest.exists():
            dest.rmdir()
        os.replace(staged, dest)
    return Imported(dest, conversion, report)


def write_project(root: Path, conversion: Conversion, muse: Path, raw: bytes,
                  report: list[str], templates: Path) -> None:
    """Write the converted project under ``root`` (a fresh folder)."""
    source = root / "source"
    original = root / ORIGINAL_DIR
    original.mkdir(parents=True)
    (original / muse.name).write_bytes(raw)
    (original / f"{muse.stem}.losses.txt").write_text(
        "".join(line + "\n" for line in report), encoding="utf-8")
    (source / "metadata.yaml").write_text(metadata_yaml(conversion.metadata, muse.name),
                                          encoding="utf-8")
    for chapter in conversion.chapters:
        (source / chapter.file).write_text(chapter.markdown, encoding="utf-8")
        for name in images_used(chapter.markdown, muse.parent):
            shutil.copyfile(muse.parent / name, source / name)
    shutil.copytree(templates, root / "templates")


def images_used(markdown: str, folder: Path) -> list[str]:
    """Return the image files beside the ``.muse`` that a chapter shows."""
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES and f"]({p.name}" in markdown)
