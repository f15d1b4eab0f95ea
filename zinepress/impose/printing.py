"""Printing instructions: a planned layout and its options in, a PDF (or an SVG picture) out.

The picture of sheet 1, the cut, the folds and the staples is computed here from the
same layout that :mod:`zinepress.impose.booklet` imposes, for the paper, layout and
duplex actually chosen, so the instructions cannot disagree with the zine.  Python
computes geometry and facts; every word and style is in ``templates/printing.html.j2``,
``templates/printing.svg.j2`` and ``templates/printing.css``, rendered by
:mod:`zinepress.render.templates` and typeset by :mod:`zinepress.formats.pdf` (which
reads nothing outside the project: the bundled faces of ``templates/fonts/fonts.css``).

``python -m zinepress.impose.printing --svg docs/sheet-diagram.svg --pages 44`` writes the
picture alone, for the README.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from markupsafe import Markup

from zinepress.impose.layout import Layout, manual_ranges
from zinepress.impose.options import (MM_PT, PAPER_NAMES, PAPERS, ImposeOptions, Planned,
                                      parse_length, plan_layout)
from zinepress.impose.saddle import Plan

ROOT = Path(__file__).resolve().parents[2]  # the repository, for ``python -m``

# Page names per paper and layout: what one cell is once cut and folded.
PAGE_NAMES = {
    ("a4", "saddle"): "A5", ("a4", "quarter"): "A6", ("a4", "minizine"): "A7",
    ("letter", "saddle"): "half-letter", ("letter", "quarter"): "quarter-letter",
    ("letter", "minizine"): "2.75 × 4.25 in",
}

# Diagram geometry, in SVG user units.
MARGIN = 16
LANDSCAPE_W = 250  # a landscape sheet's drawn width
PORTRAIT_W = 170  # a portrait sheet's drawn width
ONE_SIDED_W = 420  # a one-sided sheet is drawn larger, alone
GAP_W = 120  # between front and back, room for the "turn over" arrow
TITLE_H = 22
NEST_W = 200  # length of a folded sheet in the cross-section
NEST_H = 110  # most height a cross-section of one gathering may take
NEST_STEP = 8.0  # most distance between neighbouring sheets in the cross-section
NEST_GAP = 14  # between stacked gatherings
MAX_DRAWN_GATHERINGS = 4  # stacked gatherings drawn one under another, the rest elided
BOOKLET_W = 80
STAPLE_INSET = 8  # side stitching, in from the spine


def render_printing_instructions(planned: Planned, options: ImposeOptions, *, title: str,
                                 files: dict[str, str], root: Path = ROOT,
                                 epoch: int | None = None) -> bytes:
    """Return the printing instructions as PDF bytes (one or two pages of ``options.paper``).

    ``files`` names the print files: ``zine`` (the inside, when the cover is separate)
    and ``cover``.  Templates and fonts come from ``root``'s ``templates/``.
    """
    from zinepress.formats.pdf import render_pdf
    from zinepress.render.templates import TEMPLATES_DIR, render_template

    context = instructions_context(planned, options, title=title, files=files)
    context["diagram"] = Markup(render_template(root, "printing.svg.j2",
                                                diagram_context(planned, options)))
    html = render_template(root, "printing.html.j2", context)
    return render_pdf(html, Path(root), Path(root) / TEMPLATES_DIR,
                      f"{TEMPLATES_DIR}/printing.html.j2", epoch)


def sheet_diagram_svg(planned: Planned, options: ImposeOptions, root: Path = ROOT) -> str:
    """Return an SVG picture of sheet 1 (front and back), the cut, the folds and the staples."""
    from zinepress.render.templates import render_template
    return render_template(root, "printing.svg.j2", diagram_context(planned, options))


# -- the facts ---------------------------------------------------------------------------


def instructions_context(planned: Planned, options: ImposeOptions, *, title: str,
                         files: dict[str, str]) -> dict:
    """Return every fact the instructions print, for the layout, paper and duplex chosen."""
    layout, plan = planned.layout, planned.plan
    cover = options.cover_separate and layout.cover_sheets > 0
    inside = _part(layout, cover)
    return {
        "title": title,
        "paper": options.paper,
        "paper_name": PAPER_NAMES[options.paper],
        "other_paper_name": PAPER_NAMES["letter" if options.paper == "a4" else "a4"],
        "page_name": PAGE_NAMES[(options.paper, layout.name)],
        "page_size": f"@page {{ size: {'A4' if options.paper == 'a4' else 'letter'} portrait; }}",
        "layout": layout.name,
        "duplex": planned.duplex,
        "files": files,
        "cover": cover,
        "cover_sheets": layout.cover_sheets if cover else 0,
        "sheet_count": len(layout.sheets),
        "inside_sheets": len(inside.sheets),
        "side_count": len(layout.sheets) * (2 if layout.two_sided else 1),
        "page_count": plan.page_count if plan else sum(
            c.page is not None for c in layout.sheets[0][0].cells),
        "blank_count": plan.blank_count if plan else sum(
            c.page is None for c in layout.sheets[0][0].cells),
        "copies": 2 if layout.name == "quarter" else 1,
        "manual": _manual(layout, cover) if planned.duplex == "manual" else None,
        "inside_leaf": _first_leaf(inside) if cover and inside.sheets else None,
        "creep_mm": round(options.creep_pt / MM_PT, 3),
        "margin_mm": round(options.margin_pt / MM_PT, 1),
        "warnings": list(planned.warnings),
        **(_binding(plan) if plan else {"gathering": "none", "gatherings": [], "stapled": False}),
    }


def _part(layout: Layout, cover: bool) -> Layout:
    from dataclasses import replace
    return replace(layout, sheets=layout.sheets[layout.cover_sheets:]) if cover else layout


def _manual(layout: Layout, cover: bool) -> dict:
    """Return the page ranges of manual two-sided printing, per file, and sheet 1's back."""
    from dataclasses import replace
    parts = {"zine": _part(layout, cover)}
    if cover:
        parts["cover"] = replace(layout, sheets=layout.sheets[:layout.cover_sheets])
    result = {}
    for key, part in parts.items():
        ranges = manual_ranges(part)
        result[key] = {**ranges, "first_back_as_it_came": ranges["backs_as_it_came"][1],
                       "first_back_turned_over": ranges["backs_turned_over"][0],
                       "leaf": _first_leaf(part)}
    return result


