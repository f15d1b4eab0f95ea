"""Tests for zinepress.impose.minizine: the one-sheet 8-page zine, cut and folded in simulation."""

from __future__ import annotations

import paper as sim
from zinepress.impose.minizine import CUTS, minizine_layout, reading_order
from zinepress.errors import ZineError

import pytest


def face(layout) -> sim.Grid:
    return {(c.column, c.row): (c.page, c.rotation) for c in layout.sheets[0][0].cells}


def test_every_page_count_folds_into_the_booklet():
    """Exhaustive: 1 to 8 pages; each page once, blanks before the back cover, reads in order."""
    for n in range(1, 9):
        layout = minizine_layout(n)
        assert (layout.columns, layout.rows, len(layout.sheets)) == (4, 2, 1)
        assert layout.sheets[0][1] is None and not layout.two_sided
        cells = face(layout)
        assert sorted((p for p, _ in cells.values() if p), key=int) == list(range(1, n + 1))
        assert sum(p is None for p, _ in cells.values()) == 8 - n
        assert sim.fold_one_sheet_zine(cells) == list(reading_order(n))
        assert reading_order(n)[0] == 1 and (n == 1 or reading_order(n)[-1] == n)


def test_classic_order_top_row_upside_down():
    cells = face(minizine_layout(8))
    assert [cells[(c, 0)] for c in range(4)] == [(5, 180), (4, 180), (3, 180), (2, 180)]
    assert [cells[(c, 1)] for c in range(4)] == [(6, 0), (7, 0), (8, 0), (1, 0)]


def test_the_cut_is_the_middle_of_the_lengthwise_fold():
    assert [(c.x1, c.y1, c.x2, c.y2) for c in CUTS] == [(1, 1, 3, 1)]
    layout = minizine_layout(8)
    assert layout.spines == ("right", "left", "right", "left")
    # Every crease is marked: three across, and the lengthwise fold outside the cut.
    assert len(layout.folds) == 5


def test_simulation_catches_a_wrong_sheet():
    cells = face(minizine_layout(8))
    swapped = dict(cells)
    swapped[(0, 1)], swapped[(1, 1)] = cells[(1, 1)], cells[(0, 1)]
    assert sim.fold_one_sheet_zine(swapped) != list(range(1, 9))
    upright = {k: (p, 0) for k, (p, _) in cells.items()}
    with pytest.raises(AssertionError, match="upside down"):
        sim.fold_one_sheet_zine(upright)


@pytest.mark.parametrize("count, code", [(9, "Z511"), (0, "Z503")])
def test_refuses_what_one_sheet_cannot_hold(count, code):
    with pytest.raises(ZineError) as info:
        minizine_layout(count)
    assert info.value.code == code
