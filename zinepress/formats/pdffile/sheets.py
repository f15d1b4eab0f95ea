"""Imposition's PDF side: a source PDF in, its pages as forms; placed pages in, sheets out.

:func:`read_source` opens a PDF and turns every page into a vector form XObject (fonts
and images copied once and shared, nothing rasterised), and :func:`write_sheets` places
them on new sheets under fixed names (``/Pn`` for source page ``n``), each clipped to
its cell, and saves with a content-derived document ID and no dates, so the same input
and options give byte-identical files.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import pikepdf

from zinepress.errors import ZineError
from zinepress.formats.pdffile import pdf_number

log = logging.getLogger("zinepress")

SIZE_TOLERANCE_PT = 1.0  # pages within this of each other count as the same size
MARK_WIDTH_PT = 0.3
FOLD_DASH = "3 2"


@dataclass
class SourcePdf:
    """An opened PDF ready to be placed: its pages as forms and their common visible box."""

    pdf: pikepdf.Pdf
    forms: list[pikepdf.Object]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 after /Rotate and /UserUnit
    kept_annotations: int = 0  # form fields and printable annotations drawn into the pages
    dropped_annotations: int = 0  # annotations paper cannot keep, links not counted
    print_forbidden: bool = False
    info: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.forms)

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> SourcePdf:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Placement:
    """Source page ``page`` drawn with ``matrix`` (a b c d e f), clipped to ``clip`` (x0 y0 x1 y1)."""

    page: int
    matrix: tuple[float, float, float, float, float, float]
    clip: tuple[float, float, float, float]


@dataclass(frozen=True)
class Stroke:
    """A mark: a line from (x1, y1) to (x2, y2) in points, dashed or solid."""

    x1: float
    y1: float
    x2: float
    y2: float
    dashed: bool = False


def read_source(data: bytes, name: str, max_pages: int) -> SourcePdf:
    """Return the pages of the PDF ``data`` as forms, or raise ZineError naming ``name``.

    Form fields and annotations marked for printing are drawn into their page first
    (what a printer would show); the others are counted, links excepted, so the caller
    can warn that paper cannot keep them.  A PDF that opens without a password is read
    even if its owner restricted editing.
    """
    pdf = _open_for_reading(data, name)
    try:
        count = len(pdf.pages)
        if count == 0:
            raise ZineError(name, None, "Z503", "PDF has no pages")
        if count > max_pages:
            raise ZineError(name, None, "Z504",
                            f"PDF has {count} pages, more than the limit of {max_pages}")
        kept, dropped = _flatten(pdf)
        forms, box = _page_forms(name, pdf)
        info = {key: str(pdf.docinfo[key]) for key in ("/Title", "/Author", "/Subject", "/Keywords")
                if key in pdf.docinfo}
        forbidden = pdf.is_encrypted and not (pdf.allow.print_highres or pdf.allow.print_lowres)
        return SourcePdf(pdf, forms, box, kept, dropped, forbidden, info)
    except BaseException:
        pdf.close()
        raise


def _open_for_reading(data: bytes, name: str) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise ZineError(name, None, "Z502", "PDF needs a password to open") from None
    except (pikepdf.PdfError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ZineError(name, None, "Z501", f"cannot read as a PDF ({reason})") from None


def _annotation_count(pdf: pikepdf.Pdf) -> int:
    """Count annotations other than links and pop-ups (which have no place on paper)."""
    skip = {"/Link", "/Popup"}
    return sum(1 for page in pdf.pages for annot in page.obj.get("/Annots", [])
               if isinstance(annot, pikepdf.Dictionary) and str(annot.get("/Subtype")) not in skip)


def _flatten(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """Draw printable annotations and filled-in form fields into their pages; return (kept, dropped)."""
    before = _annotation_count(pdf)
    if before == 0:
        return 0, 0
    try:
        if "/AcroForm" in pdf.Root and pdf.Root.AcroForm.get("/NeedAppearances", False):
            pdf.generate_appearance_streams()
        pdf.flatten_annotations("print")
    except (pikepdf.PdfError, ValueError, TypeError, KeyError) as error:
        log.debug("could not flatten annotations: %s", error)
    after = _annotation_count(pdf)
    return before - after, after


def _page_forms(name: str, pdf: pikepdf.Pdf) -> tuple[list[pikepdf.Object], tuple[float, ...]]:
    """Return a form XObject per page and the common visible box (x0, y0, x1, y1)."""
    forms: list[pikepdf.Object] = []
    box: tuple[float, ...] | None = None
    for number, page in enumerate(pdf.pages, start=1):
        try:
            form = page.as_form_xobject(handle_transformations=True)
            this = _visible_box(form)
            # qpdf copies the resources into the stream dictionary, which is never
            # compressed; an indirect dictionary (shared when the pages shared one)
            # goes into a compressed object stream instead.
            resources = page.obj.get("/Resources")
            if resources is not None and resources.is_indirect:
                form.Resources = resources
            elif "/Resources" in form:
                form.Resources = pdf.make_indirect(form.Resources)
            _reuse_compressed_contents(page, form)
        except (pikepdf.PdfError, ValueError, TypeError, KeyError) as error:
            raise ZineError(name, None, "Z501", f"page {number} cannot be read ({error})") from None
        if this[2] - this[0] <= 0 or this[3] - this[1] <= 0:
            raise ZineError(name, None, "Z501", f"page {number} has an empty page box")
        if box is None:
            box = this
        elif any(abs((this[i + 2] - this[i]) - (box[i + 2] - box[i])) > SIZE_TOLERANCE_PT
                 for i in (0, 1)):
            raise ZineError(name, None, "Z505",
                            f"mixed page sizes: page 1 is {_size(box)} pt, "
                            f"page {number} is {_size(this)} pt")
        forms.append(form)
    assert box is not None
    return forms, box


def _reuse_compressed_contents(page: pikepdf.Page, form: pikepdf.Object) -> None:
    """Give the form the page's own compressed bytes when it has a single Flate stream.

    qpdf would otherwise recompress the content at its default level, which is
    usually larger than what the typesetter wrote.
    """
    contents = page.obj.get("/Contents")
    if (
        isinstance(contents, pikepdf.Stream)
        and contents.get("/Filter") == pikepdf.Name.FlateDecode
        and "/DecodeParms" not in contents
        and form.read_bytes() == contents.read_bytes()
    ):
        form.write(contents.read_raw_bytes(), filter=pikepdf.Name.FlateDecode)


def _visible_box(form: pikepdf.Object) -> tuple[float, float, float, float]:
    """Return the form's bounding box after its /Matrix (page rotation), as x0, y0, x1, y1."""
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _size(box: tuple[float, ...]) -> str:
    return f"{box[2] - box[0]:.1f} x {box[3] - box[1]:.1f}"


