"""Tests for zinepress.impose.printing: instructions drawn and worded for the layout actually chosen."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from zinepress.impose.layout import manual_ranges
from zinepress.impose.options import ImposeOptions, plan_layout
from zinepress.impose.printing import (diagram_context, instructions_context,
                                       render_printing_instructions, sheet_diagram_svg)
from zinepress.render.templates import render_template

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def planned(pages: int, **options):
    opts = ImposeOptions(**options)
    return plan_layout(opts, pages), opts


def drawn_cells(svg: str) -> list[tuple[str, bool]]:
    """Return (page number or 'blank', upside down) for every drawn cell, in drawing order."""
    found = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        texts = [t for t in group.iter(f"{SVG}text") if t.get("class") in ("num", "note")]
        if texts:
            found.append((texts[0].text, "rotate(180" in (group.get("transform") or "")))
    return found


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_of(pages: int, files=None, **options) -> str:
    plan, opts = planned(pages, **options)
    files = files or {"zine": "z.pdf", **({"cover": "z-cover.pdf"} if opts.cover_separate else {})}
    context = instructions_context(plan, opts, title="Night <b>Shift</b>", files=files)
    context["diagram"] = ""
    return render_template(ROOT, "printing.html.j2", context)


@pytest.mark.parametrize("count, options", [
    (44, {}), (7, {}), (44, {"signature_sheets": 3, "gathering": "nested"}),
    (44, {"signature_sheets": 3, "gathering": "stacked"}), (44, {"layout": "quarter"}),
    (30, {"duplex": "long-edge"}), (8, {"layout": "minizine"})])
def test_sheet_diagram_is_drawn_from_the_layout(count, options):
    plan, opts = planned(count, **options)
    drawn = drawn_cells(sheet_diagram_svg(plan, opts))
    front, back = plan.layout.sheets[0]
    expected = [(str(c.page) if c.page else "blank", c.rotation == 180)
                for side in (front, back) if side is not None for c in side.cells]
    assert drawn[:len(expected)] == expected


def test_mini_zine_picture_shows_the_cut_and_the_upside_down_row():
    plan, opts = planned(8, layout="minizine")
    svg = ET.fromstring(sheet_diagram_svg(plan, opts))
    cuts = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "cut"]
    folds = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "fold"]
    assert len(cuts) == 1 and len(folds) == 5
    context = diagram_context(plan, opts)
    face = context["faces"][0]
    cut = face["cuts"][0]
    assert cut["y1"] == cut["y2"] == face["y"] + face["h"] / 2
    assert (cut["x1"], cut["x2"]) == (face["x"] + face["w"] / 4, face["x"] + 3 * face["w"] / 4)


@pytest.mark.parametrize("count, options, present, absent", [
    (44, {}, ["flip on short edge", "11 sheets of A4", "two staples"], ["flip on long edge"]),
    (44, {"paper": "letter", "duplex": "long-edge"},
     ["flip on long edge", "11 sheets of US Letter", "half-letter"], ["short edge"]),
    (44, {"layout": "quarter"}, ["Two quarter-size zines", "A6", "cut it in half across",
                                 "flip on long edge"], []),
    (8, {"layout": "minizine"}, ["mini-zine", "one side", "A7", "middle two panels"],
     ["staple", "Staple", "flip"]),
    (404, {}, ["signatures", "26 signatures of up to 4 sheets (16 pages)", "Sew", "kettle stitch",
               "sheets 1–4 (pages 1–16)"], ["two staples through the fold"]),
    (44, {"cover_separate": True}, ["z-cover.pdf", "cover stock", "wrap it around"], []),
])
def test_instructions_follow_layout_paper_and_duplex(count, options, present, absent):
    text = words(html_of(count, **options))
    assert "Night <b>Shift</b>" in text.replace("&lt;", "<").replace("&gt;", ">")
    for phrase in present:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase


@pytest.mark.parametrize("options", [{}, {"layout": "quarter"}, {"cover_separate": True}])
def test_manual_instructions_name_the_pages_the_file_has(options):
    """The page numbers printed are those of the file: fronts, and the backs in both orders."""
    plan, opts = planned(44, duplex="manual", **options)
    text = words(html_of(44, duplex="manual", **options))
    inside = plan.layout.sheets[plan.layout.cover_sheets if opts.cover_separate else 0:]
    n = len(inside)
    text = text.lower()  # tags became spaces: "came out </strong>, print" reads "came out , print"
    assert f"print pages 1–{n}: the fronts" in text
    assert f"as it came out: print pages {n + 1}–{2 * n}" in text
    assert f"turned over: print pages {2 * n + 1}–{3 * n}" in text
    assert f"as it came out , print page {2 * n};" in text  # sheet 1's back is the last of them
    assert f"turn it over , print page {2 * n + 1}," in text


def test_letter_edition_is_a_letter_page(tmp_path):
    plan, opts = planned(44, paper="letter", duplex="manual")
    data = render_printing_instructions(plan, opts, title="Night <b>Shift</b>",
                                        files={"zine": "night-zine-letter.pdf"}, root=ROOT)
    (tmp_path / "p.pdf").write_bytes(data)
    reader = pypdf.PdfReader(tmp_path / "p.pdf")
    assert 1 <= len(reader.pages) <= 2
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Night <b>Shift</b>" in text  # autoescaped, shown as text
    ranges = manual_ranges(plan.layout)
    assert f"pages {ranges['backs_turned_over'][0]}–{ranges['backs_turned_over'][1]}" in text
    assert "night-zine-letter.pdf" in text and "US Letter" in text
