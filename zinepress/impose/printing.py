"""Printing instructions: an imposition :class:`~zinepress.impose.saddle.Plan` in, a PDF (or SVG) out.

The picture of sheet 1 and of the fold is computed here from the same plan that
:mod:`zinepress.impose.booklet` imposes, so the instructions cannot disagree with the
zine.  Python computes geometry and facts; every word and style is in
``templates/printing.html.j2``, ``templates/printing.svg.j2`` and
``templates/printing.css``.  Only local files are used: the bundled faces of
``templates/fonts/fonts.css``, through :mod:`zinepress.formats.pdf`.

``python -m zinepress.impose.printing --svg docs/sheet-diagram.svg --pages 44`` writes the
picture alone, for the README.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2
from markupsafe import Markup

from zinepress.impose.saddle import DUPLEX_MODES, Plan, print_sequence, saddle_plan

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAPERS = ("a4", "letter")

# Diagram geometry, in SVG user units.
MARGIN = 16
SHEET_W = 250
SHEET_H = round(SHEET_W * 595.28 / 841.89)
GAP_W = 120  # between front and back, room for the "turn over" arrow
TITLE_H = 22
NEST_W = 200  # length of a folded sheet in the cross-section
NEST_H = 110  # most height a cross-section of one gathering may take
NEST_STEP = 8.0  # most distance between neighbouring sheets in the cross-section
NEST_GAP = 14  # between stacked gatherings
MAX_DRAWN_GATHERINGS = 4  # stacked gatherings drawn one under another, the rest elided
BOOKLET_W = 80
STAPLE_INSET = 8  # side stitching, in from the spine
BOOKLET_H = round(BOOKLET_W * 595.28 / 420.94)


def sheet_diagram_svg(plan: Plan, sheet: int = 0) -> str:
    """Return an SVG picture of ``sheet`` (0-based) front and back, the fold and the staples."""
    if not 0 <= sheet < plan.sheet_count:
        raise ValueError(f"sheet {sheet} is not in a plan of {plan.sheet_count} sheets")
    context = _diagram_context(plan, sheet)
    return _environment().get_template("printing.svg.j2").render(**context)


def render_printing_instructions(
    plan: Plan,
    *,
    title: str,
    paper: str,
    duplex: str,
    signature_sheets: int | None = None,
    templates: Path = TEMPLATES,
) -> bytes:
    """Return the printing instructions for ``plan`` as PDF bytes (one or two pages).

    ``signature_sheets`` must agree with the plan; it is accepted so callers can pass
    the options they imposed with.
    """
    from zinepress.formats.pdf import render_pdf  # imported late: the SVG needs no WeasyPrint

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {PAPERS}, got {paper!r}")
    if duplex not in DUPLEX_MODES:
        raise ValueError(f"duplex must be one of {DUPLEX_MODES}, got {duplex!r}")
    if signature_sheets is not None and signature_sheets != plan.signature_sheets:
        raise ValueError(
            f"signature_sheets={signature_sheets} but the plan has {plan.signature_sheets}"
        )
    env = _environment(templates)
    context = _instructions_context(plan, title=title, paper=paper, duplex=duplex)
    context["diagram"] = Markup(env.get_template("printing.svg.j2").render(**_diagram_context(plan, 0)))
    html = env.get_template("printing.html.j2").render(**context)
    return render_pdf(html, templates, templates, "templates/printing.html.j2")


def _environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _instructions_context(plan: Plan, *, title: str, paper: str, duplex: str) -> dict:
    sides = print_sequence(plan, duplex)  # type: ignore[arg-type]
    n = plan.sheet_count
    return {
        "title": title,
        "paper": paper,
        "duplex": duplex,
        "gathering": plan.gathering if len(plan.gatherings) > 1 else "single",
        "signature_sheets": plan.signature_sheets,
        "page_count": plan.page_count,
        "padded_count": plan.padded_count,
        "blank_count": plan.blank_count,
        "sheet_count": n,
        "side_count": len(sides),
        "creep_pt": plan.creep_pt,
        "creep_mm": round(plan.creep_pt * 25.4 / 72, 3),
        "gatherings": [
            {"number": g.index + 1, "first": g.first_sheet + 1, "last": g.first_sheet + g.sheet_count,
             "sheet_count": g.sheet_count}
            for g in plan.gatherings
        ],
        "fronts": (1, n),
        "backs": (n + 1, 2 * n),
        # The PDF page with sheet 1's back: for the one-sheet test in manual mode.
        "sheet1_back_pdf_page": next(
            i + 1 for i, s in enumerate(sides) if s.sheet == 0 and s.side == "back"
        ),
    }


def _diagram_context(plan: Plan, sheet_index: int) -> dict:
    sheet = plan.sheets[sheet_index]
    top = MARGIN + TITLE_H
    sides = []
    for column, side in enumerate((sheet.front, sheet.back)):
        x = MARGIN + column * (SHEET_W + GAP_W)
        halves = []
        for h, slot in enumerate(side.slots):
            hx = x + h * SHEET_W / 2
            halves.append(
                {
                    "x": hx, "y": top, "w": SHEET_W / 2, "h": SHEET_H,
                    "cx": hx + SHEET_W / 4, "cy": top + SHEET_H / 2,
                    "page": slot.page, "kind": _kind(plan, slot.page),
                }
            )
        sides.append(
            {"key": side.side, "x": x, "y": top, "w": SHEET_W, "h": SHEET_H,
             "fold_x": x + SHEET_W / 2, "halves": halves}
        )
    arrow_y = top + SHEET_H / 2
    arrow = {"x1": MARGIN + SHEET_W + 14, "x2": MARGIN + SHEET_W + GAP_W - 14, "y": arrow_y}

    nests_top = top + SHEET_H + 2 * MARGIN + 3 * TITLE_H
    nests, nests_bottom = _nests(plan, x=MARGIN + 40, y=nests_top)
    booklet = _booklet(plan, x=MARGIN + 2 * SHEET_W + GAP_W - 2 * BOOKLET_W, y=nests_top)
    height = max(nests_bottom, booklet["y"] + booklet["h"] + TITLE_H) + MARGIN
    return {
        "width": 2 * MARGIN + 2 * SHEET_W + GAP_W,
        "height": height,
        "sheet_number": sheet_index + 1,
        "sheet_count": plan.sheet_count,
        "sides": sides,
        "arrow": arrow,
        "section_y": nests_top - TITLE_H - 12,
        "nests": nests,
        "gathering": plan.gathering if len(plan.gatherings) > 1 else "single",
        "gathering_count": len(plan.gatherings),
        "booklet": booklet,
    }


def _kind(plan: Plan, page: int | None) -> str:
    if page is None:
        return "blank"
    if page == 1:
        return "front-cover"
    if page == plan.page_count:
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
    else:
        groups = [
            [(s.index, s.gathering) for s in plan.sheets if s.gathering == g.index]
            for g in plan.gatherings[:MAX_DRAWN_GATHERINGS]
        ]
    widest = max(len(sheets) for sheets in groups)
    step = min(NEST_STEP, NEST_H / 2 / widest)
    nests = []
    top = y
    for number, sheets in enumerate(groups):
        outer = len(sheets) * step
        mid = top + outer
        centre = x + outer
        end = x + NEST_W
        paths = []
        for depth, (index, gathering) in enumerate(sheets):
            r = outer - depth * step
            paths.append(
                {
                    "d": f"M {end:.1f} {mid - r:.1f} L {centre:.1f} {mid - r:.1f} "
                    f"A {r:.1f} {r:.1f} 0 0 0 {centre:.1f} {mid + r:.1f} L {end:.1f} {mid + r:.1f}",
                    "group": gathering,
                    "sheet": index + 1,
                }
            )
        nests.append(
            {
                "number": number + 1,
                "first_sheet": sheets[0][0] + 1,
                "last_sheet": sheets[-1][0] + 1,
                "paths": paths,
                "label_x": end + 6,
                "top_y": mid - outer,
                                "bottom_y": mid + outer,
                "spine_x": x,
                "mid_y": mid,
                "staple": {"x1": x - 8, "x2": centre - step + 6, "y": mid},
            }
        )
        top = mid + outer + NEST_GAP
    bottom = top - NEST_GAP
    if plan.gathering == "stacked" and len(plan.gatherings) > len(groups):
        bottom += 16
    return nests, bottom + TITLE_H


def _booklet(plan: Plan, *, x: float, y: float) -> dict:
    """Return where the staples go, drawn from the plan.

    Stitched through the fold (one gathering or nested groups): the centre spread,
    opened flat, with two staples on the fold.  Stacked gatherings: the closed book
    with two staples through the side near the spine.
    """
    stitched = plan.gathering == "nested" or len(plan.gatherings) == 1
    staple_len = BOOKLET_H * 0.16
    centre = plan.sheets[-1].back if stitched else plan.sheets[0].front
    pages = [slot.page for slot in centre.slots]
    if stitched:
        w, spine = 2 * BOOKLET_W, x + BOOKLET_W
        halves = [
            {"x": x + i * BOOKLET_W, "cx": x + (i + 0.5) * BOOKLET_W, "page": page}
            for i, page in enumerate(pages)
        ]
    else:
        w, spine = BOOKLET_W, x + STAPLE_INSET
        halves = [{"x": x, "cx": x + BOOKLET_W / 2, "page": pages[1]}]
    staples = [
        {"x": spine, "y1": y + BOOKLET_H * f - staple_len / 2, "y2": y + BOOKLET_H * f + staple_len / 2}
        for f in (0.25, 0.75)
    ]
    return {
        "x": x, "y": y, "w": w, "h": BOOKLET_H, "half_w": BOOKLET_W, "halves": halves,
        "fold_x": x + BOOKLET_W, "staples": staples, "on_fold": stitched,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the sheet diagram (and optionally the instructions PDF) for a page count."""
    parser = argparse.ArgumentParser(prog="python -m zinepress.impose.printing", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, required=True, help="page count of the reading PDF")
    parser.add_argument("--svg", type=Path, help="write the sheet diagram here")
    parser.add_argument("--pdf", type=Path, help="write the printing instructions here")
    parser.add_argument("--title", default="the zine")
    parser.add_argument("--paper", choices=PAPERS, default="a4")
    parser.add_argument("--duplex", choices=DUPLEX_MODES, default="short-edge")
    parser.add_argument("--signature", type=int, default=None, metavar="SHEETS")
    parser.add_argument("--gathering", choices=("nested", "stacked"), default="nested")
    args = parser.parse_args(argv)
    plan = saddle_plan(args.pages, signature_sheets=args.signature, gathering=args.gathering)
    if args.svg:
        args.svg.write_text(sheet_diagram_svg(plan), encoding="utf-8")
    if args.pdf:
        args.pdf.write_bytes(
            render_printing_instructions(
                plan, title=args.title, paper=args.paper, duplex=args.duplex,
                signature_sheets=args.signature,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
