"""EPUB stage: the book's pandoc AST in, the bytes of an EPUB 3 out.

pandoc writes the body of every chapter as XHTML (its html5 writer, one run for the
book); everything around it is ours, laid out the way Standard Ebooks lays out a book:
a cover page, a title page, the contents (nav), one file per chapter, the colophon,
the package document and an NCX for older readers, all from ``templates/epub/``.
Each file gets the chapter's name as ``<title>``, each section an ``epub:type`` with
its DPUB-ARIA ``role`` (:data:`ROLES`), and each note the shape reading systems pop up
(:func:`zinepress.convert.pandoc.notes_for_epub`). The package metadata claims only
what the book is (:func:`accessibility`). The zip has fixed order and times, so the
same project gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from zinepress.check.rules import IMAGE_TYPES
from zinepress.convert import pandoc as convert
from zinepress.errors import ZineError
from zinepress.render.templates import book_context, render_template, words
from zinepress.source.load import Book
from zinepress.source.metadata import people

# epub:type -> the DPUB-ARIA role that must go with it (the W3C mapping, for the
# types zinepress writes; titlepage, cover, footnotes and the *matter types have none).
ROLES = {
    "chapter": "doc-chapter", "preface": "doc-preface", "bibliography": "doc-bibliography",
    "colophon": "doc-colophon", "toc": "doc-toc", "noteref": "doc-noteref",
    "footnote": "doc-footnote", "endnotes": "doc-endnotes",
}
# Who did what, as EPUB 3 writes it: (metadata field, element, MARC relator).
PEOPLE_ROLES = (("author", "creator", "aut"), ("translator", "contributor", "trl"),
                ("editor", "contributor", "edt"))
# A chapter's role in metadata -> (epub:type of its section, the part of the book).
SECTIONS = {
    "chapter": ("chapter", "bodymatter"),
    "preface": ("preface", "frontmatter"),
    "references": ("bibliography", "backmatter"),
}
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class Page:
    """One XHTML file of the book, in reading order."""

    name: str            # file name inside text/
    title: str           # its <title>, and its label in the contents
    matter: str          # frontmatter | bodymatter | backmatter
    epub_type: str       # of its main section
    body: str = ""       # XHTML of the section's content (chapters, colophon)
    in_toc: bool = True
    ident: str = ""      # id of the main section, the target of contents links


@dataclass
class Package:
    """Everything that goes into the zip besides the pages' markup."""

    images: dict[str, str] = field(default_factory=dict)   # path in source/ -> name in images/
    image_alts: list[str] = field(default_factory=list)    # alt text of every image, in order


def xhtml_safe(fragment: str, where: str) -> str:
    """Return ``fragment`` after checking that it parses as XHTML content."""
    try:
        ET.fromstring(f'<body xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{fragment}</body>')
    except ET.ParseError as exc:  # pragma: no cover - pandoc's html5 writer is XML-clean
        raise AssertionError(f"{where}: pandoc wrote markup that is not XHTML: {exc}") from None
    return fragment


def chapter_pages(book: Book, ast: list[list[dict]]) -> tuple[list[Page], Package]:
    """Return one page per chapter (notes numbered across the book) and its images."""
    package = Package()
    parts: list[list[dict]] = []
    number = 1
    note_labels = convert.book_note_labels(book, ast)  # 1…N, or from 1 in each chapter
    for chapter_blocks, labels in zip(ast, note_labels):
        shaped, number = convert.notes_for_epub(
            convert.lang_for_xhtml(convert.mark_attributions(chapter_blocks)), number, labels)
        shaped, package.images = convert.images_for_epub(shaped, package.images)
        parts.append(shaped)
    package.image_alts = image_alts(parts)
    pages = []
    for chapter, html in zip(book.chapters, convert.html_parts(parts)):
        epub_type, matter = SECTIONS[chapter.role]
        pages.append(Page(f"{chapter.ident}.xhtml", chapter.title, matter, epub_type,
                          xhtml_safe(html, chapter.rel), ident=chapter.ident))
    return pages, package


def image_alts(parts: list[list[dict]]) -> list[str]:
    """Return the text alternative of every image in the chapters."""
    alts: list[str] = []

    def visit(el):
        if el["t"] == "Image":
            alts.append(convert.plain_text(el["c"][1]).strip())

    convert.walk_in_order(parts, visit)
    return alts


def accessibility(package: Package, summary: str | None) -> dict:
    """Return the schema.org accessibility metadata that this book can honestly claim.

    >>> a = accessibility(Package(), "Text only.")
    >>> a["modes"], a["sufficient"], a["conforms_to"] is not None
    (['textual'], ['textual'], True)
    >>> a = accessibility(Package({"x.png": "1-image-1.png"}, [""]), "Has a picture.")
    >>> a["modes"], a["sufficient"], a["conforms_to"]
    (['textual', 'visual'], ['textual,visual'], None)
    """
    has_images = bool(package.images)
    all_described = all(package.image_alts)
    features = ["alternativeText"] if all_described else []
    features += ["ARIA", "displayTransformability", "readingOrder", "structuralNavigation",
                 "tableOfContents"]
    return {
        "modes": ["textual", "visual"] if has_images else ["textual"],
        "sufficient": ["textual"] if all_described else ["textual,visual"],
        "features": sorted(features),
        "hazards": ["none"],
        "summary": summary,
        # Only a book whose every image has a description can meet WCAG's 1.1.1.
        "conforms_to": CONFORMS_TO if all_described and summary else None,
    }


