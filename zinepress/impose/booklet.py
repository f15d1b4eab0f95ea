"""Imposition: PDF bytes and :class:`~zinepress.impose.options.ImposeOptions` in, print-ready PDF bytes out.

The layout comes from :func:`zinepress.impose.options.plan_layout` (saddle, quarter or
mini-zine); here it meets a real PDF.  Every page is placed at one scale, the same for
all, chosen so that the pages fit their cells inside the printer's margins; a page
sits against its spine (the fold it is bound at) and is centred the other way, so the
two pages of a spread still meet at the fold.  Each page is clipped to its cell, so
nothing paints over its neighbour, and creep never cuts ink: before pages are moved
into the fold, the ink of each is measured (:mod:`zinepress.formats.ink`) and a creep
that would cut into it is refused.  The PDF work itself is
:mod:`zinepress.formats.pdffile`'s; nothing here imports a PDF library.

Papers are A4 and US Letter; the sheet is landscape for saddle and mini-zine, portrait
for quarter.  A5 pages on A4 (and half-letter on Letter) are placed at 100 %.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from zinepress.errors import ZineError
from zinepress.formats import ink
from zinepress.formats.pdffile import sheets
from zinepress.formats.pdffile.sheets import Placement, Stroke
from zinepress.impose.layout import Cell, Layout, Line, manual_ranges, print_sequence
from zinepress.impose.options import MM_PT, PAPER_NAMES, ImposeOptions, Planned, plan_layout

log = logging.getLogger("zinepress")

SCALE_SNAP = 0.005  # a scale this close to 1 is taken as 1 (A5 in an A4 half)
SCALE_WARN = (0.8, 1.25)  # outside this, say so: text gets hard to read or coarse
FOLD_TICK_PT = 14.0
CROP_GAP_PT = 3.0
CROP_LENGTH_PT = 12.0


@dataclass(frozen=True)
class Geometry:
    """The sheet (width, height), the cell size, the printer margin and the page scale, in points."""

    sheet: tuple[float, float]
    cell: tuple[float, float]
    margin: float
    page: tuple[float, float, float, float]  # the source pages' visible box
    scale: float

    @property
    def page_size(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.page
        return (x1 - x0) * self.scale, (y1 - y0) * self.scale


@dataclass(frozen=True)
class Imposed:
    """What an imposition made: the files' bytes and the facts people and scripts are told."""

    files: dict[str, bytes]  # "" for one file, or "cover" and "inside"
    layout: str
    paper: str
    duplex: str
    page_count: int
    blank_count: int
    sheet_count: int
    copies_per_sheet: int
    gathering_count: int
    pages_per_side: int
    scale: float
    warnings: tuple[str, ...]
    manual_pages: dict[str, dict[str, tuple[int, int]]]  # per file, for manual duplex

    def summary(self, names: dict[str, str]) -> str:
        """Return the one line a successful run prints."""
        written = " and ".join(names[key] for key in self.files)
        sheets = f"{self.sheet_count} sheet{'s' if self.sheet_count != 1 else ''}"
        if self.copies_per_sheet > 1:
            sheets += f" ({self.copies_per_sheet} copies each)"
        parts = [sheets]
        if self.layout != "minizine":
            parts.append(f"{self.gathering_count} gathering{'s' if self.gathering_count != 1 else ''}")
        parts.append(PAPER_NAMES[self.paper] if self.paper != "a4" else "A4")
        if self.layout != "saddle":
            parts.append(self.layout)
        parts.append(self.duplex)
        return f"wrote {written}: {', '.join(parts)}"

    def as_json(self, names: dict[str, str]) -> dict:
        """Return the machine-readable summary (``--json``)."""
        return {
            "files": {key or "zine": names[key] for key in self.files},
            "layout": self.layout, "paper": self.paper, "duplex": self.duplex,
            "pages": self.page_count, "blank_pages": self.blank_count,
            "sheets": self.sheet_count, "copies_per_sheet": self.copies_per_sheet,
            "gatherings": self.gathering_count, "pages_per_side": self.pages_per_side,
            "scale": round(self.scale, 4), "warnings": list(self.warnings),
            "manual_duplex_pages": {key or "zine": ranges for key, ranges in self.manual_pages.items()},
        }


