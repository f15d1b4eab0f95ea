"""Reading PDFs laid out part by part: a checked book in, the PDF's bytes out.

Every part of the book (front matter, each chapter, the colophon) starts on a new
page, so each is laid out on its own, in parallel, and kept in ``build/.parts/``
under a hash of everything that shapes it. After an edit only the changed chapter is
laid out again. Page furniture (folios, running heads) is laid out apart, part by
part, on the part's real page numbers and sides; when a chapter's page count changes,
the chapters after it get new furniture, not a new layout. The contents page is laid
out last, with the real page numbers. :func:`zinepress.formats.pdffile.assemble.assemble` puts
the pages together, with the links, named destinations and bookmarks of every part.

Steps, each a batch of layouts run by ``run`` (the scheduler's worker processes):
1. the chapters (short ones share a layout, see :func:`units`) and the colophon,
   without furniture;
2. the front matter, with the page numbers that follow from 1;
3. the furniture, in runs of consecutive parts;
4. assembly.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

from zinepress.formats import paging

CACHE_DIR = ".parts"
Run = Callable[[Callable, Sequence], list]


def run_here(fn: Callable, items: Sequence) -> list:
    """Run ``fn`` on every item in this process (the default ``run``)."""
    return [fn(item) for item in items]


@dataclass(frozen=True)
class PartJob:
    """One layout to make: a part's HTML, or its furniture's (picklable, for workers)."""

    key: str
    html: str
    root: str
    source: str
    epoch: int | None = None
    first_right: bool = True
    furniture: bool = False
    fonts: tuple[str, ...] = ()  # the metadata's extra font files
    tagged: bool = False         # write the structure tree (body parts only)
    hyphenation: tuple = ()      # the language table's hyphenation rules, as sorted items


@dataclass(frozen=True)
class WholeJob:
    """A whole book to lay out in one piece (picklable, for a worker)."""

    html: str
    root: str
    epoch: int | None = None
    fonts: tuple[str, ...] = ()
    hyphenation: tuple = ()


def lay_out_whole(job: WholeJob) -> bytes:
    """Return the PDF bytes of ``job``'s book laid out in one piece (in a worker)."""
    from zinepress.formats.pdf import render_pdf
    root = Path(job.root)
    return render_pdf(job.html, root, root / "templates", BOOK, job.epoch,
                      fonts=[Path(f) for f in job.fonts], tagged=True,
                      hyphenation=dict(job.hyphenation))


def one_piece(chapters: Sequence) -> bool:
    """Return True for a book whose chapters all share one layout unit: laying it out
    in parts (front matter, body, colophon, furniture) would only cost more documents."""
    return len(units([len(ch.html) for ch in chapters])) < 2


def lay_out(job: PartJob):
    """Return the :class:`~zinepress.formats.pdf.PartLayout` of ``job`` (in a worker)."""
    from zinepress.formats.pdf import layout_part
    root = Path(job.root)
    return layout_part(job.html, root, root / "templates", job.source, job.epoch,
                       job.first_right, job.furniture, [Path(f) for f in job.fonts],
                       job.tagged and not job.furniture, dict(job.hyphenation))


