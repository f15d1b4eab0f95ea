"""Convert stage: a checked :class:`Book` in, pandoc ASTs and HTML fragments out.

pandoc (bundled by pypandoc-binary) reads the chapters' Markdown once into its JSON
AST; Python then reshapes that AST for each output:

- print: each note becomes an inline ``<span class="footnote">`` at its call, which
  WeasyPrint floats to the foot of the page (``float: footnote``);
- EPUB: each note becomes an ``epub:type="noteref"`` link and an ``<aside
  epub:type="footnote">`` at the end of its chapter, numbered 1…N across the whole
  book (pandoc's own notes restart in every chapter file, jgm/pandoc#1391);
- both: the attribution line that closes a block quote ("– Kelley 1990: 93") is
  marked ``.attribution`` so the stylesheets can set it right.

The reader extensions switch off everything that could rewrite the authors' words or
pass markup through: no smart quotes, no raw HTML or TeX, no ``$`` math.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from zinepress.errors import ZineError
from zinepress.formats.urls import project_url
from zinepress.source.load import Book

READER = ("markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars"
          "-tex_math_single_backslash-citations")
SPLIT = "<!--zinepress:chapter-->"
ATTRIBUTION_DASHES = ("–", "—")
PANDOC_TIMEOUT_S = 120


@dataclass(frozen=True)
class HtmlChapter:
    """One chapter's body as an HTML fragment, with what the templates need."""

    ident: str
    title: str
    role: str
    html: str


def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    return pypandoc.get_pandoc_version()


def run_pandoc(text: str, to: str, fmt: str, extra: list[str] | None = None,
               env: dict | None = None, cwd: str | None = None) -> str:
    """Run the bundled pandoc on ``text`` and return what it wrote to stdout.

    ``--data-dir`` points at an empty place so no user templates or filters from the
    home directory are read; stderr (warnings) becomes part of the error on failure.
    """
    args = [pandoc_path(), "--from", fmt, "--to", to, "--data-dir", os.devnull] + (extra or [])
    proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=PANDOC_TIMEOUT_S,
                          cwd=cwd)
    if proc.returncode != 0:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ZineError(None, None, "Z401", "pandoc failed: " + (
            said[-1] if said else f"exit status {proc.returncode}, no message"))
    return proc.stdout.decode("utf-8")


def read_ast(book: Book) -> list[list[dict]]:
    """Return the pandoc blocks of each chapter, read from Markdown in one pandoc run.

    ``--file-scope`` reads each chapter on its own: note labels (``[^1]`` in every
    chapter), link references and identifiers belong to their file (pandoc prefixes
    identifiers with the file name, so they stay unique across the book). The texts
    pandoc reads are the ones loaded into the ``Book``, written to a private folder.
    """
    with tempfile.TemporaryDirectory(prefix="zinepress-read-") as tmp:
        paths = []
        for chapter in book.chapters:
            name = Path(chapter.file).name
            path = Path(tmp) / (name if name not in paths else f"{chapter.index}-{name}")
            path.write_text(chapter.text, encoding="utf-8")
            paths.append(path.name)
        # Relative names: pandoc builds identifiers from them, and they must not
        # depend on where the private folder is.
        doc = json.loads(run_pandoc("", "json", READER, ["--sandbox", "--file-scope", *paths],
                                    cwd=tmp))
    chapters: list[list[dict]] = []
    for block in doc["blocks"]:
        if block["t"] == "Header" and block["c"][0] == 1:
            chapters.append([])
        chapters[-1].append(block)
    assert len(chapters) == len(book.chapters), "check_book guarantees one H1 per chapter"
    return chapters


def blank_doc(blocks: list[dict], meta: dict | None = None) -> dict:
    return {"pandoc-api-version": [1, 23, 1], "meta": meta or {}, "blocks": blocks}


# -- AST helpers -------------------------------------------------------------------

def walk(node, visit):
    """Return ``node`` with ``visit`` applied bottom-up to every element dict."""
    if isinstance(node, list):
        return [walk(item, visit) for item in node]
    if isinstance(node, dict) and "t" in node:
        if "c" in node:
            node = {"t": node["t"], "c": walk(node["c"], visit)}
        return visit(node)
    return node