def people_meta(meta: dict) -> list[dict]:
    """Return everyone the package names: element, MARC role, name and sort form.

    >>> [p["element"] + ":" + p["role"] + ":" + p["file_as"] for p in people_meta(
    ...     {"author": ["A B", {"name": "C D", "file-as": "D, C"}], "translator": "T"})]
    ['creator:aut:A B', 'creator:aut:D, C', 'contributor:trl:T']
    """
    return [{"element": element, "role": role, "name": person["name"],
             "file_as": person["file-as"]}
            for field, element, role in PEOPLE_ROLES
            for person in people(meta.get(field)) or []]


def epub_date(value) -> str:
    """Return ``date`` as the book knows it: YYYY, YYYY-MM or YYYY-MM-DD, never padded.

    >>> epub_date("2019"), epub_date(dt.date(2019, 11, 2))
    ('2019', '2019-11-02')
    """
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def file_as(name: str, articles: list[str]) -> str:
    """Return the sort form of a title: a leading article moved to the end.

    >>> file_as("The Area of the Party", ["The", "A", "An"])
    'Area of the Party, The'
    >>> file_as("Create Two, Three", ["The", "A", "An"])
    'Create Two, Three'
    """
    first, _, rest = name.partition(" ")
    return f"{rest}, {first}" if first in articles and rest else name


def render_epub(book: Book, ast: list[list[dict]], colophon_html: str, cover_svg: str,
                stylesheets: list[tuple[str, bytes]], tools: dict[str, str],
                epoch: int) -> bytes:
    """Return the EPUB's bytes: pages, package document, nav, NCX, cover and images."""
    table = words(book)
    t = dict(table.get("labels") or {})
    context = book_context(book, tools)
    modified = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    chapters, package = chapter_pages(book, ast)
    cover = Page("cover.xhtml", t["cover"], "frontmatter", "cover", in_toc=False, ident="cover")
    title = Page("titlepage.xhtml", t["title-page"], "frontmatter", "titlepage",
                 in_toc=False, ident="titlepage")
    colophon = Page("colophon.xhtml", t["colophon"], "backmatter", "colophon",
                    xhtml_safe(colophon_html, "templates/colophon.html.j2"), ident="colophon")
    pages = [cover, title, *chapters, colophon]
    css = [f"css/{name}" for name, _ in stylesheets]
    context.update({
        "t": t, "pages": pages, "css": css, "modified": modified,
        # EPUB: dc:date is the publication date of this EPUB, i.e. this edition's (a full
        # date, so calibre has nothing to fill in); the text's first publication, often a
        # year alone, is dcterms:created.
        "date": epub_date(book.meta["edition"]["date"]),
        "created": epub_date(book.meta["date"]),
        "people": people_meta(book.meta),
        "title_file_as": file_as(book.meta["title"], table.get("sort-articles") or []),
        "a11y": accessibility(package, book.meta.get("accessibility-summary")),
        "images": [(name, IMAGE_TYPES[posixpath.splitext(name)[1]])
                   for name in package.images.values()],
        "first_body": next((p for p in chapters if p.matter == "bodymatter"), chapters[0]),
        "bibliography": next((p for p in pages if p.epub_type == "bibliography"), None),
    })
    files: list[tuple[str, bytes]] = [
        ("META-INF/container.xml", render("container.xml.j2", context, book)),
        ("EPUB/content.opf", render("content.opf.j2", context, book)),
        ("EPUB/nav.xhtml", render("nav.xhtml.j2", {**context, "page": None, "depth": ""}, book)),
        ("EPUB/toc.ncx", render("toc.ncx.j2", context, book)),
    ]
    for page in pages:
        template = {"cover": "cover.xhtml.j2", "titlepage": "titlepage.xhtml.j2",
                    "colophon": "colophon.xhtml.j2"}.get(page.epub_type, "section.xhtml.j2")
        page_context = {**context, "page": page, "depth": "../", "body": page.body,
                        "role": ROLES.get(page.epub_type)}
        files.append((f"EPUB/text/{page.name}", render(template, page_context, book)))
    files.append(("EPUB/images/cover.svg", cover_svg.encode("utf-8")))
    for source_path, name in package.images.items():
        files.append((f"EPUB/images/{name}", read_image(book, source_path)))
    files += [(f"EPUB/{path}", data) for path, (_, data) in zip(css, stylesheets)]
    return zip_epub(files, epoch)


def render(name: str, context: dict, book: Book) -> bytes:
    """Render ``templates/epub/name``; markup files are checked to be well-formed XML."""
    text = render_template(book.root, f"epub/{name}", context)
    try:
        ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ZineError(f"templates/epub/{name}", None, "Z405",
                        f"what the template writes is not well-formed XML ({exc})") from None
    return text.encode("utf-8")


def read_image(book: Book, source_path: str) -> bytes:
    """Return an image's bytes from ``source/`` (check has kept it inside, of a known type)."""
    return (Path(book.root) / "source" / source_path).read_bytes()


def zip_epub(files: list[tuple[str, bytes]], epoch: int) -> bytes:
    """Return the zip: ``mimetype`` first and stored, then ``files`` deflated, all dated ``epoch``."""
    when = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in [("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)] + \
                [(n, d, zipfile.ZIP_DEFLATED) for n, d in files]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()