def _first_leaf(layout: Layout) -> tuple[int | None, int | None]:
    """Return the pages on both sides of the first sheet's right-hand leaf (recto, verso)."""
    front, back = layout.sheets[0]
    column = layout.columns - 1
    return front.at(column, 0).page, back.at(0, 0).page if back else None


def _binding(plan: Plan) -> dict:
    """Return how the sheets are gathered, folded and bound, numbered as in the inside's file."""
    cover = 1 if plan.cover_separate else 0
    groups = []
    for g in plan.gatherings:
        first, last = max(g.first_sheet, cover), g.first_sheet + g.sheet_count - 1
        if first <= last:
            groups.append({"number": len(groups) + 1, "first": first - cover + 1,
                           "last": last - cover + 1, "sheet_count": last - first + 1,
                           "first_page": g.first_position, "last_page": g.last_position})
    return {
        "gathering": "single" if len(groups) <= 1 else plan.gathering,
        "stapled": plan.stapled,
        "signature_sheets": plan.signature_sheets,
        "gatherings": groups,
    }


# -- the picture -------------------------------------------------------------------------


def diagram_context(planned: Planned, options: ImposeOptions) -> dict:
    """Return the geometry of the picture: sheet 1's faces, the folds and cuts, the binding."""
    layout, plan = planned.layout, planned.plan
    paper_w, paper_h = PAPERS[options.paper]
    if not layout.two_sided:
        sheet_w = ONE_SIDED_W
    else:
        sheet_w = LANDSCAPE_W if layout.landscape else PORTRAIT_W
    ratio = (paper_w / paper_h) if layout.landscape else (paper_h / paper_w)
    sheet_h = round(sheet_w * ratio)
    top = MARGIN + TITLE_H
    front, back = layout.sheets[0]
    faces = [_face(front, layout, plan, MARGIN, top, sheet_w, sheet_h)]
    if back is not None:
        faces.append(_face(back, layout, plan, MARGIN + sheet_w + GAP_W, top, sheet_w, sheet_h))
    width = 2 * MARGIN + sheet_w * len(faces) + GAP_W * (len(faces) - 1)
    arrow_y = top + sheet_h / 2
    context = {
        "width": width, "height": top + sheet_h + MARGIN + TITLE_H,
        "layout": layout.name, "sheet_count": len(layout.sheets), "faces": faces,
        "arrow": {"x1": MARGIN + sheet_w + 14, "x2": MARGIN + sheet_w + GAP_W - 14, "y": arrow_y},
        "nests": [], "booklet": None, "gathering": "none", "gathering_count": 0,
    }
    if plan is not None:
        section_top = top + sheet_h + 2 * MARGIN + 3 * TITLE_H
        nests, nests_bottom = _nests(plan, x=MARGIN + 40, y=section_top)
        booklet = _booklet(plan, x=width - MARGIN - 2 * BOOKLET_W, y=section_top,
                           page_ratio=_page_ratio(options, layout))
        context.update({
            "height": max(nests_bottom, booklet["y"] + booklet["h"] + TITLE_H) + MARGIN,
            "section_y": section_top - TITLE_H - 12, "nests": nests, "booklet": booklet,
            "gathering": _binding(plan)["gathering"],
            "gathering_count": len(_binding(plan)["gatherings"])})
    return context


