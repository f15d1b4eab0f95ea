"""Typography report: a built PDF in, the counts a typesetter looks at out.

Reads the glyphs back from the PDF's pages (PDFium: each character's origin, size and
box), rebuilds the text lines, and measures per page:

- straight quotes (``"`` and ``'``) left in the text;
- line ends hyphenated by the layout (U+2010, WeasyPrint's hyphenation character) or
  broken after a word's own hyphen, runs of such lines, and those that carry a word
  over a page turn; hyphenated capitalised words (proper names);
- the widest word space of each justified line, as a fraction of its line height
  (baseline to baseline), and the loosest line of each page;
- widows (a paragraph's last line alone at the top of a page) and orphans (its first
  line alone at the foot).

Body text is told from running heads, folios and footnotes by size: lines set at
least :data:`BODY_SIZE_RATIO` of the most common size count as text. Nothing here
depends on how the PDF was made, so the same report reads any zinepress book.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from zinepress.errors import ZineError

HYPHEN = "\u2010"
SPACES = " \u00a0"
STRAIGHT_QUOTES = "\"'"
BODY_SIZE_RATIO = 0.87
SUPERSCRIPT_RATIO = 0.85   # smaller than this, and raised: a note call on its line
FULL_LINE_SLACK_EM = 0.6   # a line ending this close to the measure is full
TAB_GAP = 1.0              # a wider gap (in line heights) is a tab stop, not a space


@dataclass
class Line:
    """One text line: its characters, where it sits, and its word spaces."""

    text: str
    size: float                 # font size of most of its characters
    baseline: float             # PDF user space, y grows upwards
    x0: float
    x1: float
    gaps: list[float] = field(default_factory=list)  # word spaces, in points
    kind: str = "text"          # "text" (main text), "note" (smaller), "furniture"
    height: float = 0.0         # baseline-to-baseline for this size

    @property
    def body(self) -> bool:
        return self.kind != "furniture"

    @property
    def hyphen_end(self) -> str | None:
        """Return 'auto' for a layout hyphen, 'explicit' for a word's own, else None."""
        text = self.text.rstrip()
        if text.endswith(HYPHEN):
            return "auto"
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
            return "explicit"
        return None

    @property
    def last_word(self) -> str:
        words = self.text.split()
        return words[-1] if words else ""

    @property
    def looseness(self) -> float:
        """Return the widest word space as a fraction of the line height (0 if none).

        A gap of more than :data:`TAB_GAP` line heights is a tab stop (a page number
        set flush right in the contents), not a word space.
        """
        if not self.height:
            return 0.0
        spaces = [gap / self.height for gap in self.gaps if gap < TAB_GAP * self.height]
        return max(spaces, default=0.0)


@dataclass
class PageReport:
    number: int
    lines: list[Line]
    quotes: int = 0
    hyphens: int = 0
    explicit_hyphens: int = 0
    names: list[str] = field(default_factory=list)
    longest_run: int = 0
    page_turn: str | None = None
    loosest: float = 0.0
    loosest_line: str = ""
    widow: bool = False
    orphan: bool = False


@dataclass
class Report:
    path: Path
    pages: list[PageReport]

    def total(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.pages)

    @property
    def hyphenated(self) -> int:
        return self.total("hyphens")

    @property
    def runs_over_two(self) -> int:
        return sum(1 for p in self.pages if p.longest_run > 2)

    @property
    def longest_run(self) -> int:
        return max((p.longest_run for p in self.pages), default=0)

    @property
    def page_turns(self) -> list[int]:
        return [p.number for p in self.pages if p.page_turn]

    @property
    def names(self) -> list[str]:
        return [name for p in self.pages for name in p.names]

    @property
    def widows(self) -> list[int]:
        return [p.number for p in self.pages if p.widow]

    @property
    def orphans(self) -> list[int]:
        return [p.number for p in self.pages if p.orphan]

    def looseness(self) -> list[float]:
        """Return the looseness of every justified body line (full lines only)."""
        return [line.looseness for p in self.pages for line in p.lines
                if line.body and line.gaps and is_full(line, p.lines)]


# -- reading the PDF ---------------------------------------------------------------

def read_pages(path: Path) -> list[list[Line]]:
    """Return the text lines of every page of the PDF at ``path``, top to bottom."""
    from zinepress.formats.ink import page_glyphs
    try:
        glyph_pages = page_glyphs(path)
    except ValueError as exc:
        raise ZineError(str(path), None, "Z501", f"cannot read the PDF ({exc})") from None
    pages = [page_lines(glyphs) for glyphs in glyph_pages]
    set_body_and_heights(pages)
    return pages


