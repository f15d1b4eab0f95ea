"""Covers: the book's metadata and a page size in, a front cover as SVG out.

One design serves the printed zine (its first page, drawn inline by WeasyPrint at A5 or
half-letter) and the EPUB (its cover image, 2:3): a band with the cover image or a
pattern drawn from the book's identifier, the author, the title set as large as the
space allows, and the licence's cover line. Every word is drawn as outlines from the
bundled fonts (:mod:`fontTools`: the glyphs, their kerning and ligatures), so the
cover looks the same in any reader, any thumbnail and any printer, with no font
installed. Sizes, places, fonts and colours are data: ``templates/cover.yaml``;
the markup is ``templates/cover.svg.j2``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import mimetypes
import random
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from zinepress.render.layers import template_file

PATTERNS = ("truchet", "stripes", "dots", "none")


# -- fonts: outlines, advances, kerning, ligatures ------------------------------------

class Face:
    """One font file, ready to set a line of text as SVG path data."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont
        self.font = TTFont(str(path), lazy=True)   # decompile only the lookups used
        self.upem = self.font["head"].unitsPerEm
        self.cmap = self.font.getBestCmap()
        self.glyphs = self.font.getGlyphSet()
        self.hmtx = self.font["hmtx"]
        self.kerning = Kerning(self.font)
        self.ligatures = ligatures(self.font)
        os2 = self.font["OS/2"]
        self.cap_height = getattr(os2, "sCapHeight", 0) or 0.65 * self.upem
        self.x_height = getattr(os2, "sxHeight", 0) or 0.45 * self.upem

    def glyph_names(self, text: str) -> list[str]:
        names = [self.cmap.get(ord(char), ".notdef") for char in text]
        out, i = [], 0
        while i < len(names):
            for length in (3, 2):
                lig = self.ligatures.get(tuple(names[i:i + length]))
                if len(names[i:i + length]) == length and lig:
                    out.append(lig)
                    i += length
                    break
            else:
                out.append(names[i])
                i += 1
        return out

    def advance(self, text: str, size: float, tracking: float = 0.0) -> float:
        """Return the width of ``text`` at ``size`` (``tracking`` in em, per letter)."""
        names = self.glyph_names(text)
        units = sum(self.hmtx[n][0] for n in names)
        units += sum(self.kerning.get(pair, 0) for pair in zip(names, names[1:]))
        return units * size / self.upem + tracking * size * max(0, len(names) - 1)

    def path(self, text: str, size: float, x: float, y: float, tracking: float = 0.0,
             bounds: list | None = None) -> str:
        """Return SVG path data for ``text`` with its baseline starting at (x, y).

        ``bounds``, if given, receives the ink's (x0, y0, x1, y1) on the page.
        """
        from fontTools.pens.boundsPen import ControlBoundsPen
        from fontTools.pens.svgPathPen import SVGPathPen
        from fontTools.pens.transformPen import TransformPen
        scale = size / self.upem
        names = self.glyph_names(text)
        parts, pen_x = [], 0.0
        for i, name in enumerate(names):
            pen = SVGPathPen(self.glyphs, ntos=short_number)
            transform = (scale, 0, 0, -scale, x + pen_x, y)
            self.glyphs[name].draw(TransformPen(pen, transform))
            if bounds is not None:
                box = ControlBoundsPen(self.glyphs)
                self.glyphs[name].draw(TransformPen(box, transform))
                if box.bounds:
                    bounds.append(box.bounds)
            parts.append(pen.getCommands())
            pen_x += self.hmtx[name][0] * scale + tracking * size
            if i + 1 < len(names):
                pen_x += self.kerning.get((name, names[i + 1]), 0) * scale
        return " ".join(p for p in parts if p)


