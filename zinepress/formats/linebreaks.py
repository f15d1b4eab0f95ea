"""Line breaking by paragraph: measured words in, the best breaks as HTML edits out.

WeasyPrint breaks lines one at a time (first fit): a line takes what fits and the
rest goes down, so a long word or a bound citation leaves a loose line behind, and
hyphenation everywhere buys tight lines with a hyphen on every other line (299 in the
essay's A5 book). A compositor looks at the whole paragraph instead. This module does
what TeX does (Knuth and Plass, "Breaking paragraphs into lines", 1981): from the
widths WeasyPrint measured in a first layout it chooses, for each justified paragraph,
the breaks with the least total badness, where

- a line's badness grows with the cube of its added word space (as a share of the line
  height); a line may be set tighter by a third of its word spaces at most
  (:data:`SHRINK_WORD_EM`), and a loose line's letters may open a little
  (:data:`STRETCH_LETTER_EM`);
- a hyphen costs :data:`HYPHEN_DEMERITS` (more when the line above ends in one; three
  in a row are never chosen), is allowed only in common words (never a capitalised
  name) of :data:`MIN_WORD` letters or more with 3 letters each side, and the book
  keeps under :data:`HYPHEN_BUDGET` hyphens a page, chapter by chapter;
- a break is only ever put where the line breaker allows one (``breakable``).

The chosen lines go back into the HTML as spans that may not wrap (``zp-line``), with the
spacing each line needs, and a soft hyphen where a word is divided.
Nothing here imports WeasyPrint: :mod:`zinepress.formats.pdf` measures, and checks the
next layout against the plan (a paragraph that does not come out as planned is left
to WeasyPrint), so the same code serves a whole book or one chapter laid out alone.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

MIN_WORD = 6               # letters, for a word to be hyphenated at all
HYPHEN_EDGE = 3            # letters kept on each side of a hyphen
LOOSE = 0.20               # added space per word space, in line heights: a loose line
SHRINK_WORD_EM = 0.07     # a word space (0.2 em) may lose a third, to set a line tighter
STRETCH_LETTER_EM = 0.02   # a loose line's letters may open by this much
HYPHEN_DEMERITS = 2500     # (TeX: \hyphenpenalty 50, squared)
DOUBLE_HYPHEN_DEMERITS = 8000
HYPHEN_BUDGET = 1.0        # hyphenated lines per page, on average, at most
LINE_PENALTY = 10
RUNT = 60                  # badness of a paragraph's last line shorter than...
RUNT_SHARE = 0.15          # ...this share of the measure
MAX_TOKENS = 400           # longer paragraphs are left to WeasyPrint (time grows with size)

_TAG = re.compile(r"(<[^>]+>)")
_BLOCK_ATTR = re.compile(r'\sdata-b="(\d+)"')
_VOID = {"br", "img", "hr", "meta", "link", "wbr", "input", "col", "area", "base", "source"}
_WS = re.compile(r"[ \t\n\r\f]+")
_CORE = re.compile(r"[^\W\d_]+")
_QUOTE_THEN_BRACKET = re.compile(r"([”’»]) (?=[(\[])")
SOFT_HYPHEN = "\u00ad"
NBSP = "\u00a0"


# -- the HTML: blocks, their text, and edits --------------------------------------------

@dataclass
class Segment:
    """A piece of the HTML: a tag, or text belonging to a block (or to none)."""

    text: str
    tag: bool
    block: str | None = None
    start: int = 0            # offset of its (collapsed) text in the block's text


@dataclass
class HtmlIndex:
    """The print HTML cut into tags and text, each text run placed in its block's text."""

    segments: list[Segment]
    texts: dict[str, str]     # block -> its collapsed text
    tags: dict[str, str] = field(default_factory=dict)            # block -> element name
    ancestors: dict[str, list[str]] = field(default_factory=dict)  # block -> blocks around it
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # its first, last segment
    context: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)
    body: int = 0             # the segment that opens <body>


@dataclass
class LineSpan:
    """One planned line: the run of the block's text it holds, and its spacing.

    A tight line gets narrower word spaces; a loose one a little letter spacing, never
    a tight one: letter spacing makes Pango drop ligatures, so a letter-spaced line is
    wider than it was measured.
    """

    start: int
    end: int
    word_em: float = 0.0
    letter_em: float = 0.0

    def opening(self) -> str:
        style = ""
        if abs(self.word_em) > 5e-5:
            style += f"word-spacing:{self.word_em:.4f}em;"
        if self.letter_em > 5e-5:
            style += f"letter-spacing:{self.letter_em:.4f}em;"
        return f'<span class="zp-line" style="{style}">' if style else '<span class="zp-line">'