def page_lines(glyphs) -> list[Line]:
    """Group a page's characters into lines (superscript note calls join their line)."""
    lines: list[dict] = []
    current: dict | None = None
    for glyph in glyphs:
        if current is not None and same_line(current, glyph):
            current["glyphs"].append(glyph)
            continue
        current = {"glyphs": [glyph], "baseline": glyph[2], "size": glyph[3]}
        lines.append(current)
    return [make_line(line["glyphs"]) for line in lines]


def same_line(line: dict, glyph) -> bool:
    char, gx, gy, size = glyph[:4]
    last = line["glyphs"][-1]
    if gx < last[1] - 2 * line["size"]:
        return False  # went back to the left: a new line
    offset = gy - line["baseline"]
    if abs(offset) <= 0.25 * line["size"]:
        return True
    raised = 0 < offset <= 0.7 * line["size"]
    return raised and size < SUPERSCRIPT_RATIO * line["size"]


def make_line(glyphs) -> Line:
    """Return a :class:`Line` with its word spaces measured from glyph origins."""
    sizes = Counter(round(g[3], 2) for g in glyphs if g[0] not in SPACES)
    size = sizes.most_common(1)[0][0] if sizes else glyphs[0][3]
    text = "".join(g[0] for g in glyphs)
    gaps = []
    for i, glyph in enumerate(glyphs):
        # The white a reader sees: from the ink of the word before the space to the ink
        # of the word after it (side bearings included, as the eye takes them).
        if glyph[0] in SPACES and 0 < i < len(glyphs) - 1 and glyphs[i + 1][0] not in SPACES \
                and glyphs[i - 1][0] not in SPACES:
            gaps.append(glyphs[i + 1][4] - glyphs[i - 1][5])
    inked = [g for g in glyphs if g[0] not in SPACES]
    return Line(text=text, size=size, baseline=glyphs[0][2],
                x0=min(g[4] for g in inked) if inked else glyphs[0][1],
                x1=max(g[5] for g in inked) if inked else glyphs[0][1], gaps=gaps)


def set_body_and_heights(pages: list[list[Line]]) -> None:
    """Sort lines top to bottom, mark furniture and main text, give each its line height.

    Main text is set at least :data:`BODY_SIZE_RATIO` of the most common size;
    footnotes are smaller; running heads (a small line alone at the top) and folios
    (a number alone) are furniture and count for nothing.
    """
    sizes = Counter()
    for lines in pages:
        lines.sort(key=lambda line: -line.baseline)
        for line in lines:
            sizes[line.size] += len(line.text)
    if not sizes:
        return
    body_size = sizes.most_common(1)[0][0]
    deltas: dict[float, list[float]] = {}
    for lines in pages:
        for i, line in enumerate(lines):
            line.kind = "text" if line.size >= BODY_SIZE_RATIO * body_size else "note"
            if is_folio(line) or (i == 0 and line.kind == "note" and len(lines) > 1
                                  and line.baseline - lines[1].baseline > 2 * line.size):
                line.kind = "furniture"
        for above, below in zip(lines, lines[1:]):
            if above.size == below.size:
                delta = above.baseline - below.baseline
                if 0 < delta < 3 * above.size:
                    deltas.setdefault(above.size, []).append(round(delta, 1))
    usual = {size: Counter(values).most_common(1)[0][0] for size, values in deltas.items()}
    for lines in pages:
        for line in lines:
            line.height = usual.get(line.size, 1.3 * line.size)


def is_folio(line: Line) -> bool:
    text = line.text.strip()
    return bool(text) and (text.isdigit() or set(text.lower()) <= set("ivxlc"))


# -- measuring ---------------------------------------------------------------------

def is_full(line: Line, lines: list[Line]) -> bool:
    """Return True if ``line`` reaches the right edge of the page's body text."""
    right = max((other.x1 for other in lines if other.body), default=line.x1)
    return line.x1 >= right - FULL_LINE_SLACK_EM * line.size * 0.75


def page_report(number: int, lines: list[Line]) -> PageReport:
    report = PageReport(number, lines)
    body = [line for line in lines if line.body]
    report.quotes = sum(line.text.count(q) for line in lines for q in STRAIGHT_QUOTES)
    run = 0
    for line in body:
        kind = line.hyphen_end
        if kind == "auto":
            report.hyphens += 1
            word = re.split(r"[—–/\u2060-]", line.last_word)[-1].lstrip("“‘(«[\"'")
            if word[:1].isupper():
                report.names.append(word)
        elif kind == "explicit":
            report.explicit_hyphens += 1
        run = run + 1 if kind else 0
        report.longest_run = max(report.longest_run, run)
    main = [line for line in body if line.kind == "text"]
    if main and main[-1].hyphen_end:
        report.page_turn = main[-1].last_word
    justified = [line for line in body if line.gaps and is_full(line, lines)]
    if justified:
        worst = max(justified, key=lambda line: line.looseness)
        report.loosest, report.loosest_line = worst.looseness, worst.text
    return report