def write_sheets(source: SourcePdf, sides: list[tuple[list[Placement], list[Stroke]]],
                 sheet: tuple[float, float], creator: str = "zinepress impose") -> bytes:
    """Return a PDF with one page of size ``sheet`` per entry of ``sides``.

    Each placement draws its source page's form (named ``/Pn``) clipped to its cell;
    marks are drawn over the pages.  Descriptive document info is kept; dates are not.
    """
    out = pikepdf.new()
    copied: dict[int, pikepdf.Object] = {}
    for placements, strokes in sides:
        ops: list[str] = []
        xobjects = pikepdf.Dictionary()
        for place in placements:
            if place.page not in copied:
                copied[place.page] = out.copy_foreign(source.forms[place.page - 1])
            name = f"/P{place.page}"
            xobjects[name] = copied[place.page]
            x0, y0, x1, y1 = place.clip
            matrix = " ".join(pdf_number(v, 6 if i < 4 else 4) for i, v in enumerate(place.matrix))
            ops.append(f"q {pdf_number(x0)} {pdf_number(y0)} {pdf_number(x1 - x0)} {pdf_number(y1 - y0)} re W n "
                       f"{matrix} cm {name} Do Q")
        if strokes:
            ops.append(f"q 0 G {pdf_number(MARK_WIDTH_PT)} w")
            for s in strokes:
                dash = f"[{FOLD_DASH}] 0 d" if s.dashed else "[] 0 d"
                ops.append(f"{dash} {pdf_number(s.x1)} {pdf_number(s.y1)} m {pdf_number(s.x2)} {pdf_number(s.y2)} l S")
            ops.append("Q")
        page = out.add_blank_page(page_size=sheet)
        page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        page.obj.Contents = out.make_stream(("\n".join(ops) + "\n").encode("ascii"))
    for key, value in source.info.items():
        out.docinfo[key] = pikepdf.String(value)
    out.docinfo["/Creator"] = pikepdf.String(creator)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def pages_at_origin(source: SourcePdf, pages: list[int]) -> bytes:
    """Return a PDF whose i-th page is source page ``pages[i]`` exactly as imposition sees it.

    Each page is the form's visible box, the form drawn with its corner at the origin, so
    a renderer (:mod:`zinepress.formats.ink`) measures ink in the form's own coordinates.
    """
    x0, y0, x1, y1 = source.box
    sides = [([Placement(page, (1, 0, 0, 1, -x0, -y0), (0, 0, x1 - x0, y1 - y0))], [])
             for page in pages]
    return write_sheets(source, sides, (x1 - x0, y1 - y0))