@dataclass
class Edits:
    """Per block: the planned lines and where a soft hyphen goes."""

    lines: dict[str, list[LineSpan]] = field(default_factory=dict)
    hyphens: dict[str, set[int]] = field(default_factory=dict)
    glue: dict[str, set[int]] = field(default_factory=dict)   # spaces made no-break

    def drop(self, block: str) -> None:
        for table in (self.lines, self.hyphens, self.glue):
            table.pop(block, None)

    def set(self, block: str, plan: "Plan") -> None:
        self.lines[block], self.hyphens[block], self.glue[block] = plan.spans, plan.hyphens, plan.glue


def open_breaks(html: str) -> str:
    """Return the HTML with a zero-width space after a closing quote before a bracket.

    The line breaker WeasyPrint gets from Pango follows the old UAX #14 rule LB15 (a
    quotation mark, spaces, then an opening bracket: no break), so ``… ending.”
    (Guattari 2006: 418)`` is one unbreakable run and leaves a loose line. Unicode 15.1
    allows that break; the zero-width space gives it back (text only, never in tags).
    """
    return "".join(piece if piece.startswith("<") else
                   _QUOTE_THEN_BRACKET.sub("\\1\u200b ", piece)
                   for piece in _TAG.split(html))


def index_html(html: str) -> HtmlIndex:
    """Return the HTML's segments, with each text run's place in its block's text.

    A block is an element with ``data-b``; a footnote (a numbered span inside a
    paragraph) is a block of its own, so its text is not the paragraph's. For each
    block the index also keeps what a galley needs to lay it out alone: the opening
    tags around it and the element just before it (for ``p + p`` rules).
    """
    index = HtmlIndex([], {})
    texts: dict[str, list[str]] = {}
    stack: list[tuple[str, str | None, str]] = []   # (name, block it opens, opening tag)
    previous: dict[int, str | None] = {}            # depth -> last element closed there

    def current() -> str | None:
        for _, block, _ in reversed(stack):
            if block is not None:
                return block
        return None

    for piece in _TAG.split(html):
        if not piece:
            continue
        if piece.startswith("<"):
            index.segments.append(Segment(piece, True))
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            if not name or piece.startswith(("<!", "<?")):
                continue
            tag = name.group(1).lower()
            if piece.startswith("</"):
                while stack:
                    closed, block, opening = stack.pop()
                    if block is not None:
                        first = index.spans[block][0]
                        index.spans[block] = (first, len(index.segments) - 1)
                    previous[len(stack)] = opening
                    previous.pop(len(stack) + 1, None)
                    if closed == tag:
                        break
                continue
            if tag == "body":
                index.body = len(index.segments) - 1
            if tag in _VOID or piece.endswith("/>"):
                continue
            found = _BLOCK_ATTR.search(piece)
            if found:
                block = found.group(1)
                index.tags[block] = tag
                index.ancestors[block] = [b for _, b, _ in stack if b is not None]
                index.spans[block] = (len(index.segments) - 1, len(index.segments) - 1)
                index.context[block] = ([o for _, _, o in stack], previous.get(len(stack)))
            previous.pop(len(stack), None) if not found else None
            stack.append((tag, found.group(1) if found else None, piece))
            continue
        block = current()
        segment = Segment(piece, False, block)
        if block is not None:
            parts = texts.setdefault(block, [])
            so_far = "".join(parts)
            text = _WS.sub(" ", htmllib.unescape(piece))
            if so_far.endswith(" ") or not so_far:
                text = text.lstrip(" ")
            segment.start = len(so_far)
            parts.append(text)
        index.segments.append(segment)
    index.texts = {block: "".join(parts).rstrip(" ") for block, parts in texts.items()}
    return index


def apply_edits(index: HtmlIndex, edits: Edits) -> str:
    """Return the HTML with the planned lines wrapped and the soft hyphens put in."""
    return "".join(segment.text if segment.tag or segment.block is None
                   else edit_segment(segment, index, edits) for segment in index.segments)


