"""The one-sheet mini-zine as plain arithmetic: a page count (up to 8) in, a :class:`Layout` out.

Eight pages on one side of one landscape sheet, four columns by two rows; the top row
is printed upside down.  Folded and cut like this, it becomes an 8-page booklet:

1. fold the sheet in half lengthwise (top row to bottom row) and open it again;
2. fold it in half widthwise, then each half again, and open it: three creases across;
3. fold it lengthwise again and cut through the fold along the middle two panels;
4. open it, fold it lengthwise with the print outside, push the two ends together so the
   cut opens into a diamond and the panels fall into a booklet, cover (page 1) on top.

Folding the top row behind the bottom row turns it by 180°, so it comes out upright;
each leaf is two panels back to back, blank sides together.  Fewer than 8 pages are
padded with blanks before the back cover, as in :mod:`zinepress.impose.saddle`.

The worked example, as the sheet lies face up (``*`` upside down), with its fold
spines, the cut and the three creases:

>>> layout = minizine_layout(8)
>>> for row in range(2):
...     print(" ".join(f"{c.page}{'*' if c.rotation else ' '}" for c in sorted(
...         layout.sheets[0][0].cells, key=lambda c: c.column) if c.row == row))
5* 4* 3* 2*
6  7  8  1 
>>> layout.cuts
(Line(x1=1, y1=1, x2=3, y2=1),)
>>> reading_order(6)
(1, 2, 3, 4, 5, None, None, 6)
"""

from __future__ import annotations

from zinepress.errors import ZineError
from zinepress.impose.layout import Cell, Layout, Line, Side

PAGES = 8
COLUMNS, ROWS = 4, 2

# Reading position (1-based) -> (column, row) on the sheet; row 0 is the upside-down row.
POSITIONS: dict[int, tuple[int, int]] = {
    1: (3, 1), 2: (3, 0), 3: (2, 0), 4: (1, 0), 5: (0, 0), 6: (0, 1), 7: (1, 1), 8: (2, 1),
}
SPINES = ("right", "left", "right", "left")  # the folds at x = 1 and x = 3 are spines
FOLDS = (Line(1, 0, 1, 2), Line(2, 0, 2, 2), Line(3, 0, 3, 2), Line(0, 1, 1, 1), Line(3, 1, 4, 1))
CUTS = (Line(1, 1, 3, 1),)


def reading_order(page_count: int) -> tuple[int | None, ...]:
    """Return the 8 pages of the booklet: the source pages, blanks before the back cover."""
    if isinstance(page_count, bool) or not isinstance(page_count, int) or page_count < 1:
        raise ZineError(None, None, "Z503", f"cannot impose {page_count!r} pages; need at least 1")
    if page_count > PAGES:
        raise ZineError(None, None, "Z511",
                        f"a mini-zine holds {PAGES} pages; this PDF has {page_count}",
                        hint="use --layout saddle or quarter")
    blanks = (None,) * (PAGES - page_count)
    if page_count == 1:
        return (1,) + blanks
    return tuple(range(1, page_count)) + blanks + (page_count,)


def minizine_layout(page_count: int) -> Layout:
    """Return the one-sided, one-sheet layout of a mini-zine of ``page_count`` pages."""
    order = reading_order(page_count)
    cells = tuple(sorted(
        (Cell(order[position - 1], column, row, 180 if row == 0 else 0)
         for position, (column, row) in POSITIONS.items()),
        key=lambda c: (c.row, c.column)))
    return Layout("minizine", COLUMNS, ROWS, True, SPINES, ((Side(0, "front", cells), None),),
                  folds=FOLDS, cuts=CUTS)
