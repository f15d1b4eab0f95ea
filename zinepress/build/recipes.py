"""The outputs, one row each: a checked book and what was prepared from it in, bytes out.

A :class:`Recipe` row names an output, its file-name pattern, the project files it
reads, the outputs it is made from and a function ``(book, prepared) -> bytes``. The
scheduler (:mod:`zinepress.build.builder`) and the manifest read this table and
nothing else, and :mod:`zinepress.build.output` writes what the functions return.
Page geometry is data too (:data:`PAGES`); a new edition is one row, and a new look
one stylesheet laid over ``print.css``.

The functions run in worker processes: they take the checked :class:`Book` and a
:class:`Prepared` (the pandoc AST read once, tool versions, the build timestamp, the
bytes of the outputs a row is made from) and never read ``source/`` again.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from zinepress.source.load import Book

# What an output reads besides itself. The text: metadata, chapters and images beside
# them, but not source/original/ (the copy the fidelity check reads).
TEXT = ("source/metadata.yaml", "source/*.md", "source/**/*")
NOT_INPUTS = ("source/original/",)
SHARED = ("templates/fonts/*", "templates/lang/*")
COVER = ("templates/cover.svg.j2", "templates/cover.yaml")
PRINT = TEXT + SHARED + COVER + ("templates/book.html.j2", "templates/colophon.html.j2",
                                 "templates/print.css")


@dataclass(frozen=True)
class Page:
    """A page geometry: the name the stylesheets see and the CSS ``@page`` size."""

    name: str
    size: str


PAGES = {page.name: page for page in (
    Page("a5", "148mm 210mm"),
    Page("half-letter", "5.5in 8.5in"),
    Page("a4", "210mm 297mm"),
)}


@dataclass(frozen=True)
class Prepared:
    """What every recipe may use, made once in the parent process (plain, picklable)."""

    ast: tuple | None          # pandoc blocks per chapter; None for rows not made from text
    tools: dict[str, str]      # versions printed in the colophon
    epoch: int                 # the build timestamp (SOURCE_DATE_EPOCH)
    upstream: dict[str, bytes] = field(default_factory=dict)  # outputs named in ``after``

    @property
    def build_date(self) -> str:
        return dt.datetime.fromtimestamp(self.epoch, dt.timezone.utc).date().isoformat()


@dataclass(frozen=True)
class Recipe:
    """One output: its name, file name, what it is made from and the function that makes it."""

    name: str
    pattern: str
    make: Callable[[Book, Prepared], bytes]
    inputs: tuple[str, ...] = ()
    text: bool = False          # made from the chapters: needs the pandoc AST
    after: tuple[str, ...] = ()  # outputs it is made from
    pages_only: bool = False    # of the outputs in ``after``, only their page count matters
    uses_css: bool = False      # the metadata's extra stylesheets apply
    fonts: bool = False         # typeset with the project's fonts (the metadata's are inputs)
    help: str = ""

    def path(self, book: Book) -> Path:
        return Path(book.root) / "build" / self.pattern.format(slug=book.slug)


# -- the functions the rows call ----------------------------------------------------

def context(book: Book, prepared: Prepared) -> dict:
    """Return the values every template may use for this build."""
    from zinepress.render.templates import book_context
    return {**book_context(book, prepared.tools), "build_date": prepared.build_date}


def extra_css(book: Book) -> list[Path]:
    return [Path(book.root) / css for css in book.meta.get("css") or []]


def extra_fonts(book: Book) -> list[Path]:
    return [Path(book.root) / font for font in book.meta.get("fonts") or []]


def print_html(book: Book, prepared: Prepared, page: Page, stylesheet: str | None = None) -> str:
    """Return the whole book as one HTML document for the typesetter."""
    from zinepress.convert.pandoc import print_chapters
    from zinepress.formats.urls import project_url
    from zinepress.render.templates import (render_colophon, render_template, typeset_value,
                                            typography_rules)
    from zinepress.render.cover import render_cover
    rules = typography_rules(book)
    chapters = print_chapters(book, list(prepared.ast), title=lambda t: typeset_value(t, rules))
    values = context(book, prepared)
    return render_template(book.root, "book.html.j2", {
        **values, "chapters": chapters,
        "cover_svg": render_cover(book.root, values, "print", page.size),
        "colophon": render_colophon(book, prepared.tools, "print"),
        "page": {"name": page.name, "size": page.size},
        "edition_css": [stylesheet] if stylesheet else [],
        "extra_css": [project_url(book.root, p) for p in extra_css(book)]})


def reading_pdf(page: str, book: Book, prepared: Prepared, stylesheet: str | None = None,
                back_cover: bool = True) -> bytes:
    """Return the reading PDF typeset at ``page`` (a key of :data:`PAGES`).

    ``back_cover``: the edition is also imposed as a zine, whose back cover is the
    colophon page, so a colophon longer than one page is worth a warning.
    """
    from zinepress.formats import pdf, pdffile
    from zinepress.render.templates import words
    html = print_html(book, prepared, PAGES[page], stylesheet)
    data = pdf.render_pdf(html, book.root, book.root / "templates", "templates/book.html.j2",
                          prepared.epoch, fonts=extra_fonts(book), tagged=True,
                          hyphenation=words(book).get("hyphenation"))
    if back_cover:
        pdffile.warn_if_colophon_overflows(data, page)
    return data


def colophon_pdf(book: Book, prepared: Prepared) -> bytes:
    """Return the colophon alone on one A5 page, for a distro's table."""
    from zinepress.formats import pdf
    from zinepress.render.templates import render_colophon, render_template
    page = PAGES["a5"]
    html = render_template(book.root, "colophon-page.html.j2", {
        **context(book, prepared), "colophon": render_colophon(book, prepared.tools, "print"),
        "page": {"name": page.name, "size": page.size}})
    return pdf.render_pdf(html, book.root, book.root / "templates",
                          "templates/colophon-page.html.j2", prepared.epoch,
                          fonts=extra_fonts(book), tagged=True)