def mark_widows_and_orphans(pages: list[PageReport]) -> None:
    """Set ``widow``/``orphan`` where a paragraph is cut by a page break.

    A paragraph runs on over a break when the page's last line of main text is full
    (justified to the measure). Its first line is alone at the foot (an orphan) when
    the line above it ended a paragraph (it is short) or stands apart; its last line is
    alone at the top (a widow) when the next page's first line is short.
    """
    for before, after in zip(pages, pages[1:]):
        main_before = [line for line in before.lines if line.kind == "text"]
        main_after = [line for line in after.lines if line.kind == "text"]
        if not main_before or not main_after:
            continue
        if not justified_page(before) or not justified_page(after):
            continue  # ragged text (references, verse): where a paragraph ends is unknown
        last, first = main_before[-1], main_after[0]
        if not is_full(last, before.lines) or first.size != last.size:
            continue  # the paragraph ends here, or the next page starts with a heading
        if len(main_before) > 1:
            above = main_before[-2]
            apart = above.baseline - last.baseline > 1.2 * last.height
            if apart or not is_full(above, before.lines):
                before.orphan = True
        if not is_full(first, after.lines) and len(first.text.split()) > 0:
            after.widow = True


def justified_page(page: PageReport) -> bool:
    """True if most of the page's main text lines reach the measure (justified text)."""
    main = [line for line in page.lines if line.kind == "text"]
    return bool(main) and sum(is_full(line, page.lines) for line in main) >= 0.6 * len(main)


def analyse(path: Path) -> Report:
    """Return the typography report of the PDF at ``path``."""
    pages = [page_report(i + 1, lines) for i, lines in enumerate(read_pages(Path(path)))]
    mark_widows_and_orphans(pages)
    # A run of hyphenated lines can continue over a page: count it on the later page.
    return Report(Path(path), pages)


def summary(report: Report) -> dict:
    """Return the report's numbers as a plain dict (what the CLI and tests read)."""
    loose = report.looseness()
    ordered = sorted(loose)
    return {
        "pages": len(report.pages),
        "straight_quotes": report.total("quotes"),
        "hyphenated_lines": report.hyphenated,
        "hyphens_per_page": round(report.hyphenated / max(1, len(report.pages)), 2),
        "explicit_hyphen_ends": report.total("explicit_hyphens"),
        "longest_hyphen_run": report.longest_run,
        "page_turn_hyphens": report.page_turns,
        "hyphenated_names": report.names,
        "loosest_p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2) if ordered else 0.0,
        "loosest_max": round(max(loose), 2) if loose else 0.0,
        "widows": report.widows,
        "orphans": report.orphans,
    }


def format_report(report: Report, per_page: bool = True) -> str:
    """Return the report as text: one line per page, then the totals."""
    out = [f"{report.path.name}"]
    if per_page:
        out.append("  page  quotes  hyph  run  turn  loosest  widow/orphan")
        for p in report.pages:
            flags = ("W" if p.widow else "") + ("O" if p.orphan else "")
            out.append(f"  {p.number:4d}  {p.quotes:6d}  {p.hyphens:4d}  {p.longest_run:3d}"
                       f"  {'yes' if p.page_turn else '':>4}  {p.loosest:7.2f}  {flags}")
    numbers = summary(report)
    out.append("  " + ", ".join(f"{key.replace('_', ' ')}: {value}"
                                for key, value in numbers.items()))
    return "\n".join(out)


def run_report(root: Path, pdfs: list[Path]) -> int:
    """Print the typography report of ``pdfs`` (default: the book's reading PDFs)."""
    if not pdfs:
        from zinepress.build.recipes import RECIPES
        from zinepress.source.load import load_book
        book = load_book(root)
        pdfs = [RECIPES[name].path(book) for name in ("pdf", "pdf-letter")]
        missing = [p for p in pdfs if not p.is_file()]
        if missing:
            raise ZineError(missing[0].relative_to(book.root), None, "Z720",
                            "not built yet", hint="run `zinepress build pdf pdf-letter` first")
    for path in pdfs:
        if not Path(path).is_file():
            raise ZineError(path, None, "Z720", "no such PDF")
        print(format_report(analyse(Path(path))))
    return 0
