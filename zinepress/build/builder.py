"""Build driver: a project folder in, the outputs in ``build/`` out.

Reads and checks everything first (Pelican's "read everything, then write"); then,
for each requested output of the recipe table (:mod:`zinepress.build.recipes`),
compares what it is made from with ``build/manifest.json`` (:mod:`zinepress.build.manifest`)
and rebuilds only what changed. The checked book and the pandoc AST are made once,
here, and handed to the worker processes; a worker returns bytes and this process
writes them (:mod:`zinepress.build.output`). Independent outputs render at the same
time; an output made from another (a zine from its reading PDF) starts as soon as that
one is done, and is rebuilt only if what it uses of it changed.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import os
import time
from importlib import metadata as pkg_metadata
from pathlib import Path

from zinepress.build import manifest, output
from zinepress.build.fingerprint import code_fingerprint, tool_fingerprint
from zinepress.build.recipes import GROUPS, NOT_INPUTS, RECIPES, Prepared, made_for
from zinepress.errors import ZineError, ZineErrors
from zinepress.source.load import Book, load_book

log = logging.getLogger("zinepress")


def expand(names: list[str]) -> list[str]:
    """Return the outputs to build, each after the outputs it is made from.

    >>> expand(["zine-a4"])
    ['pdf', 'zine-a4']
    """
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in wanted:
            wanted.add(name)
            for dep in RECIPES[name].after:
                add(dep)

    for name in names:
        for member in GROUPS.get(name, (name,)):
            if member not in RECIPES:
                raise ZineError(None, None, "Z900", f"unknown output '{name}'",
                                hint="choose from " + ", ".join([*GROUPS, *RECIPES]))
            add(member)
    return [name for name in RECIPES if name in wanted]


def ready(order: list[str], pending: set[str], done: set[str]) -> list[str]:
    """Return the pending outputs whose inputs among ``order`` are all done.

    >>> ready(["pdf", "epub", "zine-a4"], {"pdf", "epub", "zine-a4"}, set())
    ['pdf', 'epub']
    >>> ready(["pdf", "epub", "zine-a4"], {"zine-a4"}, {"pdf"})
    ['zine-a4']
    """
    return [name for name in order if name in pending
            and all(dep in done or dep not in order for dep in RECIPES[name].after)]


# Read once: a build in this process must not mistake its own setting for the user's.
USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "")


def build_epoch(book: Book) -> int:
    """Return the build timestamp: ``SOURCE_DATE_EPOCH`` if set, else the edition date."""
    if USER_EPOCH.isdigit():
        return int(USER_EPOCH)
    date = book.meta["edition"]["date"]
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())


def make_output(book: Book, prepared: Prepared, name: str, run=None) -> tuple[bytes, float]:
    """Make one output (runs in a worker); return its bytes and the seconds it took.

    A recipe laid out part by part runs here in a thread and gets ``run``, which
    spreads its layouts over the worker processes.
    """
    started = time.perf_counter()
    recipe = RECIPES[name]
    data = recipe.make(book, prepared, run=run) if recipe.parts else recipe.make(book, prepared)
    return data, time.perf_counter() - started


def pool_runner(executor: cf.Executor):
    """Return ``run(fn, items)``: ``fn`` on each item in ``executor``, results in order."""
    def run(fn, items):
        return [future.result() for future in [executor.submit(fn, item) for item in items]]
    return run


class Build:
    """One build of one project: the checked book, then the outputs."""

    def __init__(self, root: Path, jobs: int | None = None):
        started = time.perf_counter()
        self.book = load_book(root)
        from zinepress.check.rules import check_book
        errors = check_book(self.book, template_syntax=False)
        if errors:
            raise errors[0] if len(errors) == 1 else ZineErrors(errors)
        self._templates_compiled = False
        self.root = self.book.root
        self.epoch = build_epoch(self.book)
        self.jobs = jobs or os.cpu_count() or 1
        self.build_dir = output.build_dir(self.root)
        self.hash_cache: dict[str, str] = {}
        self.recorded: dict = {}
        self._ast: tuple | None = None
        self._glyphs_checked = False
        from zinepress.render.language import warn_if_missing
        from zinepress.render.layers import template_dirs
        warn_if_missing(tuple(template_dirs(self.root)), self.book.meta["lang"])
        log.info("load and check: %d chapters ok (%.2f s)", len(self.book.chapters),
                 time.perf_counter() - started)

    def compile_templates(self) -> None:
        """Compile every Jinja template once, before the first output is rendered, so a
        broken template stops the build with nothing written (a no-op skips it)."""
        if self._templates_compiled:
            return
        from zinepress.check.rules import check_template_syntax
        errors = check_template_syntax(self.book)
        if errors:
            raise errors[0] if len(errors) == 1 else ZineErrors(errors)
        self._templates_compiled = True

    # -- what each output is made from -------------------------------------------

    def path(self, name: str) -> Path:
        return RECIPES[name].path(self.book)

    def input_hashes(self, name: str) -> dict[str, str]:
        recipe = RECIPES[name]
        templates = [pattern for pattern in recipe.inputs if pattern.startswith("templates/")]
        paths = [rel for pattern in recipe.inputs if pattern not in templates
                 for p in sorted(self.root.glob(pattern))
                 if not (rel := p.relative_to(self.root).as_posix()).startswith(NOT_INPUTS)]
        if recipe.uses_css:
            paths += list(self.book.meta.get("css") or [])
        if recipe.fonts:  # every font file the layout may use, wherever it is declared
            from zinepress.check.glyphs import font_files
            paths += [p.relative_to(self.root).as_posix() for p in font_files(self.book)
                      if p.is_relative_to(self.root)]
        upstream = {}
        for dep in recipe.after:
            rel = self.path(dep).relative_to(self.root).as_posix()
            if recipe.pages_only:
                upstream[f"pages:{rel}"] = str(self.page_count(dep))
            else:
                paths.append(rel)
        return {**manifest.hash_inputs(self.root, paths, self.hash_cache),
                **manifest.hash_templates(self.root, templates, self.hash_cache), **upstream,
                **tool_fingerprint(), **code_fingerprint(),
                "env:SOURCE_DATE_EPOCH": str(self.epoch)}

    def page_count(self, name: str) -> int | None:
        """Return the page count of a PDF output, from the manifest when it is current."""
        from zinepress.formats.pdffile import page_count
        path = self.path(name)
        entry = self.recorded.get(name) or {}
        rel = path.relative_to(self.root).as_posix()
        current = manifest.hash_inputs(self.root, [rel], self.hash_cache).get(rel)
        if current is not None and entry.get("output") == current and "pages" in entry:
            return entry["pages"]
        return page_count(path) if path.is_file() else None

    def decide(self, name: str, recorded: dict) -> tuple[manifest.Decision, dict[str, str]]:
        out = self.path(name)
        inputs = self.input_hashes(name)
        current = manifest.sha256_file(out) if out.is_file() else None
        return manifest.decide(recorded.get(name), inputs, current), inputs

    # -- what the recipes get ----------------------------------------------------

    def prepared(self, name: str) -> Prepared:
        """Return what the recipe ``name`` is made from; the AST is read once per build."""
        from zinepress.convert.pandoc import pandoc_version
        recipe = RECIPES[name]
        if recipe.text and self._ast is None:
            from zinepress.convert.pandoc import read_ast
            from zinepress.convert.typography import break_urls, typeset_blocks
            from zinepress.render.templates import typography_rules
            rules = typography_rules(self.book)   # None when metadata says typography: false
            self._ast = tuple(break_urls(chapter if rules is None else typeset_blocks(chapter, rules))
                              for chapter in read_ast(self.book))
        if recipe.fonts and not self._glyphs_checked:
            self._glyphs_checked = True
            from zinepress.check.glyphs import missing_glyphs
            for finding in missing_glyphs(self.book):
                log.warning("%s", finding)
        tools = {"pandoc": pandoc_version(), "weasyprint": pkg_metadata.version("weasyprint")}
        upstream = {dep: self.path(dep).read_bytes() for dep in recipe.after}
        return Prepared(ast=self._ast if recipe.text else None, tools=tools,
                        epoch=self.epoch, upstream=upstream)

    # -- running ---------------------------------------------------------------

    def run(self, names: list[str], executor: cf.Executor | None = None) -> dict[str, str]:
        """Build what is out of date among ``names``; return ``{output: reason}``."""
        output.remove_stale_temps(self.build_dir)
        wanted = made_for(self.book)
        order = [name for name in expand(names) if name in wanted]
        recorded = self.recorded = manifest.load(self.build_dir)
        pending, done, running = set(order), set(), {}
        results: dict[str, str] = {}
        own_pool = executor is None
        executor = executor or cf.ProcessPoolExecutor(max_workers=self.jobs)
        # Start the workers from this thread, before any other: a fork from a thread
        # while another holds a lock would hand the worker a lock nobody releases.
        executor.submit(int).result()
        threads = cf.ThreadPoolExecutor(max_workers=len(order))
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
                    self.compile_templates()
                    if RECIPES[name].parts:
                        future = threads.submit(make_output, self.book, self.prepared(name),
                                                name, pool_runner(executor))
                    else:
                        future = executor.submit(make_output, self.book, self.prepared(name), name)
                    running[future] = (name, inputs, decision.reason)
                if not running:
                    continue
                finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    name, inputs, reason = running.pop(future)
                    data, seconds = future.result()
                    self.record(name, inputs, data)
                    log.info("%-12s rebuilt (%s) %s %.2f s", name, reason,
                             self.path(name).relative_to(self.root), seconds)
                    done.add(name)
        except BaseException:
            for future in running:
                future.cancel()
            raise
        finally:
            threads.shutdown(wait=True, cancel_futures=True)
            if own_pool:
                executor.shutdown(wait=True, cancel_futures=True)
        return results

    def record(self, name: str, inputs: dict[str, str], data: bytes) -> None:
        """Write an output and remember in the manifest what it was made from."""
        from zinepress.formats.pdffile import page_count
        out = self.path(name)
        output.write_atomic(out, data)
        self.hash_cache.pop(out.relative_to(self.root).as_posix(), None)
        entry = {"inputs": inputs, "output": manifest.sha256_bytes(data), "file": out.name}
        if out.suffix == ".pdf":
            entry["pages"] = page_count(data)
        self.recorded[name] = entry
        manifest.save(self.build_dir, self.recorded)


def build(root: Path, names: list[str], jobs: int | None = None) -> dict[str, str]:
    """Check the project at ``root`` and bring the named outputs up to date."""
    expand(names)  # an unknown output name is refused before anything is read
    return Build(root, jobs).run(names)
