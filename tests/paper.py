"""Paper, printers and a person, simulated: what comes out of printing an imposed file.

Independent of the layout code on purpose: it knows sheets with two faces, stacks,
trays and how a sheet can be turned, nothing about page orders.  A print-file page is
given as a grid ``{(column, row): (page, rotation)}`` as it lies on the sheet; what the
simulation returns is what a person sees on each physical sheet.

Frames: face A is the face printed first; face B is seen as after turning the sheet over
like a book page (around the vertical axis).  A sheet in a stack lies with one face up
and that face's frame turned by 0 or 180 degrees as the person looks at it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

Grid = dict[tuple[int, int], tuple[int | None, int]]


def rotate_grid(grid: Grid, columns: int, rows: int, degrees: int) -> Grid:
    """Return the grid as seen when the paper is turned by ``degrees`` (0 or 180) in its plane."""
    if degrees % 360 == 0:
        return dict(grid)
    return {(columns - 1 - c, rows - 1 - r): (page, (rot + 180) % 360)
            for (c, r), (page, rot) in grid.items()}


@dataclass
class Paper:
    """One physical sheet: what each face carries, in that face's own frame."""

    number: int  # the order in which it left the paper pile, for messages
    prints: list[tuple[str, Grid]] = field(default_factory=list)  # (face, grid), in time order

    def put(self, face: str, grid: Grid) -> None:
        self.prints.append((face, grid))


@dataclass
class Lying:
    """A paper in a stack: which face is up, and how that face's frame is turned."""

    paper: Paper
    up: str  # "A" or "B"
    turn: int  # 0 or 180

    def turned_over(self, axis: str) -> Lying:
        # Around the vertical axis face B is upright by definition; around the horizontal
        # axis it is the same plus half a turn.
        return Lying(self.paper, "B" if self.up == "A" else "A",
                     self.turn if axis == "vertical" else (self.turn + 180) % 360)

    def end_for_end(self) -> Lying:
        return Lying(self.paper, self.up, (self.turn + 180) % 360)


def turn_stack_over(stack: list[Lying], axis: str) -> list[Lying]:
    """Turn a whole stack over (top first in, top first out): the order reverses."""
    return [lying.turned_over(axis) for lying in reversed(stack)]


@dataclass(frozen=True)
class Printer:
    """How a printer handles paper.

    ``prints``: the face of the tray's top sheet that gets printed ("top" or "bottom").
    ``output``: printed face up or down on the output stack.  ``axis``: the axis around
    which the paper path turns a sheet over (for the bottom face and the output).
    ``duplex``: for two-sided printing, the flip "short-edge" or "long-edge".
    The tray feeds its top sheet first; each printed sheet lands on top of the output.
    """

    prints: str = "top"
    output: str = "face-down"
    axis: str = "vertical"
    duplex: str | None = None

    def name(self) -> str:
        return f"prints {self.prints} face, output {self.output}, paper path {self.axis}"


def all_manual_printers() -> list[Printer]:
    return [Printer(p, o, a) for p, o, a in itertools.product(
        ("top", "bottom"), ("face-up", "face-down"), ("vertical", "horizontal"))]


def _imprint(lying: Lying, printer: Printer, grid: Grid, columns: int, rows: int) -> Lying:
    """Print ``grid`` upright as the printer sees it on ``lying``; return how it lies after."""
    target = lying if printer.prints == "top" else lying.turned_over(printer.axis)
    # Upright to the viewer of ``target``: in the face's own frame, turned by target.turn.
    target.paper.put(target.up, rotate_grid(grid, columns, rows, target.turn))
    printed_up = target  # a view in which the fresh print is up
    if printer.output == "face-up":
        return printed_up
    return printed_up.turned_over(printer.axis)


def run_job(printer: Printer, tray: list[Lying], pages: list[Grid], columns: int, rows: int,
            landscape: bool) -> list[Lying]:
    """Print ``pages`` from ``tray`` (top first); return the output stack, top first."""
    out: list[Lying] = []
    tray = list(tray)
    if printer.duplex is None:
        for grid in pages:
            out.insert(0, _imprint(tray.pop(0), printer, grid, columns, rows))
        return out
    # Automatic duplex: front on the face the printer prints, then the sheet is turned
    # over around the axis parallel to the edge named by the setting, and the back printed.
    parallel_to_short = (printer.duplex == "short-edge")
    flip_axis = "vertical" if parallel_to_short == landscape else "horizontal"
    for front, back in zip(pages[0::2], pages[1::2]):
        lying = tray.pop(0)
        target = lying if printer.prints == "top" else lying.turned_over(printer.axis)
        target.paper.put(target.up, rotate_grid(front, columns, rows, target.turn))
        other = target.turned_over(flip_axis)
        other.paper.put(other.up, rotate_grid(back, columns, rows, other.turn))
        out.insert(0, other if printer.output == "face-up" else other.turned_over(printer.axis))
    return out


def fresh_stack(count: int) -> list[Lying]:
    return [Lying(Paper(i), "A", 0) for i in range(count)]