class PartCache:
    """One output's part layouts in ``build/.parts/OWNER/``: ``KEY.pdf`` and ``KEY.json``."""

    def __init__(self, build_dir: Path, owner: str):
        from zinepress.build.output import remove_stale_temps
        self.dir = Path(build_dir) / CACHE_DIR / owner
        self.used: set[str] = set()
        if self.dir.is_dir():
            remove_stale_temps(self.dir)

    def get(self, key: str):
        from zinepress.formats.pdf import PartLayout
        self.used.add(key)
        try:
            facts = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.dir / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        facts = {k: tuple(v) if isinstance(v, list) else v for k, v in facts.items()}
        return PartLayout(pdf=data, **facts)

    def put(self, key: str, layout) -> None:
        from zinepress.build.output import write_atomic
        self.dir.mkdir(parents=True, exist_ok=True)
        facts = {k: v for k, v in asdict(layout).items() if k != "pdf"}
        write_atomic(self.dir / f"{key}.pdf", layout.pdf)
        write_atomic(self.dir / f"{key}.json", json.dumps(facts).encode())

    def lay_out(self, jobs: list[PartJob], run: Run) -> list:
        """Return the layout of every job, laying out (with ``run``) only those not kept."""
        found = {job.key: self.get(job.key) for job in jobs}
        missing = list({job.key: job for job in jobs if found[job.key] is None}.values())
        for job, layout in zip(missing, run(lay_out, missing)):
            self.put(job.key, layout)
            found[job.key] = layout
        return [found[job.key] for job in jobs]

    def prune(self) -> None:
        """Delete the layouts this build did not use."""
        for path in self.dir.glob("*.*"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


class FontCache:
    """Merged font programs in the part cache (``KEY.font``), as a mapping."""

    def __init__(self, parts: PartCache):
        self.parts = parts

    def path(self, key: str) -> Path:
        self.parts.used.add(key)
        return self.parts.dir / f"{key}.font"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def __getitem__(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def __setitem__(self, key: str, data: bytes) -> None:
        from zinepress.build.output import write_atomic
        self.parts.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(key), data)


def key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


_H1 = re.compile(r"<h1\b.*?</h1>", re.S)
_ID = re.compile(r'\s+id="[^"]*"')


UNIT_CHARS = 30_000      # chapters shorter than this (in HTML) share a layout
FURNITURE_PAGES = 48     # book pages per furniture document, at least
BOOK = "templates/book.html.j2"


def units(sizes: Sequence[int], least: int | None = None) -> list[list[int]]:
    """Group consecutive chapters (by index) into layouts of at least ``least`` characters.

    Each layout document costs the same set-up (stylesheets, fonts); short chapters
    share one, long ones have their own, so an edit lays out little again.

    >>> units([50_000, 8_000, 9_000, 20_000, 3_000])
    [[0], [1, 2, 3], [4]]
    """
    least = UNIT_CHARS if least is None else least
    groups: list[list[int]] = []
    size = least
    for index, chars in enumerate(sizes):
        if size >= least:
            groups.append([])
            size = 0
        groups[-1].append(index)
        size += chars
    return groups


def reading_pdf(html_for: Callable[..., str], chapters: Sequence, root: Path,
                build_dir: Path, fingerprint: str, owner: str, epoch: int | None = None,
                run: Run = run_here, fonts: tuple[str, ...] = (), tagged: bool = False,
                hyphenation: dict | None = None) -> bytes:
    """Return the reading PDF, laid out part by part (see the module's docstring).

    ``html_for(template, **values)`` renders a template with the book's context;
    ``chapters`` are the print chapters (:class:`~zinepress.convert.pandoc.HtmlChapter`);
    ``fingerprint`` hashes what shapes a layout besides its HTML (stylesheets, fonts,
    tools); ``owner`` names the output in the cache; ``fonts``: extra font files;
    ``tagged``: every part keeps its structure tree and the book gets one, joined;
    ``hyphenation``: the language table's rules for the line breaker.
    """
    from zinepress.formats.pdf import source_date_epoch
    from zinepress.formats.pdffile.assemble import FurnitureRun, PlacedPart, assemble
    cache = PartCache(build_dir, owner)

    from zinepress.build.manifest import sha256_file
    rules = tuple(sorted((hyphenation or {}).items()))
    shaping = key(fingerprint, str(tagged), repr(rules),
                  *(f"{f}={sha256_file(Path(f))}" for f in fonts))

    def job(html: str, source: str, first_right: bool = True, furniture: bool = False):
        return PartJob(key(shaping, html, str(first_right), str(furniture)), html,
                       str(root), source, epoch, first_right, furniture, fonts, tagged, rules)

    groups = units([len(ch.html) for ch in chapters])
    htmls = [html_for("book.html.j2", show=["chapters"], chapters=[chapters[i] for i in group])
             for group in groups] + [html_for("book.html.j2", show=["back"], chapters=chapters)]
    sides: dict[int, bool] = {}  # parts laid out from a left page (see below)
    for _ in range(3):
        laid = cache.lay_out([job(html, BOOK, sides.get(i, True)) for i, html in enumerate(htmls)],
                             run)
        front, placements, starts = lay_out_front(html_for, chapters, groups, laid, cache, job, run)
        laid = [front, *laid]
        runs = furniture_runs(html_for, chapters, groups, laid, placements, starts)
        furniture = cache.lay_out([job(html, "templates/furniture.html.j2", right, furniture=True)
                                   for _, right, html in runs], run)
        over = {first + i: (run_layout, i) for (first, _, _), run_layout in zip(runs, furniture)
                for i in range(run_layout.pages)}
        # A body laid out from a right page fits a left one when the text block is as
        # wide on both sides (print.css); otherwise it is laid out again on its side.
        wrong = [i for i, (body, place) in enumerate(zip(laid, placements))
                 if any(round(body.widths_pt[j], 2) != round(page_widths(over, place, j), 2)
                        for j in range(body.pages))]
        if not wrong:
            break
        sides.update({i - 1: placements[i].first_right for i in wrong})
    else:
        raise AssertionError("parts do not fit their pages' width: " + "; ".join(
            f"part {i} from page {placements[i].first_page}, page "
            f"{[(j, laid[i].widths_pt[j], page_widths(over, placements[i], j)) for j in range(laid[i].pages) if round(laid[i].widths_pt[j], 2) != round(page_widths(over, placements[i], j), 2)]}"
            for i in wrong))
    parts = [PlacedPart(body.pdf, shifts(over, body, place), body.anchors, place.blanks_before)
             for body, place in zip(laid, placements)]
    with source_date_epoch(epoch):  # fontTools stamps the fonts it subsets
        data = assemble(parts, [FurnitureRun(layout.pdf, first) for (first, _, _), layout
                                in zip(runs, furniture)], font_cache=FontCache(cache))
    cache.prune()
    return data


def page_widths(over: dict, place: paging.Placement, index: int) -> float:
    """Return the page-area width of a part's page ``index`` in its book position."""
    found = over.get(place.first_page + index)
    return found[0].widths_pt[found[1]] if found else -1.0


def shifts(over: dict, body, place: paging.Placement) -> tuple[float, ...]:
    """Return how far each body page moves right to sit on its book page's margin."""
    moved = []
    for j in range(body.pages):
        layout, i = over[place.first_page + j]
        moved.append(round(layout.lefts_pt[i] - body.lefts_pt[j], 4))
    return tuple(moved)


def chapter_starts(chapters, groups, laid, placements) -> dict[str, int]:
    """Return each chapter's first page number, from its layout's anchors and placement."""
    starts = {}
    for group, body, place in zip(groups, laid, placements):
        where = dict(zip(body.anchors, body.anchor_pages))
        for i in group:
            starts[chapters[i].ident] = place.first_page + where.get(chapters[i].ident, 0)
    return starts


def furniture_runs(html_for, chapters, groups, laid, placements, starts):
    """Return ``(first page, first page is right, HTML)`` of each furniture document.

    Consecutive parts share a document of at least :data:`FURNITURE_PAGES` pages; the
    blank pages between two of them (a left-hand colophon) come out of the stylesheets.
    """
    described = [[{"kind": "front", "pages": laid[0].pages}]]
    for group, body, place in zip(groups, laid[1:], placements[1:]):
        end = place.first_page + body.pages
        firsts = [starts[chapters[i].ident] for i in group] + [end]
        described.append([{"kind": "chapter", "pages": nxt - first, "role": chapters[i].role,
                           "heading": heading(chapters[i].html)}
                          for i, first, nxt in zip(group, firsts, firsts[1:])])
    described.append([{"kind": "back", "pages": laid[-1].pages}])
    runs, current, first = [], [], None
    for parts, place in zip(described, placements):
        if first is None:
            first = place
        current += parts
        if sum(p["pages"] for p in current) >= FURNITURE_PAGES:  # read here: tests change it
            runs.append((first, current))
            current, first = [], None
    if current:
        runs.append((first, current))
    return [(place.first_page, place.first_right, html_for("furniture.html.j2", furniture={
        "first_page": place.first_page, "first_right": place.first_right, "parts": parts}))
        for place, parts in runs]


def heading(html: str) -> str:
    """Return a chapter's ``<h1>`` element (it sets the running head), without its id."""
    found = _H1.search(html)
    return _ID.sub("", found.group(0), count=1) if found else ""


def lay_out_front(html_for, chapters, groups, laid, cache, job, run, guess: int = 2):
    """Return the front matter's layout, every part's placement and the chapters' pages.

    The contents page shows the chapters' page numbers, which depend on the front
    matter's own length: start from ``guess`` pages and lay out again if it differs.
    """
    for _ in range(4):
        placements = paging.place_parts([(guess, "auto")] + [(p.pages, p.break_before) for p in laid])
        starts = chapter_starts(chapters, groups, laid, placements[1:])
        [front] = cache.lay_out([job(html_for("book.html.j2", show=["front"], chapters=chapters,
                                              pages=starts), BOOK)], run)
        if front.pages == guess:
            return front, placements, starts
        guess = front.pages
    raise AssertionError("the front matter's length does not settle")


def style_fingerprint(root: Path, extra: Sequence[str] = ()) -> str:
    """Return a hash of what shapes a part's layout besides its HTML.

    The files of every template layer (stylesheets, fonts, language tables), the files
    under ``source/`` that are not text (images), the tools' versions and the code
    that lays parts out; ``extra``: more strings (the build timestamp, the page size).
    """
    from zinepress.build.fingerprint import code_fingerprint, tool_fingerprint
    from zinepress.build.manifest import sha256_file
    from zinepress.render.layers import template_dirs
    root = Path(root)
    facts = [f"{layer}:{p.relative_to(folder).as_posix()}={sha256_file(p)}"
             for layer, folder in enumerate(template_dirs(root))
             for p in sorted(folder.rglob("*")) if p.is_file()]
    facts += [f"{p.relative_to(root).as_posix()}={sha256_file(p)}"
              for p in sorted((root / "source").rglob("*")) if p.is_file()
              and p.suffix not in (".md", ".yaml") and "original" not in p.relative_to(root).parts]
    code = code_fingerprint()
    facts += [f"{k}={v}" for k, v in sorted(tool_fingerprint().items())]
    facts += [f"{k}={code[k]}" for k in sorted(code) if k.startswith("zinepress:formats/")]
    return key(*facts, *extra)