def walk_in_order(node, visit) -> None:
    """Call ``visit`` on every element dict in document (pre-)order."""
    if isinstance(node, list):
        for item in node:
            walk_in_order(item, visit)
    elif isinstance(node, dict) and "t" in node:
        visit(node)
        walk_in_order(node.get("c"), visit)


def plain_text(node) -> str:
    """Return the visible text of inlines/blocks (Str and spaces)."""
    out: list[str] = []

    def visit(el):
        if el["t"] == "Str":
            out.append(el["c"])
        elif el["t"] in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")

    walk_in_order(node, visit)
    return "".join(out)


def attr(ident: str = "", classes=(), pairs=()) -> list:
    return [ident, list(classes), [list(p) for p in pairs]]


def raw_block(html: str) -> dict:
    return {"t": "RawBlock", "c": ["html", html]}


def mark_attributions(blocks: list[dict]) -> list[dict]:
    """Wrap the closing "– Author Year" paragraph of each block quote in ``.attribution``.

    The same holds for an epigraph (a ``::: {.epigraph}`` div).
    """
    def visit(el):
        if el["t"] == "BlockQuote":
            body = el["c"]
        elif el["t"] == "Div" and "epigraph" in el["c"][0][1]:
            body = el["c"][1]
        else:
            return el
        if not body:
            return el
        last = body[-1]
        first_inline = last["c"][0] if last["t"] == "Para" and last["c"] else None
        if first_inline and first_inline["t"] == "Str" and \
                first_inline["c"].startswith(ATTRIBUTION_DASHES):
            body = body[:-1] + [{"t": "Div", "c": [attr(classes=["attribution"]), [last]]}]
            el = {"t": "BlockQuote", "c": body} if el["t"] == "BlockQuote" else \
                {"t": "Div", "c": [el["c"][0], body]}
        return el

    return walk(blocks, visit)


NOTE_NUMBERING = ("book", "chapter")


def note_labels(counts: list[int], numbering: str = "book") -> list[list[int]]:
    """Return the number printed for each note, chapter by chapter, in call order.

    ``book`` numbers the notes 1…N through the book; ``chapter`` starts again at 1
    in every chapter. Either way the notes' ids stay book-wide (``note-1``…``note-N``),
    so no two links collide.

    >>> note_labels([2, 0, 3])
    [[1, 2], [], [3, 4, 5]]
    >>> note_labels([2, 0, 3], "chapter")
    [[1, 2], [], [1, 2, 3]]
    """
    if numbering not in NOTE_NUMBERING:
        raise ValueError(f"numbering must be one of {NOTE_NUMBERING}, got {numbering!r}")
    labels, first = [], 1
    for count in counts:
        labels.append(list(range(first, first + count)))
        first = first + count if numbering == "book" else 1
    return labels


def count_notes(blocks: list[dict]) -> int:
    """Return how many notes (pandoc ``Note`` elements) the blocks hold."""
    found = []
    walk_in_order(blocks, lambda el: found.append(1) if el["t"] == "Note" else None)
    return len(found)


def book_note_labels(book: Book, chapters: list[list[dict]]) -> list[list[int]]:
    """Return the printed note numbers of every chapter, as the metadata asks."""
    numbering = (book.meta.get("footnotes") or {}).get("numbering", "book")
    return note_labels([count_notes(blocks) for blocks in chapters], numbering)


def block_span(classes: list[str], inlines: list[dict]) -> dict:
    return {"t": "Span", "c": [attr(classes=classes), inlines]}