def edit_segment(segment: Segment, index: HtmlIndex, edits: Edits) -> str:
    """Return one text run with its edits: spans opened and closed, soft hyphens added.

    A line that runs through several elements (``<em>``, a link) gets one span in each
    text run it touches, so the markup stays well nested.
    """
    block = segment.block
    lines = edits.lines.get(block, ())
    if not lines:
        return segment.text
    text = index.texts[block]
    raw = segment.text
    offsets = raw_offsets(raw, segment.start, text)
    lo, hi = segment.start, segment.start + len(offsets) - 1   # hi: the run's end offset
    inserts: dict[int, list[str]] = {}
    no_break = {offsets[o] for o in edits.glue.get(block, ()) if lo <= o < hi}
    for line in lines:
        start, end = max(line.start, lo), min(line.end, hi)
        if start >= end:
            continue
        inserts.setdefault(offsets[start], []).append(line.opening())
        inserts.setdefault(offsets[end], []).insert(0, "</span>")
        # A space at the edge of a piece is a break between two spans: close it.
        for edge in (start, end - 1):
            if text[edge] == " ":
                no_break.add(offsets[edge])
    for offset in edits.hyphens.get(block, ()):
        if lo < offset < hi:
            inserts.setdefault(offsets[offset], []).append(SOFT_HYPHEN)
    pieces = []
    for i in range(len(raw) + 1):
        for tag in sorted(inserts.get(i, []), key=lambda t: not t.startswith("</")):
            pieces.append(tag)
        if i < len(raw):
            pieces.append(NBSP if i in no_break and raw[i] in " \t\n\r\f" else raw[i])
    return "".join(pieces)


def raw_offsets(raw: str, start: int, block_text: str) -> dict[int, int]:
    """Map offsets in the block's collapsed text to positions in the raw HTML run.

    Entities count as the one character they stand for; runs of white space as one.
    """
    mapping: dict[int, int] = {}
    pos = start
    i = 0
    leading = not block_text[:start] or block_text[:start].endswith(" ")
    while i < len(raw):
        if raw[i] in " \t\n\r\f":
            j = i
            while j < len(raw) and raw[j] in " \t\n\r\f":
                j += 1
            if not leading:
                mapping[pos] = i
                pos += 1
            i = j
            leading = True
            continue
        leading = False
        mapping[pos] = i
        if raw[i] == "&":
            semi = raw.find(";", i)
            i = semi + 1 if 0 < semi - i < 12 else i + 1
        else:
            i += 1
        pos += 1
    mapping.setdefault(pos, len(raw))
    return mapping


# -- laid-out lines -----------------------------------------------------------------

@dataclass
class Line:
    """One laid-out line of a numbered block, as :mod:`zinepress.formats.pdf` read it."""

    block: str
    page: int
    text: str                 # its text, pseudo-elements (note calls, markers) left out
    justified: bool = True
    extra: float = 0.0        # justification added to each word space, px
    spaces: int = 0
    font_size: float = 0.0    # px
    height: float = 0.0       # line height, px
    last_on_page: bool = False
    start: int = 0            # offset of the line in its block's text
    end: int = 0
    box: object = field(default=None, repr=False, compare=False)  # the layout's line box

    @property
    def hyphenated(self) -> bool:
        return self.text.rstrip().endswith("\u2010")

    @property
    def looseness(self) -> float:
        return self.extra / self.height if self.height else 0.0


def place_lines(lines: list[Line], index: HtmlIndex) -> list[Line]:
    """Set each line's offsets in its block's text; return the lines that could be placed.

    The lines of a block, joined (with a space at a break between words, nothing after
    a hyphen), must give the block's text; a block where they do not is left alone.
    A no-break space the line breaker put in stands for the space it replaced.
    """
    by_block: dict[str, list[Line]] = {}
    for line in lines:
        by_block.setdefault(line.block, []).append(line)
    placed = []
    for block, block_lines in by_block.items():
        text = index.texts.get(block)
        if text is None:
            continue
        text = text.replace(NBSP, " ")
        pos, ok = 0, True
        for line in block_lines:
            body = line.text.replace(SOFT_HYPHEN, "").replace(NBSP, " ").rstrip(" ")
            if line.hyphenated:
                body = body[:-1]
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if not text.startswith(body.lstrip(" "), pos):
                ok = False
                break
            line.start, line.end = pos, pos + len(body.lstrip(" "))
            pos = line.end
        if ok and text[pos:].strip(" ") == "":
            placed += block_lines
    return placed




# -- the paragraph model and the optimiser --------------------------------------------