class Kerning:
    """The font's pair kerning (GPOS 'kern', formats 1 and 2), looked up pair by pair."""

    def __init__(self, font):
        self.subtables = []
        if "GPOS" not in font:
            return
        table = font["GPOS"].table
        lookups = {i for rec in table.FeatureList.FeatureRecord if rec.FeatureTag == "kern"
                   for i in rec.Feature.LookupListIndex}
        for index in sorted(lookups):
            for sub in table.LookupList.Lookup[index].SubTable:
                sub = getattr(sub, "ExtSubTable", sub)
                if getattr(sub, "Format", None) in (1, 2):
                    self.subtables.append((sub, set(sub.Coverage.glyphs)))
        self.cache: dict[tuple[str, str], int] = {}

    def get(self, pair: tuple[str, str], default: int = 0) -> int:
        if pair not in self.cache:
            self.cache[pair] = self.find(*pair)
        return self.cache[pair] or default

    def find(self, first: str, second: str) -> int:
        for sub, covered in self.subtables:
            if first not in covered:
                continue
            if sub.Format == 1:
                pair_set = sub.PairSet[sub.Coverage.glyphs.index(first)]
                for record in pair_set.PairValueRecord:
                    if record.SecondGlyph == second:
                        return getattr(record.Value1, "XAdvance", 0) or 0
            else:
                row = sub.Class1Record[sub.ClassDef1.classDefs.get(first, 0)]
                cls = sub.ClassDef2.classDefs.get(second, 0)
                value = getattr(row.Class2Record[cls].Value1, "XAdvance", 0) or 0
                if value:
                    return value
        return 0


def ligatures(font) -> dict[tuple[str, ...], str]:
    """Return the font's standard ligatures (GSUB 'liga') as components -> ligature."""
    if "GSUB" not in font:
        return {}
    table = font["GSUB"].table
    lookups = {i for rec in table.FeatureList.FeatureRecord if rec.FeatureTag == "liga"
               for i in rec.Feature.LookupListIndex}
    found: dict[tuple[str, ...], str] = {}
    for index in sorted(lookups):
        for sub in table.LookupList.Lookup[index].SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            for first, ligs in (getattr(sub, "ligatures", None) or {}).items():
                for lig in ligs:
                    found.setdefault((first, *lig.Component), lig.LigGlyph)
    return found


def short_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@functools.lru_cache(maxsize=8)
def face(path: str) -> Face:
    return Face(Path(path))


# -- layout: the title as large as it fits ---------------------------------------------

@dataclass(frozen=True)
class TextBlock:
    """Lines of one text, set at one size: what the template draws."""

    lines: tuple[str, ...]
    size: float
    leading: float
    paths: tuple[str, ...]
    width: float
    height: float


def break_lines(words: list[str], measure, width: float) -> list[str] | None:
    """Return ``words`` in lines no wider than ``width``, as even as they can be.

    Minimises the sum of squared slack over all lines, the last one too (a balanced
    block), so a title does not end with one short word alone; None if a word alone
    is too wide.

    >>> break_lines("aa bb cc dd".split(), len, 8)
    ['aa bb', 'cc dd']
    """
    n = len(words)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            line = " ".join(words[start:end])
            w = measure(line)
            if w > width:
                break
            cost = best[start] + (width - w) ** 2
            if cost < best[end]:
                best[end], back[end] = cost, start
    if best[n] == math.inf:
        return None
    lines, end = [], n
    while end:
        lines.append(" ".join(words[back[end]:end]))
        end = back[end]
    return lines[::-1]


def fit_text(text: str, font: Face, box_width: float, box_height: float, max_size: float,
             min_size: float, leading: float = 1.08, tracking: float = 0.0,
             step: float = 0.97) -> TextBlock | None:
    """Return ``text`` set as large as fits the box (down to ``min_size``), or None."""
    words = text.split()
    size = max_size
    while size >= min_size:
        lines = break_lines(words, lambda s: font.advance(s, size, tracking), box_width)
        if lines is not None and len(lines) * size * leading <= box_height:
            widths = [font.advance(line, size, tracking) for line in lines]
            return TextBlock(tuple(lines), size, size * leading, (), max(widths),
                             len(lines) * size * leading)
        size *= step
    return None


