"""New project: a folder name and a metadata dict in, a working zinepress project out.

``zinepress new my-zine`` (and ``zinepress import``, which reuses :func:`create_project`)
writes::

    my-zine/source/metadata.yaml    every field of the schema, explained in a comment;
                                    the ones given are set, the others commented out
    my-zine/source/01-*.md          the chapters (a sample one by default)
    my-zine/Makefile                `make` builds every output, `make check` checks
    my-zine/.gitignore              build/

No ``templates/`` folder: the defaults travel with zinepress, and a project adds only
the templates it changes. The project is written into a temporary folder beside the
target and renamed into place, so a failure leaves nothing half-written; an existing
non-empty folder is never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import sys
import tempfile
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from zinepress.errors import ZineError
from zinepress.source.load import METADATA_FILE, SOURCE_DIR, slugify
from zinepress.source.metadata import FIELDS


@dataclass(frozen=True)
class NewChapter:
    """One chapter to write: file name, title (its ``# heading``), body text, role."""

    file: str
    title: str
    body: str
    role: str = "chapter"

    def text(self) -> str:
        return f"# {self.title}\n\n{self.body.strip()}\n"


# What a commented-out field looks like when filled in; shown under its help line.
EXAMPLES: dict[str, str] = {
    "subtitle": 'subtitle: "A Subtitle"',
    "short-title": 'short-title: "Short Title"     # for running heads when the title is long',
    "author": "author: [Ana Lima, Jo Park]",
    "translator": "translator: Ana Lima      # or a list; or {name: Ana Lima, file-as: \"Lima, Ana\"}",
    "editor": "editor: Jo Park",
    "published-as": "published-as: Old Group Name",
    "source": 'source: "Retrieved on 2026-01-12 from <https://example.org/text>"',
    "notes": "notes: First published in a newsletter, 1998.",
    "license": "license: anti-copyright",
    "rights": 'rights: "Anti-copyright. Copy freely."',
    "description": "description: One paragraph for catalogues and the EPUB.",
    "subject": "subject: [zines, organizing]",
    "accessibility-summary": "accessibility-summary: A text-only book; notes are linked both ways.",
    "corrections": ("corrections:\n"
                    "  - {date: 2026-12-01, file: 01-start.md, kind: emendation,\n"
                    "     change: '\"teh\" corrected to \"the\".', reason: A typing error.,\n"
                    "     from: teh, to: the}"),
    "css": "css: [source/extra.css]",
    "footnotes": "footnotes: {numbering: chapter}   # book (default): 1…N through the book",
}

SAMPLE_BODY = """\
This is your zine's first chapter. Write in plain Markdown, one paragraph per line, and
add chapters as files beside this one (list each in `metadata.yaml`).

A footnote is a mark in the text[^1] and a line of its own below. Every chapter can
number its notes from `[^1]`; the book numbers them 1, 2, 3… all the way through.

> A quotation stands on its own, indented.
>
> – Its source

| A poem keeps
|   its line breaks
| when each line starts with a bar.

* * *

Build the zine with `make`; the files land in `build/`.

[^1]: The note itself, printed at the foot of the page and linked both ways in the EPUB.
"""


def default_metadata(title: str, *, author: str = "Your Name", lang: str = "en",
                     license: str = "anti-copyright", today: dt.date | None = None,
                     identifier: str | None = None) -> dict[str, Any]:
    """Return the metadata of a fresh project (a new ``urn:uuid`` unless one is given)."""
    today = today or dt.date.today()
    return {
        "title": title,
        "author": author,
        "date": str(today.year),
        "lang": lang,
        "license": license,
        "identifier": identifier or f"urn:uuid:{uuid.uuid4()}",
        "edition": {"number": 1, "date": today},
    }


def sample_chapters() -> list[NewChapter]:
    return [NewChapter("01-start.md", "Start Here", SAMPLE_BODY)]


def metadata_yaml(meta: dict[str, Any], chapters: Sequence[NewChapter]) -> str:
    """Return ``metadata.yaml`` text: every field with its help as a comment, in schema order."""
    meta = {**meta, "chapters": [
        {"file": ch.file, "title": ch.title, **({"role": ch.role} if ch.role != "chapter" else {})}
        for ch in chapters]}
    parts = ["# Everything about this zine that is not body text. Each field is explained",
             "# above it; remove the '# ' in front of an optional one to use it.",
             "# Reference: the \"Metadata fields\" table in zinepress's README.", ""]
    # chapters last: a new chapter is one line appended to the file
    for field in sorted(FIELDS, key=lambda f: f.name == "chapters"):
        parts += textwrap.wrap(f"{field.name} ({'required' if field.required else 'optional'}): "
                               f"{field.help}", width=86, initial_indent="# ",
                               subsequent_indent="#   ")
        if field.name in meta and meta[field.name] not in (None, ""):
            parts.append(_dump({field.name: meta[field.name]}))
        elif field.name in EXAMPLES:
            parts += ["# " + line for line in EXAMPLES[field.name].split("\n")]
        parts.append("")
    unknown = sorted(set(meta) - {f.name for f in FIELDS})
    if unknown:
        raise ValueError(f"not metadata fields: {', '.join(unknown)}")
    return "\n".join(parts)


def _dump(value: dict) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=88,
                          default_flow_style=False).rstrip("\n")