def note_inlines(blocks: list[dict], depth: int = 0) -> list[dict]:
    """Return a note's blocks as inlines, for a footnote that floats from inside a line.

    A floated footnote is a ``<span>``, so it cannot hold paragraphs or lists; each
    block after the first becomes a span the stylesheet sets ``display: block``
    (``.note-p``, ``.note-li``, ``.note-quote``, ``.note-lines``, ``.note-pre``), so
    a list keeps its items apart and a verse its lines.
    """
    inlines: list[dict] = []
    for i, block in enumerate(blocks):
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            inlines += content if i == 0 else [block_span(["note-p"], content)]
        elif kind in ("BulletList", "OrderedList"):
            start, items = (content[0][0], content[1]) if kind == "OrderedList" else (1, content)
            for n, item in enumerate(items, start=start):
                marker = f"{n}." if kind == "OrderedList" else "–"
                inlines.append(block_span(["note-li", f"note-depth-{depth + 1}"], [
                    {"t": "Str", "c": marker}, {"t": "Space"},
                    *note_inlines(item, depth + 1)]))
        elif kind == "BlockQuote":
            inlines.append(block_span(["note-quote"], note_inlines(content, depth)))
        elif kind == "LineBlock":  # one block span per line: a <br> would add a blank line
            inlines.append(block_span(["note-lines"], [
                block_span(["note-line"], line) for line in content]))
        elif kind == "CodeBlock":
            inlines.append(block_span(["note-pre"], [{"t": "Code", "c": [attr(), content[1]]}]))
        elif kind == "Div":
            inlines += note_inlines(content[1], depth)
        else:  # headings, tables, definition lists: their words, on a line of their own
            inlines.append(block_span(["note-p"], [{"t": "Str", "c": plain_text(block)}]))
    return inlines


def notes_for_print(blocks: list[dict], start: int,
                    labels: list[int] | None = None) -> tuple[list[dict], int]:
    """Replace each Note by ``span#noteref-N > span.footnote#note-N``; return next number.

    ``N`` counts from ``start`` through the book; the printed number (``data-n``) is
    the next of ``labels`` when given (see :func:`note_labels`), else ``N``.
    """
    number = start
    printed = iter(labels) if labels is not None else None

    def visit(el):
        nonlocal number
        if el["t"] != "Note":
            return el
        n, number = number, number + 1
        label = next(printed) if printed is not None else n
        note = {"t": "Span", "c": [attr(f"note-{n}", ["footnote"], [("data-n", str(label))]),
                                   note_inlines(el["c"])]}
        # The outer span stays at the call (an anchor tests can find); the inner floats.
        return {"t": "Span", "c": [attr(f"noteref-{n}", ["noteref"]), [note]]}

    # walk() is bottom-up but visits siblings in order, so notes number in call order.
    return walk(blocks, visit), number


def notes_for_epub(blocks: list[dict], start: int,
                   labels: list[int] | None = None) -> tuple[list[dict], int]:
    """Replace each Note by a noteref link and append the notes as asides; return next number.

    Ids count from ``start`` through the book; the shown number is the next of
    ``labels`` when given (see :func:`note_labels`), else the id's number. The shape is
    the one reading systems pop up (Apple Books, Kobo, KOReader): the call is an
    ``a[epub:type=noteref][role=doc-noteref]`` pointing at an ``aside[epub:type=footnote]
    [role=doc-footnote]`` later in the same file; the aside opens with the note's number
    as an ``a[role=doc-backlink]`` to the call (styled as a link, so it shows it is one).
    """
    number = start
    printed = iter(labels) if labels is not None else None
    asides: list[dict] = []

    def visit(el):
        nonlocal number
        if el["t"] != "Note":
            return el
        n, number = number, number + 1
        label = next(printed) if printed is not None else n
        body = copy.deepcopy(el["c"])
        backlink = {"t": "Link", "c": [attr(classes=["note-number"],
                                             pairs=[("role", "doc-backlink")]),
                                        [{"t": "Str", "c": f"{label}."}], [f"#noteref-{n}", ""]]}
        if body and body[0]["t"] in ("Para", "Plain"):
            body[0] = {"t": body[0]["t"], "c": [backlink, {"t": "Space"}] + body[0]["c"]}
        else:
            body.insert(0, {"t": "Para", "c": [backlink]})
        asides.extend([raw_block(f'<aside id="note-{n}" class="footnote" '
                                 f'epub:type="footnote" role="doc-footnote">')]
                      + body + [raw_block("</aside>")])
        return {"t": "Link", "c": [
            attr(f"noteref-{n}", ["noteref"], [("epub:type", "noteref"),
                                               ("role", "doc-noteref")]),
            [{"t": "Superscript", "c": [{"t": "Str", "c": str(label)}]}],
            [f"#note-{n}", ""]]}

    blocks = walk(blocks, visit)
    if asides:
        blocks = blocks + [raw_block('<section class="footnotes" epub:type="footnotes">')] \
            + asides + [raw_block("</section>")]
    return blocks, number


