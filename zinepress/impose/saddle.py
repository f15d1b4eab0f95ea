"""Saddle-stitch imposition as plain arithmetic: a page count in, a :class:`Plan` out.

Input: the number of pages of the reading PDF and the binding choices (sheets per
signature, how signatures are gathered, creep per sheet).  Output: a :class:`Plan`
saying, for every side of every sheet, which source page (or blank) goes in the left
and right half, at what rotation and with what horizontal shift.  No PDF library is
imported here; :mod:`zinepress.impose.booklet` applies the plan to a PDF and
:mod:`zinepress.impose.printing` draws it for people.

Conventions (the tests and the printing instructions rely on them):

* **Page numbers are 1-based** source page numbers, as a reader counts them: page 1 is
  the front cover, page ``page_count`` the outside back cover.  ``None`` is a blank.
* **Sheets are 0-based** in the plan (``Sheet.index``, ``SheetSide.sheet``) and are
  listed in printing order; people are shown ``index + 1``.
* **Padding**: the count is padded to a multiple of 4 with blanks inserted *before the
  back cover*, so the last source page stays the outside back and the front cover is
  never blank.  A 1-page PDF becomes page 1 followed by three blanks.
* **Duplex**: the back of a sheet is laid out so that turning the sheet over like a
  book page (around a short edge of the landscape sheet) shows it upright: the back's
  left half is behind the front's right half, and no half is ever rotated
  (``rotation == 0``).  This is what printers call *flip on short edge*.
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

Gathering = Literal["nested", "stacked"]
Duplex = Literal["short-edge", "manual"]

GATHERINGS = ("nested", "stacked")
DUPLEX_MODES = ("short-edge", "manual")


@dataclass(frozen=True)
class Slot:
    """One half of a sheet side.

    ``page`` is the 1-based source page number, or ``None`` for a blank.  ``rotation``
    is in degrees clockwise (always 0 for 2-up saddle stitch with short-edge flip).
    ``x_offset_pt`` is the creep shift, positive to the right of the sheet.
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
    """The whole imposition: sheets in printing order and how they are gathered."""

    page_count: int
    padded_count: int
    reading_order: tuple[int | None, ...]
    sheets: tuple[Sheet, ...]
    gatherings: tuple[GatheringInfo, ...]
    gathering: Gathering
    signature_sheets: int | None
    creep_pt: float

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