@dataclass
class Token:
    """A word as the line breaker sees it: what stands between two breakable spaces."""

    start: int
    end: int
    width: float                 # natural width, note calls included, px
    space: float                 # the word space after it (0 if none follows), px
    breakable: bool              # a line may end after it
    spaced: bool = True          # a space follows (not a break after a hyphen or a dash)
    stretch: int = 0             # no-break spaces inside it (WeasyPrint stretches them too)
    hyphens: list[tuple[int, float, float]] = field(default_factory=list)
    # (offset of the break, width of the head with its hyphen, width of the tail)


@dataclass
class Paragraph:
    block: str
    tokens: list[Token]
    first_width: float           # the first line's measure (less any indent), px
    width: float                 # the other lines' measure, px
    font_size: float             # px
    line_height: float           # px


@dataclass(frozen=True)
class Break:
    token: int                   # the line ends with this token...
    hyphen: int | None = None    # ...or inside it, at this hyphen


@dataclass
class Plan:
    breaks: list[Break]
    demerits: float
    spans: list[LineSpan]
    hyphens: set[int]
    glue: set[int] = field(default_factory=set)
    whole: frozenset[int] = frozenset()   # tokens kept whole on request

    def starts(self, par: "Paragraph") -> list[int]:
        """Return the offset where each planned line starts in the block's text."""
        starts = [par.tokens[0].start]
        for brk in self.breaks[:-1]:
            if brk.hyphen is None:
                starts.append(par.tokens[brk.token + 1].start)
            else:
                starts.append(par.tokens[brk.token].hyphens[brk.hyphen][0])
        return starts


def cut_points(text: str, breaks: set[int]) -> list[tuple[int, int, bool]]:
    """Return the (start, end, followed by a space) of the pieces a line may end after.

    Pieces end at each space and at each other break the line breaker allows (after a
    word's own hyphen, after a dash), so ``self-emancipation`` is two pieces.

    >>> cut_points("self-rule and more", {5, 10, 14})
    [(0, 5, False), (5, 9, True), (10, 13, True), (14, 18, False)]
    """
    pieces, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text):
            pieces.append((start, i, False))
        elif text[i] == " ":
            pieces.append((start, i, True))
            start = i + 1
        elif i in breaks and text[i - 1] != " " and i > start:
            pieces.append((start, i, False))
            start = i
    return [piece for piece in pieces if piece[1] > piece[0]]


VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûüæœ")


@dataclass(frozen=True)
class Hyphenation:
    """A language's hyphenation rules (``hyphenation`` in its language table).

    ``capitalised``: divide capitalised words too (German nouns) or never (English,
    where they are names); ``consonant_vowel``: allow a break between a consonant and a
    vowel (``macrop-olitics``), which the English patterns offer and a reader trips on.
    """

    capitalised: bool = False
    consonant_vowel: bool = False

    @classmethod
    def from_table(cls, table: dict | None) -> "Hyphenation":
        table = table or {}
        return cls(capitalised=bool(table.get("capitalised", False)),
                   consonant_vowel=bool(table.get("consonant-vowel", False)))


def hyphen_points(word: str, offset: int, dictionary, rules: Hyphenation = Hyphenation()
                  ) -> list[int]:
    """Return where ``word`` (at ``offset`` in its text) may be hyphenated.

    Only a word's letters count; a word with an apostrophe or a digit stays whole, and
    so (unless the language says otherwise) does a capitalised one: a name.

    >>> import pyphen
    >>> en = pyphen.Pyphen(lang="en_US", left=3, right=3)
    >>> hyphen_points("revolutionary,", 10, en)
    [14, 16]
    >>> hyphen_points("Allende", 0, en)
    []
    """
    core = _CORE.search(word)
    if not core or dictionary is None:
        return []
    letters = core.group(0)
    if len(letters) < MIN_WORD or core.start() > 1 or any(ch.isdigit() or ch in "’'" for ch in word):
        return []
    if not letters[0].islower() and not rules.capitalised:
        return []
    points = []
    for p in dictionary.positions(letters):
        if not HYPHEN_EDGE <= p <= len(letters) - HYPHEN_EDGE:
            continue
        if not rules.consonant_vowel and letters[p - 1].lower() not in VOWELS \
                and letters[p].lower() in VOWELS:
            continue
        points.append(offset + core.start() + p)
    return points


TOLERANCE = 3000           # lines worse than this are not considered (TeX's \tolerance)