def lang_for_xhtml(blocks: list[dict]) -> list[dict]:
    """Give every span or div marked ``{lang=xx}`` the ``xml:lang`` XHTML also wants."""
    def visit(el):
        if el["t"] not in ("Span", "Div"):
            return el
        (ident, classes, pairs), content = el["c"]
        lang = dict(pairs).get("lang")
        if lang and "xml:lang" not in dict(pairs):
            pairs = pairs + [["xml:lang", lang]]
        return {"t": el["t"], "c": [[ident, classes, pairs], content]}

    return walk(blocks, visit)


def images_for_epub(blocks: list[dict], known: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """Point each image at ``../images/image-N.ext`` inside the EPUB; return the names.

    The names map ``{path written in the chapter: name inside images/}``, numbered in
    order of first use across the calls that pass ``known`` on. An image with no
    description gets ``alt=""`` (pandoc would leave ``alt`` out, and readers then
    announce the file name).
    """
    names = dict(known)

    def visit(el):
        if el["t"] != "Image":
            return el
        (ident, classes, pairs), alt, (target, title) = el["c"]
        if target not in names:
            suffix = os.path.splitext(target)[1].lower()
            names[target] = f"image-{len(names) + 1}{suffix}"
        if not plain_text(alt).strip() and "alt" not in dict(pairs):
            pairs = pairs + [["alt", ""]]
        return {"t": "Image", "c": [[ident, classes, pairs], alt,
                                    [f"../images/{names[target]}", title]]}

    return walk(blocks, visit), names


def html_parts(parts: list[list[dict]], extra: list[str] | None = None) -> list[str]:
    """Return each list of blocks as an HTML fragment, all written by one pandoc run."""
    blocks: list[dict] = []
    for i, part in enumerate(parts):
        if i:
            blocks.append(raw_block(SPLIT))
        blocks += part
    html = run_pandoc(json.dumps(blank_doc(blocks)), "html5", "json",
                      ["--sandbox", "--wrap=none"] + (extra or []))
    fragments = [part.strip() for part in html.split(SPLIT)]
    assert len(fragments) == len(parts), "a chapter's text cannot hold the split marker"
    return fragments


def images_from_source(blocks: list[dict], source_dir) -> list[dict]:
    """Point image paths (written relative to ``source/``) at their files, as project URLs.

    The print HTML resolves relative URLs against ``templates/`` (fonts, CSS); images
    live beside the chapters. A project URL is the same in every folder, so the PDF is
    too (:mod:`zinepress.formats.urls`). ``check`` has already refused URLs and paths leaving the
    project, and WeasyPrint's fetcher refuses them again.
    """
    def visit(el):
        if el["t"] != "Image":
            return el
        attrs, alt, (target, title) = el["c"]
        url = project_url(source_dir.parent, source_dir / target)
        return {"t": "Image", "c": [attrs, alt, [url, title]]}

    return walk(blocks, visit)


def print_chapters(book: Book, chapters: list[list[dict]],
                   title=lambda text: text) -> list[HtmlChapter]:
    """Return each chapter as an HTML fragment for the print template.

    ``title`` typesets the chapter titles the contents page shows (metadata strings).
    """
    parts: list[list[dict]] = []
    number = 1
    source_dir = book.root / "source"
    labels = book_note_labels(book, chapters)
    for i, chapter_blocks in enumerate(chapters):
        shaped, number = notes_for_print(
            images_from_source(mark_attributions(chapter_blocks), source_dir), number, labels[i])
        parts.append(shaped)
    return [HtmlChapter(ch.ident, title(ch.title), ch.role, html)
            for ch, html in zip(book.chapters, html_parts(parts))]
