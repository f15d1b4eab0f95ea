"""Muse import: the text of a ``.muse`` file in, metadata, Markdown chapters and a loss report out.

No files are read or written here (:mod:`zinepress.library.importer` does that); pandoc
runs as a subprocess. The stages:

1. :mod:`~zinepress.library.musescan` reads the header, the regions and the notes the
   way Text::Amuse does, and decides which ``[n]``/``{n}`` are calls;
2. :mod:`~zinepress.library.museprep` rewrites what pandoc's Muse reader would lose;
3. pandoc reads the result (``-f muse``) into its AST; :mod:`~zinepress.library.museast`
   repairs it;
4. the blocks are split into chapters at the heading level that holds them
   (:func:`~zinepress.library.musescan.chapter_level`): that heading becomes the
   chapter's ``#``, deeper ones move up to match; text before the first chapter heading
   becomes a chapter titled with the book's title, an addition recorded in
   ``corrections``; a heading with no text of its own (a part title) keeps the next
   heading, one level down, in its chapter;
5. pandoc writes each chapter as Markdown; notes become ``[^n]``, numbered 1…N through
   the book, their bodies at the end of the chapter that calls them, each call set
   against the word before it (Muse writes ``word [1]``);
6. :mod:`~zinepress.library.musemeta` maps the header to metadata.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from zinepress.convert.pandoc import blank_doc, run_pandoc
from zinepress.errors import ZineError
from zinepress.library import museast, musemeta, museprep, musescan
from zinepress.library.musescan import Loss
from zinepress.source.load import slugify

WRITER = ("markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars"
          "-tex_math_single_backslash-citations")
CHAPTER_END = "\ue0ff"
NOTE_START = "\ue0fe"
CALL_OPEN, CALL_CLOSE = "\ue010", "\ue011"
# The Anarchist Library publishes its texts anti-copyright; a distro can change it after.
LIBRARY_LICENSE = "anti-copyright"
_H1 = re.compile(r"^#(?!#)\s*(.*?)\s*(\{[^}]*\})?\s*$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class MuseChapter:
    """One chapter: its file name, title (as its ``#`` heading reads) and Markdown."""

    file: str
    title: str
    markdown: str


@dataclass
class Conversion:
    """The result of :func:`convert_muse`."""

    metadata: dict
    chapters: list[MuseChapter]
    losses: list[Loss] = field(default_factory=list)


@dataclass
class Chapter:
    """A chapter while it is being cut out of the AST."""

    header: dict | None
    blocks: list[dict]
    line: int


def read_muse_ast(text: str) -> list[dict]:
    """Return pandoc's blocks for prepared Muse text."""
    return json.loads(run_pandoc(text, "json", "muse", ["--sandbox"]))["blocks"]


def plain(inlines) -> str:
    """Return the visible text of inlines, notes left out.

    >>> plain([{"t": "Emph", "c": [{"t": "Str", "c": "A"}]}, {"t": "Space"}, {"t": "Str", "c": "b"}])
    'A b'
    """
    out: list[str] = []

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                out.append(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind == "Code":
                out.append(node["c"][1])
            elif kind in ("Link", "Image", "Span"):
                visit(node["c"][1])
            elif kind not in ("Note", "RawInline"):
                visit(node.get("c"))

    visit(inlines)
    return " ".join("".join(out).split())


def chapter_heading_level(result: musescan.Scan) -> int:
    """Return the level whose headings start chapters (0: the whole text is one chapter)."""
    found = musescan.headings(result)
    level = musescan.chapter_level(found)
    if level == 0 and len(found) == 1 and not any(
            line.strip() for line in result.lines[:found[0].index]):
        return found[0].level
    return level


def split_chapters(blocks: list[dict], level: int, lines: list[int]) -> list[Chapter]:
    """Return the chapters: a new one at every heading of ``level`` or shallower.

    ``lines`` are the Muse lines of the top-level headings, in order, for reports.
    """
    chapters = [Chapter(None, [], lines[0] if lines else 1)]
    heads = iter(lines)
    for block in blocks:
        if block["t"] == "Header":
            line = next(heads, chapters[-1].line)
            if level and block["c"][0] <= level:
                chapters.append(Chapter(block, [], line))
                continue
        chapters[-1].blocks.append(block)
    if not any(b["t"] not in ("Null",) for b in chapters[0].blocks):
        chapters = chapters[1:]
    merged: list[Chapter] = []
    for chapter in chapters:
        if merged and merged[-1].header is not None and not merged[-1].blocks:
            demoted = {"t": "Header", "c": [2, *chapter.header["c"][1:]]}
            merged[-1].blocks = [demoted, *chapter.blocks]
            continue
        merged.append(chapter)
    return merged


def shift_headings(blocks: list[dict], level: int) -> list[dict]:
    """Return the blocks with each heading moved up so the chapter level becomes ``#``."""
    def visit(block):
        if block["t"] == "Header":
            depth = max(2, block["c"][0] - level + 1) if level else block["c"][0] + 1
            return {"t": "Header", "c": [min(depth, 6), *block["c"][1:]]}
        return block
    return [visit(b) for b in blocks]


def glue_calls(inlines: list[dict]) -> list[dict]:
    """Return inlines with the space before each note call removed (``word [1]`` -> ``word¹``)."""
    out: list[dict] = []
    for el in inlines:
        if el["t"] == "Note" and out and out[-1]["t"] == "Space":
            out.pop()
        out.append(el)
    return out


def number_notes(node, bodies: list[list[dict]]):
    """Return ``node`` with each Note replaced by a call placeholder, in reading order."""
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Note":
                bodies.append(item["c"])
                out.append({"t": "Str", "c": f"{CALL_OPEN}{len(bodies)}{CALL_CLOSE}"})
            else:
                out.append(number_notes(item, bodies))
        return out
    if isinstance(node, dict):
        return {key: number_notes(value, bodies) for key, value in node.items()}
    return node


def chapter_header(chapter: Chapter, book_title: str, losses: list[Loss]) -> tuple[dict, list]:
    """Return the chapter's ``#`` heading (plain text) and the notes it called, if any."""
    if chapter.header is None:
        return {"t": "Header", "c": [1, ["", [], []], [{"t": "Str", "c": book_title}]]}, []
    _, (_, classes, pairs), inlines = chapter.header["c"]
    notes: list[dict] = []
    museast._take_notes(inlines, notes)
    if any(el.get("t") not in ("Str", "Space", "Note") for el in inlines):
        losses.append(Loss(chapter.line, "chapter title markup",
                           "emphasis and other markup in a chapter title dropped"))
    if notes:
        losses.append(Loss(chapter.line, "note call in a chapter title",
                           "moved to the start of the chapter's first paragraph"))
    return {"t": "Header", "c": [1, ["", classes, pairs],
                                 [{"t": "Str", "c": plain(inlines)}]]}, notes


def place_notes(blocks: list[dict], notes: list[dict]) -> list[dict]:
    """Return blocks with ``notes`` at the start of the first paragraph."""
    if not notes:
        return blocks
    for i, block in enumerate(blocks):
        if block["t"] in ("Para", "Plain"):
            return blocks[:i] + [{"t": block["t"], "c": notes + block["c"]}] + blocks[i + 1:]
    return blocks + [{"t": "Para", "c": notes}]


def render_markdown(chapters: list[list[dict]]) -> list[str]:
    """Return each chapter (a list of blocks) as Markdown with its notes, in one pandoc run."""
    bodies: list[list[dict]] = []
    doc: list[dict] = []
    for blocks in chapters:
        blocks = museast.map_lists(blocks, inlines_fn=glue_calls)
        doc += number_notes(blocks, bodies)
        doc.append({"t": "Para", "c": [{"t": "Str", "c": CHAPTER_END}]})
    for body in bodies:
        doc.append({"t": "Para", "c": [{"t": "Str", "c": NOTE_START}]})
        doc += body
    text = run_pandoc(json.dumps(blank_doc(doc)), WRITER, "json", ["--wrap=none"])
    parts = re.split(rf"^(?:{CHAPTER_END}|{NOTE_START})\n", text + "\n", flags=re.M)
    texts, notes = parts[:len(chapters)], parts[len(chapters) + 1:]
    definitions = [note_definition(n + 1, body) for n, body in enumerate(notes)]
    out = []
    for chapter_text in texts:
        calls = [int(n) for n in re.findall(rf"{CALL_OPEN}(\d+){CALL_CLOSE}", chapter_text)]
        chapter_text = re.sub(rf"{CALL_OPEN}(\d+){CALL_CLOSE}", r"[^\1]", chapter_text)
        own = [definitions[n - 1] for n in calls]
        out.append("\n\n".join([chapter_text.strip(), *own]) + "\n")
    return out


def note_definition(number: int, markdown: str) -> str:
    """Return a note body as a Markdown definition, later lines indented four spaces.

    >>> note_definition(3, "One.\\n\\nTwo.\\n")
    '[^3]: One.\\n\\n    Two.'
    """
    lines = markdown.strip("\n").split("\n")
    return "\n".join([f"[^{number}]: {lines[0]}"]
                     + [f"    {line}" if line.strip() else "" for line in lines[1:]])


def heading_title(markdown: str) -> str:
    """Return the text of a chapter's ``#`` line as the check reads it, escapes undone.

    >>> heading_title('# Part \\\\[one\\\\] {short-title="P"}\\n\\ntext')
    'Part [one]'
    """
    first = markdown.split("\n", 1)[0]
    return _ESCAPE.sub(r"\1", _H1.match(first).group(1))


def chapter_file(index: int, title: str) -> str:
    """Return a chapter's file name.

    >>> chapter_file(0, "The Conquest of Bread!")
    '01-the-conquest-of-bread.md'
    """
    return f"{index + 1:02d}-{slugify(title)[:48].rstrip('-')}.md"


def heading_lines(result: musescan.Scan) -> list[int]:
    """Return the file lines of the top-level headings, in order."""
    return [result.file_line(h.index) for h in musescan.headings(result)]


def convert_muse(text: str, raw: bytes, *, words: dict, today: dt.date,
                 present: frozenset[str] = frozenset(), name: str = "text.muse") -> Conversion:
    """Return the metadata, chapters and loss report of a ``.muse`` text.

    ``words`` is the ``import`` part of the language table (default author, rights,
    the wording of recorded changes); ``present`` the file names beside the ``.muse``
    (images); ``today`` dates the edition when the header has no ``#pubdate``.
    """
    result = musescan.scan(text)
    plan = musescan.plan_notes(result)
    prepared = museprep.prepare(result, plan)
    header = musemeta.header_metadata(result.directives, raw)
    if not header.fields.get("title"):
        raise ZineError(name, 1, "Z701", "the .muse file has no #title directive",
                        hint="a text needs a title to become a book")
    lines = heading_lines(result)
    blocks, ast_losses = museast.repair(read_muse_ast(prepared.text), present,
                                        lambda target: _line_of(result, target))
    level = chapter_heading_level(result)
    losses = header.losses + plan.losses + prepared.losses + ast_losses
    chapters = split_chapters(blocks, level, lines)
    meta = base_metadata(header.fields, words, today, losses)
    shaped = []
    for chapter in chapters:
        head, notes = chapter_header(chapter, meta["title"], losses)
        shaped.append([head, *place_notes(shift_headings(chapter.blocks, level), notes)])
    markdown = render_markdown(shaped)
    out = [MuseChapter(chapter_file(i, heading_title(md)), heading_title(md), md)
           for i, md in enumerate(markdown)]
    meta["chapters"] = [{"file": ch.file, "title": ch.title} for ch in out]
    added = [ch for ch, src in zip(out, chapters) if src.header is None]
    if added:
        meta["corrections"] = [added_heading(ch, meta, words) for ch in added]
    return Conversion(meta, out, sorted(losses, key=lambda loss: loss.line))


def _line_of(result: musescan.Scan, needle: str) -> int:
    for i, line in enumerate(result.lines):
        if needle in line:
            return result.file_line(i)
    return result.first_line


def base_metadata(fields: dict, words: dict, today: dt.date, losses: list[Loss]) -> dict:
    """Return the metadata in the README's field order, required fields filled in."""
    edition = musemeta.edition_date(fields, today)
    if "date" not in fields:
        fields["date"] = str(edition.year)
        losses.append(Loss(1, "#date", f"missing; the date is set to {edition.year}, "
                                       "the year of this edition"))
    meta = {"title": fields["title"]}
    for key in ("subtitle", "author", "sort-authors", "date", "lang", "source", "notes"):
        if key in fields:
            meta[key] = fields[key]
    meta.setdefault("author", words["anonymous"])
    meta.setdefault("lang", "en")
    meta["license"] = LIBRARY_LICENSE
    for key in ("description", "subject", "sort-title", "identifier"):
        if key in fields:
            meta[key] = fields[key]
    meta["edition"] = {"number": 1, "date": edition}
    return meta


def added_heading(chapter: MuseChapter, meta: dict, words: dict) -> dict:
    """Return the correction recording a heading the import added."""
    return {"date": meta["edition"]["date"], "file": chapter.file, "kind": "normalisation",
            "change": words["added-heading"].format(title=chapter.title),
            "reason": words["added-heading-reason"], "to": chapter.title}