@dataclass(frozen=True)
class Seen:
    """One printed sheet as a person holds it: front as it lies, back as after a book turn."""

    front: Grid
    back: Grid | None


def seen(paper: Paper, columns: int, rows: int, turn: int = 0) -> Seen:
    """Return the sheet's first-printed face and its other face, the sheet turned by ``turn``.

    Raises AssertionError when a face got more than one print.
    """
    assert paper.prints, f"sheet {paper.number} was never printed"
    first_face = paper.prints[0][0]
    first = [grid for face, grid in paper.prints if face == first_face]
    second = [grid for face, grid in paper.prints if face != first_face]
    assert len(first) == 1, f"sheet {paper.number}: {len(first)} prints on one face"
    assert len(second) <= 1, f"sheet {paper.number}: {len(second)} prints on its other face"
    return Seen(rotate_grid(first[0], columns, rows, turn),
                rotate_grid(second[0], columns, rows, turn) if second else None)


def manual_two_sided(printer: Printer, pages: list[Grid], ranges: dict[str, tuple[int, int]],
                     person_axis: str, judge, columns: int, rows: int) -> list[Lying]:
    """Follow the printing instructions for manual two-sided printing; return the final stack.

    ``pages`` is the whole print file, ``ranges`` its page ranges (1-based: fronts and the
    two orders of backs), ``person_axis`` how this person turns a stack over, and
    ``judge(paper)`` says whether a test sheet reads right ("ok") or "upside-down".

    1. The one-sheet trial: print the first page; put the sheet back so that the printer
       prints its blank side (turning it over only if needed); print sheet 1's back from
       the range for what was done; if it comes out upside down, the stack goes in end
       for end from now on.
    2. Print the fronts, put the stack back the same way, print the matching backs.
    """
    def needs_turning(lying: Lying) -> bool:
        printed_up = lying.up == lying.paper.prints[0][0]
        return printed_up if printer.prints == "top" else not printed_up

    trial = run_job(printer, fresh_stack(1), [pages[0]], columns, rows, True)
    turn = needs_turning(trial[0])
    if turn:
        trial = turn_stack_over(trial, person_axis)
        back = ranges["backs_turned_over"][0]
    else:
        back = ranges["backs_as_it_came"][1]
    trial = run_job(printer, trial, [pages[back - 1]], columns, rows, True)
    verdict = judge(trial[0].paper)
    assert verdict in ("ok", "upside-down"), verdict
    end_for_end = verdict == "upside-down"

    first, last = ranges["fronts"]
    stack = run_job(printer, fresh_stack(last - first + 1), pages[first - 1:last], columns, rows, True)
    if turn:
        stack = turn_stack_over(stack, person_axis)
    if end_for_end:
        stack = [lying.end_for_end() for lying in stack]
    first, last = ranges["backs_turned_over" if turn else "backs_as_it_came"]
    return run_job(printer, stack, pages[first - 1:last], columns, rows, True)


def fold_one_sheet_zine(face: Grid) -> list[int | None]:
    """Cut and fold a one-sided 4 x 2 sheet into the classic 8-page booklet; return its pages.

    Physical facts only: the cut runs along the middle half of the lengthwise centre
    line, so the panels stay joined in a ring of eight.  Folding lengthwise with the print
    outside turns the top row over (it must be printed upside down to read upright) and
    puts blank sides together, as does the crease down the middle (x = 2); the creases
    at x = 1 and x = 3 become the spine, with printed sides facing each other (spreads).
    Reading from the front cover (the panel that is the right end of the bottom row),
    the first turn goes to its back, then to the next spread, and so on.
    """
    columns, rows = 4, 2
    cut = {frozenset({(1, 0), (1, 1)}), frozenset({(2, 0), (2, 1)})}
    joints = set()
    for c in range(columns):
        for r in range(rows):
            for dc, dr in ((1, 0), (0, 1)):
                if c + dc < columns and r + dr < rows:
                    joints.add(frozenset({(c, r), (c + dc, r + dr)}))
    joints -= cut

    def kind(joint) -> str:
        (c1, r1), (c2, r2) = sorted(joint)
        if r1 != r2 or max(c1, c2) == 2:
            return "leaf"  # blank sides together: one leaf, recto and verso
        return "spine"

    neighbours = {cell: [j for j in joints if cell in j] for cell in face}
    assert all(len(js) == 2 for js in neighbours.values()), "the cut does not leave a ring"
    for (c, r), (page, rotation) in face.items():
        assert rotation == (180 if r == 0 else 0), f"page {page} would read upside down"
    cover = (columns - 1, rows - 1)
    walk, previous, here, want = [cover], None, cover, "leaf"
    while len(walk) < columns * rows:
        joint = next(j for j in neighbours[here] if kind(j) == want and j != previous)
        here = next(iter(joint - {here}))
        walk.append(here)
        previous, want = joint, ("spine" if want == "leaf" else "leaf")
    return [face[cell][0] for cell in walk]
