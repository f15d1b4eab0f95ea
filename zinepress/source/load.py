"""Load stage: the project folder in, one frozen :class:`Book` out.

Reads ``source/metadata.yaml`` and the chapter files it lists, decodes them (UTF-8, a
BOM and CRLF line ends are accepted and normalised in memory; the files are never
written), validates the metadata schema and the chapter list. Later stages take the
``Book`` and never read ``source/`` again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from zinepress.source import metadata
from zinepress.errors import ZineError, ZineErrors

SOURCE_DIR = "source"
METADATA_FILE = "metadata.yaml"
MAX_SOURCE_BYTES = 5_000_000  # the essay is 90 kB; a 5 MB chapter is not a zine


@dataclass(frozen=True)
class Chapter:
    """One chapter file: where it is, what metadata calls it, and its text (LF, no BOM)."""

    index: int
    file: str
    title: str
    role: str
    path: Path
    text: str

    @property
    def ident(self) -> str:
        """Stable HTML id for the chapter, e.g. ``ch-03``."""
        return f"ch-{self.index + 1:02d}"

    @property
    def rel(self) -> str:
        """The path shown in messages, e.g. ``source/03-fractal.md``."""
        return f"{SOURCE_DIR}/{self.file}"


@dataclass(frozen=True)
class Book:
    """Everything the later stages need, read once: plain data, so it pickles to workers.

    Stages treat ``meta`` as read-only; it is a plain dict so that the checked book
    crosses the process boundary as it is, instead of being read again from disk.
    """

    root: Path
    meta: Mapping[str, Any]
    chapters: tuple[Chapter, ...]
    metadata_text: str

    @property
    def slug(self) -> str:
        """The outputs' file-name stem: the ``slug`` field, else made from the title."""
        return self.meta.get("slug") or slugify(self.meta["title"])


SLUG_CHARS = metadata.MAX_SLUG


def slugify(text: str, limit: int = SLUG_CHARS) -> str:
    """Return a file-name slug, cut at a word to at most ``limit`` characters.

    >>> slugify("Create Two, Three, Many Parties of Autonomy!")
    'create-two-three-many-parties-of-autonomy'
    >>> slugify("Sur la nécessité de l’entraide : essai sur les cuisines collectives", 30)
    'sur-la-necessite-de-lentraide'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("’", "")).strip("-")
    if len(slug) > limit:
        slug = slug[:limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit + 1] else slug[:limit]
    return slug or "book"


def read_text(path: Path, rel: str) -> str:
    """Return the file's text as str with BOM removed and line ends normalised to LF."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise ZineError(rel, 1, "Z108",
                            f"file is {path.stat().st_size // 1_000_000} MB; the limit is "
                            f"{MAX_SOURCE_BYTES // 1_000_000} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise ZineError(rel, 1, "Z101", f"cannot read file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ZineError(rel, line, "Z107", f"file is not UTF-8 (byte {raw[exc.start]:#04x})",
                        hint="save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def resolve_inside(root: Path, rel_path: str, shown: str, line: int | None) -> Path:
    """Return ``root/rel_path`` resolved, or raise if it (or a symlink) leaves ``root``."""
    target = (root / rel_path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ZineError(shown, line, "Z301",
                        f"'{rel_path}' points outside the project ({target})",
                        hint="zinepress reads nothing outside the project folder")
    return target


def load_book(root: Path) -> Book:
    """Return the validated :class:`Book` of the project at ``root``."""
    root = Path(root).resolve()
    meta_rel = f"{SOURCE_DIR}/{METADATA_FILE}"
    meta_path = resolve_inside(root, meta_rel, meta_rel, None)
    if not meta_path.is_file():
        raise ZineError(meta_rel, None, "Z000", "metadata file not found")
    meta_text = read_text(meta_path, meta_rel)
    data, lines = metadata.parse_yaml(meta_text, Path(meta_rel))
    errors = metadata.validate(data, lines, Path(meta_rel))
    if errors:
        raise errors[0] if len(errors) == 1 else ZineErrors(errors)
    chapters = _load_chapters(root, data["chapters"], lines, meta_rel)
    return Book(root=root, meta=dict(data), chapters=chapters,
                metadata_text=meta_text)


def _load_chapters(root: Path, entries: list, lines, meta_rel: str) -> tuple[Chapter, ...]:
    source_dir = root / SOURCE_DIR
    seen: dict[str, int] = {}
    chapters = []
    for i, entry in enumerate(entries):
        name, line = entry["file"], lines.get(("chapters", i, "file"))
        if name in seen:
            raise ZineError(meta_rel, line, "Z102",
                            f"chapter '{name}' is listed twice (first at line {seen[name]})")
        seen[name] = line
        path = resolve_inside(root, f"{SOURCE_DIR}/{name}", meta_rel, line)
        if not path.is_file():
            raise ZineError(meta_rel, line, "Z110", f"chapter file '{SOURCE_DIR}/{name}' not found")
        text = read_text(path, f"{SOURCE_DIR}/{name}")
        chapters.append(Chapter(i, name, entry["title"], entry.get("role", "chapter"), path, text))
    for path in sorted(source_dir.glob("*.md")):
        if path.name not in seen:
            raise ZineError(f"{SOURCE_DIR}/{path.name}", 1, "Z103",
                            "chapter file is not listed in metadata 'chapters'",
                            hint="add it to the list or move it out of source/")
    return tuple(chapters)