def optimise(par: Paragraph, hyphen_demerits: float = HYPHEN_DEMERITS,
             no_hyphen: frozenset[int] = frozenset(), lines: int | None = None,
             tolerance: float = TOLERANCE) -> Plan | None:
    """Return the paragraph's best breaks (None if no set of breaks fits).

    ``no_hyphen`` names tokens not to divide; ``lines`` asks for exactly that many lines
    (to fix a break without moving the page breaks after it). Lines worse than
    ``tolerance`` are not tried, unless nothing else fits.
    """
    tokens = par.tokens
    n = len(tokens)
    # A break is (token, hyphen), hyphen -1 for a break after the whole token; the start
    # is (-1, -1). best[(break, count)] = (demerits, previous key, line cost).
    best: dict[tuple, tuple] = {((-1, -1), 0): (0.0, None, ())}
    order = [(-1, -1)]
    for i in range(n):
        if i not in no_hyphen:
            order += [(i, h) for h in range(len(tokens[i].hyphens))]
        order.append((i, -1))
    keys_at: dict[tuple, list[int]] = {(-1, -1): [0]}
    loose_factor = LOOSE * (tolerance / 100) ** (1 / 3)
    for node in order:
        for count in keys_at.get(node, ()):
            relax(par, node, count, best, keys_at, hyphen_demerits, no_hyphen, lines,
                  loose_factor)
    final = (lines if lines is not None else 1)
    if ((n - 1, -1), final) not in best:
        if tolerance < 1e9:
            return optimise(par, hyphen_demerits, no_hyphen, lines, tolerance=1e12)
        return None
    return trace(par, best, (n - 1, -1), final)


def relax(par, node, count, best, keys_at, hyphen_demerits, no_hyphen, lines,
          loose_factor) -> None:
    """Try every line that can start after ``node`` (the ``count``-th break)."""
    if lines is not None and count >= lines:
        return
    tokens = par.tokens
    n = len(tokens)
    em, lh = par.font_size, par.line_height
    width = par.first_width if count == 0 else par.width
    shrink_space, loose_px = SHRINK_WORD_EM * em, loose_factor * lh
    demerits = best[(node, count)][0]
    token_index, hyphen = node
    after_hyphen = hyphen >= 0
    third = after_hyphen and follows_hyphen(best, node, count)
    key = count + 1 if lines is not None else 1   # without a line count, one best per break
    natural, spaces, chars, started = 0.0, 0, 0, False
    if after_hyphen:
        offset, _, tail = tokens[token_index].hyphens[hyphen]
        natural, chars, started = tail, tokens[token_index].end - offset, True

    def consider(brk: tuple, nat: float, sp: int, ch: int, last: bool) -> None:
        slack = width - nat
        if slack < 0:
            capacity = sp * shrink_space
            need = -slack * 1.03 + 0.5          # a margin for rounding in the real layout
            if need > capacity:
                return
            share = need / capacity
            cost = (150 * share ** 3, -SHRINK_WORD_EM * share, 0.0)
        elif last:
            # A last line of one short word (a runt) costs like a loose line.
            cost = (RUNT if nat < RUNT_SHARE * width else 0.0, 0.0, 0.0)
        elif sp == 0:
            if slack > 0.5:
                return
            cost = (0.0, 0.0, 0.0)
        else:
            if slack > loose_px * sp:
                return                           # beyond tolerance
            added = slack / sp / lh
            letters = 0.0
            if added > LOOSE and ch > 20:
                # Open the letters of a loose line a little: the white goes into the
                # words instead of the spaces (safe here: the line has room to spare
                # for the ligatures Pango gives up when letters are spaced).
                letters = min(STRETCH_LETTER_EM * em, 0.6 * (slack - LOOSE * lh * sp) / (ch + sp))
                added = (slack - letters * (ch + sp)) / sp / lh
            cost = (100 * (added / LOOSE) ** 3, 0.0, letters / em)
        total = demerits + (LINE_PENALTY + cost[0]) ** 2
        if brk[1] >= 0:
            if third:
                return                           # never three hyphenated lines in a row
            total += hyphen_demerits + (DOUBLE_HYPHEN_DEMERITS if after_hyphen else 0)
        entry = best.get((brk, key))
        if entry is None:
            keys_at.setdefault(brk, []).append(key)
        if entry is None or total < entry[0]:
            best[(brk, key)] = (total, (node, count), cost)

    if after_hyphen and (tokens[token_index].breakable or token_index == n - 1):
        consider((token_index, -1), natural, 0, chars, token_index == n - 1)
    for i in range(token_index + 1, n):
        token = tokens[i]
        previous = tokens[i - 1]
        if started and previous.spaced:
            gap, gap_spaces = previous.space, 1
        else:
            gap, gap_spaces = 0.0, 0
        last = i == n - 1
        if token.hyphens and not last and i not in no_hyphen:
            for h, (offset, head, _) in enumerate(token.hyphens):
                consider((i, h), natural + gap + head, spaces + gap_spaces,
                         chars + offset - token.start, False)
        natural += gap + token.width
        chars += token.end - token.start
        spaces += gap_spaces + token.stretch
        started = True
        if token.breakable or last:
            consider((i, -1), natural, spaces, chars, last)
        if natural - width > spaces * shrink_space:
            return                               # even at its tightest nothing more fits