def impose_pdf(data: bytes, options: ImposeOptions, name: str = "input.pdf") -> Imposed:
    """Return ``data`` imposed with ``options``; errors name ``name`` (one line, nothing written)."""
    with sheets.read_source(data, name, options.max_pages) as source:
        planned = _planned(options, source.page_count, name)
        layout = planned.layout
        geometry = fit(layout, options.sheet_size(layout), options.margin_pt, source.box)
        if any(cell.creep_pt > 0 for front, back in layout.sheets
               for side in (front, back) if side is not None for cell in side.cells):
            check_creep(source, layout, geometry, options.creep_pt, name)
        files, manual = {}, {}
        for key, part in split_cover(layout, options.cover_separate).items():
            sides = print_sequence(part, planned.duplex)
            marks = strokes(part, geometry) if options.marks else []
            files[key] = sheets.write_sheets(
                source, [(placements(side.cells, part, geometry), marks) for side in sides],
                geometry.sheet)
            if planned.duplex == "manual":
                manual[key] = manual_ranges(part)
        warnings = list(planned.warnings) + _warnings(source, geometry, options, name)
    for warning in warnings:
        log.debug("%s", warning)
    plan = planned.plan
    return Imposed(
        files=files, layout=layout.name, paper=options.paper, duplex=planned.duplex,
        page_count=source.page_count,
        blank_count=sum(c.page is None for front, _ in layout.sheets for c in front.cells)
        if plan is None else plan.blank_count,
        sheet_count=len(layout.sheets), copies_per_sheet=2 if layout.name == "quarter" else 1,
        gathering_count=0 if plan is None else len(plan.gatherings) - (
            1 if plan.cover_separate and plan.gathering == "stacked" else 0),
        pages_per_side=layout.pages_per_side, scale=geometry.scale,
        warnings=tuple(warnings), manual_pages=manual)


def _planned(options: ImposeOptions, page_count: int, name: str) -> Planned:
    try:
        return plan_layout(options, page_count)
    except ZineError as error:
        raise ZineError(name, None, error.code, error.message, error.hint) from None


def split_cover(layout: Layout, separate: bool) -> dict[str, Layout]:
    """Return the layout as one file, or as the cover sheet(s) and the inside."""
    if not separate:
        return {"": layout}
    n = layout.cover_sheets
    inside = tuple((_renumber(front, i), _renumber(back, i))
                   for i, (front, back) in enumerate(layout.sheets[n:]))
    return {"cover": replace(layout, sheets=layout.sheets[:n]),
            "inside": replace(layout, sheets=inside, cover_sheets=0)}


def _renumber(side, index: int):
    return None if side is None else replace(side, sheet=index)


# -- geometry (pure) -------------------------------------------------------------------


def fit(layout: Layout, sheet: tuple[float, float], margin: float,
        page: tuple[float, float, float, float]) -> Geometry:
    """Return the geometry: one scale for every page, so each fits its cell inside the margins.

    >>> g = fit(Layout("saddle", 2, 1, True, ("right", "left"), ()), (841.89, 595.28), 0.0,
    ...         (0, 0, 419.53, 595.28))
    >>> g.scale, g.cell
    (1.0, (420.945, 595.28))
    """
    width, height = sheet
    cell_w, cell_h = width / layout.columns, height / layout.rows
    avail_w = cell_w - margin * (2 if layout.columns == 1 else 1)
    avail_h = cell_h - margin * (2 if layout.rows == 1 else 1)
    page_w, page_h = page[2] - page[0], page[3] - page[1]
    scale = min(avail_w / page_w, avail_h / page_h)
    if abs(scale - 1.0) < SCALE_SNAP:
        scale = 1.0
    return Geometry(sheet, (cell_w, cell_h), margin, page, scale)


def cell_box(column: int, row: int, geometry: Geometry) -> tuple[float, float, float, float]:
    """Return the cell's rectangle (x0, y0, x1, y1) in points; row 0 is at the top."""
    cell_w, cell_h = geometry.cell
    top = geometry.sheet[1] - row * cell_h
    return (column * cell_w, top - cell_h, (column + 1) * cell_w, top)


