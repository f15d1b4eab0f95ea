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
import io
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
import weasyprint.pdf.fonts
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, InlineBox, LineBox, TextBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from zinepress.errors import ZineError
from zinepress.formats import linebreaks
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
    with _ENVIRONMENT, tempfile.TemporaryDirectory(prefix="zinepress-fonts-") as folder:
        saved = os.environ.get("FONTCONFIG_FILE")
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
    weasyprint.pdf.fonts.Font._fonttools_subset = _fonttools_subset


def _fonttools_subset(font, to_unicode, hinting) -> None:
    """WeasyPrint's fontTools subsetting of ``font`` (a ``weasyprint.pdf.fonts.Font``),
    with the tables it drops (GSUB, GPOS, SVG) removed before the subsetter runs.

    fontTools 4.6x reads every layout table in full before it subsets, even one it is
    told to drop: EB Garamond's kerning made that 1 s a font and a PDF, 10 of the 15 s a
    small book's reading PDF took. Same options, same glyphs, same ids.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError
    options = subset.Options(
        retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
        hinting=hinting, desubroutinize=True, notdef_outline=bool(font.missing))
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=to_unicode)
    try:
        ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=font.index)
        for tag in ("GSUB", "GPOS", "SVG "):
            if tag in ttfont:
                del ttfont[tag]
        subsetter.subset(ttfont)
    except TTLibError:
        logging.getLogger("weasyprint").warning('Unable to subset "%s" with fontTools',
                                                font.family)
        return
    out = io.BytesIO()
    ttfont.save(out)
    font.file_content = out.getvalue()


subset_with_fonttools()


def quiet_weasyprint() -> None:
    """Silence WeasyPrint's warnings about CSS it ignores; errors still surface."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


@contextlib.contextmanager
def source_date_epoch(epoch: int | None):
    """Set ``SOURCE_DATE_EPOCH`` while the PDF is written, then put it back.

    fontTools stamps the subset fonts it embeds with this time; reading it from the
    environment is its only interface. The environment is the process's, and the
    builder assembles reading PDFs in threads, so one thread at a time holds it.
    """
    if epoch is None:
        yield
        return
    with _ENVIRONMENT:
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old


_ENVIRONMENT = threading.RLock()


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
               epoch: int | None = None, fonts: list[Path] = (), tagged: bool = False,
               hyphenation: dict | None = None) -> bytes:
    """Return the PDF bytes of ``html``; relative URLs resolve against ``base_dir``.

    ``fonts`` are font files (inside ``root``) offered to the layout besides those of
    the stylesheets: a character the other fonts lack is drawn with one of them.
    ``tagged``: write the structure tree a screen reader follows (headings, paragraphs,
    quotations, lists, links in reading order; the document language). Tags are made
    when the PDF is written, after layout, so pages and note placement do not change.
    They do not claim PDF/UA: WeasyPrint tags no language of parts and no notes as such.

    The book is laid out, looked at, and laid out again (at most :data:`MAX_LAYOUTS`
    times) until nothing is left to fix:

    - lines: the first layout measures every word; :class:`LineBreaking` chooses each
      justified paragraph's breaks as a whole (:mod:`zinepress.formats.linebreaks`);
      the next layout is checked against the plan, and a word divided over a page turn
      is set whole in a plan with the same number of lines. ``hyphenation`` holds the
      language's rules (its language table's ``hyphenation``);
    - footnotes: each must sit on the page of its call. WeasyPrint sometimes pushes a
      note to the next page to satisfy ``widows``/``orphans`` of the block at the page
      foot (Kozea/WeasyPrint#2502); that block gets ``widows: 1; orphans: 1``.
    """
    document = lay_out(html, root, base_dir, source, fonts=fonts, hyphenation=hyphenation)
    with source_date_epoch(epoch):
        return document.write_pdf(pdf_identifier=True, pdf_tags=tagged)


