"""Tests for zinepress.impose.saddle: the saddle-stitch arithmetic, checked by folding paper."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinepress.impose import saddle as impose
from zinepress.errors import ZineError
from zinepress.impose.saddle import (MAX_STAPLED_SHEETS, default_signature, fold_and_read,
                                     padded_reading_order, saddle_layout, saddle_plan)

MAX_PAGES = 300


def expected_reading(page_count: int, cover: bool = False) -> list[int | None]:
    """Pages 1..n-1, then the padding blanks, then the back cover (the last two with a cover)."""
    padded = -(-page_count // 4) * 4
    if page_count == 1:
        return [1, None, None, None]
    back = 2 if cover else 1
    return (list(range(1, page_count - back + 1)) + [None] * (padded - page_count)
            + list(range(page_count - back + 1, page_count + 1)))


def placed_pages(plan: impose.Plan) -> list[int | None]:
    return [slot.page for side in plan.sides for slot in side.slots]


def check_plan(plan: impose.Plan) -> None:
    """The properties every plan must have, whatever the signatures."""
    n = plan.page_count
    padded = plan.padded_count
    assert padded % 4 == 0 and n <= padded < n + 4
    assert plan.sheet_count == padded // 4
    assert [s.index for s in plan.sheets] == list(range(plan.sheet_count))
    assert sum(g.sheet_count for g in plan.gatherings) == plan.sheet_count

    # Each source page exactly once; blanks exactly the padding.
    counts = Counter(placed_pages(plan))
    blanks = counts.pop(None, 0)
    assert blanks == padded - n
    assert counts == Counter(range(1, n + 1))

    # Blanks only before the back cover, and never on the front cover.
    assert list(plan.reading_order) == expected_reading(n, plan.cover_separate)
    front = plan.sheets[0].front
    assert front.right.page == 1
    outside = plan.gatherings[-1] if plan.gathering == "stacked" else plan.gatherings[0]
    if plan.cover_separate:
        outside = plan.gatherings[0]
        assert (plan.sheets[0].back.left.page, plan.sheets[0].back.right.page) == (2, n - 1)
    last = plan.sheets[outside.first_sheet].front
    if n > 1:
        assert last.left.page == n  # the outside back of the last gathering

    # Saddle pairing: the two halves of a side are symmetric within their fold.
    position = {page: i + 1 for i, page in enumerate(plan.reading_order) if page is not None}
    for info in plan.gatherings:
        total = info.first_position + info.last_position
        for sheet in plan.sheets[info.first_sheet : info.first_sheet + info.sheet_count]:
            assert sheet.gathering == info.index
            for side in (sheet.front, sheet.back):
                if side.left.page is not None and side.right.page is not None:
                    assert position[side.left.page] + position[side.right.page] == total

    # Folding the sheets gives the reading order.
    assert fold_and_read(plan) == expected_reading(n, plan.cover_separate)


@pytest.mark.parametrize("gathering", impose.GATHERINGS)
def test_every_page_count_single_gathering(gathering):
    for n in range(1, MAX_PAGES + 1):
        plan = saddle_plan(n, gathering=gathering)
        check_plan(plan)
        assert len(plan.gatherings) == 1
        padded = plan.padded_count
        # On one gathering of n padded pages the slots of a side sum to n + 1.
        if padded == n:
            for side in plan.sides:
                assert side.left.page + side.right.page == padded + 1


@settings(max_examples=500, deadline=None)
@given(
    n=st.integers(1, MAX_PAGES),
    k=st.integers(1, MAX_PAGES // 4 + 1),
    gathering=st.sampled_from(impose.GATHERINGS),
    cover=st.booleans(),
)
def test_signatures_any_size(n, k, gathering, cover):
    if cover and n <= 4:
        return
    plan = saddle_plan(n, signature_sheets=k, gathering=gathering, cover_separate=cover)
    check_plan(plan)
    sizes = [g.sheet_count for g in plan.gatherings]
    if cover and gathering == "stacked":
        assert sizes[0] == 1
        sizes = sizes[1:]
    assert all(size == k for size in sizes[:-1]) and 1 <= sizes[-1] <= k


def test_separate_cover_every_small_book():
    """The cover sheet holds 1, 2, n-1, n; blanks go before the inside back cover."""
    for n in range(5, 81):
        for k in (None, 1, 2, 3):
            for gathering in impose.GATHERINGS:
                plan = saddle_plan(n, signature_sheets=k, gathering=gathering, cover_separate=True)
                check_plan(plan)
                cover = plan.sheets[0]
                assert (cover.front.left.page, cover.front.right.page) == (n, 1)
                assert plan.stapled == (gathering == "nested" or k is None
                                        or len(plan.gatherings) <= 2)


def test_layout_cells_are_the_plan():
    """As grid cells: two columns, spines at the fold, creep toward it, covers on sheet 0."""
    for n in range(1, 90):
        for cover in (False, True) if n > 4 else (False,):
            plan = saddle_plan(n, signature_sheets=3, creep_pt=0.2, cover_separate=cover)
            layout = saddle_layout(plan)
            assert len(layout.sheets) == plan.sheet_count and layout.spines == ("right", "left")
            assert layout.cover_sheets == int(cover) and layout.natural_duplex() == "short-edge"
            for sheet, (front, back) in zip(plan.sheets, layout.sheets):
                for side, cells in ((sheet.front, front), (sheet.back, back)):
                    assert [(c.page, c.column, c.row) for c in cells.cells] == [
                        (side.left.page, 0, 0), (side.right.page, 1, 0)]
                    assert {c.creep_pt for c in cells.cells} == {abs(side.left.x_offset_pt)}


def test_long_books_are_never_one_gathering_by_default():
    for n in range(1, 420, 3):
        k, gathering = default_signature(n)
        sheets = -(-n // 4)
        if sheets <= MAX_STAPLED_SHEETS:
            assert (k, gathering) == (None, "nested")
        else:
            plan = saddle_plan(n, signature_sheets=k, gathering=gathering)
            assert len(plan.gatherings) > 1 and not plan.stapled
            assert max(g.sheet_count for g in plan.gatherings) <= MAX_STAPLED_SHEETS


def test_every_signature_size_small_books():
    """Exhaustive over every signature size for books up to 64 pages."""
    for n in range(1, 65):
        for k in range(1, -(-n // 4) + 1):
            for gathering in impose.GATHERINGS:
                check_plan(saddle_plan(n, signature_sheets=k, gathering=gathering))


def test_nested_prints_like_one_gathering():
    for n in (7, 40, 44, 101):
        single = saddle_plan(n)
        for k in (1, 2, 3):
            nested = saddle_plan(n, signature_sheets=k, gathering="nested")
            assert nested.sides == single.sides


def test_stacked_gatherings_run_on():
    plan = saddle_plan(40, signature_sheets=3, gathering="stacked")
    assert [(g.first_position, g.last_position) for g in plan.gatherings] == [
        (1, 12), (13, 24), (25, 36), (37, 40)
    ]
    assert [(s.left.page, s.right.page) for s in plan.sides[6:8]] == [(24, 13), (14, 23)]


@pytest.mark.parametrize("gathering", impose.GATHERINGS)
def test_creep_moves_toward_fold_innermost_most(gathering):
    creep = 0.3
    plan = saddle_plan(48, signature_sheets=4, gathering=gathering, creep_pt=creep)
    for sheet in plan.sheets:
        info = plan.gatherings[sheet.gathering]
        if gathering == "stacked":
            expected_depth = sheet.index - info.first_sheet
        else:
            expected_depth = sheet.index
        assert sheet.depth == expected_depth
        for side in (sheet.front, sheet.back):
            assert side.left.x_offset_pt == pytest.approx(creep * expected_depth)
            assert side.right.x_offset_pt == pytest.approx(-creep * expected_depth)
    shifts = [plan.sheets[i].front.left.x_offset_pt for i in range(plan.sheet_count)]
    if gathering == "nested":
        assert shifts == sorted(shifts) and shifts[-1] == max(shifts) > 0


def test_no_rotation_with_short_edge_flip():
    plan = saddle_plan(36)
    assert {slot.rotation for side in plan.sides for slot in side.slots} == {0}


def test_fold_simulation_catches_a_wrong_plan():
    """The simulation is not a mirror of the plan: swapping two halves breaks it."""
    plan = saddle_plan(8)
    sheet = plan.sheets[1]
    bad_back = impose.SheetSide(1, "back", sheet.back.right, sheet.back.left)
    bad = impose.Plan(
        **{**plan.__dict__, "sheets": (plan.sheets[0], impose.Sheet(1, 0, 1, sheet.front, bad_back))}
    )
    assert fold_and_read(bad) != list(range(1, 9))


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"page_count": 0}, "Z503"),
        ({"page_count": 8, "signature_sheets": 0}, "Z507"),
        ({"page_count": 8, "gathering": "sewn"}, "Z507"),
        ({"page_count": 8, "creep_pt": -1.0}, "Z508"),
        ({"page_count": 4, "cover_separate": True}, "Z510"),
    ],
)
def test_bad_arguments(kwargs, code):
    page_count = kwargs.pop("page_count")
    with pytest.raises(ZineError) as info:
        saddle_plan(page_count, **kwargs)
    assert info.value.code == code


def test_padding_one_page():
    assert padded_reading_order(1) == (1, None, None, None)
    assert padded_reading_order(2) == (1, None, None, 2)


def test_doctests():
    result = doctest.testmod(impose)
    assert result.attempted >= 12 and result.failed == 0