def epub(book: Book, prepared: Prepared) -> bytes:
    """Return the EPUB 3: chapters, cover, stylesheets and package (:mod:`zinepress.formats.epub`)."""
    from zinepress.formats.epub import render_epub
    from zinepress.render.templates import render_colophon
    from zinepress.render.cover import render_cover
    from zinepress.render.layers import template_file
    cover = render_cover(book.root, context(book, prepared), "epub")
    sheets = [("epub.css", template_file(book.root, "epub.css").read_bytes())] + [
        (f"extra-{i}-{css.name}", css.read_bytes()) for i, css in enumerate(extra_css(book), 1)]
    return render_epub(book, list(prepared.ast), render_colophon(book, prepared.tools, "epub"),
                       cover, sheets, prepared.tools, prepared.epoch)


def zine(source: str, paper: str, book: Book, prepared: Prepared) -> bytes:
    """Return the reading PDF ``source`` imposed as a saddle-stitched zine on ``paper``."""
    from zinepress.impose.booklet import impose_file
    with tempfile.TemporaryDirectory(prefix="zinepress-zine-") as tmp:
        reading, imposed = Path(tmp) / "reading.pdf", Path(tmp) / "zine.pdf"
        reading.write_bytes(prepared.upstream[source])
        impose_file(reading, imposed, paper=paper, gathering="nested")
        return imposed.read_bytes()


def printing(source: str, paper: str, book: Book, prepared: Prepared) -> bytes:
    """Return the printing instructions for the zine made from ``source`` on ``paper``."""
    from zinepress.formats import pdffile
    from zinepress.formats.pdf import source_date_epoch
    from zinepress.impose.printing import render_printing_instructions
    from zinepress.impose.saddle import saddle_plan
    from zinepress.render.layers import template_file
    plan = saddle_plan(pdffile.page_count(prepared.upstream[source]))
    with source_date_epoch(prepared.epoch):
        return render_printing_instructions(plan, title=book.meta["title"], paper=paper,
                                            duplex="short-edge",
                                            templates=template_file(
                                                book.root, "printing.html.j2").parent)


# -- the table ----------------------------------------------------------------------

P = functools.partial
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("pdf", "{slug}.pdf", P(reading_pdf, "a5"), PRINT, text=True, uses_css=True,
           fonts=True, help="reading PDF, A5"),
    Recipe("pdf-letter", "{slug}-half-letter.pdf", P(reading_pdf, "half-letter"), PRINT,
           text=True, uses_css=True, fonts=True, help="reading PDF, half-letter"),
    Recipe("pdf-large-print", "{slug}-large-print.pdf",
           P(reading_pdf, "a4", stylesheet="large-print.css", back_cover=False),
           PRINT + ("templates/large-print.css",), text=True, uses_css=True, fonts=True,
           help="large-print reading PDF, A4, 17 pt"),
    Recipe("epub", "{slug}.epub", epub,
           TEXT + SHARED + COVER + ("templates/epub.css", "templates/colophon.html.j2",
                                     "templates/epub/*"),
           text=True, uses_css=True, help="EPUB 3"),
    Recipe("colophon", "{slug}-colophon.pdf", colophon_pdf,
           ("source/metadata.yaml", "templates/colophon.html.j2",
            "templates/colophon-page.html.j2", "templates/print.css") + SHARED,
           fonts=True, help="the colophon alone, A5"),
    Recipe("zine-a4", "{slug}-zine-a4.pdf", P(zine, "pdf", "a4"), after=("pdf",),
           help="the A5 book imposed on A4"),
    Recipe("zine-letter", "{slug}-zine-letter.pdf", P(zine, "pdf-letter", "letter"),
           after=("pdf-letter",), help="the half-letter book imposed on US Letter"),
    Recipe("printing", "{slug}-printing.pdf", P(printing, "pdf", "a4"),
           ("source/metadata.yaml", "templates/printing.*") + SHARED, after=("pdf",),
           pages_only=True, help="printing instructions"),
)}
GROUPS = {
    "all": tuple(RECIPES),
    "zine": ("zine-a4", "zine-letter", "printing"),
}
