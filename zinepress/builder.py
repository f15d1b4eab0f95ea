"""Build driver: a project folder in, the outputs in ``build/`` out.

Reads and checks everything first (Pelican's "read everything, then write"), then runs
each requested output's stage. The table :data:`TARGETS` says, for every output, its
file name and which other outputs it is made from.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import convert, epub, output, pdf, render
from .check import check_book
from .errors import ZineError, ZineErrors
from .source import Book, load_book

log = logging.getLogger("zinepress")


@dataclass(frozen=True)
class Target:
    """One output: its name, file-name pattern, and the outputs it is made from."""

    name: str
    pattern: str
    after: tuple[str, ...] = ()
    help: str = ""

    def path(self, book: Book) -> Path:
        return output.build_dir(book.root) / self.pattern.format(slug=book.slug)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("pdf", "{slug}.pdf", help="reading PDF, A5"),
    Target("pdf-letter", "{slug}-half-letter.pdf", help="reading PDF, half-letter"),
    Target("epub", "{slug}.epub", help="EPUB 3"),
    Target("colophon", "{slug}-colophon.pdf", help="standalone anti-copyright colophon, A5"),
    Target("zine-a4", "{slug}-zine-a4.pdf", after=("pdf",), help="imposed zine on A4"),
    Target("zine-letter", "{slug}-zine-letter.pdf", after=("pdf-letter",),
           help="imposed zine on US Letter"),
    Target("printing", "{slug}-printing.pdf", after=("pdf",), help="printing instructions"),
)}
GROUPS = {
    "all": tuple(TARGETS),
    "zine": ("zine-a4", "zine-letter", "printing"),
}


def expand(names: list[str]) -> list[str]:
    """Return the targets to build, dependencies first, in table order."""
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name in wanted:
            return
        wanted.add(name)
        for dep in TARGETS[name].after:
            add(dep)

    for name in names:
        for member in GROUPS.get(name, (name,)):
            if member not in TARGETS:
                raise ZineError(None, None, "Z900", f"unknown output '{name}'",
                                hint="choose from " + ", ".join([*GROUPS, *TARGETS]))
            add(member)
    return [name for name in TARGETS if name in wanted]


def source_date_epoch(book: Book) -> int:
    """Return the build timestamp: the edition date at midnight UTC."""
    date = book.meta["edition"]["date"]
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())


@functools.lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    import weasyprint
    return {"pandoc": convert.pandoc_version(), "weasyprint": weasyprint.__version__}


class Build:
    """The state of one build: the checked book, and the AST read at most once."""

    def __init__(self, root: Path):
        started = time.perf_counter()
        self.book = load_book(root)
        errors = check_book(self.book)
        if errors:
            raise errors[0] if len(errors) == 1 else ZineErrors(errors)
        self.root = self.book.root
        self.templates = self.root / render.TEMPLATES_DIR
        log.info("load and check: %d chapters (%.2f s)", len(self.book.chapters),
                 time.perf_counter() - started)

    @functools.cached_property
    def ast(self) -> list[list[dict]]:
        return convert.read_ast(self.book)

    def context(self) -> dict:
        return render.book_context(self.book, tool_versions())

    def extra_css(self) -> list[str]:
        return [str(self.root / css) for css in self.book.meta.get("css") or []]

    # -- stages ----------------------------------------------------------------

    def print_html(self, page: str) -> str:
        chapters = convert.print_chapters(self.book, self.ast)
        colophon = render.render_colophon(self.book, tool_versions(), "print")
        return render.render_template(self.root, "book.html.j2", {
            **self.context(), "chapters": chapters, "colophon": colophon,
            "page": {"name": page, "size": pdf.PAGE_SIZES[page]},
            "extra_css": [Path(c).as_uri() for c in self.extra_css()]})

    def build_pdf(self, out: Path, page: str = "a5") -> None:
        html = self.print_html(page)
        output.write_atomic(out, pdf.render_pdf(html, self.root, self.templates,
                                                "templates/book.html.j2"))

    def build_colophon(self, out: Path) -> None:
        colophon = render.render_colophon(self.book, tool_versions(), "print")
        html = render.render_template(self.root, "colophon-page.html.j2", {
            **self.context(), "colophon": colophon,
            "page": {"name": "a5", "size": pdf.PAGE_SIZES["a5"]}})
        output.write_atomic(out, pdf.render_pdf(html, self.root, self.templates,
                                                "templates/colophon-page.html.j2"))

    def build_epub(self, out: Path) -> None:
        colophon = render.render_colophon(self.book, tool_versions(), "epub")
        blocks = epub.epub_blocks(self.book, self.ast, colophon)
        cover = render.render_template(self.root, "cover.svg.j2", self.context())
        with tempfile.TemporaryDirectory(prefix=output.TEMP_PREFIX, dir=out.parent) as tmp, \
                output.atomic_path(out) as epub_path:
            cover_path = Path(tmp) / "cover.svg"
            cover_path.write_text(cover, encoding="utf-8")
            epub.write_epub(self.book, blocks, epub_path, cover_path,
                            [self.templates / "epub.css", *map(Path, self.extra_css())],
                            source_date_epoch(self.book), self.root / "source")

    def run(self, names: list[str]) -> list[Path]:
        """Build the named outputs; return their paths."""
        output.remove_stale_temps(output.build_dir(self.root))
        built = []
        for name in expand(names):
            target = TARGETS[name]
            out = target.path(self.book)
            started = time.perf_counter()
            self.build_target(name, out)
            log.info("%-12s %s (%.2f s)", name, out.relative_to(self.root),
                     time.perf_counter() - started)
            built.append(out)
        return built

    def build_target(self, name: str, out: Path) -> None:
        if name == "pdf":
            self.build_pdf(out, "a5")
        elif name == "pdf-letter":
            self.build_pdf(out, "half-letter")
        elif name == "epub":
            self.build_epub(out)
        elif name == "colophon":
            self.build_colophon(out)
        elif name in ("zine-a4", "zine-letter", "printing"):
            self.build_print_zine(name, out)
        else:  # pragma: no cover - TARGETS and this switch are kept together
            raise AssertionError(name)

    def build_print_zine(self, name: str, out: Path) -> None:
        from . import booklet, impose, printing
        if name == "printing":
            count = pdf_page_count(TARGETS["pdf"].path(self.book))
            plan = impose.saddle_plan(count)
            output.write_atomic(out, printing.render_printing_instructions(
                plan, title=self.book.meta["title"], paper="a4", duplex="short-edge",
                signature_sheets=None))
            return
        source = TARGETS[TARGETS[name].after[0]].path(self.book)
        paper = "a4" if name == "zine-a4" else "letter"
        booklet.impose_file(source, out, paper=paper)


def pdf_page_count(path: Path) -> int:
    import pikepdf
    with pikepdf.open(path) as doc:
        return len(doc.pages)


def build(root: Path, names: list[str]) -> list[Path]:
    """Check the project at ``root`` and build the named outputs."""
    return Build(root).run(names)
