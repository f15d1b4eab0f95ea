"""The zine rows of the recipe table follow metadata ``zine:``; long books come out in signatures.

The rows' functions are called with a reading PDF's bytes, as the scheduler hands them
over, so no book is typeset here.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
from pathlib import Path

import pytest

from test_booklet import A5, numbered_pdf, placements, read_cells
from zinepress.build import builder
from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES, Prepared
from zinepress.errors import ZineError
from zinepress.source.load import load_book


@pytest.fixture
def book(tiny):
    return load_book(tiny)


def made(name: str, book, pdf: Path, tmp_path: Path) -> Path:
    recipe = RECIPES[name]
    prepared = Prepared(ast=None, tools={}, epoch=0, upstream={recipe.after[0]: pdf.read_bytes()})
    out = tmp_path / recipe.path(book).name
    out.write_bytes(recipe.make(book, prepared))
    return out


def with_zine(book, **zine):
    return dataclasses.replace(book, meta={**book.meta, "zine": zine})


def test_a_long_book_is_gathered_in_signatures(book, tmp_path):
    """68 pages, one sheet more than a staple goes through: 17 sheets in signatures of 4
    sheets (16 pages), never one gathering (404 pages make 26 of them: test_options)."""
    pdf = numbered_pdf(tmp_path / "long.pdf", 68, A5)
    sheet_w = 297 * 72 / 25.4
    sides = [tuple(sorted(side, key=lambda page: side[page][4] > sheet_w / 4))
             for side in placements(made("zine-a4", book, pdf, tmp_path))]
    assert len(sides) == 2 * 17
    assert sides[:2] == [(16, 1), (2, 15)]  # signature 1 is pages 1-16
    assert sides[8:10] == [(32, 17), (18, 31)]  # signature 2 runs on from page 17
    assert sides[-2:] == [(68, 65), (66, 67)]  # signature 5: the last sheet alone


def test_layout_duplex_and_separate_cover_come_from_metadata(book, tmp_path):
    pdf = numbered_pdf(tmp_path / "in.pdf", 12, A5)
    book = with_zine(book, layout="quarter", duplex="manual", **{"cover-separate": True})
    inside = read_cells(made("zine-a4", book, pdf, tmp_path), 2, 2)
    cover = read_cells(made("zine-a4-cover", book, pdf, tmp_path), 2, 2)
    assert [side[(1, 0)][0] for side in cover] == [1, 11]  # front, then its back once
    assert len(inside) == 3 * 2  # two inside sheets: fronts, backs reversed, backs in order
    assert inside[0][(0, 1)] == (10, 0) and inside[0][(1, 1)] == (3, 0)


def test_settings_that_cannot_work_name_the_metadata(book, tmp_path):
    pdf = numbered_pdf(tmp_path / "in.pdf", 12, A5)
    with pytest.raises(ZineError) as info:
        made("zine-a4", with_zine(book, layout="minizine"), pdf, tmp_path)
    assert info.value.code == "Z511" and str(info.value).startswith("source/metadata.yaml: Z511")


def test_cover_files_are_made_only_when_asked(tiny, monkeypatch):
    meta = tiny / "source" / "metadata.yaml"
    started = []

    def fake_make(book, prepared, name, run=None):
        started.append(name)
        return b"%PDF-1.7 fake", 0.0

    monkeypatch.setattr(builder, "make_output", fake_make)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        Build(tiny).run(["zine"], executor=pool)
    assert "zine-a4-cover" not in started and {"zine-a4", "printing-letter"} <= set(started)
    meta.write_text(meta.read_text() + "zine: {cover-separate: true}\n")
    started.clear()
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        Build(tiny).run(["zine"], executor=pool)
    assert {"zine-a4-cover", "zine-letter-cover"} <= set(started)