def _page_ratio(options: ImposeOptions, layout: Layout) -> float:
    """Return height / width of one finished page."""
    paper_w, paper_h = PAPERS[options.paper]
    sheet_w, sheet_h = (paper_h, paper_w) if layout.landscape else (paper_w, paper_h)
    return (sheet_h / layout.rows) / (sheet_w / layout.columns)


def _face(side, layout: Layout, plan: Plan | None, x: float, y: float, w: float, h: float) -> dict:
    """Return one drawn face: its cells with page numbers, its fold and cut lines."""
    cell_w, cell_h = w / layout.columns, h / layout.rows
    cells = []
    for cell in side.cells:
        cx, cy = x + cell.column * cell_w, y + cell.row * cell_h
        cells.append({"x": cx, "y": cy, "w": cell_w, "h": cell_h,
                      "cx": cx + cell_w / 2, "cy": cy + cell_h / 2, "page": cell.page,
                      "rotation": cell.rotation, "kind": _kind(plan, layout, cell.page)})

    def lines(found) -> list[dict]:
        return [{"x1": x + ln.x1 * cell_w, "y1": y + ln.y1 * cell_h,
                 "x2": x + ln.x2 * cell_w, "y2": y + ln.y2 * cell_h} for ln in found]

    return {"key": side.face, "x": x, "y": y, "w": w, "h": h, "cells": cells,
            "folds": lines(layout.folds), "cuts": lines(layout.cuts),
            "num_size": round(min(cell_w, cell_h) * 0.32)}


def _kind(plan: Plan | None, layout: Layout, page: int | None) -> str:
    last = plan.page_count if plan else max(
        (c.page for c in layout.sheets[0][0].cells if c.page), default=1)
    if page is None:
        return "blank"
    if page == 1:
        return "front-cover"
    if page == last:
        return "back-cover"
    return "page"


def _nests(plan: Plan, *, x: float, y: float) -> tuple[list[dict], float]:
    """Return cross-sections of the folded gatherings (spine on the left) and their bottom y.

    Each sheet is a U of two parallel lines joined by a half circle at the fold; the
    U's of one gathering share a centre, the first sheet outermost.  Nested: one
    nest whose sheets alternate style by group.  Stacked: one nest per gathering,
    drawn one under another (the first few; the rest are elided).
    """
    if plan.gathering == "nested" or len(plan.gatherings) == 1:
        groups = [[(s.index, s.gathering) for s in plan.sheets]]
    else:  # a separate cover wraps the signatures; the picture shows the signatures
        inside = plan.gatherings[1:] if plan.cover_separate else plan.gatherings
        groups = [[(s.index, s.gathering) for s in plan.sheets if s.gathering == g.index]
                  for g in inside[:MAX_DRAWN_GATHERINGS]]
    widest = max(len(sheets) for sheets in groups)
    step = min(NEST_STEP, NEST_H / 2 / widest)
    nests = []
    top = y
    for number, sheets in enumerate(groups):
        outer = len(sheets) * step
        mid, centre, end = top + outer, x + outer, x + NEST_W
        paths = []
        for depth, (index, gathering) in enumerate(sheets):
            r = outer - depth * step
            paths.append({
                "d": f"M {end:.1f} {mid - r:.1f} L {centre:.1f} {mid - r:.1f} "
                     f"A {r:.1f} {r:.1f} 0 0 0 {centre:.1f} {mid + r:.1f} L {end:.1f} {mid + r:.1f}",
                "group": gathering, "sheet": index + 1})
        cover = 1 if plan.cover_separate else 0  # sheets are numbered as in the inside's file
        nests.append({
            "number": number + 1, "first_sheet": sheets[0][0] + 1 - cover,
            "last_sheet": sheets[-1][0] + 1 - cover, "first_is_cover": sheets[0][0] < cover,
            "paths": paths, "label_x": end + 6, "top_y": mid - outer, "bottom_y": mid + outer,
            "spine_x": x, "mid_y": mid, "staple": {"x1": x - 8, "x2": centre - step + 6, "y": mid}})
        top = mid + outer + NEST_GAP
    bottom = top - NEST_GAP
    if plan.gathering == "stacked" and len(plan.gatherings) > len(groups) + plan.cover_separate:
        bottom += 16
    return nests, bottom + TITLE_H


