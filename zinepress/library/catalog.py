"""Catalogue: project folders in, a static site and its OPDS feeds out.

``zinepress catalog DIR… -o SITE/`` builds every project (:mod:`zinepress.library.shelf`)
and writes, from ``templates/catalog/`` and the language table's ``catalog`` words:

- ``index.html``: every text with its cover thumbnail, title, author, topics, language,
  dates, page count and links to the reading PDF, the A4 and Letter zines and the EPUB;
  ``topics/<slug>.html`` and ``authors/<slug>.html``: the same for one topic or author;
  plain HTML and one stylesheet, no JavaScript;
- ``texts/<slug>/``: those files, copied from each project's ``build/``, with the cover
  as PNG and JPEG;
- ``opds/``: the OPDS 1.2 and 2.0 feeds (:mod:`zinepress.library.opds`).

A rebuild writes only what changed: a file whose bytes are the same is left alone, a
copy is skipped when ``.zinepress-catalog.json`` (what the site was made from) says the
site already holds those bytes, and files the catalogue no longer makes are removed.
Every file is written atomically.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from zinepress.build.output import write_atomic
from zinepress.build.recipes import RECIPES
from zinepress.library import opds
from zinepress.library.shelf import Entry, entry_of, group, page_slug, shelve
from zinepress.render.language import language_table
from zinepress.render.layers import DEFAULT_TEMPLATES
from zinepress.render.templates import render_template

log = logging.getLogger("zinepress")

STATE_FILE = ".zinepress-catalog.json"
STYLESHEET = "catalog/site.css"


@dataclass(frozen=True)
class CatalogResult:
    """What a catalogue run did: texts, outputs rebuilt, files written, copied, removed."""

    texts: int
    rebuilt: int
    written: int
    copied: int
    removed: int
    seconds: float


def unique_slugs(names: list[str], folder: str) -> dict[tuple[str, str], str]:
    """Return a distinct page slug per name (``food``, ``food-2`` for "Food" and "food").

    >>> unique_slugs(["Food", "food", "Art"], "topics")
    {('topics', 'Food'): 'food', ('topics', 'food'): 'food-2', ('topics', 'Art'): 'art'}
    """
    seen: dict[str, int] = {}
    out = {}
    for name in names:
        base = page_slug(name)
        seen[base] = seen.get(base, 0) + 1
        out[(folder, name)] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return out


def plural(words: dict, key: str, n: int) -> str:
    """Return the word for ``n`` of something: a table gives ``{one: …, other: …}``.

    >>> plural({"count": {"one": "{n} text", "other": "{n} texts"}}, "count", 1)
    '1 text'
    """
    forms = words[key]
    if isinstance(forms, str):
        return forms.format(n=n)
    return forms["one" if n == 1 else "other"].format(n=n)


def size_text(size: int, words: dict) -> str:
    """Return a file size for readers.

    >>> size_text(1_234_567, {"size-mb": "{n} MB", "size-kb": "{n} kB"})
    '1.2 MB'
    """
    if size >= 1_000_000:
        return words["size-mb"].format(n=f"{size / 1_000_000:.1f}")
    return words["size-kb"].format(n=max(1, round(size / 1000)))


def language_name(templates: Path, tag: str) -> str:
    """Return a language's name from its table (``English``), or the tag if there is none."""
    primary = tag.split("-")[0]
    if (templates / "lang" / f"{primary}.yaml").is_file():
        return language_table((templates,), primary).get("name", tag)
    return tag


def entry_view(entry: Entry, slugs: dict, words: dict, base: str, templates: Path) -> dict:
    """Return one text as the page templates show it, links relative to ``base``."""
    folder = f"{base}texts/{entry.slug}/"
    return {
        "entry": entry,
        "thumbnail": folder + entry.thumbnail.name,
        "thumbnail_size": entry.thumbnail_size,
        "language": language_name(templates, entry.lang),
        "authors": [{"name": name, "href": f"{base}authors/{slugs[('authors', name)]}.html"}
                    for name in entry.authors],
        "topics": [{"name": name, "href": f"{base}topics/{slugs[('topics', name)]}.html"}
                   for name in entry.topics],
        "files": [{"href": folder + f.name, "type": f.media_type,
                   "label": words["files"][f.output], "size": size_text(f.size, words)}
                  for f in entry.files],
        "pages": plural(words, "pages", entry.pages) if entry.pages else None,
    }


