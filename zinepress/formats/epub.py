"""EPUB stage: the book's pandoc AST in, an EPUB 3 file out (pandoc's EPUB writer).

The AST gets continuous EPUB 3 notes (see :mod:`zinepress.convert.pandoc`), ``epub:type``
on the preface and references, and the colophon from the shared template as its own
``epub:type="colophon"`` section. Metadata goes into the document's ``meta`` so that
nothing is read from the command line or the home folder; the cover is an SVG made
from ``templates/cover.svg.j2``. With ``SOURCE_DATE_EPOCH`` fixed, pandoc's EPUB is
byte-identical from run to run.
"""

from __future__ import annotations

import json
from pathlib import Path

from zinepress.convert import pandoc as convert
from zinepress.render.templates import (TYPESET_FIELDS, labels, typeset_value,
                                        typography_rules)
from zinepress.source.load import Book
from zinepress.source.metadata import people

EPUB_TYPES = {"preface": "preface", "references": "bibliography"}


# Who did what, as EPUB 3 writes it: dc:creator or dc:contributor with a MARC relator.
PEOPLE_ROLES = (("author", "creator", "aut"), ("translator", "contributor", "trl"),
                ("editor", "contributor", "edt"))


def meta_value(value):
    """Return a pandoc MetaValue for a str, list, mapping or number."""
    if isinstance(value, list):
        return {"t": "MetaList", "c": [meta_value(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: meta_value(v) for k, v in value.items()}}
    return {"t": "MetaString", "c": str(value)}


def people_meta(book: Book) -> dict[str, list[dict]]:
    """Return pandoc's ``creator``/``contributor`` lists: name, MARC role and file-as.

    >>> from types import SimpleNamespace as NS
    >>> people_meta(NS(meta={"author": ["A B", "C"], "translator": "T"}))["contributor"]
    [{'text': 'T', 'role': 'trl', 'file-as': 'T'}]
    """
    found: dict[str, list[dict]] = {"creator": [], "contributor": []}
    for field, element, role in PEOPLE_ROLES:
        for person in people(book.meta.get(field)) or []:
            found[element].append({"text": person["name"], "role": role,
                                   "file-as": person["file-as"]})
    return {key: value for key, value in found.items() if value}


def epub_meta(book: Book) -> dict:
    """Return the pandoc metadata block for the EPUB writer (reader-visible text typeset)."""
    from zinepress.render.templates import license_words, words
    rules = typography_rules(book)
    meta = {**book.meta, **{name: typeset_value(book.meta.get(name), rules)
                            for name in TYPESET_FIELDS if name in book.meta}}
    table = words(book)
    fields = {
        "title": meta["title"],
        **people_meta(book),
        "lang": meta["lang"],
        "date": str(meta["date"]),
        "rights": meta.get("rights") or license_words(book, table)["statement"],
        "identifier": meta["identifier"],
        "toc-title": (table.get("labels") or {}).get("contents", "Contents"),
    }
    if meta.get("subtitle"):
        fields["subtitle"] = meta["subtitle"]
    if meta.get("description"):
        fields["description"] = meta["description"]
    if meta.get("subject"):
        fields["subject"] = list(meta["subject"])
    if meta.get("accessibility-summary"):
        fields["accessibilitySummary"] = meta["accessibility-summary"]
    return {key: meta_value(value) for key, value in fields.items()}


def epub_blocks(book: Book, chapters: list[list[dict]], colophon_html: str) -> list[dict]:
    """Return the whole book's blocks shaped for EPUB, colophon last."""
    blocks: list[dict] = []
    number = 1
    note_labels = convert.book_note_labels(book, chapters)
    for chapter, chapter_blocks, chapter_labels in zip(book.chapters, chapters, note_labels):
        shaped, number = convert.notes_for_epub(convert.mark_attributions(chapter_blocks), number,
                                                chapter_labels)
        header = shaped[0]
        level, (ident, classes, pairs), inlines = header["c"]
        classes = classes + [chapter.role]
        if chapter.role in EPUB_TYPES:
            pairs = pairs + [["epub:type", EPUB_TYPES[chapter.role]]]
        shaped[0] = {"t": "Header", "c": [level, [chapter.ident, classes, pairs], inlines]}
        blocks += shaped
    blocks.append({"t": "Header", "c": [1, ["colophon-section", ["colophon"],
                                            [["epub:type", "colophon"]]],
                                        [{"t": "Str", "c": labels(book)["colophon"]}]]})
    blocks.append(convert.raw_block(colophon_html))
    return blocks


def write_epub(book: Book, blocks: list[dict], out_path: Path, cover_svg: Path,
               css: list[Path], epoch: int, resource_dir: Path) -> None:
    """Write the EPUB to ``out_path`` (a temporary path; the caller renames it)."""
    doc = convert.blank_doc(blocks, epub_meta(book))
    args = ["--output", str(out_path), "--toc", "--toc-depth=1", "--split-level=1",
            "--epub-cover-image", str(cover_svg), "--wrap=none",
            "--resource-path", str(resource_dir)]
    for sheet in css:
        args += ["--css", str(sheet)]
    convert.run_pandoc(json.dumps(doc), "epub3", "json", args,
                       env={"SOURCE_DATE_EPOCH": str(epoch)})