# -- the cover ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def design(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def cover_context(root: Path, context: dict, width: float, height: float,
                  target: str) -> dict:
    """Return what ``cover.svg.j2`` draws for a cover ``width`` × ``height`` (user units).

    ``context`` is the book's template context (title, short title, authors, licence,
    metadata); ``target`` is "print" (images by project URL) or "epub" (images inside
    the SVG, so the one file is the whole cover).
    """
    spec = design(str(template_file(root, "cover.yaml")))
    meta = context["meta"]
    options = meta.get("cover") or {}
    ink, paper = options.get("ink", spec["ink"]), options.get("paper", spec["paper"])
    margin = spec["margin"] * width
    inner = width - 2 * margin
    fonts = {key: face(str(template_file(root, name))) for key, name in spec["fonts"].items()}

    band_height = spec["band"] * height
    title_top = margin + band_height + spec["gap"] * height
    foot = height - margin
    author = " · ".join(context.get("authors") or [context["author"]]).upper()
    author_block = fit_text(author, fonts["author"], inner, spec["author"]["max-lines"]
                            * spec["author"]["size"] * width * 1.3,
                            spec["author"]["size"] * width, spec["author"]["min"] * width,
                            leading=1.3, tracking=spec["author"]["tracking"])
    author_height = author_block.height if author_block else 0.0
    line_size = spec["line"]["size"] * width
    title_box = (inner, foot - title_top - author_height - spec["gap"] * height
                 - 2.2 * line_size)
    title, block = choose_title(context, fonts["title"], title_box, spec, width)
    y = title_top
    drawn = []
    if block:
        drawn.append(draw(block, fonts["title"], margin, y, 0.0))
        y += block.height + spec["gap"] * height * 0.6
    if author_block:
        drawn.append(draw(author_block, fonts["author"], margin, y,
                          spec["author"]["tracking"]))
    cover_line = (context.get("license") or {}).get("cover") or ""
    line_block = None
    if cover_line:
        line_block = fit_text(cover_line.upper(), fonts["line"], inner, 1.4 * line_size,
                              line_size, 0.6 * line_size, tracking=spec["line"]["tracking"])
        if line_block:
            drawn.append(draw(line_block, fonts["line"], margin, foot - line_block.height,
                              spec["line"]["tracking"]))
    band = {"x": margin, "y": margin, "width": inner, "height": band_height}
    return {
        "width": width, "height": height, "ink": ink, "paper": paper, "accent": spec["accent"],
        "band": band, "image": cover_image(root, options.get("image"), target),
        "pattern": pattern(options.get("pattern", spec["pattern"]), band,
                           seed=str(meta.get("identifier") or context["title"]),
                           stroke=spec["stroke"] * width),
        "texts": drawn, "title_text": title, "title_size": block.size if block else 0.0,
        "title_block": block, "label": f"{context['title']} — {context['author']}",
        "desc": " · ".join(part for part in (context["author"], cover_line) if part),
    }


def choose_title(context: dict, font: Face, box: tuple[float, float], spec: dict,
                 width: float) -> tuple[str, TextBlock | None]:
    """Return the title to print on the cover and its setting.

    The full title, as large as it fits; when even that is smaller than the design's
    ``title.large`` and the metadata has a ``short-title``, the short title instead (the
    title page inside has the full one).
    """
    title_spec = spec["title"]
    fit = functools.partial(fit_text, font=font, box_width=box[0], box_height=box[1],
                            max_size=title_spec["max"] * width, min_size=title_spec["min"] * width,
                            leading=title_spec["leading"])
    full = fit(context["title"])
    short = (context.get("meta") or {}).get("short-title")
    if short and (full is None or full.size < title_spec["large"] * width):
        block = fit(short)
        if block is not None:
            return short, block
    return context["title"], full


