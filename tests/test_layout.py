"""Tests for zinepress.impose.layout: every sheet gets its own back, on every kind of printer.

The print file of a 44-page book (11 sheets) is run through simulated printers
(:mod:`paper`): duplex printers flipping on either edge, and for manual two-sided
printing every combination of feeding (the side facing up or down in the tray is
printed), output (face up or down) and paper path, with a person who turns stacks
either way and follows the printing instructions, one-sheet trial included.
"""

from __future__ import annotations

import pytest

import paper as sim
from zinepress.impose.layout import manual_ranges, print_sequence, turned
from zinepress.impose.quarter import quarter_layout
from zinepress.impose.saddle import saddle_layout, saddle_plan

BOOK = 44


def grid(side) -> sim.Grid:
    return {(c.column, c.row): (c.page, c.rotation) for c in side.cells}


def layouts():
    plan = saddle_plan(BOOK)
    return {"saddle": saddle_layout(plan), "quarter": quarter_layout(plan)}


def identify(paper, layout) -> tuple[int, int]:
    """Return (sheet index, turn) of the design front this paper's first face shows."""
    for turn in (0, 180):
        front = sim.seen(paper, layout.columns, layout.rows, turn).front
        for index, (design_front, _) in enumerate(layout.sheets):
            if front == grid(design_front):
                return index, turn
    raise AssertionError(f"sheet {paper.number} shows no front of the layout")


def backs_right(stack, layout) -> list[bool]:
    """Return, per sheet of the stack (top first), whether its back is its own, upright."""
    right = []
    for lying in stack:
        index, turn = identify(lying.paper, layout)
        back = sim.seen(lying.paper, layout.columns, layout.rows, turn).back
        right.append(back == grid(layout.sheets[index][1]))
    return right


def stack_order(stack, layout) -> list[int]:
    return [identify(lying.paper, layout)[0] for lying in stack]


def file_pages(layout, duplex) -> list[sim.Grid]:
    return [grid(side) for side in print_sequence(layout, duplex)]


@pytest.mark.parametrize("name", ["saddle", "quarter"])
@pytest.mark.parametrize("duplex", ["short-edge", "long-edge"])
def test_duplex_printers_give_every_sheet_its_own_back(name, duplex):
    layout = layouts()[name]
    pages = file_pages(layout, duplex)
    for printer in sim.all_manual_printers():
        printer = sim.Printer(printer.prints, printer.output, printer.axis, duplex=duplex)
        stack = sim.run_job(printer, sim.fresh_stack(len(layout.sheets)), pages,
                            layout.columns, layout.rows, layout.landscape)
        assert all(backs_right(stack, layout)), printer.name()
        order = stack_order(stack, layout)
        assert order in (sorted(order), sorted(order, reverse=True))


@pytest.mark.parametrize("name", ["saddle", "quarter"])
def test_the_other_flip_setting_puts_backs_upside_down(name):
    """The simulation is not a mirror: a file made for one flip fails on the other."""
    layout = layouts()[name]
    other = {"short-edge": "long-edge", "long-edge": "short-edge"}
    natural = layout.natural_duplex()
    printer = sim.Printer(duplex=other[natural])
    stack = sim.run_job(printer, sim.fresh_stack(len(layout.sheets)), file_pages(layout, natural),
                        layout.columns, layout.rows, layout.landscape)
    assert not any(backs_right(stack, layout))


def judge(layout):
    def verdict(paper) -> str:
        index, turn = identify(paper, layout)
        back = sim.seen(paper, layout.columns, layout.rows, turn).back
        design = grid(layout.sheets[index][1])
        if index == 0 and back == design:
            return "ok"
        if index == 0 and back == sim.rotate_grid(design, layout.columns, layout.rows, 180):
            return "upside-down"
        return f"wrong: sheet {index + 1}"
    return verdict


@pytest.mark.parametrize("name", ["saddle", "quarter"])
def test_manual_two_sided_works_on_every_printer(name):
    layout = layouts()[name]
    pages = file_pages(layout, "manual")
    ranges = manual_ranges(layout)
    assert len(pages) == 3 * len(layout.sheets) == ranges["backs_turned_over"][1]
    for printer in sim.all_manual_printers():
        for person_axis in ("vertical", "horizontal"):
            stack = sim.manual_two_sided(printer, pages, ranges, person_axis, judge(layout),
                                         layout.columns, layout.rows)
            assert all(backs_right(stack, layout)), (printer.name(), person_axis)
            order = stack_order(stack, layout)
            assert order in (sorted(order), sorted(order, reverse=True))
            if name == "saddle":
                assert fold_saddle(stack, layout) == list(range(1, BOOK + 1))


def fold_saddle(stack, layout) -> list[int]:
    """Fold the printed stack as one gathering, sheet 1 outside, and read it."""
    seen = []
    for lying in stack:
        index, turn = identify(lying.paper, layout)
        seen.append((index, sim.seen(lying.paper, 2, 1, turn)))
    seen.sort(key=lambda item: item[0])
    pages: list[int] = []
    for _, s in seen:
        pages += [s.front[(1, 0)][0], s.back[(0, 0)][0]]
    for _, s in reversed(seen):
        pages += [s.back[(1, 0)][0], s.front[(0, 0)][0]]
    return pages


def test_the_old_manual_procedure_fails_on_printers_that_print_the_side_facing_down():
    """What issue 13 found: turning the stack over reverses it; 10 of 11 sheets get a wrong back."""
    layout = layouts()["saddle"]
    pages = file_pages(layout, "manual")
    n = len(layout.sheets)
    printer = sim.Printer(prints="bottom", output="face-down")
    stack = sim.run_job(printer, sim.fresh_stack(n), pages[:n], 2, 1, True)
    stack = sim.turn_stack_over(stack, "vertical")  # "if it landed on the printed side"
    stack = sim.run_job(printer, stack, pages[n:2 * n], 2, 1, True)  # backs in reverse order
    wrong = []
    for lying in stack:
        index, turn = identify(lying.paper, layout)
        back = sim.seen(lying.paper, 2, 1, turn).back
        wrong.append(back != grid(layout.sheets[index][1]))
    assert sum(wrong) == n - 1 == 10


def test_one_sided_layout_ignores_duplex():
    from zinepress.impose.minizine import minizine_layout
    layout = minizine_layout(8)
    assert print_sequence(layout, "manual") == print_sequence(layout, "short-edge") == [
        layout.sheets[0][0]]
    assert layout.natural_duplex() == "one-sided"


def test_turning_twice_is_identity():
    layout = layouts()["quarter"]
    for _, back in layout.sheets:
        assert turned(turned(back, layout), layout) == back


def test_bad_duplex():
    with pytest.raises(ValueError):
        print_sequence(layouts()["saddle"], "sideways")