def pages(entries: list[Entry], words: dict, lang: str, templates: Path) -> dict[str, str]:
    """Return every HTML page and feed of the site, by path."""
    topics = group(entries, lambda e: e.topics)
    authors = group(entries, lambda e: e.authors)
    slugs = {**unique_slugs(list(topics), "topics"), **unique_slugs(list(authors), "authors")}
    root = templates.parent

    def page(path: str, heading: str, items: list[Entry], index: bool = False) -> str:
        base = "../" * path.count("/")
        return render_template(root, "catalog/page.html.j2", {
            "lang": lang, "words": words, "base": base, "heading": heading, "index": index,
            "count": plural(words, "count", len(items)),
            "entries": [entry_view(e, slugs, words, base, templates) for e in items],
            "topics": [{"name": n, "count": len(v), "href": f"{base}topics/{slugs[('topics', n)]}.html"}
                       for n, v in topics.items()],
            "authors": [{"name": n, "count": len(v), "href": f"{base}authors/{slugs[('authors', n)]}.html"}
                        for n, v in authors.items()]})

    out = {"index.html": page("index.html", words["title"], entries, index=True)}
    for name, items in topics.items():
        out[f"topics/{slugs[('topics', name)]}.html"] = page(
            "topics/x", words["topic"].format(name=name), items)
    for name, items in authors.items():
        out[f"authors/{slugs[('authors', name)]}.html"] = page(
            "authors/x", words["author"].format(name=name), items)
    for feed in opds.feeds(entries, topics, authors, slugs, words):
        context = opds.xml_context(feed, entries, words["title"], words)
        out[feed.path + ".xml"] = render_template(root, "catalog/feed.xml.j2",
                                                  {**context, "lang": lang})
        if feed.path != "opds/root":
            out[feed.path + ".json"] = opds.json_feed(feed, entries, words, slugs)
    out["site.css"] = (templates / STYLESHEET).read_text(encoding="utf-8")
    return out


def make_catalog(roots: list[Path], site: Path, jobs: int | None = None, lang: str = "en",
                 templates: Path = DEFAULT_TEMPLATES,
                 outputs: tuple[str, ...] = ("all",), title: str | None = None
                 ) -> CatalogResult:
    """Build ``outputs`` (default: all) of every project and write the catalogue into ``site``."""
    started = time.perf_counter()
    site = Path(site)
    shelf = shelve([Path(r) for r in roots], jobs, outputs)
    entries = sorted((entry_of(book) for book in shelf.books.values()),
                     key=lambda e: (e.sort_key, e.slug))
    words = language_table((templates,), lang)["catalog"]
    words = {**words, "title": title} if title else words
    generated = {path: text.encode("utf-8") for path, text in
                 pages(entries, words, lang, templates).items()}
    copies = {f"texts/{e.slug}/{f.name}": f for e in entries
              for f in (*e.files, e.cover, e.thumbnail)}
    written, copied, removed = write_site(site, generated, copies)
    seconds = time.perf_counter() - started
    log.info("catalogue: %d texts -> %s (%d files written, %d copied, %d removed; %.2f s)",
             len(entries), site, written, copied, removed, seconds)
    rebuilt = sum(1 for results in shelf.results.values()
                  for reason in results.values() if reason != "up to date")
    return CatalogResult(len(entries), rebuilt, written, copied, removed, seconds)


def write_site(site: Path, generated: dict[str, bytes], copies: dict) -> tuple[int, int, int]:
    """Write what changed into ``site``; return (written, copied, removed) counts."""
    site.mkdir(parents=True, exist_ok=True)
    state_path = site / STATE_FILE
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    old = state.get("files", {})
    written = copied = 0
    files: dict[str, str] = {}
    for rel, data in generated.items():
        target = site / rel
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
            written += 1
        files[rel] = "generated"
    for rel, file in copies.items():
        target = site / rel
        if old.get(rel) != file.sha256 or not target.is_file() or target.stat().st_size != file.size:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
            shutil.copyfile(file.source, temp)
            os.replace(temp, target)
            copied += 1
        files[rel] = file.sha256
    removed = 0
    for rel in sorted(set(old) - set(files)):
        (site / rel).unlink(missing_ok=True)
        removed += 1
    write_atomic(state_path, (json.dumps({"files": files}, indent=1, sort_keys=True) + "\n").encode())
    return written, copied, removed
