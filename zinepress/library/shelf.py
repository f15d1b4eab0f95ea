"""Shelf: project folders in, every project built and one catalogue entry per text out.

Every project is loaded and checked first (an error stops the catalogue before anything
is written); then all of them are built at once: one process pool with a worker per
core, and one thread per project driving that project's
:class:`~zinepress.build.builder.Build`, which submits its outputs to the shared pool
as soon as their inputs are ready. Each build is incremental as ever: a project that
did not change costs the comparison of its manifest, no rendering. The entries are
read from the books and their manifests (page count, file names).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from zinepress.build import manifest
from zinepress.build.builder import Build
from zinepress.build.recipes import RECIPES
from zinepress.errors import ZineError
from zinepress.source.load import Book, slugify

log = logging.getLogger("zinepress")

# The outputs a catalogue offers, in the order it lists them: (output, kind of file).
OFFERED = ("pdf", "zine-a4", "zine-letter", "epub")
# The outputs the site and the feeds link to (and those they are made from).
PUBLISHED = ("pdf", "pdf-letter", "zine-a4", "zine-letter", "epub", "cover", "cover-thumbnail")
MEDIA_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
               ".png": "image/png", ".jpg": "image/jpeg"}


@dataclass(frozen=True)
class File:
    """A file of one text in the catalogue: which output, where it is, what it is."""

    output: str
    source: Path          # in the project's build/
    name: str             # file name in the site
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Entry:
    """One text of the catalogue, with everything the site and the feeds show."""

    slug: str
    title: str
    subtitle: str | None
    author: str
    authors: tuple[str, ...]
    sort_key: str
    topics: tuple[str, ...]
    lang: str
    issued: str
    updated: str            # the edition date, YYYY-MM-DD
    description: str | None
    identifier: str
    pages: int | None
    files: tuple[File, ...]
    cover: File
    thumbnail: File
    cover_size: tuple[int, int] = (0, 0)
    thumbnail_size: tuple[int, int] = (0, 0)

    def file(self, output: str) -> File:
        return next(f for f in self.files if f.output == output)


@dataclass
class Shelf:
    """The checked books of a catalogue, by slug, and how each build went."""

    books: dict[str, Book] = field(default_factory=dict)
    results: dict[str, dict[str, str]] = field(default_factory=dict)
    seconds: float = 0.0


def load_books(roots: list[Path]) -> dict[str, Build]:
    """Return a checked :class:`Build` per project, by slug; refuse two texts with one slug."""
    builds: dict[str, Build] = {}
    for root in roots:
        if not (Path(root) / "source" / "metadata.yaml").is_file():
            raise ZineError(root, None, "Z710", "not a zinepress project (no source/metadata.yaml)")
        build = Build(Path(root))
        slug = build.book.slug
        if slug in builds:
            raise ZineError(root, None, "Z711",
                            f"'{slug}' is also the slug of {builds[slug].root}",
                            hint="two texts with one title would share their files")
        builds[slug] = build
    return builds


def build_all(builds: dict[str, Build], names: tuple[str, ...], jobs: int) -> dict[str, dict]:
    """Build ``names`` of every project with one shared pool; return results by slug."""
    results: dict[str, dict] = {}
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_warm, range(jobs)))   # start the workers before any thread does
        with cf.ThreadPoolExecutor(max_workers=max(1, min(len(builds), 4 * jobs))) as threads:
            futures = {threads.submit(build.run, list(names), pool): slug
                       for slug, build in builds.items()}
            for future in cf.as_completed(futures):
                results[futures[future]] = future.result()
    return results


def _warm(_: int) -> int:
    return os.getpid()


def shelve(roots: list[Path], jobs: int | None = None,
           outputs: tuple[str, ...] = ("all",)) -> Shelf:
    """Check and build ``outputs`` of every project; return the books and what was rebuilt."""
    started = time.perf_counter()
    builds = load_books(roots)
    quiet = log.level
    log.setLevel(max(quiet, logging.WARNING))   # one line per text below, not per output
    try:
        results = build_all(builds, outputs, jobs or os.cpu_count() or 1)
    finally:
        log.setLevel(quiet)
    for slug in sorted(results):
        made = sorted(name for name, reason in results[slug].items() if reason != "up to date")
        log.info("%-40s %s", slug, f"rebuilt {', '.join(made)}" if made else "up to date")
    return Shelf({slug: b.book for slug, b in builds.items()}, results,
                 time.perf_counter() - started)


def entry_of(book: Book) -> Entry:
    """Return the catalogue entry of a built book (its manifest gives files and pages)."""
    from zinepress.formats.image import image_size
    from zinepress.render.templates import people_names
    recorded = manifest.load(Path(book.root) / "build")
    meta = book.meta

    def file(output: str) -> File:
        path = RECIPES[output].path(book)
        return File(output, path, path.name, MEDIA_TYPES[path.suffix],
                    recorded[output]["output"], path.stat().st_size)

    cover, thumbnail = file("cover"), file("cover-thumbnail")
    names = people_names(meta["author"])
    authors = tuple(meta.get("sort-authors") or names)
    return Entry(
        slug=book.slug, title=meta["title"], subtitle=meta.get("subtitle"),
        author=", ".join(names),
        authors=authors, sort_key=(meta.get("sort-title") or meta["title"]).casefold(),
        topics=tuple(meta.get("subject") or ()), lang=meta["lang"], issued=str(meta["date"]),
        updated=meta["edition"]["date"].isoformat(), description=meta.get("description"),
        identifier=meta["identifier"], pages=recorded.get("pdf", {}).get("pages"),
        files=tuple(file(name) for name in OFFERED), cover=cover, thumbnail=thumbnail,
        cover_size=image_size(cover.source.read_bytes()),
        thumbnail_size=image_size(thumbnail.source.read_bytes()))


def group(entries: list[Entry], key) -> dict[str, list[Entry]]:
    """Return entries grouped by each value ``key(entry)`` lists, groups and entries sorted.

    >>> e = lambda t, topics: Entry(t, t, None, "", (), t, topics, "en", "", "", None, "",
    ...                             None, (), None, None)
    >>> {k: [x.slug for x in v] for k, v in group([e("b", ("x",)), e("a", ("x", "y"))],
    ...                                           lambda x: x.topics).items()}
    {'x': ['a', 'b'], 'y': ['a']}
    """
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        for value in key(entry):
            groups.setdefault(value, []).append(entry)
    return {name: sorted(groups[name], key=lambda x: x.sort_key)
            for name in sorted(groups, key=str.casefold)}


def page_slug(name: str) -> str:
    """Return the file-name slug of a topic or author page.

    >>> page_slug("Mutual Aid"), page_slug("Œuvres complètes")
    ('mutual-aid', 'oeuvres-completes')
    """
    return slugify(name.replace("Œ", "Oe").replace("œ", "oe"))
