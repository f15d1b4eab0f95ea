"""Apply an imposition plan to a PDF: a reading PDF in, an imposed print PDF out.

This is the only module that imports pikepdf for imposition.  The page order comes
from :mod:`zinepress.impose.saddle`; here each source page becomes a vector form XObject
(its fonts and images are copied once and shared, nothing is rasterised), placed on a
landscape sheet with two halves per side.

Papers: ``'a4'`` is A4 landscape (297 x 210 mm) with two A5-sized halves;
``'letter'`` is US Letter landscape (11 x 8.5 in) with two half-letter halves
(5.5 x 8.5 in).  Pages of the half's size are placed 1:1; pages of any other size are
scaled uniformly to fit the half and centred, so PDFs we did not typeset can be
imposed too.

Output is deterministic: the form XObject of source page ``n`` is always named
``/Pn``, the document ID is derived from the content and no dates are written, so
the same input and options give byte-identical files.  The file is written to a
temporary file beside ``dst`` and moved into place, so a failure never leaves a
partial output; every check on the input runs before anything is written.

Error codes (all :class:`~zinepress.errors.ZineError`, raised before writing):

* Z501 the input cannot be read or is not a PDF
* Z502 the input is encrypted
* Z503 the input has no pages
* Z504 the input has more pages than ``max_pages``
* Z505 the input mixes page sizes
* Z506 unknown paper
* Z507 bad signature size or gathering
* Z508 bad creep or duplex mode
* Z509 the output cannot be written
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from zinepress.errors import ZineError
from zinepress.impose.saddle import DUPLEX_MODES, Plan, print_sequence, saddle_plan

log = logging.getLogger(__name__)

MM_PT = 72 / 25.4

# Landscape sheet (width, height) in points; each side holds two halves.
PAPERS: dict[str, tuple[float, float]] = {
    "a4": (round(297 * MM_PT, 2), round(210 * MM_PT, 2)),  # 841.89 x 595.28
    "letter": (792.0, 612.0),
}

SIZE_TOLERANCE_PT = 1.0  # pages within this of each other count as the same size
SCALE_SNAP = 0.005  # a scale this close to 1 is taken as 1 (A5 in an A4 half)
MAX_CREEP_MM = 1.0  # thicker than card stock: surely a typo
FOLD_TICK_PT = 14.0
FOLD_DASH = "3 2"
CROP_GAP_PT = 3.0
CROP_LENGTH_PT = 12.0
MARK_WIDTH_PT = 0.3


@dataclass(frozen=True)
class ImposeResult:
    """What :func:`impose_file` wrote: counts, the plan, and the scale applied."""

    dst: Path
    paper: str
    duplex: str
    page_count: int
    padded_count: int
    blank_count: int
    sheet_count: int
    side_count: int
    scale: float
    source_size_pt: tuple[float, float]
    plan: Plan


def impose_file(
    src: Path,
    dst: Path,
    *,
    paper: str = "a4",
    signature_sheets: int | None = None,
    gathering: str = "nested",
    creep_mm: float = 0.0,
    marks: bool = False,
    duplex: str = "short-edge",
    max_pages: int = 1000,
) -> ImposeResult:
    """Return what was written after imposing ``src`` into ``dst`` as a saddle-stitched zine.

    ``signature_sheets``/``gathering``/``creep_mm`` are passed to
    :func:`zinepress.impose.saddle.saddle_plan` (creep converted to points); ``duplex`` picks
    the page order of :func:`zinepress.impose.saddle.print_sequence`; ``marks`` adds fold
    ticks at the centre of the top and bottom edges and, when a placed page is
    smaller than its half, crop marks at its outer corners.
    """
    src, dst = Path(src), Path(dst)
    _check_options(src, paper, duplex, creep_mm)
    _check_destination(src, dst)

    with _open_pdf(src) as pdf:
        page_count = len(pdf.pages)
        plan = _plan(src, page_count, max_pages, signature_sheets, gathering, creep_mm)
        forms, box = _page_forms(src, pdf)
        sheet_w, sheet_h = PAPERS[paper]
        scale = _fit_scale(box, sheet_w / 2, sheet_h)
        out = pikepdf.new()
        _place_sides(out, print_sequence(plan, duplex), forms, box, scale,  # type: ignore[arg-type]
                     (sheet_w, sheet_h), marks)
        _copy_info(pdf, out)
        _save_atomically(out, dst)

    result = ImposeResult(
        dst=dst,
        paper=paper,
        duplex=duplex,
        page_count=page_count,
        padded_count=plan.padded_count,
        blank_count=plan.blank_count,
        sheet_count=plan.sheet_count,
        side_count=2 * plan.sheet_count,
        scale=scale,
        source_size_pt=(round(box[2] - box[0], 2), round(box[3] - box[1], 2)),
        plan=plan,
    )
    log.debug(
        "imposed %s: %d pages (+%d blank) on %d %s sheets, scale %.3f -> %s",
        src, page_count, plan.blank_count, plan.sheet_count, paper, scale, dst,
    )
    return result


def _check_options(src: Path, paper: str, duplex: str, creep_mm: float) -> None:
    """Raise for an unknown paper or duplex mode, or a creep outside 0..MAX_CREEP_MM."""
    if paper not in PAPERS:
        raise ZineError(src, None, "Z506", f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}")
    if duplex not in DUPLEX_MODES:
        raise ZineError(
            src, None, "Z508", f"unknown duplex mode {duplex!r}; use one of {', '.join(DUPLEX_MODES)}"
        )
    if not 0.0 <= creep_mm <= MAX_CREEP_MM:
        raise ZineError(
            src, None, "Z508",
            f"creep {creep_mm} mm is outside 0..{MAX_CREEP_MM} mm (it is the paper thickness, e.g. 0.1mm)",
        )


def _plan(src: Path, page_count: int, max_pages: int, signature_sheets: int | None,
          gathering: str, creep_mm: float):
    """Return the saddle plan for ``page_count`` pages, or raise naming ``src``."""
    if page_count == 0:
        raise ZineError(src, None, "Z503", "PDF has no pages")
    if page_count > max_pages:
        raise ZineError(
            src, None, "Z504", f"PDF has {page_count} pages, more than the limit of {max_pages}"
        )
    try:
        return saddle_plan(page_count, signature_sheets=signature_sheets,
                           gathering=gathering,  # type: ignore[arg-type]
                           creep_pt=creep_mm * MM_PT)
    except ZineError as error:
        raise ZineError(src, None, error.code, error.message) from None


def _place_sides(out: pikepdf.Pdf, sides, forms, box, scale: float,
                 sheet: tuple[float, float], marks: bool) -> None:
    """Add one sheet side per entry of ``sides`` to ``out``, pages as form XObjects /Pn."""
    sheet_w, sheet_h = sheet
    half_w = sheet_w / 2
    copied: dict[int, pikepdf.Object] = {}
    for side in sides:
        ops: list[str] = []
        xobjects = pikepdf.Dictionary()
        for half, slot in enumerate(side.slots):
            if slot.page is None:
                continue
            if slot.page not in copied:
                copied[slot.page] = out.copy_foreign(forms[slot.page - 1])
            name = f"/P{slot.page}"
            xobjects[name] = copied[slot.page]
            tx, ty = _placement(box, scale, half * half_w, half_w, sheet_h)
            ops.append(
                f"q {_num(scale, 6)} 0 0 {_num(scale, 6)} {_num(tx + slot.x_offset_pt)} {_num(ty)} cm "
                f"{name} Do Q"
            )
        if marks:
            ops.extend(_marks(box, scale, sheet_w, sheet_h))
        page = out.add_blank_page(page_size=(sheet_w, sheet_h))
        page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        page.obj.Contents = out.make_stream(("\n".join(ops) + "\n").encode("ascii"))


def _check_destination(src: Path, dst: Path) -> None:
    if not dst.parent.is_dir():
        raise ZineError(dst, None, "Z509", f"output folder {dst.parent} does not exist")
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise ZineError(dst, None, "Z509", "output would overwrite the input PDF")


def _open_pdf(src: Path) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(src)
    except pikepdf.PasswordError:
        raise ZineError(src, None, "Z502", "PDF is encrypted with a password") from None
    except (pikepdf.PdfError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ZineError(src, None, "Z501", f"cannot read as a PDF ({reason})") from None
    if pdf.is_encrypted:
        pdf.close()
        raise ZineError(src, None, "Z502", "PDF is encrypted (permission restrictions)")
    return pdf


def _page_forms(src: Path, pdf: pikepdf.Pdf) -> tuple[list[pikepdf.Object], tuple[float, ...]]:
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
            raise ZineError(src, None, "Z501", f"page {number} cannot be read ({error})") from None
        if this[2] - this[0] <= 0 or this[3] - this[1] <= 0:
            raise ZineError(src, None, "Z501", f"page {number} has an empty page box")
        if box is None:
            box = this
        elif any(
            abs((this[i + 2] - this[i]) - (box[i + 2] - box[i])) > SIZE_TOLERANCE_PT for i in (0, 1)
        ):
            raise ZineError(
                src, None, "Z505",
                f"mixed page sizes: page 1 is {_size(box)} pt, page {number} is {_size(this)} pt",
            )
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


def _fit_scale(box: tuple[float, ...], half_w: float, half_h: float) -> float:
    scale = min(half_w / (box[2] - box[0]), half_h / (box[3] - box[1]))
    return 1.0 if abs(scale - 1.0) < SCALE_SNAP else scale


def _placement(
    box: tuple[float, ...], scale: float, x0: float, half_w: float, half_h: float
) -> tuple[float, float]:
    """Return the cm translation centring the scaled page in the half starting at x0."""
    w, h = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale
    return (x0 + (half_w - w) / 2 - box[0] * scale, (half_h - h) / 2 - box[1] * scale)


def _marks(box: tuple[float, ...], scale: float, sheet_w: float, sheet_h: float) -> list[str]:
    """Return drawing operators for the fold ticks and the crop marks.

    The fold is marked by dashed ticks at the centre of the top and bottom edges.  A
    page scaled to fit fills its half in one direction; in the other it leaves a
    margin, and its trim lines there (fore-edges, or top and bottom) get crop marks:
    short ticks beyond the page's corner when the other margin has room, otherwise
    ticks running in from the sheet edge, where the page is blank margin anyway.
    """
    mid = sheet_w / 2
    tick = _num(FOLD_TICK_PT)
    ops = [
        f"q 0 G {_num(MARK_WIDTH_PT)} w [{FOLD_DASH}] 0 d",
        f"{_num(mid)} 0 m {_num(mid)} {tick} l S",
        f"{_num(mid)} {_num(sheet_h - FOLD_TICK_PT)} m {_num(mid)} {_num(sheet_h)} l S",
        "[] 0 d",
    ]
    w, h = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale
    margin_x, margin_y = (mid - w) / 2, (sheet_h - h) / 2
    room_x, room_y = margin_x > CROP_GAP_PT + 2, margin_y > CROP_GAP_PT + 2

    def ticks(margin: float, room: bool, edge: float, lo: float, hi: float) -> list[tuple[float, float]]:
        """Two tick spans along one axis: beyond both ends of the page, or in from the edges."""
        if room:
            length = min(CROP_LENGTH_PT, margin - CROP_GAP_PT)
            return [(lo - CROP_GAP_PT - length, lo - CROP_GAP_PT), (hi + CROP_GAP_PT, hi + CROP_GAP_PT + length)]
        return [(0.0, CROP_LENGTH_PT), (edge - CROP_LENGTH_PT, edge)]

    if margin_x >= 1.0:  # fore-edge trim lines, vertical
        for x in (margin_x, sheet_w - margin_x):
            for y1, y2 in ticks(margin_y, room_y, sheet_h, margin_y, margin_y + h):
                ops.append(f"{_num(x)} {_num(y1)} m {_num(x)} {_num(y2)} l S")
    if margin_y >= 1.0:  # top and bottom trim lines, horizontal, at the fore-edges only
        spans = ticks(margin_x, room_x, sheet_w, margin_x, sheet_w - margin_x)
        for y in (margin_y, margin_y + h):
            for x1, x2 in spans:
                ops.append(f"{_num(x1)} {_num(y)} m {_num(x2)} {_num(y)} l S")
    ops.append("Q")
    return ops


def _num(value: float, places: int = 4) -> str:
    """Format a number for a content stream: fixed precision, no exponent, no -0."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _copy_info(src: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """Keep the descriptive document info; dates are dropped so output is reproducible."""
    for key in ("/Title", "/Author", "/Subject", "/Keywords"):
        if key in src.docinfo:
            out.docinfo[key] = pikepdf.String(str(src.docinfo[key]))
    out.docinfo["/Creator"] = pikepdf.String("zinepress impose")


def _save_atomically(out: pikepdf.Pdf, dst: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        out.save(
            tmp,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        os.replace(tmp, dst)
    except OSError as error:
        raise ZineError(dst, None, "Z509", f"cannot write output ({error.strerror or error})") from None
    finally:
        tmp.unlink(missing_ok=True)
