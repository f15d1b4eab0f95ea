"""Any imposition as cells on a sheet grid: a layout's sheets in, the sides of the print file out.

Every layout (:mod:`~zinepress.impose.saddle`, :mod:`~zinepress.impose.quarter`,
:mod:`~zinepress.impose.minizine`) describes its sheets the same way, so one placer
(:mod:`zinepress.impose.booklet`) and one drawer (:mod:`zinepress.impose.printing`) serve
them all.  Pure arithmetic: no PDF library is imported here.

Conventions:

* The sheet is divided into ``columns x rows`` equal cells; column 0 is at the left and
  row 0 at the top, as the sheet lies in front of you with the front face up.
* A back face is given as you see it after **turning the sheet over like a book page**,
  around its vertical axis: the back's column 0 is behind the front's last column.
* ``rotation`` is 0 or 180 degrees; ``creep_pt`` is how far the page moves toward its
  spine, the cell edge named by ``Layout.spines[column]`` (``None``: no spine).
* Page numbers are 1-based source pages; ``None`` is a blank cell.

Duplex: a printer that flips the sheet around the same axis as a book page prints the
backs as they are; one that flips around the other axis needs every back turned by
180°.  For a landscape sheet the vertical axis is the short edge, for a portrait sheet
the long edge.  ``manual`` prints the fronts, then the backs twice, in the two orders a
person can feed the stack back in (see :func:`print_sequence`).

>>> sheet = (Side(0, "front", (Cell(4, 0, 0), Cell(1, 1, 0))),
...          Side(0, "back", (Cell(2, 0, 0), Cell(3, 1, 0))))
>>> layout = Layout("saddle", 2, 1, True, ("right", "left"), (sheet,))
>>> [[(c.page, c.column, c.rotation) for c in side.cells] for side in print_sequence(layout, "long-edge")]
[[(4, 0, 0), (1, 1, 0)], [(3, 0, 180), (2, 1, 180)]]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

DUPLEX_MODES = ("short-edge", "long-edge", "manual")
Duplex = Literal["short-edge", "long-edge", "manual"]
Face = Literal["front", "back"]


@dataclass(frozen=True)
class Cell:
    """One page position: source ``page`` (or None), grid position, rotation, creep."""

    page: int | None
    column: int
    row: int
    rotation: int = 0
    creep_pt: float = 0.0


@dataclass(frozen=True)
class Side:
    """One printed face of sheet ``sheet`` (0-based): its cells."""

    sheet: int
    face: Face
    cells: tuple[Cell, ...]

    def at(self, column: int, row: int) -> Cell:
        """Return the cell at a grid position."""
        return next(c for c in self.cells if (c.column, c.row) == (column, row))


@dataclass(frozen=True)
class Line:
    """A fold or cut, in grid units: from (x1, y1) to (x2, y2), 0..columns and 0..rows."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Layout:
    """A whole imposition: the grid, and each sheet's front and back (None: one-sided).

    ``cover_sheets`` sheets at the start go to their own file with ``cover-separate``;
    ``folds`` and ``cuts`` are drawn by ``--marks`` and in the printing instructions.
    """

    name: str
    columns: int
    rows: int
    landscape: bool
    spines: tuple[str | None, ...]
    sheets: tuple[tuple[Side, Side | None], ...]
    folds: tuple[Line, ...] = ()
    cuts: tuple[Line, ...] = ()
    cover_sheets: int = 0

    @property
    def two_sided(self) -> bool:
        return any(back is not None for _, back in self.sheets)

    @property
    def pages_per_side(self) -> int:
        return self.columns * self.rows

    def book_turn_is_long_edge(self) -> bool:
        """True when turning like a book page (vertical axis) flips around the long edge."""
        return not self.landscape

    def natural_duplex(self) -> str:
        """Return the duplex setting that prints the backs with no rotation."""
        if not self.two_sided:
            return "one-sided"
        return "long-edge" if self.book_turn_is_long_edge() else "short-edge"


def turned(side: Side, layout: Layout) -> Side:
    """Return ``side`` turned by 180° on the sheet (for a printer flipping the other way).

    >>> layout = Layout("x", 2, 1, True, ("right", "left"), ())
    >>> turned(Side(0, "back", (Cell(2, 0, 0, 0, 1.5), Cell(None, 1, 0))), layout).cells
    (Cell(page=None, column=0, row=0, rotation=180, creep_pt=0.0), Cell(page=2, column=1, row=0, rotation=180, creep_pt=1.5))
    """
    cells = [replace(c, column=layout.columns - 1 - c.column, row=layout.rows - 1 - c.row,
                     rotation=(c.rotation + 180) % 360) for c in side.cells]
    return replace(side, cells=tuple(sorted(cells, key=lambda c: (c.row, c.column))))


def print_sequence(layout: Layout, duplex: str) -> list[Side]:
    """Return the sides in the order they are pages of the print file.

    * a duplex setting that matches the book turn: front 1, back 1, front 2, back 2, ...
    * the other flip: the same, every back turned by 180°;
    * ``manual``: all fronts in sheet order; then all backs in reverse sheet order (for a
      stack put back in the paper tray as it came out: the last sheet printed lies on
      top and is fed first); then all backs in sheet order (for a stack that had to be
      turned over to bring the blank sides where the printer prints: sheet 1 is then on
      top).  With one sheet both orders are the same and the back is there once.
    * a one-sided layout: its fronts, whatever ``duplex`` says.
    """
    if not layout.two_sided:
        return [front for front, _ in layout.sheets]
    if duplex not in DUPLEX_MODES:
        raise ValueError(f"duplex must be one of {', '.join(DUPLEX_MODES)}, got {duplex!r}")
    if duplex == "manual":
        fronts = [front for front, _ in layout.sheets]
        backs = [back for _, back in layout.sheets if back is not None]
        return fronts + backs[::-1] + (backs if len(backs) > 1 else [])
    flip = duplex != layout.natural_duplex()
    sides: list[Side] = []
    for front, back in layout.sheets:
        sides.append(front)
        if back is not None:
            sides.append(turned(back, layout) if flip else back)
    return sides


def manual_ranges(layout: Layout) -> dict[str, tuple[int, int]]:
    """Return the 1-based page ranges of a manual-duplex file: fronts and the two back orders.

    >>> sheet = (Side(0, "front", ()), Side(0, "back", ()))
    >>> manual_ranges(Layout("x", 2, 1, True, (None, None), (sheet,) * 3))
    {'fronts': (1, 3), 'backs_as_it_came': (4, 6), 'backs_turned_over': (7, 9)}
    >>> manual_ranges(Layout("x", 2, 1, True, (None, None), (sheet,)))
    {'fronts': (1, 1), 'backs_as_it_came': (2, 2), 'backs_turned_over': (2, 2)}
    """
    n = len(layout.sheets)
    turned_over = (2 * n + 1, 3 * n) if n > 1 else (2, 2)
    return {"fronts": (1, n), "backs_as_it_came": (n + 1, 2 * n), "backs_turned_over": turned_over}
