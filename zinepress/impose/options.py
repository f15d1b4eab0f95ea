"""Imposition options: checked values (from the command line or metadata ``zine:``) in, a layout out.

Pure: lengths with units, papers, the defaults of each layout, the checks that refuse
impossible combinations with one line, and :func:`plan_layout`, which turns options and
a page count into the :class:`~zinepress.impose.layout.Layout` that
:mod:`~zinepress.impose.booklet` places and :mod:`~zinepress.impose.printing` draws.

>>> options = ImposeOptions(layout="quarter", paper="letter", creep_pt=parse_length("0.1mm"))
>>> planned = plan_layout(options, 30)
>>> planned.layout.name, planned.duplex, planned.plan.sheet_count, round(options.creep_pt, 3)
('quarter', 'long-edge', 8, 0.283)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from zinepress.errors import ZineError
from zinepress.impose import minizine, quarter, saddle
from zinepress.impose.layout import DUPLEX_MODES, Layout

MM_PT = 72 / 25.4
UNITS_PT = {"mm": MM_PT, "cm": 10 * MM_PT, "pt": 1.0, "in": 72.0, "um": MM_PT / 1000,
            "µm": MM_PT / 1000}
_LENGTH = re.compile(r"^\s*(?P<value>[-+]?(\d+(\.\d*)?|\.\d+))\s*(?P<unit>[a-zµ]*)\s*$")

# Portrait sheet sizes (width, height) in points; landscape layouts swap them.
PAPERS: dict[str, tuple[float, float]] = {
    "a4": (round(210 * MM_PT, 2), round(297 * MM_PT, 2)),  # 595.28 x 841.89
    "letter": (612.0, 792.0),
}
PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}
LAYOUTS = ("saddle", "minizine", "quarter")
GATHERINGS = saddle.GATHERINGS
MAX_MARGIN_MM = 25.0  # no printer needs more; beyond it the pages would be postage stamps


class LengthError(ValueError):
    """A length that cannot be read, or a negative one; the message says which."""


def parse_length(text: str | int | float) -> float:
    """Return a length in points from '0.1mm', '0.1 mm', '100µm', '0.5pt', '0.1in' or a bare number (mm).

    >>> [round(parse_length(t), 4) for t in ("1in", "25.4mm", "2.54cm", "72pt", "100um", 0)]
    [72.0, 72.0, 72.0, 72.0, 0.2835, 0.0]
    >>> for bad in ("-0.1mm", "3 furlongs"):
    ...     try:
    ...         parse_length(bad)
    ...     except LengthError as error:
    ...         print(error)
    a length must be 0 or more, got '-0.1mm'
    not a length: '3 furlongs' (use mm, cm, pt, in or µm, e.g. 0.1mm)
    """
    if isinstance(text, bool):
        raise LengthError(f"not a length: {text!r}")
    if isinstance(text, (int, float)):
        value, unit = float(text), "mm"
    else:
        match = _LENGTH.match(str(text).lower())
        unit = match.group("unit") if match else ""
        if not match or (unit and unit not in UNITS_PT):
            raise LengthError(f"not a length: {text!r} (use mm, cm, pt, in or µm, e.g. 0.1mm)")
        value, unit = float(match.group("value")), unit or "mm"
    if not math.isfinite(value):
        raise LengthError(f"not a length: {text!r}")
    if value < 0:
        raise LengthError(f"a length must be 0 or more, got {text!r}")
    return value * UNITS_PT[unit]


@dataclass(frozen=True)
class ImposeOptions:
    """What to impose and how; ``None`` means "the layout's default"."""

    layout: str = "saddle"
    paper: str = "a4"
    signature_sheets: int | None = None
    gathering: str | None = None
    duplex: str | None = None
    creep_pt: float = 0.0
    margin_pt: float = 0.0
    marks: bool = False
    cover_separate: bool = False
    max_pages: int = 1000
    given: frozenset[str] = field(default_factory=frozenset)  # options set by the user

    def sheet_size(self, layout: Layout) -> tuple[float, float]:
        """Return the sheet (width, height) in points, landscape for landscape layouts."""
        w, h = PAPERS[self.paper]
        return (h, w) if layout.landscape else (w, h)


@dataclass(frozen=True)
class Planned:
    """A layout ready to place: the grid, the saddle plan behind it (if any), the duplex."""

    layout: Layout
    plan: saddle.Plan | None
    duplex: str  # a value of DUPLEX_MODES, or "one-sided"
    warnings: tuple[str, ...] = ()


def check_options(options: ImposeOptions) -> None:
    """Raise ZineError for an unknown value or a combination no layout can print."""
    if options.layout not in LAYOUTS:
        raise ZineError(None, None, "Z515", f"unknown layout {options.layout!r}; "
                        f"use one of {', '.join(LAYOUTS)}")
    if options.paper not in PAPERS:
        raise ZineError(None, None, "Z506",
                        f"unknown paper {options.paper!r}; use one of {', '.join(PAPERS)}")
    if options.duplex is not None and options.duplex not in DUPLEX_MODES:
        raise ZineError(None, None, "Z508", f"unknown duplex mode {options.duplex!r}; "
                        f"use one of {', '.join(DUPLEX_MODES)}")
    if options.gathering is not None and options.gathering not in GATHERINGS:
        raise ZineError(None, None, "Z507", f"gathering must be one of {', '.join(GATHERINGS)}, "
                        f"got {options.gathering!r}")
    # No upper limit here: how much creep fits is what the pages' margins allow, and
    # the imposer measures that (Z512).
    if not options.creep_pt >= 0.0:
        raise ZineError(None, None, "Z508", f"creep must be 0 or more, got {options.creep_pt!r} pt",
                        hint="it is the paper thickness, e.g. 0.1mm")
    if not 0.0 <= options.margin_pt / MM_PT <= MAX_MARGIN_MM:
        raise ZineError(None, None, "Z513", f"printer margin {options.margin_pt / MM_PT:g} mm is "
                        f"outside 0..{MAX_MARGIN_MM:g} mm", hint="most printers need 3 to 6 mm")
    if options.layout == "minizine":
        unused = sorted(options.given & {"signature", "gathering", "creep", "duplex", "cover-separate"})
        if unused:
            raise ZineError(None, None, "Z514", f"a mini-zine is one side of one sheet: "
                            f"--{unused[0]} does not apply", hint="leave it out")


def plan_layout(options: ImposeOptions, page_count: int) -> Planned:
    """Return the layout for ``page_count`` pages with these options (defaults filled in)."""
    check_options(options)
    warnings: list[str] = []
    if options.layout == "minizine":
        layout = minizine.minizine_layout(page_count)
        return Planned(layout, None, "one-sided")
    signature, gathering = options.signature_sheets, options.gathering
    if signature is None:
        signature, default_gathering = saddle.default_signature(page_count)
        gathering = gathering or default_gathering
    gathering = gathering or "nested"
    plan = saddle.saddle_plan(page_count, signature_sheets=signature, gathering=gathering,  # type: ignore[arg-type]
                              creep_pt=options.creep_pt, cover_separate=options.cover_separate)
    if plan.stapled and plan.sheet_count > saddle.MAX_STAPLED_SHEETS:
        warnings.append(f"{plan.sheet_count} sheets share one fold: more than a stapler goes through "
                        f"(use --signature {saddle.LONG_BOOK_SIGNATURE} --gathering stacked)")
    layout = (quarter.quarter_layout(plan) if options.layout == "quarter"
              else saddle.saddle_layout(plan))
    return Planned(layout, plan, options.duplex or layout.natural_duplex(), tuple(warnings))


# -- metadata ``zine:`` --------------------------------------------------------------

ZINE_KEYS = ("layout", "signature", "duplex", "creep", "margin", "cover-separate")


def zine_problems(value) -> list[tuple[tuple, str]]:
    """Return (key path, problem) for everything wrong in a metadata ``zine:`` mapping.

    >>> zine_problems({"layout": "quartre", "creep": "-1mm", "signature": "auto"})
    [(('layout',), "layout must be one of saddle, minizine, quarter, got 'quartre'"), (('creep',), "a length must be 0 or more, got '-1mm'")]
    """
    if not isinstance(value, dict):
        return [((), "expects a mapping of " + ", ".join(ZINE_KEYS))]
    problems: list[tuple[tuple, str]] = []
    for key in value:
        if key not in ZINE_KEYS:
            problems.append(((key,), f"unknown key '{key}'; known: {', '.join(ZINE_KEYS)}"))
    choices = {"layout": LAYOUTS, "duplex": DUPLEX_MODES}
    for key, allowed in choices.items():
        if key in value and value[key] not in allowed:
            problems.append(((key,), f"{key} must be one of {', '.join(allowed)}, got {value[key]!r}"))
    signature = value.get("signature", "auto")
    if signature != "auto" and (isinstance(signature, bool) or not isinstance(signature, int)
                                or signature < 1):
        problems.append((("signature",), f"signature must be auto or a number of sheets, got {signature!r}"))
    for key in ("creep", "margin"):
        if key in value:
            try:
                parse_length(value[key])
            except LengthError as error:
                problems.append(((key,), str(error)))
    if "cover-separate" in value and not isinstance(value["cover-separate"], bool):
        problems.append((("cover-separate",), "cover-separate must be true or false"))
    if value.get("layout") == "minizine":
        for key in ("signature", "duplex", "creep", "cover-separate"):
            if key in value:
                problems.append(((key,), f"a mini-zine is one side of one sheet: {key} does not apply"))
    return problems


def options_from_metadata(zine: dict | None, paper: str) -> ImposeOptions:
    """Return the options a build uses for a zine on ``paper``, from a checked ``zine:`` mapping.

    A numbered ``signature`` means signatures folded one by one and stacked (a book
    sewn or glued); ``auto`` (the default) is one stapled gathering up to 16 sheets.

    >>> options_from_metadata({"signature": 5, "creep": "0.1mm"}, "letter").gathering
    'stacked'
    """
    zine = zine or {}
    signature = zine.get("signature", "auto")
    return ImposeOptions(
        layout=zine.get("layout", "saddle"), paper=paper,
        signature_sheets=None if signature == "auto" else signature,
        gathering=None if signature == "auto" else "stacked",
        duplex=zine.get("duplex"), creep_pt=parse_length(zine.get("creep", 0)),
        margin_pt=parse_length(zine.get("margin", 0)),
        cover_separate=bool(zine.get("cover-separate", False)))