def follows_hyphen(best, node: tuple, count: int) -> bool:
    """True if the line ending at ``node`` came after a line that ended in a hyphen."""
    entry = best.get((node, count))
    if not entry or entry[1] is None:
        return False
    previous, _ = entry[1]
    return previous[1] >= 0


def trace(par: Paragraph, best, end: tuple, count: int) -> Plan:
    """Return the plan that ends at ``end`` after ``count`` lines."""
    breaks, costs = [], []
    node, k = end, count
    demerits = best[(end, count)][0]
    while node != (-1, -1):
        _, back, cost = best[(node, k)]
        breaks.append(Break(node[0], node[1] if node[1] >= 0 else None))
        costs.append(cost)
        node, k = back
    breaks.reverse()
    costs.reverse()
    return Plan(breaks, demerits, *line_spans(par, breaks, costs))


def line_spans(par: Paragraph, breaks: list[Break],
               costs) -> tuple[list[LineSpan], set[int], set[int]]:
    """Return the spans of the planned lines, the soft hyphens' and the glued spaces' offsets.

    A divided word stays outside both lines' spans, with its soft hyphen and no-break
    spaces on either side: the layout can divide it there, and nowhere else.
    """
    tokens = par.tokens
    spans, hyphens, glue = [], set(), set()
    prev = Break(-1, None)
    for brk, cost in zip(breaks, costs):
        first = prev.token + 1
        last = brk.token - (1 if brk.hyphen is not None else 0)
        if first <= last:
            spans.append(LineSpan(tokens[first].start, tokens[last].end, cost[1], cost[2]))
        if brk.hyphen is not None:
            token = tokens[brk.token]
            hyphens.add(token.hyphens[brk.hyphen][0])
            if brk.token > 0 and tokens[brk.token - 1].spaced:
                glue.add(token.start - 1)
            if token.spaced:
                glue.add(token.end)
        prev = brk
    return spans, hyphens, glue


def plan_book(paragraphs: list[Paragraph], pages: dict[str, int], sections: dict[str, str],
              edits: Edits) -> dict[str, Plan]:
    """Plan every paragraph, keeping each section under its hyphen budget; fill ``edits``.

    ``sections`` names each paragraph's section (its chapter: see :func:`section_of`)
    and ``pages`` each section's page count. The budget is kept section by section, so
    a chapter gets the same lines laid out alone or in the whole book. Returns the
    plans by block.
    """
    plans: dict[str, Plan] = {}
    grouped: dict[str, list[Paragraph]] = {}
    for par in paragraphs:
        grouped.setdefault(sections.get(par.block, ""), []).append(par)
    for section, members in grouped.items():
        plans.update(plan_section(members, pages.get(section, 1)))
    for block, plan in plans.items():
        edits.set(block, plan)
    return plans


def plan_section(paragraphs: list[Paragraph], pages: int) -> dict[str, Plan]:
    """Plan the paragraphs of one section, hyphens dearer until it keeps its budget."""
    demerits = HYPHEN_DEMERITS
    for _ in range(6):
        plans = {}
        for par in paragraphs:
            if len(par.tokens) > MAX_TOKENS:
                continue
            plan = optimise(par, demerits)
            if plan is not None:
                plans[par.block] = plan
        if sum(len(p.hyphens) for p in plans.values()) <= HYPHEN_BUDGET * pages:
            break
        demerits *= 2
    return plans


_SECTION = re.compile(r"<section\b[^>]*>")


def section_of(index: HtmlIndex, block: str) -> str:
    """Return the opening tag of the outermost section around ``block`` ("" if none)."""
    for opening in index.context.get(block, ([], None))[0]:
        if _SECTION.match(opening):
            return opening
    return ""