def lay_out(html: str, root: Path, base_dir: Path, source: str, extra_css: str = "",
            fix: bool = True, fonts: list[Path] = (), hyphenation: dict | None = None):
    """Return the laid-out WeasyPrint document of ``html`` (see :func:`render_pdf`).

    ``extra_css`` is laid over the document's own stylesheets; ``fix`` runs the line
    breaking and footnote relayouts; ``fonts`` and ``hyphenation`` as for
    :func:`render_pdf`.
    """
    quiet_weasyprint()
    fetcher = ProjectFetcher(root, source)
    index = linebreaks.index_html(number_blocks(linebreaks.open_breaks(html)))
    lines = LineBreaking(index, linebreaks.Hyphenation.from_table(hyphenation))
    relaxed: set[str] = set()
    font_config = project_fonts(root)
    faces = font_faces(root, list(fonts))
    try:
        for layout in range(MAX_LAYOUTS):
            css = faces + extra_css + relaxed_css(relaxed)
            document = weasyprint.HTML(string=linebreaks.apply_edits(index, lines.edits),
                                       base_url=base_url(root, base_dir),
                                       url_fetcher=fetcher).render(
                stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher,
                                            font_config=font_config)] if css else None,
                font_config=font_config)
            if not fix or layout + 1 == MAX_LAYOUTS:
                break
            culprits = {last_block(document.pages[page]) for page in notes_off_their_page(document)}
            new_culprits = culprits - relaxed - {None}
            relaxed |= new_culprits
            if not lines.fix(document) and not new_culprits:
                break
        return document
    except FatalURLFetchingError:
        raise ZineError(source, None, "Z305",
                        f"refused to load {fetcher.refused[-1] if fetcher.refused else 'a resource'}"
                        " (only files inside the project are read)") from None


MAX_LAYOUTS = 4


def relaxed_css(blocks: set[str]) -> str:
    return "".join(f'[data-b="{b}"] {{ widows: 1 !important; orphans: 1 !important; }}'
                   for b in sorted(blocks))


class LineBreaking:
    """The line breaks of one document across its layouts: plan, check, mend.

    :meth:`fix` takes one laid-out document (a whole book or a chapter alone) and
    returns True when the next layout must be made.
    """

    def __init__(self, index: linebreaks.HtmlIndex, rules: linebreaks.Hyphenation):
        self.index, self.rules = index, rules
        self.edits = linebreaks.Edits()
        self.plans: dict[str, linebreaks.Plan] = {}
        self.paragraphs: dict[str, linebreaks.Paragraph] = {}
        self.planned = False

    def fix(self, document) -> bool:
        placed = linebreaks.place_lines(laid_out_lines(document), self.index)
        if not self.planned:
            self.planned = True
            self.paragraphs = {par.block: par for par in
                               measure_paragraphs(placed, self.index, self.rules)}
            sections = {block: linebreaks.section_of(self.index, block) for block in self.paragraphs}
            self.plans = linebreaks.plan_book(list(self.paragraphs.values()),
                                              section_pages(placed, sections), sections, self.edits)
            return bool(self.plans)
        changed = False
        fixes = {}
        for block, block_lines in group(placed).items():
            plan = self.plans.get(block)
            if plan is None:
                continue
            if [line.start for line in block_lines] != plan.starts(self.paragraphs[block]):
                self.edits.drop(block)            # not as planned: leave it to WeasyPrint
                del self.plans[block]
                changed = True
                continue
            turns = [k for k, line in enumerate(block_lines[:-1])
                     if line.hyphenated and line.last_on_page]
            if turns:
                words = frozenset(plan.breaks[k].token for k in turns)
                fixes[block] = (plan.whole | words, len(plan.breaks))
        for block, (whole, count) in fixes.items():
            replanned = linebreaks.optimise(self.paragraphs[block], no_hyphen=whole, lines=count)
            if replanned is None:
                replanned = linebreaks.optimise(self.paragraphs[block], no_hyphen=whole)
            if replanned is not None:
                replanned.whole = whole
                self.plans[block] = replanned
                self.edits.set(block, replanned)
                changed = True
        return changed


def section_pages(lines: list[linebreaks.Line], sections: dict[str, str]) -> dict[str, int]:
    """Return how many pages each section's lines span."""
    spans: dict[str, tuple[int, int]] = {}
    for line in lines:
        if line.block in sections:
            name = sections[line.block]
            low, high = spans.get(name, (line.page, line.page))
            spans[name] = (min(low, line.page), max(high, line.page))
    return {name: high - low + 1 for name, (low, high) in spans.items()}


def group(lines: list[linebreaks.Line]) -> dict[str, list[linebreaks.Line]]:
    grouped: dict[str, list[linebreaks.Line]] = {}
    for line in lines:
        grouped.setdefault(line.block, []).append(line)
    return grouped


