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
from dataclasses import dataclass

import pypandoc

from zinepress.errors import ZineError
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
               env: dict | None = None) -> str:
    """Run the bundled pandoc on ``text`` and return what it wrote to stdout.

    ``--data-dir`` points at an empty place so no user templates or filters from the
    home directory are read; stderr (warnings) becomes part of the error on failure.
    """
    args = [pandoc_path(), "--from", fmt, "--to", to, "--data-dir", os.devnull] + (extra or [])
    proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=PANDOC_TIMEOUT_S)
    if proc.returncode != 0:
        raise ZineError(None, None, "Z401", "pandoc failed: "
                        + proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1])
    return proc.stdout.decode("utf-8")


def read_ast(book: Book) -> list[list[dict]]:
    """Return the pandoc blocks of each chapter, read from Markdown in one pandoc run."""
    text = "\n\n".join(ch.text for ch in book.chapters)
    doc = json.loads(run_pandoc(text, "json", READER, ["--sandbox"]))
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
    """Wrap the closing "– Author Year" paragraph of each block quote in ``.attribution``."""
    def visit(el):
        if el["t"] != "BlockQuote" or not el["c"]:
            return el
        last = el["c"][-1]
        first_inline = last["c"][0] if last["t"] == "Para" and last["c"] else None
        if first_inline and first_inline["t"] == "Str" and \
                first_inline["c"].startswith(ATTRIBUTION_DASHES):
            el = {"t": "BlockQuote",
                  "c": el["c"][:-1] + [{"t": "Div", "c": [attr(classes=["attribution"]), [last]]}]}
        return el

    return walk(blocks, visit)


def notes_for_print(blocks: list[dict], start: int) -> tuple[list[dict], int]:
    """Replace each Note by ``span#noteref-N > span.footnote#note-N``; return next number."""
    number = start

    def flatten(note_blocks):
        inlines: list[dict] = []
        for i, block in enumerate(note_blocks):
            if i:
                inlines.append({"t": "LineBreak"})
            inlines += block["c"] if block["t"] in ("Para", "Plain") else [
                {"t": "Str", "c": plain_text(block)}]
        return inlines

    def visit(el):
        nonlocal number
        if el["t"] != "Note":
            return el
        n, number = number, number + 1
        note = {"t": "Span", "c": [attr(f"note-{n}", ["footnote"], [("data-n", str(n))]),
                                   flatten(el["c"])]}
        # The outer span stays at the call (an anchor tests can find); the inner floats.
        return {"t": "Span", "c": [attr(f"noteref-{n}", ["noteref"]), [note]]}

    # walk() is bottom-up but visits siblings in order, so notes number in call order.
    return walk(blocks, visit), number


def notes_for_epub(blocks: list[dict], start: int) -> tuple[list[dict], int]:
    """Replace each Note by a noteref link and append the notes as asides."""
    number = start
    asides: list[dict] = []

    def visit(el):
        nonlocal number
        if el["t"] != "Note":
            return el
        n, number = number, number + 1
        body = copy.deepcopy(el["c"])
        backlink = {"t": "Link", "c": [attr(classes=["note-number"],
                                             pairs=[("role", "doc-backlink")]),
                                        [{"t": "Str", "c": f"{n}."}], [f"#noteref-{n}", ""]]}
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
            [{"t": "Superscript", "c": [{"t": "Str", "c": str(n)}]}],
            [f"#note-{n}", ""]]}

    blocks = walk(blocks, visit)
    if asides:
        blocks = blocks + [raw_block('<section class="footnotes" epub:type="footnotes">')] \
            + asides + [raw_block("</section>")]
    return blocks, number


def images_from_source(blocks: list[dict], source_dir) -> list[dict]:
    """Point image paths (written relative to ``source/``) at their files, as file URLs.

    The print HTML resolves relative URLs against ``templates/`` (fonts, CSS); images
    live beside the chapters. ``check`` has already refused URLs and paths leaving the
    project, and WeasyPrint's fetcher refuses them again.
    """
    def visit(el):
        if el["t"] != "Image":
            return el
        attrs, alt, (target, title) = el["c"]
        return {"t": "Image", "c": [attrs, alt, [(source_dir / target).resolve().as_uri(), title]]}

    return walk(blocks, visit)


def print_chapters(book: Book, chapters: list[list[dict]],
                   title=lambda text: text) -> list[HtmlChapter]:
    """Return each chapter as an HTML fragment for the print template.

    ``title`` typesets the chapter titles the contents page shows (metadata strings).
    """
    blocks: list[dict] = []
    number = 1
    source_dir = book.root / "source"
    for i, chapter_blocks in enumerate(chapters):
        shaped, number = notes_for_print(
            images_from_source(mark_attributions(chapter_blocks), source_dir), number)
        if i:
            blocks.append(raw_block(SPLIT))
        blocks += shaped
    html = run_pandoc(json.dumps(blank_doc(blocks)), "html5", "json",
                      ["--sandbox", "--wrap=none"])
    parts = html.split(SPLIT)
    return [HtmlChapter(ch.ident, title(ch.title), ch.role, part.strip())
            for ch, part in zip(book.chapters, parts)]