def page_origin(cell: Cell, layout: Layout, geometry: Geometry, creep: bool = True) -> tuple[float, float]:
    """Return where the lower left corner of the placed (upright-sized) page goes, in points.

    Against the spine if the cell has one, else centred between the cell edge and the
    printer margin; centred the other way; moved ``creep_pt`` toward the spine.
    """
    x0, y0, x1, y1 = cell_box(cell.column, cell.row, geometry)
    w, h = geometry.page_size
    m = geometry.margin
    spine = layout.spines[cell.column]
    if spine == "right":
        x = x1 - w + (cell.creep_pt if creep else 0.0)
    elif spine == "left":
        x = x0 - (cell.creep_pt if creep else 0.0)
    else:
        lo = x0 + (m if cell.column == 0 else 0.0)
        hi = x1 - (m if cell.column == layout.columns - 1 else 0.0)
        x = (lo + hi - w) / 2
    lo = y0 + (m if cell.row == layout.rows - 1 else 0.0)
    hi = y1 - (m if cell.row == 0 else 0.0)
    return x, (lo + hi - h) / 2


def placements(cells, layout: Layout, geometry: Geometry) -> list[Placement]:
    """Return the drawing of each non-blank cell: its page, the matrix, the clip to its cell."""
    s = geometry.scale
    bx0, by0, bx1, by1 = geometry.page
    result = []
    for cell in cells:
        if cell.page is None:
            continue
        x, y = page_origin(cell, layout, geometry)
        if cell.rotation % 360 == 180:
            matrix = (-s, 0.0, 0.0, -s, x + s * bx1, y + s * by1)
        else:
            matrix = (s, 0.0, 0.0, s, x - s * bx0, y - s * by0)
        result.append(Placement(cell.page, matrix, cell_box(cell.column, cell.row, geometry)))
    return result


def strokes(layout: Layout, geometry: Geometry) -> list[Stroke]:
    """Return the marks: dashed ticks where folds meet the sheet edge, cut lines, crop ticks."""
    width, height = geometry.sheet
    cell_w, cell_h = geometry.cell
    m = geometry.margin

    def point(x: float, y: float) -> tuple[float, float]:
        return x * cell_w, height - y * cell_h

    marks: list[Stroke] = []
    for line, dashed in [(f, True) for f in layout.folds] + [(c, False) for c in layout.cuts]:
        ends = _edge_ends(line, layout)
        if not ends and not dashed:  # a cut inside the sheet is drawn whole
            marks.append(Stroke(*point(line.x1, line.y1), *point(line.x2, line.y2)))
        for (x, y), (dx, dy) in ends:
            px, py = point(x, y)
            sx, sy = dx * cell_w, -dy * cell_h
            length = (sx * sx + sy * sy) ** 0.5
            ux, uy = sx / length, sy / length
            start = (px + ux * m, py + uy * m)
            marks.append(Stroke(*start, start[0] + ux * FOLD_TICK_PT, start[1] + uy * FOLD_TICK_PT,
                                dashed))
    return marks + _crop_ticks(layout, geometry)