def laid_out_lines(document) -> list[linebreaks.Line]:
    """Return every line of a numbered block (``data-b``), page by page, in reading order."""
    lines: list[linebreaks.Line] = []
    for number, page in enumerate(document.pages, start=1):
        main: list[linebreaks.Line] = []
        notes: list[linebreaks.Line] = []
        for area in page._page_box.children:
            if isinstance(area, FootnoteAreaBox):
                collect_lines(area, number, None, notes)
            elif getattr(area, "element_tag", None) == "html":
                collect_lines(area, number, None, main)
        if main:
            main[-1].last_on_page = True
        lines += main + notes
    return lines


def collect_lines(box, page: int, block: str | None, out: list) -> None:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "") or ""
    if element is not None and "::" not in tag and not isinstance(box, (InlineBox, TextBox)) \
            and element.get("data-b"):
        block = element.get("data-b")
    if isinstance(box, LineBox):
        if block is not None:
            out.append(line_record(box, page, block))
        return
    for child in getattr(box, "children", None) or []:
        collect_lines(child, page, block, out)


def line_record(box, page: int, block: str) -> linebreaks.Line:
    texts = [t for t in box.descendants() if isinstance(t, TextBox) and "::" not in t.element_tag]
    style = box.style
    extra = max((t.justification_spacing for t in texts), default=0.0)
    return linebreaks.Line(
        block=block, page=page, text="".join(t.text for t in texts),
        justified=style["text_align_all"] == "justify", extra=extra,
        spaces=sum(spaces(t.text) for t in texts),
        font_size=style["font_size"], height=box.height or style["font_size"], box=box)


def spaces(text: str) -> int:
    """Count the spaces WeasyPrint stretches to justify a line (space and no-break space)."""
    return text.count(" ") + text.count("\u00a0")


# -- measuring paragraphs for the line breaker ------------------------------------------

def measure_paragraphs(lines: list[linebreaks.Line], index: linebreaks.HtmlIndex,
                       rules: linebreaks.Hyphenation) -> list[linebreaks.Paragraph]:
    """Return the paragraphs the line breaker may set: justified, of more than one line,
    with every word measured as WeasyPrint measures it (same fonts, styles, shaping)."""
    measure = TextMeasure()
    paragraphs = []
    for block, block_lines in group(lines).items():
        if len(block_lines) < 2 or not all(line.justified for line in block_lines):
            continue
        par = measure_paragraph(block, block_lines, index.texts[block], measure, rules)
        if par is not None:
            paragraphs.append(par)
    return paragraphs


class TextMeasure:
    """Widths of text in a computed style, from the same Pango layouts WeasyPrint makes.

    ``create_layout`` and ``line_size`` are WeasyPrint's helpers (``text.line_break``)
    and the glyph walk is the one its ``draw.text`` does; this is the one place that
    reaches inside WeasyPrint for them.
    """

    def __init__(self):
        from weasyprint.text.ffi import FROM_UNITS, ffi
        from weasyprint.text.line_break import create_layout, line_size
        self.create_layout, self.line_size = create_layout, line_size
        self.ffi, self.from_units = ffi, FROM_UNITS
        self.cache: dict[tuple[str, int], float] = {}

    def __call__(self, text: str, style) -> float:
        """Return the width of ``text`` set alone in ``style``."""
        key = (text, id(style))
        if key not in self.cache:
            layout = self.create_layout(text, style, None, None, 0)
            line, _ = layout.get_first_line()
            self.cache[key] = self.line_size(line, style)[0]
        return self.cache[key]

    def advances(self, text: str, style) -> list[float]:
        """Return the advance of each character of ``text`` set in ``style`` (one layout).

        A ligature's width goes to its first character; kerning to the pair's first.
        """
        layout = self.create_layout(text, style, None, None, 0)
        line, _ = layout.get_first_line()
        utf8 = text.encode("utf-8")
        by_byte = [0.0] * (len(utf8) + 1)
        run = line.runs[0]
        while run != self.ffi.NULL:
            item = run.data
            run = run.next
            glyphs = item.glyphs
            for i in range(glyphs.num_glyphs):
                by_byte[item.item.offset + glyphs.log_clusters[i]] += \
                    glyphs.glyphs[i].geometry.width * self.from_units
        advances, byte = [], 0
        for char in text:
            size = len(char.encode("utf-8"))
            advances.append(sum(by_byte[byte: byte + size]))
            byte += size
        return advances


