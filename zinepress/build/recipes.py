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
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from zinepress.source.load import Book

log = logging.getLogger("zinepress")

# What an output reads besides itself. The text: metadata, chapters and images beside
# them, but not source/original/ (the copy the fidelity check reads).
TEXT = ("source/metadata.yaml", "source/*.md", "source/**/*")
NOT_INPUTS = ("source/original/",)
SHARED = ("templates/fonts/*", "templates/lang/*")
COVER = ("templates/cover.svg.j2", "templates/cover.yaml")
PRINT = TEXT + SHARED + COVER + ("templates/book.html.j2", "templates/furniture.html.j2",
                                 "templates/colophon.html.j2",
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
    wanted: Callable[[Book], bool] | None = None  # made only for books this says yes to
    fonts: bool = False         # typeset with the project's fonts (the metadata's are inputs)
    parts: bool = False         # laid out part by part: ``make`` also takes ``run=``
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


def print_context(book: Book, prepared: Prepared, page: Page,
                  stylesheet: str | None = None) -> dict:
    """Return what the print templates need besides the chapters."""
    from zinepress.formats.urls import project_url
    from zinepress.render.cover import render_cover
    from zinepress.render.templates import render_colophon
    values = context(book, prepared)
    return {**values, "colophon": render_colophon(book, prepared.tools, "print"),
            "cover_svg": render_cover(book.root, values, "print", page.size),
            "page": {"name": page.name, "size": page.size},
            "edition_css": [stylesheet] if stylesheet else [],
            "extra_css": [project_url(book.root, p) for p in extra_css(book)]}


def print_html(book: Book, prepared: Prepared, page: Page, stylesheet: str | None = None) -> str:
    """Return the whole book as one HTML document for the typesetter."""
    from zinepress.convert.pandoc import print_chapters
    from zinepress.render.templates import render_template
    return render_template(book.root, "book.html.j2", {
        **print_context(book, prepared, page, stylesheet),
        "chapters": print_chapters(book, list(prepared.ast), title=chapter_title(book))})


def chapter_title(book: Book) -> Callable[[str], str]:
    """Return the typography pass for chapter titles (the language's rules)."""
    from zinepress.render.templates import typeset_value, typography_rules
    rules = typography_rules(book)
    return lambda title: typeset_value(title, rules)


def whole_book_pdf(page: str, book: Book, prepared: Prepared, stylesheet: str | None = None) -> bytes:
    """Return the reading PDF laid out in one piece (what :func:`reading_pdf` must equal)."""
    from zinepress.formats import pdf
    from zinepress.render.templates import words
    html = print_html(book, prepared, PAGES[page], stylesheet)
    return pdf.render_pdf(html, book.root, book.root / "templates", "templates/book.html.j2",
                          prepared.epoch, fonts=extra_fonts(book), tagged=True,
                          hyphenation=words(book).get("hyphenation"))


def reading_pdf(page: str, book: Book, prepared: Prepared, stylesheet: str | None = None,
                back_cover: bool = True, run=None) -> bytes:
    """Return the reading PDF typeset at ``page`` (a key of :data:`PAGES`).

    Laid out part by part (:mod:`zinepress.build.layout`), each part in one of the
    scheduler's workers through ``run``, and kept for the next build; a book whose
    chapters all fit one part is laid out in one piece, in one worker. ``back_cover``:
    the edition is also imposed as a zine, whose back cover is the colophon page, so
    a colophon longer than one page is worth a warning.
    """
    from zinepress.build import layout
    from zinepress.convert.pandoc import print_chapters
    from zinepress.formats import pdffile
    from zinepress.render.templates import render_template, words
    values = print_context(book, prepared, PAGES[page], stylesheet)

    def html_for(template: str, **more) -> str:
        return render_template(book.root, template, {**values, **more})

    chapters = print_chapters(book, list(prepared.ast), title=chapter_title(book))
    fonts = tuple(str(p) for p in extra_fonts(book))
    hyphenation = words(book).get("hyphenation")
    if layout.one_piece(chapters):
        job = layout.WholeJob(html_for("book.html.j2", chapters=chapters), str(book.root),
                              prepared.epoch, fonts, tuple(sorted((hyphenation or {}).items())))
        [data] = (run or layout.run_here)(layout.lay_out_whole, [job])
    else:
        fingerprint = layout.style_fingerprint(book.root,
                                               [page, stylesheet or "", str(prepared.epoch)])
        data = layout.reading_pdf(html_for, chapters, book.root, Path(book.root) / "build",
                                  fingerprint, page, prepared.epoch, run or layout.run_here,
                                  fonts=fonts, tagged=True, hyphenation=hyphenation)
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


def zine_options(book: Book, paper: str):
    """Return how the book's zines on ``paper`` are imposed (metadata ``zine:``)."""
    from zinepress.impose.options import options_from_metadata
    return options_from_metadata(book.meta.get("zine"), paper)


def cover_separate(book: Book) -> bool:
    """True when the metadata asks for the cover sheet in its own file."""
    return bool((book.meta.get("zine") or {}).get("cover-separate"))


def zine(source: str, paper: str, book: Book, prepared: Prepared, part: str = "") -> bytes:
    """Return the reading PDF ``source`` imposed on ``paper`` as the metadata's ``zine:`` says.

    ``part`` is "cover" for the cover file; otherwise the zine, which holds only the
    inside when the cover is separate.  Warnings (scaling, a fold too thick to staple)
    go to the build log.
    """
    from zinepress.errors import ZineError
    from zinepress.impose.booklet import impose_pdf
    try:
        imposed = impose_pdf(prepared.upstream[source], zine_options(book, paper),
                             name=f"{RECIPES[source].pattern.format(slug=book.slug)}")
    except ZineError as error:  # the settings are the user's to change, not our PDF
        raise ZineError("source/metadata.yaml", None, error.code,
                        f"zine on {paper}: {error.message}", error.hint) from None
    for warning in imposed.warnings:
        log.warning("zine on %s: %s", paper, warning)
    if part:
        return imposed.files[part]
    return imposed.files["inside" if "inside" in imposed.files else ""]


def printing(source: str, paper: str, book: Book, prepared: Prepared) -> bytes:
    """Return the printing instructions for the zine made from ``source`` on ``paper``."""
    from zinepress.formats import pdffile
    from zinepress.impose.options import plan_layout
    from zinepress.impose.printing import render_printing_instructions
    options = zine_options(book, paper)
    planned = plan_layout(options, pdffile.page_count(prepared.upstream[source]))
    files = {"zine": RECIPES[f"zine-{paper}"].path(book).name}
    if options.cover_separate:
        files["cover"] = RECIPES[f"zine-{paper}-cover"].path(book).name
    return render_printing_instructions(planned, options, title=book.meta["title"],
                                        files=files, root=Path(book.root),
                                        epoch=prepared.epoch)


def cover_png(book: Book, prepared: Prepared) -> bytes:
    """Return the cover (the SVG the EPUB shows) as a PNG, for catalogues and OPDS."""
    from zinepress.formats import image
    from zinepress.render.cover import render_cover
    svg = render_cover(book.root, context(book, prepared), "epub")
    pdf = image.cover_pdf(svg, book.root, book.meta["lang"], book.meta["title"], prepared.epoch)
    return image.pdf_to_png(pdf, image.COVER_WIDTH_PX)


def cover_thumbnail(book: Book, prepared: Prepared) -> bytes:
    """Return the cover PNG made smaller, as a JPEG thumbnail."""
    from zinepress.formats import image
    return image.png_to_jpeg(prepared.upstream["cover"], image.THUMBNAIL_WIDTH_PX)


# -- the table ----------------------------------------------------------------------

P = functools.partial
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("pdf", "{slug}.pdf", P(reading_pdf, "a5"), PRINT, text=True, uses_css=True,
           fonts=True, parts=True, help="reading PDF, A5"),
    Recipe("pdf-letter", "{slug}-half-letter.pdf", P(reading_pdf, "half-letter"), PRINT,
           text=True, uses_css=True, fonts=True, parts=True, help="reading PDF, half-letter"),
    Recipe("pdf-large-print", "{slug}-large-print.pdf",
           P(reading_pdf, "a4", stylesheet="large-print.css", back_cover=False),
           PRINT + ("templates/large-print.css",), text=True, uses_css=True, fonts=True,
           parts=True,
           help="large-print reading PDF, A4, 17 pt"),
    Recipe("epub", "{slug}.epub", epub,
           TEXT + SHARED + COVER + ("templates/epub.css", "templates/colophon.html.j2",
                                     "templates/epub/*"),
           text=True, uses_css=True, help="EPUB 3"),
    Recipe("colophon", "{slug}-colophon.pdf", colophon_pdf,
           ("source/metadata.yaml", "templates/colophon.html.j2",
            "templates/colophon-page.html.j2", "templates/print.css") + SHARED,
           fonts=True, help="the colophon alone, A5"),
    Recipe("zine-a4", "{slug}-zine-a4.pdf", P(zine, "pdf", "a4"), ("source/metadata.yaml",),
           after=("pdf",), help="the A5 book imposed on A4"),
    Recipe("zine-letter", "{slug}-zine-letter.pdf", P(zine, "pdf-letter", "letter"),
           ("source/metadata.yaml",), after=("pdf-letter",),
           help="the half-letter book imposed on US Letter"),
    Recipe("zine-a4-cover", "{slug}-zine-a4-cover.pdf", P(zine, "pdf", "a4", part="cover"),
           ("source/metadata.yaml",), after=("pdf",), wanted=cover_separate,
           help="the A4 zine's cover sheet, for cover stock (zine: cover-separate)"),
    Recipe("zine-letter-cover", "{slug}-zine-letter-cover.pdf",
           P(zine, "pdf-letter", "letter", part="cover"), ("source/metadata.yaml",),
           after=("pdf-letter",), wanted=cover_separate,
           help="the Letter zine's cover sheet, for cover stock (zine: cover-separate)"),
    Recipe("printing", "{slug}-printing.pdf", P(printing, "pdf", "a4"),
           ("source/metadata.yaml", "templates/printing.*") + SHARED, after=("pdf",),
           pages_only=True, help="printing instructions for the A4 zine"),
    Recipe("printing-letter", "{slug}-printing-letter.pdf", P(printing, "pdf-letter", "letter"),
           ("source/metadata.yaml", "templates/printing.*") + SHARED, after=("pdf-letter",),
           pages_only=True, help="printing instructions for the Letter zine"),
    Recipe("cover", "{slug}-cover.png", cover_png,
           ("source/metadata.yaml", "templates/cover-image.html.j2") + COVER + SHARED, help="the cover as a PNG, 600 px wide (catalogue, OPDS)"),
    Recipe("cover-thumbnail", "{slug}-cover-thumbnail.jpg", cover_thumbnail, after=("cover",),
           help="the cover as a JPEG, 200 px wide (catalogue list, OPDS thumbnail)"),
)}


def made_for(book: Book) -> set[str]:
    """Return the rows this book gets: rows for settings it does not use are left out."""
    return {name for name, recipe in RECIPES.items()
            if recipe.wanted is None or recipe.wanted(book)}


GROUPS = {
    "all": tuple(RECIPES),
    "zine": ("zine-a4", "zine-letter", "zine-a4-cover", "zine-letter-cover", "printing",
             "printing-letter"),
}
