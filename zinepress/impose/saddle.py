"""Saddle-stitch imposition as plain arithmetic: a page count in, a :class:`Plan` out.

Input: the number of pages of the reading PDF and the binding choices (sheets per
signature, how signatures are gathered, creep per sheet, a separate cover).  Output: a
:class:`Plan` saying, for every side of every sheet, which source page (or blank) goes
in the left and right half and how far it is shifted toward the fold;
:func:`saddle_layout` turns it into the grid cells every layout shares
(:mod:`zinepress.impose.layout`).  No PDF library is imported here.

Conventions (the tests and the printing instructions rely on them):

* **Page numbers are 1-based** source page numbers, as a reader counts them: page 1 is
  the front cover, page ``page_count`` the outside back cover.  ``None`` is a blank.
* **Sheets are 0-based** in the plan (``Sheet.index``, ``SheetSide.sheet``) and are
  listed in printing order; people are shown ``index + 1``.
* **Padding**: the count is padded to a multiple of 4 with blanks inserted *before the
  back cover*, so the last source page stays the outside back and the front cover is
  never blank.  A 1-page PDF becomes page 1 followed by three blanks.  With a separate
  cover the blanks go before the *inside* back cover instead, so that the cover sheet
  holds pages 1, 2, n-1 and n.
* **Backs**: the back of a sheet is laid out as seen after turning the sheet over like a
  book page: the back's left half is behind the front's right half.
* **Creep**: ``x_offset_pt`` is signed in sheet coordinates (positive = to the right);
  both halves of a side move toward the fold by ``creep_pt x depth``, where depth is
  the sheet's distance from the outside of the block it is folded with (0 outermost).

A worked 8-page example, one gathering of 2 sheets:

>>> plan = saddle_plan(8)
>>> for side in plan.sides:
...     print(side.sheet, side.side, side.left.page, side.right.page)
0 front 8 1
0 back 2 7
1 front 6 3
1 back 4 5
>>> fold_and_read(plan)
[1, 2, 3, 4, 5, 6, 7, 8]

Six pages are padded to eight; the blanks go just before the back cover:

>>> plan = saddle_plan(6)
>>> plan.reading_order
(1, 2, 3, 4, 5, None, None, 6)
>>> [(s.left.page, s.right.page) for s in plan.sides]
[(6, 1), (2, None), (None, 3), (4, 5)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from zinepress.errors import ZineError
from zinepress.impose.layout import Cell, Layout, Line, Side

Gathering = Literal["nested", "stacked"]
GATHERINGS = ("nested", "stacked")

# A long-arm stapler goes through 16 folded sheets of office paper (64 pages); a longer
# book is gathered in signatures of LONG_BOOK_SIGNATURE sheets, folded one by one and
# stacked, to be sewn or glued.
MAX_STAPLED_SHEETS = 16
LONG_BOOK_SIGNATURE = 4


@dataclass(frozen=True)
class Slot:
    """One half of a sheet side.

    ``page`` is the 1-based source page number, or ``None`` for a blank.  ``rotation``
    is in degrees clockwise (0 in the plan).  ``x_offset_pt`` is the creep shift,
    positive to the right of the sheet.
    """

    page: int | None
    rotation: int
    x_offset_pt: float


@dataclass(frozen=True)
class SheetSide:
    """One printed side: ``sheet`` (0-based), ``side`` ('front' or 'back'), two halves."""

    sheet: int
    side: Literal["front", "back"]
    left: Slot
    right: Slot

    @property
    def slots(self) -> tuple[Slot, Slot]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Sheet:
    """A physical sheet: its front (outside when folded) and back (inside).

    ``gathering`` is the 0-based gathering the sheet is folded with, ``depth`` its
    0-based depth used for creep (0 = outermost).
    """

    index: int
    gathering: int
    depth: int
    front: SheetSide
    back: SheetSide


@dataclass(frozen=True)
class GatheringInfo:
    """A group of sheets folded together: sheets ``first_sheet .. first_sheet+sheet_count-1``.

    ``first_position``/``last_position`` are the 1-based positions in the padded book
    (``Plan.reading_order``) of the group's outermost leaves.
    """

    index: int
    first_sheet: int
    sheet_count: int
    first_position: int
    last_position: int


@dataclass(frozen=True)
class Plan:
    """The whole imposition: sheets in printing order and how they are gathered.

    With ``cover_separate`` sheet 0 is the cover: in ``'stacked'`` plans it is a
    gathering of its own that wraps around the others.
    """

    page_count: int
    padded_count: int
    reading_order: tuple[int | None, ...]
    sheets: tuple[Sheet, ...]
    gatherings: tuple[GatheringInfo, ...]
    gathering: Gathering
    signature_sheets: int | None
    creep_pt: float
    cover_separate: bool = False

    @property
    def sheet_count(self) -> int:
        return len(self.sheets)

    @property
    def blank_count(self) -> int:
        return self.padded_count - self.page_count

    @property
    def sides(self) -> list[SheetSide]:
        """Every side in sheet order, front before back."""
        return [side for sheet in self.sheets for side in (sheet.front, sheet.back)]

    @property
    def stapled(self) -> bool:
        """True when every sheet shares one fold (one gathering, or nested groups)."""
        inside = self.gatherings[1:] if self.cover_separate and self.gathering == "stacked" \
            else self.gatherings
        return self.gathering == "nested" or len(inside) <= 1


def padded_reading_order(page_count: int, cover_separate: bool = False) -> tuple[int | None, ...]:
    """Return the padded book as source page numbers, blanks (None) before the back cover.

    >>> padded_reading_order(5)
    (1, 2, 3, 4, None, None, None, 5)
    >>> padded_reading_order(1)
    (1, None, None, None)
    >>> padded_reading_order(6, cover_separate=True)
    (1, 2, 3, 4, None, None, 5, 6)
    """
    padded = -(-page_count // 4) * 4
    blanks = (None,) * (padded - page_count)
    if page_count == 1:
        # One page cannot be both covers; the front wins, the rest is blank.
        return (1,) + blanks
    back = 2 if cover_separate else 1
    return tuple(range(1, page_count - back + 1)) + blanks + tuple(
        range(page_count - back + 1, page_count + 1))


def default_signature(page_count: int) -> tuple[int | None, Gathering]:
    """Return the signature size and gathering a book of ``page_count`` pages gets by default.

    Up to :data:`MAX_STAPLED_SHEETS` sheets: one gathering, stapled on the fold.  Longer:
    signatures of :data:`LONG_BOOK_SIGNATURE` sheets, folded one by one and stacked.

    >>> default_signature(64), default_signature(65)
    ((None, 'nested'), (4, 'stacked'))
    """
    if -(-page_count // 4) <= MAX_STAPLED_SHEETS:
        return None, "nested"
    return LONG_BOOK_SIGNATURE, "stacked"


def _check_plan_args(page_count, signature_sheets, gathering, creep_pt, cover_separate) -> None:
    """Raise ZineError for arguments no plan can be made from."""
    if isinstance(page_count, bool) or not isinstance(page_count, int) or page_count < 1:
        raise ZineError(None, None, "Z503", f"cannot impose {page_count!r} pages; need at least 1")
    if signature_sheets is not None and (
        isinstance(signature_sheets, bool)
        or not isinstance(signature_sheets, int)
        or signature_sheets < 1
    ):
        raise ZineError(
            None, None, "Z507",
            f"sheets per signature must be a whole number of at least 1, got {signature_sheets!r}",
        )
    if gathering not in GATHERINGS:
        raise ZineError(
            None, None, "Z507", f"gathering must be one of {', '.join(GATHERINGS)}, got {gathering!r}"
        )
    if not creep_pt >= 0.0:  # also rejects NaN
        raise ZineError(None, None, "Z508", f"creep must be 0 or more, got {creep_pt!r} pt")
    if cover_separate and page_count <= 4:
        raise ZineError(None, None, "Z510",
                        f"a separate cover needs more than 4 pages; this PDF has {page_count}",
                        hint="the cover sheet alone holds 4 pages")


def _groups(total: int, group: int, cover: bool, gathering: Gathering):
    """Yield (first_sheet, size, before, span, depth0) for each folded group of sheets.

    ``before`` and ``span`` say which positions of the padded book the group's saddle
    covers; ``depth0`` is the creep depth of its first sheet.
    """
    padded = 4 * total
    if gathering == "nested":
        for first in range(0, total, group):
            yield first, min(group, total - first), 0, padded, first
        return
    start = 0
    if cover:  # the cover wraps the stacked gatherings: its own saddle over the whole book
        yield 0, 1, 0, padded, 0
        start = 1
    for first in range(start, total, group):
        size = min(group, total - first)
        before = 2 + 4 * (first - 1) if cover else 4 * first
        yield first, size, before, 4 * size, 0


def saddle_plan(
    page_count: int,
    *,
    signature_sheets: int | None = None,
    gathering: Gathering = "nested",
    creep_pt: float = 0.0,
    cover_separate: bool = False,
) -> Plan:
    """Return the 2-up saddle-stitch plan for ``page_count`` source pages.

    ``signature_sheets=None`` folds all sheets as one gathering.  With ``k`` sheets per
    signature:

    * ``'stacked'``: separate gatherings of ``4k`` pages, each folded on its own and
      laid one after the other (pages run on from one gathering to the next), bound
      by sewing or side-stapling, not through one fold.  Only the whole book is
      padded (to a multiple of 4, blanks before its back cover), so the last
      gathering may have fewer sheets.  Creep depth restarts at 0 in each gathering.
    * ``'nested'``: the imposition of one big saddle gathering, printed in the same
      order, but folded in groups of ``k`` sheets that are then slid inside each
      other (group 2 inside group 1, ...) and stapled through the common fold.
      Folding thin groups gives crisper folds than folding the whole stack; the
      innermost group may be thinner.  Creep depth counts through all groups.

    ``cover_separate`` makes sheet 0 the cover (pages 1, 2, n-1, n); stacked
    gatherings then hold pages 3 to n-2 and the cover wraps around them.

    >>> plan = saddle_plan(16, signature_sheets=2, gathering="stacked")
    >>> [(s.left.page, s.right.page) for s in plan.sides]
    [(8, 1), (2, 7), (6, 3), (4, 5), (16, 9), (10, 15), (14, 11), (12, 13)]
    >>> plan = saddle_plan(16, signature_sheets=2, gathering="nested")
    >>> [(s.left.page, s.right.page) for s in plan.sides[:2]]
    [(16, 1), (2, 15)]
    >>> [(g.first_sheet, g.sheet_count) for g in plan.gatherings]
    [(0, 2), (2, 2)]
    >>> plan = saddle_plan(12, signature_sheets=1, gathering="stacked", cover_separate=True)
    >>> [(s.left.page, s.right.page) for s in plan.sides]
    [(12, 1), (2, 11), (6, 3), (4, 5), (10, 7), (8, 9)]

    Creep moves both halves toward the fold, more on inner sheets:

    >>> plan = saddle_plan(8, creep_pt=0.25)
    >>> [(s.left.x_offset_pt, s.right.x_offset_pt) for s in plan.sides]
    [(0.0, 0.0), (0.0, 0.0), (0.25, -0.25), (0.25, -0.25)]
    """
    _check_plan_args(page_count, signature_sheets, gathering, creep_pt, cover_separate)

    order = padded_reading_order(page_count, cover_separate)
    padded = len(order)
    total_sheets = padded // 4
    group = signature_sheets or total_sheets

    sheets: list[Sheet] = []
    gatherings: list[GatheringInfo] = []
    for g, (first, size, before, span, depth0) in enumerate(
            _groups(total_sheets, group, cover_separate, gathering)):
        if gathering == "nested":
            first_pos, last_pos = 2 * first + 1, padded - 2 * first
        else:
            first_pos, last_pos = before + 1, before + span
        gatherings.append(GatheringInfo(g, first, size, first_pos, last_pos))
        for j in range(size):
            depth = depth0 + j
            shift = creep_pt * depth
            # Positions within the saddle: front (n - 2d, 1 + 2d), back (2 + 2d, n - 1 - 2d).
            front = (before + span - 2 * depth, before + 1 + 2 * depth)
            back = (before + 2 + 2 * depth, before + span - 1 - 2 * depth)
            index = first + j
            sides = [
                SheetSide(index, name, Slot(order[left - 1], 0, shift),
                          Slot(order[right - 1], 0, 0.0 - shift))  # no -0.0
                for name, (left, right) in (("front", front), ("back", back))
            ]
            sheets.append(Sheet(index, g, depth, sides[0], sides[1]))

    return Plan(
        page_count=page_count,
        padded_count=padded,
        reading_order=order,
        sheets=tuple(sheets),
        gatherings=tuple(gatherings),
        gathering=gathering,
        signature_sheets=signature_sheets,
        creep_pt=float(creep_pt),
        cover_separate=cover_separate,
    )


def saddle_layout(plan: Plan) -> Layout:
    """Return the plan as grid cells: a landscape sheet, two columns, the fold between.

    >>> layout = saddle_layout(saddle_plan(4, creep_pt=1.0))
    >>> [(c.page, c.column) for c in layout.sheets[0][0].cells], layout.spines
    ([(4, 0), (1, 1)], ('right', 'left'))
    """
    sheets = tuple((side_cells(sheet.front), side_cells(sheet.back)) for sheet in plan.sheets)
    return Layout("saddle", 2, 1, True, ("right", "left"), sheets,
                  folds=(Line(1, 0, 1, 1),), cover_sheets=1 if plan.cover_separate else 0)


def side_cells(side: SheetSide, row: int = 0) -> Side:
    """Return one plan side as the two cells of grid row ``row``."""
    cells = tuple(Cell(slot.page, column, row, slot.rotation, abs(slot.x_offset_pt))
                  for column, slot in enumerate(side.slots))
    return Side(side.sheet, side.side, cells)


def fold_and_read(plan: Plan) -> list[int | None]:
    """Fold the plan's sheets as the instructions say and return the pages as a reader meets them.

    Each sheet is folded with its front outside: its right half becomes a leaf read
    before the fold (front right, then back left), its left half one read after it
    (back right, then front left).  Gatherings are either slid inside each other
    (nested) or laid one after the other (stacked), inside the cover when there is one.

    >>> fold_and_read(saddle_plan(6))
    [1, 2, 3, 4, 5, None, None, 6]
    """
    groups = [list(plan.sheets[g.first_sheet:g.first_sheet + g.sheet_count])
              for g in plan.gatherings]
    if plan.gathering == "nested":
        return [slot.page for slot in _fold(groups, nested=True)]
    if plan.cover_separate:
        cover = _fold(groups[:1], nested=True)
        inside = _fold(groups[1:], nested=False)
        return [slot.page for slot in cover[:2] + inside + cover[2:]]
    return [slot.page for slot in _fold(groups, nested=False)]


def _fold(groups: list[list[Sheet]], nested: bool) -> list[Slot]:
    """Fold each group (first sheet outermost) and read its slots in order."""
    if not groups:
        return []
    head = [slot for sheet in groups[0] for slot in (sheet.front.right, sheet.back.left)]
    tail = [slot for sheet in reversed(groups[0]) for slot in (sheet.back.right, sheet.front.left)]
    if nested:
        return head + _fold(groups[1:], nested) + tail
    return head + tail + _fold(groups[1:], nested)
