"""Build driver: a project folder in, the outputs in ``build/`` out.

Reads and checks everything first (Pelican's "read everything, then write"); then,
for each requested output, compares what it is made from with ``build/manifest.json``
(:mod:`zinepress.build.manifest`) and rebuilds only what changed. Independent outputs
render at the same time in worker processes; an output made from another (the
imposed zines from their reading PDF) starts as soon as that one is done, and is
rebuilt only if that PDF's bytes changed.

The table :data:`TARGETS` says, for every output, its file name, the outputs it is
made from, and the project files it reads.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes.util
import datetime as dt
import functools
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata as pkg_metadata
from pathlib import Path

from zinepress.build import manifest
from zinepress.build import output
from zinepress.errors import ZineError, ZineErrors
from zinepress.source.load import Book, load_book

log = logging.getLogger("zinepress")

# Chapters, metadata and any image beside them; not source/original/ (the seed copy,
# which only the fidelity check reads).
TEXT = ("source/metadata.yaml", "source/*.md", "source/**/*")
NOT_INPUTS = ("source/original/",)
FONTS = ("templates/fonts/*", "templates/lang/*")
PRINT = TEXT + FONTS + ("templates/book.html.j2", "templates/colophon.html.j2",
                        "templates/print.css")


@dataclass(frozen=True)
class Target:
    """One output: its name, file-name pattern, the outputs and files it is made from."""

    name: str
    pattern: str
    inputs: tuple[str, ...]
    after: tuple[str, ...] = ()
    help: str = ""
    uses_css: bool = False
    needs_only_page_count: bool = False  # of the outputs in ``after``, not their bytes

    def path(self, book: Book) -> Path:
        return Path(book.root) / output.BUILD_DIR / self.pattern.format(slug=book.slug)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("pdf", "{slug}.pdf", PRINT, help="reading PDF, A5", uses_css=True),
    Target("pdf-letter", "{slug}-half-letter.pdf", PRINT, help="reading PDF, half-letter",
           uses_css=True),
    Target("epub", "{slug}.epub", TEXT + ("templates/epub.css", "templates/cover.svg.j2",
                                          "templates/colophon.html.j2"),
           help="EPUB 3", uses_css=True),
    Target("colophon", "{slug}-colophon.pdf",
           ("source/metadata.yaml", "templates/colophon.html.j2",
            "templates/colophon-page.html.j2", "templates/print.css") + FONTS,
           help="standalone anti-copyright colophon, A5"),
    Target("zine-a4", "{slug}-zine-a4.pdf", (), after=("pdf",), help="imposed zine on A4"),
    Target("zine-letter", "{slug}-zine-letter.pdf", (), after=("pdf-letter",),
           help="imposed zine on US Letter"),
    Target("printing", "{slug}-printing.pdf", ("source/metadata.yaml", "templates/printing.*")
           + FONTS, after=("pdf",), help="printing instructions", needs_only_page_count=True),
)}
GROUPS = {
    "all": tuple(TARGETS),
    "zine": ("zine-a4", "zine-letter", "printing"),
}


def expand(names: list[str]) -> list[str]:
    """Return the targets to build, each after the outputs it is made from.

    >>> expand(["zine-a4"])
    ['pdf', 'zine-a4']
    """
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in wanted:
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


def ready(order: list[str], pending: set[str], done: set[str]) -> list[str]:
    """Return the pending targets whose inputs among ``order`` are all done.

    >>> ready(["pdf", "epub", "zine-a4"], {"pdf", "epub", "zine-a4"}, set())
    ['pdf', 'epub']
    >>> ready(["pdf", "epub", "zine-a4"], {"zine-a4"}, {"pdf"})
    ['zine-a4']
    """
    return [name for name in order if name in pending
            and all(dep in done or dep not in order for dep in TARGETS[name].after)]


# Read once: builds set the variable themselves for fontTools and pandoc, and a later
# build in the same process must not mistake that for the user's choice.
USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "")


def build_epoch(book: Book) -> int:
    """Return the build timestamp: ``SOURCE_DATE_EPOCH`` if set, else the edition date."""
    if USER_EPOCH.isdigit():
        return int(USER_EPOCH)
    date = book.meta["edition"]["date"]
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> dict[str, str]:
    """Return the versions that shape the outputs, without importing the tools."""
    names = ("pypandoc-binary", "weasyprint", "pikepdf", "jinja2", "fonttools", "pyphen")
    versions = {}
    for name in names:
        try:
            versions[f"tool:{name}"] = pkg_metadata.version(name)
        except pkg_metadata.PackageNotFoundError:
            versions[f"tool:{name}"] = "absent"
    # WeasyPrint subsets fonts with HarfBuzz when the library is there, else fontTools:
    # same glyphs, different bytes, so switching must rebuild.
    versions["tool:harfbuzz-subset"] = str(bool(ctypes.util.find_library("harfbuzz-subset")))
    return versions


NOT_RENDERING = {"dev/bench.py", "dev/preview.py", "check/lint.py", "source/fidelity.py"}


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> dict[str, str]:
    """Return the hash of every module of zinepress that shapes outputs (a change rebuilds)."""
    package = Path(__file__).parents[1]
    modules = {p.relative_to(package).as_posix(): p for p in sorted(package.rglob("*.py"))}
    return {f"zinepress:{rel}": manifest.sha256_file(p) for rel, p in modules.items()
            if rel not in NOT_RENDERING}


class Build:
    """One build of one project: the checked book, then the outputs."""

    def __init__(self, root: Path, jobs: int | None = None):
        started = time.perf_counter()
        self.book = load_book(root)
        from zinepress.check.rules import check_book
        errors = check_book(self.book)
        if errors:
            raise errors[0] if len(errors) == 1 else ZineErrors(errors)
        self.root = self.book.root
        self.epoch = build_epoch(self.book)
        # fontTools stamps subset fonts with SOURCE_DATE_EPOCH; pandoc dates the EPUB.
        os.environ["SOURCE_DATE_EPOCH"] = str(self.epoch)
        self.jobs = jobs or os.cpu_count() or 1
        self.build_dir = output.build_dir(self.root)
        self.hash_cache: dict[str, str] = {}
        self.recorded: dict = {}
        log.info("load and check: %d chapters ok (%.2f s)", len(self.book.chapters),
                 time.perf_counter() - started)

    # -- what each output is made from -------------------------------------------

    def input_hashes(self, name: str) -> dict[str, str]:
        target = TARGETS[name]
        paths = [rel for pattern in target.inputs for p in sorted(self.root.glob(pattern))
                 if not (rel := p.relative_to(self.root).as_posix()).startswith(NOT_INPUTS)]
        if target.uses_css:
            paths += list(self.book.meta.get("css") or [])
        upstream = {}
        for dep in target.after:
            path = TARGETS[dep].path(self.book)
            if target.needs_only_page_count:
                upstream[f"pages:{path.relative_to(self.root)}"] = str(self.page_count(dep))
            else:
                paths.append(str(path.relative_to(self.root)))
        return {**manifest.hash_inputs(self.root, paths, self.hash_cache), **upstream,
                **tool_fingerprint(),
                **code_fingerprint(), "env:SOURCE_DATE_EPOCH": str(self.epoch)}

    def page_count(self, name: str) -> int | None:
        """Return the page count of a PDF output, from the manifest when it is current."""
        path = TARGETS[name].path(self.book)
        entry = self.recorded.get(name) or {}
        rel = str(path.relative_to(self.root))
        current = manifest.hash_inputs(self.root, [rel], self.hash_cache).get(rel)
        if current is not None and entry.get("output") == current and "pages" in entry:
            return entry["pages"]
        return pdf_page_count(path)

    def decide(self, name: str, recorded: dict) -> tuple[manifest.Decision, dict[str, str]]:
        out = TARGETS[name].path(self.book)
        inputs = self.input_hashes(name)
        current = manifest.sha256_file(out) if out.is_file() else None
        return manifest.decide(recorded.get(name), inputs, current), inputs

    # -- running ---------------------------------------------------------------

    def run(self, names: list[str], executor: cf.Executor | None = None) -> dict[str, str]:
        """Build what is out of date among ``names``; return ``{target: reason}``."""
        output.remove_stale_temps(self.build_dir)
        order = expand(names)
        recorded = self.recorded = manifest.load(self.build_dir)
        pending, done, running = set(order), set(), {}
        results: dict[str, str] = {}
        own_pool = executor is None
        executor = executor or cf.ProcessPoolExecutor(max_workers=self.jobs)
        try:
            while pending or running:
                for name in ready(order, pending, done):
                    pending.discard(name)
                    decision, inputs = self.decide(name, recorded)
                    results[name] = decision.reason
                    if not decision.rebuild:
                        log.info("%-12s up to date", name)
                        done.add(name)
                        continue
                    future = executor.submit(build_target, str(self.root), name)
                    running[future] = (name, inputs, decision.reason)
                if not running:
                    continue
                finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    name, inputs, reason = running.pop(future)
                    seconds = future.result()
                    out = TARGETS[name].path(self.book)
                    recorded[name] = {"inputs": inputs, "output": manifest.sha256_file(out),
                                      "file": out.name}
                    if out.suffix == ".pdf":
                        recorded[name]["pages"] = pdf_page_count(out)
                    manifest.save(self.build_dir, recorded)
                    log.info("%-12s rebuilt (%s) %s %.2f s", name, reason,
                             out.relative_to(self.root), seconds)
                    done.add(name)
        except BaseException:
            for future in running:
                future.cancel()
            raise
        finally:
            if own_pool:
                executor.shutdown(wait=True, cancel_futures=True)
        return results


def pdf_page_count(path: Path) -> int | None:
    """Return the number of pages of a PDF, or None if it cannot be read."""
    import pikepdf
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError):
        return None


def warn_if_colophon_overflows(data: bytes, name: str) -> None:
    """Log a warning when the colophon does not fit the back page on its own."""
    import io

    import pikepdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        dests = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        start = index[dests["colophon"][0].objgen] if "colophon" in dests else None
        if start is not None and start != len(pdf.pages) - 1:
            log.warning("%s: the colophon runs over %d pages; the back cover shows only its "
                        "end (shorten the corrections' wording)", name, len(pdf.pages) - start)


def build_target(root: str, name: str) -> float:
    """Build one output of the project at ``root`` (runs in a worker); return seconds."""
    started = time.perf_counter()
    Renderer(Path(root)).build(name)
    return time.perf_counter() - started


class Renderer:
    """The stages that make each output, for one worker process."""

    def __init__(self, root: Path):
        self.book = load_book(root)
        self.root = self.book.root
        self.epoch = build_epoch(self.book)
        os.environ["SOURCE_DATE_EPOCH"] = str(self.epoch)
        from zinepress.render import templates as render
        self.templates = self.root / render.TEMPLATES_DIR
        output.build_dir(self.root)

    def build(self, name: str) -> None:
        out = TARGETS[name].path(self.book)
        if name in ("pdf", "pdf-letter"):
            self.build_pdf(out, "a5" if name == "pdf" else "half-letter")
        elif name == "epub":
            self.build_epub(out)
        elif name == "colophon":
            self.build_colophon(out)
        elif name in ("zine-a4", "zine-letter"):
            from zinepress.impose.booklet import impose_file
            source = TARGETS[TARGETS[name].after[0]].path(self.book)
            impose_file(source, out, paper="a4" if name == "zine-a4" else "letter",
                        gathering="nested")
        elif name == "printing":
            self.build_printing(out)
        else:  # pragma: no cover - TARGETS and this switch are kept together
            raise AssertionError(name)

    @functools.cached_property
    def ast(self) -> list[list[dict]]:
        """The chapters' pandoc blocks, typeset (unless metadata says typography: false)."""
        from zinepress.convert.pandoc import read_ast
        from zinepress.convert.typography import typeset_blocks
        from zinepress.render.templates import typography_rules
        chapters = read_ast(self.book)
        rules = typography_rules(self.book)
        return chapters if rules is None else [typeset_blocks(ch, rules) for ch in chapters]

    @functools.cached_property
    def tools(self) -> dict[str, str]:
        import weasyprint

        from zinepress.convert.pandoc import pandoc_version
        return {"pandoc": pandoc_version(), "weasyprint": weasyprint.__version__}

    def context(self) -> dict:
        from zinepress.render.templates import book_context
        build_date = dt.datetime.fromtimestamp(self.epoch, dt.timezone.utc).date().isoformat()
        return {**book_context(self.book, self.tools), "build_date": build_date}

    def extra_css(self) -> list[Path]:
        return [self.root / css for css in self.book.meta.get("css") or []]

    def build_pdf(self, out: Path, page: str) -> None:
        from zinepress.convert.pandoc import print_chapters
        from zinepress.formats.pdf import PAGE_SIZES, render_pdf
        from zinepress.render.language import language_table
        from zinepress.render.templates import (render_colophon, render_template,
                                                typeset_value, typography_rules)
        rules = typography_rules(self.book)
        html = render_template(self.root, "book.html.j2", {
            **self.context(),
            "chapters": print_chapters(self.book, self.ast,
                                       title=lambda text: typeset_value(text, rules)),
            "colophon": render_colophon(self.book, self.tools, "print"),
            "page": {"name": page, "size": PAGE_SIZES[page]},
            "extra_css": [p.as_uri() for p in self.extra_css()]})
        data = render_pdf(html, self.root, self.templates, "templates/book.html.j2",
                          hyphenation=language_table(self.templates, self.book.meta["lang"])
                          .get("hyphenation"))
        warn_if_colophon_overflows(data, out.name)
        output.write_atomic(out, data)

    def build_colophon(self, out: Path) -> None:
        from zinepress.formats.pdf import PAGE_SIZES, render_pdf
        from zinepress.render.templates import render_colophon, render_template
        html = render_template(self.root, "colophon-page.html.j2", {
            **self.context(), "colophon": render_colophon(self.book, self.tools, "print"),
            "page": {"name": "a5", "size": PAGE_SIZES["a5"]}})
        output.write_atomic(out, render_pdf(html, self.root, self.templates,
                                            "templates/colophon-page.html.j2"))

    def build_epub(self, out: Path) -> None:
        from zinepress.formats import epub
        from zinepress.render.templates import render_colophon, render_template
        blocks = epub.epub_blocks(self.book, self.ast,
                                  render_colophon(self.book, self.tools, "epub"))
        cover = render_template(self.root, "cover.svg.j2", self.context())
        with tempfile.TemporaryDirectory(prefix=output.TEMP_PREFIX, dir=out.parent) as tmp, \
                output.atomic_path(out) as epub_path:
            cover_path = Path(tmp) / "cover.svg"
            cover_path.write_text(cover, encoding="utf-8")
            epub.write_epub(self.book, blocks, epub_path, cover_path,
                            [self.templates / "epub.css", *self.extra_css()],
                            self.epoch, self.root / "source")

    def build_printing(self, out: Path) -> None:
        import pikepdf

        from zinepress.impose.saddle import saddle_plan
        from zinepress.impose.printing import render_printing_instructions
        with pikepdf.open(TARGETS["pdf"].path(self.book)) as reading:
            plan = saddle_plan(len(reading.pages))
        output.write_atomic(out, render_printing_instructions(
            plan, title=self.book.meta["title"], paper="a4", duplex="short-edge",
            templates=self.templates))


def build(root: Path, names: list[str], jobs: int | None = None) -> dict[str, str]:
    """Check the project at ``root`` and bring the named outputs up to date."""
    expand(names)  # an unknown output name is refused before anything is read
    return Build(root, jobs).run(names)