def makefile(command: str | None = None) -> str:
    """Return the project's Makefile; ``command`` runs zinepress (default: this one)."""
    command = command or f"{shlex.quote(sys.executable)} -m zinepress"
    return f"""\
# Build this zine: `make` writes every output into build/, `make check` checks the
# sources without rendering. Another zinepress: `make ZINEPRESS=zinepress`.
ZINEPRESS ?= {command}

.PHONY: all build pdf pdf-letter epub colophon zine check clean
all: build

build:
\t$(ZINEPRESS) build all

pdf pdf-letter epub colophon zine:
\t$(ZINEPRESS) build $@

check:
\t$(ZINEPRESS) check

clean:
\trm -rf build
"""


def create_project(root: Path, meta: dict[str, Any],
                   chapters: Sequence[NewChapter] | None = None,
                   extra_files: dict[str, bytes] | None = None,
                   command: str | None = None) -> Path:
    """Write a new project at ``root`` and return its path.

    ``meta`` holds metadata fields (see :func:`default_metadata`); ``chapters``
    default to one sample chapter; ``extra_files`` maps project paths (such as
    ``source/original/text.muse``) to bytes. ``root`` must not exist or be empty.
    """
    root = Path(root).absolute()
    chapters = list(chapters or sample_chapters())
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ZineError(str(root), None, "Z130", "folder exists and is not empty",
                        hint="zinepress new makes a new folder; choose another name")
    files = {f"{SOURCE_DIR}/{METADATA_FILE}": metadata_yaml(meta, chapters).encode("utf-8"),
             "Makefile": makefile(command).encode("utf-8"),
             ".gitignore": b"build/\n"}
    for chapter in chapters:
        if not re.fullmatch(r"[\w.-]+\.md", chapter.file):
            raise ValueError(f"chapter file name {chapter.file!r} is not a plain NAME.md")
        files[f"{SOURCE_DIR}/{chapter.file}"] = chapter.text().encode("utf-8")
    files.update(extra_files or {})
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".zinepress-new-", dir=root.parent))
    try:
        for rel, data in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if root.exists():
            root.rmdir()  # empty, checked above
        os.replace(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root


def new_project(root: Path, *, title: str | None = None, author: str | None = None,
                lang: str = "en", license: str = "anti-copyright") -> Path:
    """``zinepress new``: a project with a sample chapter and a fresh identifier."""
    root = Path(root)
    title = title or _title_from_folder(root.absolute().name)
    meta = default_metadata(title, author=author or "Your Name", lang=lang, license=license)
    return create_project(root, meta)


def _title_from_folder(name: str) -> str:
    """Return a title made from a folder name.

    >>> _title_from_folder("my-first_zine")
    'My First Zine'
    """
    words = re.split(r"[-_\s]+", name.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "My Zine"


__all__ = ["NewChapter", "create_project", "default_metadata", "metadata_yaml", "new_project",
           "sample_chapters", "slugify"]