def draw(block: TextBlock, font: Face, x: float, top: float, tracking: float) -> dict:
    """Return one text block as outlines, first baseline one size below ``top``."""
    paths, boxes = [], []
    for i, line in enumerate(block.lines):
        baseline = top + block.size * 0.82 + i * block.leading
        paths.append(font.path(line, block.size, x, baseline, tracking, boxes))
    ink = (min(b[0] for b in boxes), min(b[1] for b in boxes),
           max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else None
    return {"paths": paths, "lines": list(block.lines), "size": block.size, "ink": ink}


def cover_image(root: Path, name: str | None, target: str) -> str | None:
    """Return the cover image's URL for the SVG (a data: URL for the EPUB's cover)."""
    if not name:
        return None
    path = Path(root) / "source" / name
    if target == "epub":
        kind = mimetypes.guess_type(path.name)[0] or "image/png"
        return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    from zinepress.formats.urls import project_url
    return project_url(root, path)


def pattern(kind: str, band: dict, seed: str, stroke: float) -> dict:
    """Return the shapes of a generated pattern filling ``band``, the same for a seed.

    truchet: quarter circles in a grid of tiles, each turned by the seed's dice;
    stripes: diagonal bars; dots: a half-drop grid of discs; none: an empty band.
    """
    rng = random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))
    x0, y0, w, h = band["x"], band["y"], band["width"], band["height"]
    shapes: list[dict] = []
    if kind == "truchet":
        columns = 7
        cell = w / columns
        rows = max(1, round(h / cell))
        cell_h = h / rows
        for row in range(rows):
            for col in range(columns):
                x, y = x0 + col * cell, y0 + row * cell_h
                rx, ry = cell / 2, cell_h / 2   # arcs meet at the tiles' edge midpoints
                if rng.random() < 0.5:
                    d = (f"M{x + rx:.2f},{y:.2f} A{rx:.2f},{ry:.2f} 0 0 1 {x:.2f},{y + ry:.2f} "
                         f"M{x + cell:.2f},{y + ry:.2f} A{rx:.2f},{ry:.2f} 0 0 0 "
                         f"{x + rx:.2f},{y + cell_h:.2f}")
                else:
                    d = (f"M{x + rx:.2f},{y:.2f} A{rx:.2f},{ry:.2f} 0 0 0 {x + cell:.2f},{y + ry:.2f} "
                         f"M{x:.2f},{y + ry:.2f} A{rx:.2f},{ry:.2f} 0 0 1 "
                         f"{x + rx:.2f},{y + cell_h:.2f}")
                shapes.append({"d": d})
    elif kind == "stripes":
        gap = w / (9 + rng.randrange(5))
        slope = h * (0.4 + rng.random() * 0.6)
        for i in range(-int(slope / gap) - 2, int(w / gap) + 2):
            x = x0 + i * gap
            shapes.append({"d": f"M{x:.2f},{y0 + h:.2f} L{x + slope:.2f},{y0:.2f}"})
    elif kind == "dots":
        columns = 9 + rng.randrange(4)
        cell = w / columns
        rows = max(1, round(h / cell))
        for row in range(rows):
            for col in range(columns + 1):
                cx = x0 + (col + (0.5 if row % 2 else 0.0)) * cell
                if cx > x0 + w - cell * 0.3 or cx < x0 + cell * 0.3:
                    continue
                radius = cell * (0.18 + 0.2 * rng.random())
                shapes.append({"cx": cx, "cy": y0 + (row + 0.5) * h / rows, "r": radius})
    return {"kind": kind if kind in PATTERNS else "none", "shapes": shapes, "stroke": stroke}


UNITS_PX = {"mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "pt": 96 / 72, "px": 1.0}


def page_size_px(size: str) -> tuple[float, float]:
    """Return a CSS page size ("148mm 210mm", "5.5in 8.5in") in CSS pixels.

    >>> page_size_px("5.5in 8.5in")
    (528.0, 816.0)
    """
    values = []
    for part in size.split()[:2]:
        unit = part.lstrip("0123456789.")
        values.append(float(part[: len(part) - len(unit)]) * UNITS_PX[unit or "px"])
    return values[0], values[1]


EPUB_COVER_PX = (1200, 1800)
_FACES_IN_USE = threading.Lock()


def render_cover(root: Path, context: dict, target: str, page_size: str | None = None) -> str:
    """Return the front cover as an SVG document: for "print" one page of ``page_size``
    (drawn in CSS pixels, sized in the page's own units), for "epub" 1200 × 1800."""
    from zinepress.render.templates import render_template
    width, height = page_size_px(page_size) if page_size else EPUB_COVER_PX
    with _FACES_IN_USE:  # the cached faces decompile their tables lazily: one thread at a time
        drawn = cover_context(root, context, width, height, target)
    svg = render_template(root, "cover.svg.j2", {**context, "c": drawn})
    if target == "epub":
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    first, second = page_size.split()[:2]
    return svg.replace(f'width="{round(width, 2)}" height="{round(height, 2)}"',
                       f'width="{first}" height="{second}"', 1)