def _booklet(plan: Plan, *, x: float, y: float, page_ratio: float) -> dict:
    """Return where the staples go, drawn from the plan.

    Stitched through the fold (one gathering or nested groups): the centre spread,
    opened flat, with two staples on the fold.  Stacked gatherings: the closed book
    with two staples through the side near the spine.
    """
    height = round(BOOKLET_W * page_ratio)
    staple_len = height * 0.16
    stitched = plan.stapled
    centre = plan.sheets[-1].back if stitched else plan.sheets[0].front
    pages = [slot.page for slot in centre.slots]
    if stitched:
        w, spine = 2 * BOOKLET_W, x + BOOKLET_W
        halves = [{"x": x + i * BOOKLET_W, "cx": x + (i + 0.5) * BOOKLET_W, "page": page}
                  for i, page in enumerate(pages)]
    else:
        w, spine = BOOKLET_W, x + STAPLE_INSET
        halves = [{"x": x, "cx": x + BOOKLET_W / 2, "page": pages[1]}]
    staples = [{"x": spine, "y1": y + height * f - staple_len / 2,
                "y2": y + height * f + staple_len / 2} for f in (0.25, 0.75)]
    return {"x": x, "y": y, "w": w, "h": height, "half_w": BOOKLET_W, "halves": halves,
            "fold_x": x + BOOKLET_W, "staples": staples, "on_fold": stitched}


def main(argv: list[str] | None = None) -> int:
    """Write the sheet diagram (and optionally the instructions PDF) for a page count."""
    parser = argparse.ArgumentParser(prog="python -m zinepress.impose.printing",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, required=True, help="page count of the reading PDF")
    parser.add_argument("--svg", type=Path, help="write the sheet diagram here")
    parser.add_argument("--pdf", type=Path, help="write the printing instructions here")
    parser.add_argument("--title", default="the zine")
    parser.add_argument("--layout", choices=("saddle", "minizine", "quarter"), default="saddle")
    parser.add_argument("--paper", choices=tuple(PAPERS), default="a4")
    parser.add_argument("--duplex", choices=("short-edge", "long-edge", "manual"), default=None)
    parser.add_argument("--signature", type=int, default=None, metavar="SHEETS")
    parser.add_argument("--gathering", choices=("nested", "stacked"), default=None)
    parser.add_argument("--creep", type=parse_length, default=0.0)
    parser.add_argument("--cover-separate", action="store_true")
    args = parser.parse_args(argv)
    options = ImposeOptions(layout=args.layout, paper=args.paper, duplex=args.duplex,
                            signature_sheets=args.signature, gathering=args.gathering,
                            creep_pt=args.creep, cover_separate=args.cover_separate)
    planned = plan_layout(options, args.pages)
    if args.svg:
        args.svg.write_text(sheet_diagram_svg(planned, options), encoding="utf-8")
    if args.pdf:
        files = {"zine": "zine.pdf", **({"cover": "zine-cover.pdf"} if args.cover_separate else {})}
        args.pdf.write_bytes(render_printing_instructions(planned, options, title=args.title,
                                                          files=files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