def padded_reading_order(page_count: int) -> tuple[int | None, ...]:
    """Return the padded book as source page numbers, blanks (None) before the back cover.

    >>> padded_reading_order(5)
    (1, 2, 3, 4, None, None, None, 5)
    >>> padded_reading_order(1)
    (1, None, None, None)
    """
    padded = -(-page_count // 4) * 4
    blanks = padded - page_count
    if page_count == 1:
        # One page cannot be both covers; the front wins, the rest is blank.
        return (1,) + (None,) * blanks
    return tuple(range(1, page_count)) + (None,) * blanks + (page_count,)


def _check_plan_args(page_count, signature_sheets, gathering, creep_pt) -> None:
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


def saddle_plan(
    page_count: int,
    *,
    signature_sheets: int | None = None,
    gathering: Gathering = "nested",
    creep_pt: float = 0.0,
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

    >>> plan = saddle_plan(16, signature_sheets=2, gathering="stacked")
    >>> [(s.left.page, s.right.page) for s in plan.sides]
    [(8, 1), (2, 7), (6, 3), (4, 5), (16, 9), (10, 15), (14, 11), (12, 13)]
    >>> plan = saddle_plan(16, signature_sheets=2, gathering="nested")
    >>> [(s.left.page, s.right.page) for s in plan.sides[:2]]
    [(16, 1), (2, 15)]
    >>> [(g.first_sheet, g.sheet_count) for g in plan.gatherings]
    [(0, 2), (2, 2)]

    Creep moves both halves toward the fold, more on inner sheets:

    >>> plan = saddle_plan(8, creep_pt=0.25)
    >>> [(s.left.x_offset_pt, s.right.x_offset_pt) for s in plan.sides]
    [(0.0, 0.0), (0.0, 0.0), (0.25, -0.25), (0.25, -0.25)]
    """
    _check_plan_args(page_count, signature_sheets, gathering, creep_pt)

    order = padded_reading_order(page_count)
    padded = len(order)
    total_sheets = padded // 4
    group = signature_sheets or total_sheets
    sizes = [min(group, total_sheets - start) for start in range(0, total_sheets, group)]

    sheets: list[Sheet] = []
    gatherings: list[GatheringInfo] = []
    first_sheet = 0
    for g, size in enumerate(sizes):
        if gathering == "stacked":
            # Each gathering is its own saddle over the next 4*size pages.
            before, span, depth0 = 4 * first_sheet, 4 * size, 0
            first_pos, last_pos = before + 1, before + span
        else:
            # One saddle over the whole book; the group is a slice of its sheets.
            before, span, depth0 = 0, padded, first_sheet
            first_pos, last_pos = 2 * first_sheet + 1, padded - 2 * first_sheet
        gatherings.append(GatheringInfo(g, first_sheet, size, first_pos, last_pos))
        for j in range(size):
            depth = depth0 + j
            shift = creep_pt * depth
            # Positions within the saddle: front (n - 2d, 1 + 2d), back (2 + 2d, n - 1 - 2d).
            front = (before + span - 2 * depth, before + 1 + 2 * depth)
            back = (before + 2 + 2 * depth, before + span - 1 - 2 * depth)
            index = first_sheet + j
            sides = [
                SheetSide(
                    index,
                    name,
                    Slot(order[left - 1], 0, shift),
                    Slot(order[right - 1], 0, 0.0 - shift),  # no -0.0
                )
                for name, (left, right) in (("front", front), ("back", back))
            ]
            sheets.append(Sheet(index, g, depth, sides[0], sides[1]))
        first_sheet += size

    return Plan(
        page_count=page_count,
        padded_count=padded,
        reading_order=order,
        sheets=tuple(sheets),
        gatherings=tuple(gatherings),
        gathering=gathering,
        signature_sheets=signature_sheets,
        creep_pt=float(creep_pt),
    )


def print_sequence(plan: Plan, duplex: Duplex = "short-edge") -> list[SheetSide]:
    """Return the sides in the order they appear as pages of the imposed PDF.

    ``'short-edge'``: sheet 1 front, sheet 1 back, sheet 2 front, ... for a duplex
    printer set to flip on the short edge.

    ``'manual'``: all fronts in sheet order, then all backs in *reverse* sheet order.
    Assumption: the printer delivers sheets face down, so after the fronts the last
    sheet printed lies on top of the output stack; the person moves the stack to the
    paper tray without reordering it (blank side to be printed), so the top sheet, the
    last front, is fed first and receives the first back printed.

    >>> plan = saddle_plan(12)
    >>> [(s.sheet, s.side) for s in print_sequence(plan, "manual")]
    [(0, 'front'), (1, 'front'), (2, 'front'), (2, 'back'), (1, 'back'), (0, 'back')]
    """
    if duplex == "short-edge":
        return plan.sides
    if duplex == "manual":
        fronts = [sheet.front for sheet in plan.sheets]
        backs = [sheet.back for sheet in reversed(plan.sheets)]
        return fronts + backs
    raise ZineError(
        None, None, "Z508", f"duplex must be one of {', '.join(DUPLEX_MODES)}, got {duplex!r}"
    )


@dataclass
class _Paper:
    """A physical sheet in the simulation: what was printed on each face."""

    first: SheetSide | None = None  # printed on the first pass: the outside when folded
    second: SheetSide | None = None


def _print_job(sides: list[SheetSide], duplex: Duplex, sheet_count: int) -> list[_Paper]:
    """Simulate the printer; return the output stack, top sheet first."""
    if duplex == "short-edge":
        papers = [_Paper(sides[2 * i], sides[2 * i + 1]) for i in range(sheet_count)]
        return papers[::-1]  # face-down output: the last sheet printed lies on top
    papers = [_Paper() for _ in range(sheet_count)]
    for paper, side in zip(papers, sides[:sheet_count]):
        paper.first = side
    stack = papers[::-1]  # face-down output after the fronts
    # The stack goes back into the tray unchanged: its top sheet is fed first.
    for paper, side in zip(stack, sides[sheet_count:]):
        paper.second = side
    return stack[::-1]


def _leaves(paper: _Paper) -> tuple[tuple[Slot, Slot], tuple[Slot, Slot]]:
    """Return the (recto, verso) slots of the right-hand and left-hand leaf once folded.

    The first face is the outside.  Turned over around the short edge, the back's
    left half lies behind the front's right half; a half printed at rotation 0 on
    both faces is then upright on both, anything else is not.
    """
    front, back = paper.first, paper.second
    if front is None or back is None:
        raise AssertionError("a sheet was printed on one side only")
    for slot in (*front.slots, *back.slots):
        if slot.rotation % 360 != 0:
            raise AssertionError(f"page {slot.page} would come out rotated {slot.rotation}°")
    right_leaf = (front.right, back.left)  # read first: recto outside, verso inside
    left_leaf = (back.right, front.left)  # read last: recto inside, verso outside
    return right_leaf, left_leaf


def _fold(groups: list[list[_Paper]], nested: bool) -> list[Slot]:
    """Fold each group (top sheet outermost) and read its slots in order."""
    if not groups:
        return []
    leaves = [_leaves(paper) for paper in groups[0]]
    head = [slot for right, _ in leaves for slot in right]
    tail = [slot for _, left in reversed(leaves) for slot in left]
    if nested:
        return head + _fold(groups[1:], nested) + tail
    return head + tail + _fold(groups[1:], nested)


def fold_and_read(plan: Plan, duplex: Duplex = "short-edge") -> list[int | None]:
    """Simulate printing, stacking, folding and reading; return pages as a reader meets them.

    The printer is driven by :func:`print_sequence`; the person then turns the
    output stack over if needed so that the sheet whose first-printed face shows the
    front cover is on top, takes ``sheet_count`` sheets from the top for each
    gathering, folds each with the first-printed face outside, and either lays the
    gatherings one after the other (stacked) or slides each inside the previous one
    (nested).  Blanks are returned as ``None``.

    >>> fold_and_read(saddle_plan(6), "manual")
    [1, 2, 3, 4, 5, None, None, 6]
    """
    sides = print_sequence(plan, duplex)
    stack = _print_job(sides, duplex, plan.sheet_count)
    if 1 not in (stack[0].first.left.page, stack[0].first.right.page):
        stack = stack[::-1]
    groups, start = [], 0
    for info in plan.gatherings:
        groups.append(stack[start : start + info.sheet_count])
        start += info.sheet_count
    slots = _fold(groups, nested=plan.gathering == "nested")
    return [slot.page for slot in slots]
