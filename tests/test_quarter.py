"""Tests for zinepress.impose.quarter: two copies per sheet, printed, cut across and folded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import paper as sim
from zinepress.impose.layout import print_sequence
from zinepress.impose.quarter import quarter_layout
from zinepress.impose.saddle import GATHERINGS, fold_and_read, saddle_plan


def grid(side) -> sim.Grid:
    return {(c.column, c.row): (c.page, c.rotation) for c in side.cells}


def print_cut_and_fold(layout) -> list[list[int | None]]:
    """Print on a long-edge duplex printer, cut the stack across, fold each half; read both."""
    pages = [grid(side) for side in print_sequence(layout, "long-edge")]
    printer = sim.Printer(prints="bottom", output="face-down", duplex="long-edge")
    stack = sim.run_job(printer, sim.fresh_stack(len(layout.sheets)), pages, 2, 2, False)
    seen = []
    for lying in stack:
        for turn in (0, 180):
            view = sim.seen(lying.paper, 2, 2, turn)
            fronts = [grid(front) for front, _ in layout.sheets]
            if view.front in fronts:
                seen.append((fronts.index(view.front), view))
                break
        else:
            raise AssertionError("a sheet shows no front of the layout")
    seen.sort(key=lambda item: item[0])
    copies = []
    for row in (0, 1):  # the cut: each half-stack keeps its order
        halves = [(view.front, view.back) for _, view in seen]
        head, tail = [], []
        for front, back in halves:
            head += [front[(1, row)], back[(0, row)]]
        for front, back in reversed(halves):
            tail += [back[(1, row)], front[(0, row)]]
        assert all(rotation == 0 for _, rotation in head + tail)
        copies.append([page for page, _ in head + tail])
    return copies


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 120), k=st.one_of(st.none(), st.integers(1, 8)),
       gathering=st.sampled_from(GATHERINGS), cover=st.booleans())
def test_both_copies_are_the_saddle_plan(n, k, gathering, cover):
    if cover and n <= 4:
        return
    plan = saddle_plan(n, signature_sheets=k, gathering=gathering, cover_separate=cover)
    layout = quarter_layout(plan)
    assert (layout.columns, layout.rows, layout.landscape) == (2, 2, False)
    assert layout.natural_duplex() == "long-edge" and layout.cover_sheets == int(cover)
    for sheet, (front, back) in zip(plan.sheets, layout.sheets):
        for side, cells in ((sheet.front, front), (sheet.back, back)):
            for row in (0, 1):
                assert (cells.at(0, row).page, cells.at(1, row).page) == (side.left.page,
                                                                          side.right.page)
    if k is None:  # one gathering: the simulated stack, cut and folded, reads in order
        assert print_cut_and_fold(layout) == [fold_and_read(plan)] * 2


def test_forty_four_pages_two_copies():
    plan = saddle_plan(44)
    copies = print_cut_and_fold(quarter_layout(plan))
    assert copies == [list(range(1, 45))] * 2