def _edge_ends(line: Line, layout: Layout) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Return the ends of ``line`` on the sheet edge, each with the direction into the sheet."""
    ends = []
    for (x, y), (ox, oy) in (((line.x1, line.y1), (line.x2, line.y2)),
                             ((line.x2, line.y2), (line.x1, line.y1))):
        if x in (0, layout.columns) or y in (0, layout.rows):
            ends.append(((x, y), (ox - x, oy - y)))
    return ends


def _crop_ticks(layout: Layout, geometry: Geometry) -> list[Stroke]:
    """Return ticks from the sheet edges marking page edges that lie inside their cell.

    Fore-edges (vertical, away from the spine) get ticks at the top and bottom edge of
    the sheet; tops and bottoms of pages shorter than their cell get ticks at the left
    and right edges.  Ticks stop short of the page when the margin has room, else they
    run in from the sheet edge over the page's own margin.
    """
    if not layout.sheets:
        return []
    width, height = geometry.sheet
    w, h = geometry.page_size
    m = geometry.margin
    xs, ys = set(), set()
    gaps = {"left": width, "right": width, "bottom": height, "top": height}
    for cell in layout.sheets[0][0].cells:
        x0, y0, x1, y1 = cell_box(cell.column, cell.row, geometry)
        px, py = page_origin(cell, layout, geometry, creep=False)
        spine = layout.spines[cell.column]
        if spine != "left" and px - x0 >= 1.0:
            xs.add(round(px, 3))
        if spine != "right" and x1 - (px + w) >= 1.0:
            xs.add(round(px + w, 3))
        if py - y0 >= 1.0:
            ys.add(round(py, 3))
        if y1 - (py + h) >= 1.0:
            ys.add(round(py + h, 3))
        gaps["left"] = min(gaps["left"], px - m)
        gaps["right"] = min(gaps["right"], width - m - px - w)
        gaps["bottom"] = min(gaps["bottom"], py - m)
        gaps["top"] = min(gaps["top"], height - m - py - h)

    def length(gap: float) -> float:
        room = gap - CROP_GAP_PT
        return min(CROP_LENGTH_PT, room) if room >= 3.0 else CROP_LENGTH_PT

    ticks = []
    for x in sorted(xs):
        ticks += [Stroke(x, m, x, m + length(gaps["bottom"])),
                  Stroke(x, height - m, x, height - m - length(gaps["top"]))]
    for y in sorted(ys):
        ticks += [Stroke(m, y, m + length(gaps["left"]), y),
                  Stroke(width - m, y, width - m - length(gaps["right"]), y)]
    return ticks


# -- creep that cannot hurt ------------------------------------------------------------


def check_creep(source, layout: Layout, geometry: Geometry, creep_pt: float, name: str) -> None:
    """Raise Z512 if moving any page toward its spine would cut off ink at its cell edge."""
    moved: dict[int, list[Cell]] = {}
    for front, back in layout.sheets:
        for side in (front, back):
            for cell in side.cells if side is not None else ():
                if cell.page is not None and cell.creep_pt > 0:
                    moved.setdefault(cell.page, []).append(cell)
    pages = sorted(moved)
    boxes = ink.ink_boxes(sheets.pages_at_origin(source, pages))
    s = geometry.scale
    page_w = geometry.page[2] - geometry.page[0]
    worst: tuple[float, int, float, float] | None = None  # allowed creep, page, shift, room
    for page, box in zip(pages, boxes):
        if box is None:
            continue
        for cell in moved[page]:
            x, _ = page_origin(cell, layout, geometry, creep=False)
            ix0, ix1 = (box[0], box[2]) if cell.rotation % 360 == 0 else (page_w - box[2], page_w - box[0])
            x0, _, x1, _ = cell_box(cell.column, cell.row, geometry)
            room = (x1 - (x + s * ix1)) if layout.spines[cell.column] == "right" else ((x + s * ix0) - x0)
            allowed = room / (cell.creep_pt / creep_pt)
            if worst is None or allowed < worst[0]:
                worst = (allowed, page, cell.creep_pt, room)
    if worst is not None and worst[0] < creep_pt - 1e-6:
        allowed, page, shift, room = worst
        raise ZineError(name, None, "Z512",
                        f"creep {creep_pt / MM_PT:g} mm per sheet moves page {page} "
                        f"{shift / MM_PT:.1f} mm into the fold, but its ink is "
                        f"{max(room, 0) / MM_PT:.1f} mm from it",
                        hint=f"at most {max(allowed, 0) / MM_PT:.2f}mm per sheet fits")


def _warnings(source, geometry: Geometry, options: ImposeOptions, name: str) -> list[str]:
    """Return what a person should know: scaling, annotations paper cannot keep, restrictions."""
    found = []
    low, high = SCALE_WARN
    if not low <= geometry.scale <= high:
        w, h = source.box[2] - source.box[0], source.box[3] - source.box[1]
        found.append(f"{name}: pages of {w / MM_PT:.0f} x {h / MM_PT:.0f} mm are scaled to "
                     f"{geometry.scale:.2f} to fit the {options.layout} layout on "
                     f"{PAPER_NAMES[options.paper]}")
    if source.dropped_annotations:
        found.append(f"{name}: {source.dropped_annotations} annotation(s) not marked for printing "
                     "are left out (comments, hidden fields)")
    if source.print_forbidden:
        found.append(f"{name}: the PDF's owner does not allow printing it")
    return found