def measure_paragraph(block: str, block_lines, text: str, measure,
                      rules: linebreaks.Hyphenation) -> linebreaks.Paragraph | None:
    """Return one paragraph's words, widths and break points (None if it cannot be read)."""
    advance = [0.0] * (len(text) + 1)           # each character's advance, px
    styles: list = [None] * (len(text) + 1)
    for line in block_lines:
        offset = line.start
        for child in line_children(line.box):
            if not isinstance(child, TextBox):
                advance[max(0, offset - 1)] += child.margin_width()   # a note call, a marker
                continue
            piece = child.text
            if offset == line.start:
                piece = piece.lstrip(" ")
            if child is last_text(line.box):
                piece = piece.rstrip(" ")
            if text[offset: offset + len(piece)] != piece:
                return None
            for i, width in enumerate(measure.advances(piece, child.style)):
                advance[offset + i] += width
                styles[offset + i] = child.style
            offset += len(piece)
        if offset != line.end:
            return None
    for i in range(len(text)):
        if styles[i] is None:
            styles[i] = styles[i - 1] if i else None
            advance[i] += measure(text[i], styles[i]) if styles[i] is not None and text[i] == " " else 0.0
    first_box = block_lines[0].box
    style = first_box.style
    width = first_box.width
    indent = style["text_indent"]
    indent_px = indent.value * width / 100 if indent.unit == "%" else indent.value
    dictionary = hyphenation_dictionary(style["lang"])
    breaks = break_opportunities(text, style["lang"])
    prefix = [0.0]
    for value in advance:
        prefix.append(prefix[-1] + value)
    tokens = []
    for start, end, spaced in linebreaks.cut_points(text, breaks):
        hyphens = [(at, prefix[at] - prefix[start] + measure("\u2010", styles[at - 1]),
                    prefix[end] - prefix[at])
                   for at in linebreaks.hyphen_points(text[start:end], start, dictionary, rules)]
        space = advance[end] if spaced else 0.0
        breakable = (end + 1 if spaced else end) in breaks
        tokens.append(linebreaks.Token(
            start, end, width=prefix[end] - prefix[start], space=space, breakable=breakable,
            spaced=spaced, stretch=text[start:end].count("\u00a0"), hyphens=hyphens))
    return linebreaks.Paragraph(block, tokens, width - indent_px, width,
                                style["font_size"], first_box.height)


def line_children(box):
    """Yield a line's text boxes and its pseudo-element boxes (note calls, markers), in order."""
    for child in box.children:
        tag = getattr(child, "element_tag", "") or ""
        if "::" in tag:
            yield child
        elif isinstance(child, TextBox):
            yield child
        elif isinstance(child, InlineBox):
            yield from line_children(child)


def last_text(box):
    found = None
    for child in line_children(box):
        if isinstance(child, TextBox):
            found = child
    return found


@functools.lru_cache(maxsize=16)
def hyphenation_dictionary(lang: str | None):
    """Return the hyphenation patterns WeasyPrint itself would use for ``lang``."""
    import pyphen
    name = lang and pyphen.language_fallback(lang.replace("-", "_"))
    return pyphen.Pyphen(lang=name, left=linebreaks.HYPHEN_EDGE,
                         right=linebreaks.HYPHEN_EDGE) if name else None


def break_opportunities(text: str, lang: str | None) -> set[int]:
    """Return the offsets before which Pango's line breaker allows a break."""
    from weasyprint.text.line_break import get_log_attrs
    attrs = get_log_attrs(text, lang)
    return {i for i in range(1, len(text) + 1) if attrs[i].is_line_break}


_BLOCK_START = re.compile(r"<(p|li|h[1-6]|span(?=[^>]*\sclass=\"footnote\"))(?=[\s>])")


def number_blocks(html: str) -> str:
    """Give every paragraph-like element (and each footnote) a ``data-b`` number, so
    layout fixes can name it."""
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
                fonts: list[Path] = (), tagged: bool = False,
                hyphenation: dict | None = None) -> PartLayout:
    """Return the layout of one part of a book (``furniture``: its page furniture only).

    A body part is laid out without page furniture, with the line breaking and the
    footnote fix; its first page is a right page unless ``first_right`` is false.
    """
    side = "" if first_right else "html { break-before: left; }"
    document = lay_out(html, root, base_dir, source,
                       extra_css=side + ("" if furniture else NO_FURNITURE),
                       fix=not furniture, fonts=fonts, hyphenation=hyphenation)
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
