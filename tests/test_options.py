"""Tests for zinepress.impose.options: lengths, defaults per layout, refusals, metadata ``zine:``."""

from __future__ import annotations

import pytest

from zinepress.errors import ZineError
from zinepress.impose.options import (ImposeOptions, LengthError, options_from_metadata,
                                      parse_length, plan_layout, zine_problems)


@pytest.mark.parametrize("text, points", [
    ("0.1mm", 0.2835), ("0.1 mm", 0.2835), ("0.1in", 7.2), (".5pt", 0.5), ("100µm", 0.2835),
    ("100um", 0.2835), ("1cm", 28.3465), ("0", 0.0), ("0.1", 0.2835), (2, 5.6693), ("1IN", 72.0)])
def test_lengths_in_every_unit(text, points):
    assert parse_length(text) == pytest.approx(points, abs=1e-4)


@pytest.mark.parametrize("text, words", [
    ("-0.1mm", "0 or more"), ("-1", "0 or more"), ("0.1 inch", "not a length"),
    ("mm", "not a length"), ("nan", "not a length"), (True, "not a length"), ("1e3mm", "not a length")])
def test_bad_lengths_say_what_is_wrong(text, words):
    with pytest.raises(LengthError, match=words):
        parse_length(text)


def test_defaults_per_layout():
    assert plan_layout(ImposeOptions(), 44).duplex == "short-edge"
    assert plan_layout(ImposeOptions(layout="quarter"), 44).duplex == "long-edge"
    assert plan_layout(ImposeOptions(layout="minizine"), 8).duplex == "one-sided"
    long = plan_layout(ImposeOptions(), 404).plan
    assert (long.signature_sheets, long.gathering, len(long.gatherings)) == (4, "stacked", 26)
    assert plan_layout(ImposeOptions(gathering="nested"), 404).plan.gathering == "nested"


def test_one_fold_through_too_many_sheets_warns():
    planned = plan_layout(ImposeOptions(signature_sheets=30, gathering="nested"), 100)
    assert planned.plan.stapled and "25 sheets share one fold" in planned.warnings[0]
    assert plan_layout(ImposeOptions(), 64).warnings == ()


@pytest.mark.parametrize("options, code", [
    (ImposeOptions(layout="poster"), "Z515"),
    (ImposeOptions(paper="a3"), "Z506"),
    (ImposeOptions(duplex="sideways"), "Z508"),
    (ImposeOptions(gathering="sewn"), "Z507"),
    (ImposeOptions(creep_pt=-1.0), "Z508"),
    (ImposeOptions(margin_pt=parse_length("30mm")), "Z513"),
    (ImposeOptions(layout="minizine", creep_pt=1.0, given=frozenset({"creep"})), "Z514"),
    (ImposeOptions(cover_separate=True), "Z510"),
])
def test_refusals(options, code):
    with pytest.raises(ZineError) as info:
        plan_layout(options, 4)
    assert info.value.code == code and "\n" not in str(info.value)


def test_metadata_zine_settings():
    options = options_from_metadata({"layout": "quarter", "signature": 3, "duplex": "manual",
                                     "creep": "0.004in", "margin": "5mm",
                                     "cover-separate": True}, "letter")
    assert (options.layout, options.paper, options.signature_sheets, options.gathering,
            options.duplex, options.cover_separate) == ("quarter", "letter", 3, "stacked",
                                                        "manual", True)
    assert options.creep_pt == pytest.approx(0.288) and options.margin_pt == pytest.approx(14.173, abs=1e-3)
    assert options_from_metadata(None, "a4") == ImposeOptions()


@pytest.mark.parametrize("value, key", [
    ({"layout": "poster"}, ("layout",)), ({"signature": 0}, ("signature",)),
    ({"signature": "four"}, ("signature",)), ({"duplex": "flip"}, ("duplex",)),
    ({"margin": "-3mm"}, ("margin",)), ({"cover-separate": "yes"}, ("cover-separate",)),
    ({"colour": "red"}, ("colour",)), ({"layout": "minizine", "creep": "0.1mm"}, ("creep",)),
    ("saddle", ())])
def test_metadata_problems_name_their_key(value, key):
    problems = zine_problems(value)
    assert [path for path, _ in problems] == [key]
