"""Quarter-size zines, two copies per sheet, as plain arithmetic: a saddle plan in, a :class:`Layout` out.

Four pages per side of a portrait sheet (A4 gives A6 pages, US Letter gives
4.25 x 5.5 in): the top half and the bottom half carry the same spread, so each sheet
holds two copies of the same zine.  Print two-sided, cut the whole stack once across
the middle, and each half-stack is a complete saddle-stitched zine, folded and stapled
on its own.

Why two copies rather than one long booklet cut and stacked: the two half-stacks are
already in order, so there is no re-stacking step to get wrong; the page count is
padded to a multiple of 4, not 8; every rule of the saddle plan (signatures, nested or
stacked gatherings, creep, separate cover) applies unchanged to each copy; and zine
makers print copies by the dozen, so two per pass halves the time at the printer.

Backs are laid out for turning the sheet over like a book page, which on a portrait
sheet is a flip on the long edge, the usual default of duplex printers.

>>> from zinepress.impose.saddle import saddle_plan
>>> layout = quarter_layout(saddle_plan(8))
>>> front, back = layout.sheets[0]
>>> [[front.at(col, row).page for col in range(2)] for row in range(2)]
[[8, 1], [8, 1]]
>>> [[back.at(col, row).page for col in range(2)] for row in range(2)]
[[2, 7], [2, 7]]
>>> layout.natural_duplex(), layout.cuts
('long-edge', (Line(x1=0, y1=1, x2=2, y2=1),))
"""

from __future__ import annotations

from zinepress.impose.layout import Layout, Line, Side
from zinepress.impose.saddle import Plan, side_cells

COPIES = 2


def quarter_layout(plan: Plan) -> Layout:
    """Return ``plan`` printed twice per portrait sheet, one copy in each half."""
    sheets = tuple((_copies(sheet.front), _copies(sheet.back)) for sheet in plan.sheets)
    return Layout("quarter", 2, COPIES, False, ("right", "left"), sheets,
                  folds=(Line(1, 0, 1, COPIES),), cuts=(Line(0, 1, 2, 1),),
                  cover_sheets=1 if plan.cover_separate else 0)


def _copies(side) -> Side:
    cells = tuple(cell for row in range(COPIES) for cell in side_cells(side, row).cells)
    return Side(side.sheet, side.side, cells)
