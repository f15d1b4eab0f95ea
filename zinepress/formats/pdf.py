"""PDF stage: print HTML in, PDF bytes out (WeasyPrint).

WeasyPrint gets a URL fetcher that serves only ``file:`` URLs inside the project
folder and refuses everything else (http, https, ftp, files elsewhere), so a build
never reaches the network and never reads outside the project.

It also gets a font configuration that sees no installed font (:func:`project_fonts`):
only the ``@font-face`` files of the project's stylesheets exist for the layout, so a
font some machine happens to have can neither change a line break nor fill in a
missing glyph. Fonts are always subset by fontTools (a pinned Python package), never by
the system's optional HarfBuzz subsetter, whose presence and version would change the
bytes from one machine to the next.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
import weasyprint.pdf.fonts
from weasyprint.formatting_structure.boxes import LineBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from zinepress.errors import ZineError
from zinepress.formats.urls import project_url, real_path
from zinepress.render.layers import is_default_template, overlay_path


class RefusedResource(FatalURLFetchingError):
    """A resource outside the project was asked for; stops the rendering."""


class ProjectFetcher(URLFetcher):
    """Serve ``file:`` URLs under ``root`` (and zinepress's default templates) only.

    A URL under the project's ``templates/`` with no file there is served from the
    default template of the same name, so a project overrides templates file by file.
    Every other URL is refused.

    Project files are asked for by their fixed URLs (:mod:`zinepress.formats.urls`),
    so no path of this machine reaches the PDF. ``source`` names the file shown in the
    error (the template that asked).
    """

    def __init__(self, root: Path, source: str):
        super().__init__(fail_on_errors=True)
        self.root = Path(root).resolve()
        self.source = source
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = real_path(self.root, url) or Path(unquote(parsed.path))
            path = overlay_path(self.root, path.resolve())
            inside = path.is_relative_to(self.root) or is_default_template(path)
            if inside and path.is_file():
                return super().fetch(path.as_uri(), headers)
            reason = "outside the project" if not inside else "missing"
        else:
            reason = "not a project file"
        self.refused.append(url)
        raise RefusedResource(f"{url} is {reason}")


# Used when a project has no fonts/fonts.conf template at all: no font folder, no rules.
EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig></fontconfig>
"""


def project_fonts(root: Path | None = None) -> FontConfiguration:
    """Return a WeasyPrint font configuration that knows no installed font.

    fontconfig reads ``FONTCONFIG_FILE`` when a configuration is loaded, so the variable
    points at the project's ``templates/fonts/fonts.conf`` (no font folder; which bundled
    face stands for ``serif`` or ``monospace``) only while WeasyPrint loads one, then is
    restored. Fonts then come only from ``@font-face`` rules, which WeasyPrint adds to
    this configuration.
    """
    from zinepress.render.layers import DEFAULT_TEMPLATES, template_file
    config = template_file(root, "fonts/fonts.conf") if root else None
    config = config or DEFAULT_TEMPLATES / "fonts" / "fonts.conf"
    saved = os.environ.get("FONTCONFIG_FILE")
    with tempfile.TemporaryDirectory(prefix="zinepress-fonts-") as folder:
        if not config.is_file():
            config = Path(folder) / "fonts.conf"
            config.write_text(EMPTY_FONTCONFIG, encoding="utf-8")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            fonts = FontConfiguration()
            make_current(fonts)
            return fonts
        finally:
            if saved is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = saved


def make_current(fonts: FontConfiguration) -> None:
    """Make ``fonts``' fontconfig configuration the process's current one.

    Pango's FreeType font map applies the *current* configuration's substitution rules
    (aliases such as ``serif``), not the one it was given: once anything in the process
    had loaded the system's configuration, ours lost its aliases and the machine's rules
    came back. fontconfig's own call, by address, as WeasyPrint's bindings lack it.
    """
    from weasyprint.text.ffi import ffi
    address = int(ffi.cast("uintptr_t", fonts._config))
    _fontconfig().FcConfigSetCurrent(ctypes.c_void_p(address))


@functools.lru_cache(maxsize=1)
def _fontconfig() -> ctypes.CDLL:
    for name in ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return ctypes.CDLL(ctypes.util.find_library("fontconfig"))


def subset_with_fonttools() -> None:
    """Make WeasyPrint subset fonts with fontTools even where libharfbuzz-subset is installed.

    WeasyPrint uses the HarfBuzz subsetter when the system has it: same glyphs, other
    bytes, and those bytes change with the library's version. fontTools comes pinned
    from PyPI, and on the TrueType faces we ship it is as fast (1.6 s for the essay).
    """
    weasyprint.pdf.fonts.harfbuzz_subset = None


subset_with_fonttools()


def quiet_weasyprint() -> None:
    """Silence WeasyPrint's warnings about CSS it ignores; errors still surface."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


@contextlib.contextmanager
def source_date_epoch(epoch: int | None):
    """Set ``SOURCE_DATE_EPOCH`` while the PDF is written, then put it back.

    fontTools stamps the subset fonts it embeds with this time; reading it from the
    environment is its only interface.
    """
    if epoch is None:
        yield
        return
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def font_faces(root: Path, paths: list[Path]) -> str:
    """Return ``@font-face`` rules offering each font file under its own family name."""
    from zinepress.formats.fonts import read_face
    rules = []
    for path in paths:
        face = read_face(path)
        family = face.family.replace("\\", "").replace('"', "")
        rules.append(f'@font-face {{ font-family: "{family}"; font-style: {face.style}; '
                     f'font-weight: {face.weight}; src: url("{project_url(root, path)}"); }}')
    return "\n".join(rules)


def base_url(root: Path, base_dir: Path) -> str:
    """Return the URL relative links resolve against: a project URL when it can be one."""
    base_dir = Path(base_dir).resolve()
    if base_dir.is_relative_to(Path(root).resolve()):
        return project_url(root, base_dir).rstrip("/") + "/"
    return base_dir.as_uri() + "/"


def render_pdf(html: str, root: Path, base_dir: Path, source: str,
               epoch: int | None = None, fonts: list[Path] = (), tagged: bool = False) -> bytes:
    """Return the PDF bytes of ``html``; relative URLs resolve against ``base_dir``.

    ``fonts`` are font files (inside ``root``) offered to the layout besides those of
    the stylesheets: a character the other fonts lack is drawn with one of them.
    ``tagged``: write the structure tree a screen reader follows (headings, paragraphs,
    quotations, lists, links in reading order; the document language). Tags are made
    when the PDF is written, after layout, so pages and note placement do not change.
    They do not claim PDF/UA: WeasyPrint tags no language of parts and no notes as such.

    Each footnote must sit on the page of its call. WeasyPrint sometimes pushes a note
    to the next page to satisfy ``widows``/``orphans`` of the block at the page foot
    (Kozea/WeasyPrint#2502); when that happens the culprit block gets ``widows: 1;
    orphans: 1`` and the book is laid out again, at most :data:`MAX_NOTE_FIXES` times.
    """
    document = lay_out(html, root, base_dir, source, fonts=fonts)
    with source_date_epoch(epoch):
        return document.write_pdf(pdf_identifier=True, pdf_tags=tagged)


def lay_out(html: str, root: Path, base_dir: Path, source: str, extra_css: str = "",
            fix_notes: bool = True, fonts: list[Path] = ()):
    """Return the laid-out WeasyPrint document of ``html`` (see :func:`render_pdf`).

    ``extra_css`` is laid over the document's own stylesheets; ``fix_notes`` runs the
    footnote relayout; ``fonts`` as for :func:`render_pdf`.
    """
    quiet_weasyprint()
    fetcher = ProjectFetcher(root, source)
    html = number_blocks(html)
    relaxed: set[str] = set()
    font_config = project_fonts(root)
    faces = font_faces(root, list(fonts))
    try:
        for _ in range(MAX_NOTE_FIXES + 1):
            css = faces + extra_css + "".join(f'[data-b="{b}"] {{ widows: 1 !important; orphans: 1 !important; }}' for b in sorted(relaxed))
            document = weasyprint.HTML(string=html, base_url=base_url(root, base_dir),
                                       url_fetcher=fetcher).render(
                stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher,
                                            font_config=font_config)] if css else None,
                font_config=font_config)
            culprits = {last_block(document.pages[page]) for page in notes_off_their_page(document)}
            if not fix_notes or not culprits - relaxed - {None}:
                break
            relaxed |= culprits - {None}
        return document
    except FatalURLFetchingError:
        raise ZineError(source, None, "Z305",
                        f"refused to load {fetcher.refused[-1] if fetcher.refused else 'a resource'}"
                        " (only files inside the project are read)") from None


MAX_NOTE_FIXES = 8
_BLOCK_START = re.compile(r"<(p|li|h[1-6])(?=[\s>])")


def number_blocks(html: str) -> str:
    """Give every paragraph-like element a ``data-b`` number, so layout fixes can name it."""
    counter = iter(range(1, 1_000_000))
    return _BLOCK_START.sub(lambda m: f'<{m.group(1)} data-b="{next(counter)}"', html)


def notes_off_their_page(document) -> list[int]:
    """Return the 0-based pages holding a note call whose note went to another page."""
    where: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            where.setdefault(name, index)
    return sorted({where[name] for name in where if name.startswith("noteref-")
                   and where.get("note-" + name.removeprefix("noteref-")) != where[name]})


def last_block(page) -> str | None:
    """Return the ``data-b`` of the block holding the last text line of the page body."""
    found = None

    def visit(box):
        nonlocal found
        children = getattr(box, "children", None) or []
        element = getattr(box, "element", None)
        if element is not None and element.get("data-b") and any(
                isinstance(child, LineBox) for child in children):
            found = element.get("data-b")
        for child in children:
            visit(child)

    visit(page._page_box.children[0])  # children: [root box, footnote area, note area]
    return found


# -- one part of a book at a time ----------------------------------------------------
#
# A book is laid out part by part (front matter, each chapter, the colophon): every part
# starts on a new page, so its lines and pages do not depend on what comes before it,
# except for the page furniture (folios, running heads) and the side of its pages.
# A part's *body* is laid out without furniture; the furniture comes from a second,
# nearly empty document with one page per book page (see ``furniture.html.j2``).
# :mod:`zinepress.formats.pdffile` places both on the book's pages.

MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner",
                "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
                "left-bottom", "left-middle", "left-top")
NO_FURNITURE = ("@page :left, :right, :blank, :first { "
                + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES)
                + " }")
PX_PT = 0.75  # WeasyPrint's CSS pixel (1/96 in) in PDF points (1/72 in)


@dataclass(frozen=True)
class PartLayout:
    """One laid-out part: its PDF and what assembling the book needs to know of it.

    ``lefts_pt`` and ``widths_pt`` are each page's left margin and page-area width;
    ``anchors`` the ids that really sit in this part (links to ids of other parts are
    kept, with a stand-in destination that the assembly replaces); ``break_before``
    the forced break of the part's first element (``left`` for the colophon).
    """

    pdf: bytes
    pages: int
    lefts_pt: tuple[float, ...]
    widths_pt: tuple[float, ...]
    anchors: tuple[str, ...]
    anchor_pages: tuple[int, ...]
    break_before: str
    first_right: bool


def layout_part(html: str, root: Path, base_dir: Path, source: str, epoch: int | None = None,
                first_right: bool = True, furniture: bool = False,
                fonts: list[Path] = (), tagged: bool = False) -> PartLayout:
    """Return the layout of one part of a book (``furniture``: its page furniture only).

    A body part is laid out without page furniture and with the footnote fix; its
    first page is a right page unless ``first_right`` is false.
    """
    side = "" if first_right else "html { break-before: left; }"
    document = lay_out(html, root, base_dir, source,
                       extra_css=side + ("" if furniture else NO_FURNITURE),
                       fix_notes=not furniture, fonts=fonts)
    first_page: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            first_page.setdefault(name, index)
    anchors = tuple(sorted(first_page))
    keep_foreign_links(document, set(anchors))
    boxes = [page._page_box for page in document.pages]
    with source_date_epoch(epoch):
        data = document.write_pdf(pdf_identifier=True, pdf_tags=tagged)
    return PartLayout(
        pdf=data,
        pages=len(boxes),
        lefts_pt=tuple(round(box.margin_left * PX_PT, 4) for box in boxes),
        widths_pt=tuple(round(box.width * PX_PT, 4) for box in boxes),
        anchors=anchors,
        anchor_pages=tuple(first_page[name] for name in anchors),
        break_before=first_break(boxes[0]) if boxes else "auto",
        first_right=first_right)


def keep_foreign_links(document, anchors: set[str]) -> None:
    """Give links to ids of other parts a stand-in destination, so WeasyPrint keeps them."""
    if not document.pages:
        return
    for page in document.pages:
        for kind, target, _, _ in page.links:
            if kind == "internal" and target not in anchors:
                document.pages[-1].anchors.setdefault(target, (0, 0, 0, 0))


def first_break(page_box) -> str:
    """Return the ``break-before`` of the first element of a part (html > body > it)."""
    box = page_box.children[0] if page_box.children else None
    for _ in range(2):
        children = [c for c in getattr(box, "children", []) if getattr(c, "element", None) is not None]
        if not children:
            return "auto"
        box = children[0]
    return box.style["break_before"]
