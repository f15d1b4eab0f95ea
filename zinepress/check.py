"""Check stage: a loaded :class:`~zinepress.source.Book` in, a list of fatal problems out.

Runs before anything renders. Checks the chapter headings against the metadata,
footnote integrity across the whole book, lacuna markers against the recorded
corrections, raw HTML that could run or fetch something, and every image or stylesheet
path (remote URLs and paths leaving the project are refused). Markdown is scanned
line by line so every problem carries its file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ZineError
from .source import Book, Chapter, resolve_inside

LACUNA = "[…]"

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_H1 = re.compile(r"^#(?!#)\s*(.*?)\s*(\{[^}]*\})?\s*#*\s*$")
_SETEXT_H1 = re.compile(r"^=+\s*$")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_UNSAFE_HTML = re.compile(
    r"<\s*(script|iframe|object|embed|style|link|meta|base|form|img|svg|video|audio)\b"
    r"|<[a-zA-Z][^>]*\s(on[a-z]+|src|href)\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of a chapter outside code fences."""

    chapter: Chapter
    number: int
    text: str


def text_lines(chapter: Chapter):
    """Yield the chapter's lines that are prose, not inside fenced code."""
    fenced = False
    for number, text in enumerate(chapter.text.split("\n"), start=1):
        if _FENCE.match(text):
            fenced = not fenced
            continue
        if not fenced:
            yield Line(chapter, number, text)


def check_book(book: Book) -> list[ZineError]:
    """Return every problem that must stop a build, in file order."""
    errors: list[ZineError] = []
    for chapter in book.chapters:
        errors += check_heading(chapter)
        errors += check_html_and_images(book, chapter)
    errors += check_footnotes(book)
    errors += check_lacunae(book)
    errors += check_stylesheets(book)
    return errors


def check_heading(chapter: Chapter) -> list[ZineError]:
    """Exactly one level-1 heading, first in the file, equal to the metadata title."""
    lines = list(text_lines(chapter))
    headings = [ln for ln in lines if _ATX_H1.match(ln.text)]
    errors = [ZineError(chapter.rel, ln.number, "Z105", "setext heading; write it as '# Title'")
              for prev, ln in zip(lines, lines[1:])
              if _SETEXT_H1.match(ln.text) and prev.text.strip()]
    if not headings:
        return errors + [ZineError(chapter.rel, 1, "Z105", "chapter has no '# Title' heading",
                                   hint=f"expected '# {chapter.title}'")]
    for extra in headings[1:]:
        errors.append(ZineError(chapter.rel, extra.number, "Z105",
                                "second level-1 heading; a chapter file has exactly one"))
    first = headings[0]
    title = _ATX_H1.match(first.text).group(1)
    if title != chapter.title:
        errors.append(ZineError(chapter.rel, first.number, "Z104",
                                f"heading '{title}' differs from metadata title '{chapter.title}'"))
    body = [ln for ln in lines if ln.number > first.number and ln.text.strip()]
    if not body:
        errors.append(ZineError(chapter.rel, first.number, "Z106", "chapter is empty"))
    return errors


def check_footnotes(book: Book) -> list[ZineError]:
    """Every note defined once and called once, call and definition in the same file."""
    calls: dict[str, Line] = {}
    defs: dict[str, Line] = {}
    errors = []
    for chapter in book.chapters:
        for line in text_lines(chapter):
            definition = _NOTE_DEF.match(line.text)
            if definition:
                label = definition.group(1)
                if label in defs:
                    first = defs[label]
                    errors.append(ZineError(chapter.rel, line.number, "Z203",
                                            f"footnote [^{label}] is defined twice "
                                            f"(also {first.chapter.rel}:{first.number})"))
                else:
                    defs[label] = line
            start = definition.end() if definition else 0
            for match in _NOTE_CALL.finditer(line.text, start):
                label = match.group(1)
                if label in calls:
                    first = calls[label]
                    errors.append(ZineError(chapter.rel, line.number, "Z204",
                                            f"footnote [^{label}] is called twice "
                                            f"(also {first.chapter.rel}:{first.number})"))
                else:
                    calls[label] = line
    for label, line in calls.items():
        if label not in defs:
            errors.append(ZineError(line.chapter.rel, line.number, "Z201",
                                    f"footnote [^{label}] is called but never defined"))
        elif defs[label].chapter is not line.chapter:
            errors.append(ZineError(defs[label].chapter.rel, defs[label].number, "Z205",
                                    f"footnote [^{label}] is defined in another file than "
                                    f"its call ({line.chapter.rel}:{line.number})"))
    for label, line in defs.items():
        if label not in calls:
            errors.append(ZineError(line.chapter.rel, line.number, "Z202",
                                    f"footnote [^{label}] is defined but never called"))
    return errors


def check_lacunae(book: Book) -> list[ZineError]:
    """Each lacuna marker must be recorded as a 'lacuna' correction of its file."""
    recorded: dict[str, int] = {}
    for item in book.meta.get("corrections") or []:
        if item.get("kind") == "lacuna":
            recorded[item.get("file")] = recorded.get(item.get("file"), 0) + 1
    errors = []
    for chapter in book.chapters:
        found = [ln for ln in text_lines(chapter) for _ in range(ln.text.count(LACUNA))]
        if len(found) > recorded.get(chapter.file, 0):
            line = found[recorded.get(chapter.file, 0)]
            errors.append(ZineError(chapter.rel, line.number, "Z111",
                                    f"lacuna marker {LACUNA} is not recorded in corrections",
                                    hint="add a correction with kind: lacuna, file: "
                                         f"{chapter.file}, and the reason"))
    return errors


def check_html_and_images(book: Book, chapter: Chapter) -> list[ZineError]:
    """Refuse raw HTML that could run or fetch, and images that leave the project."""
    errors = []
    for line in text_lines(chapter):
        unsafe = _UNSAFE_HTML.search(line.text)
        if unsafe:
            errors.append(ZineError(chapter.rel, line.number, "Z302",
                                    f"raw HTML '{unsafe.group(0).strip()}' is not allowed",
                                    hint="zines carry text, not scripts or embedded pages"))
        for match in _IMAGE.finditer(line.text):
            errors += _check_resource(book, match.group(1), chapter.rel, line.number, "image")
    return errors


def check_stylesheets(book: Book) -> list[ZineError]:
    errors = []
    for css in book.meta.get("css") or []:
        errors += _check_resource(book, css, "source/metadata.yaml", None, "stylesheet")
    return errors


def _check_resource(book: Book, target: str, shown: str, line: int | None,
                    what: str) -> list[ZineError]:
    if _REMOTE.match(target):
        return [ZineError(shown, line, "Z303", f"{what} '{target}' is a URL",
                          hint="zinepress never reaches the network; copy the file into the project")]
    base = "source/" if what == "image" else ""
    try:
        path = resolve_inside(book.root, base + target, shown, line)
    except ZineError as exc:
        return [exc]
    if not path.is_file():
        return [ZineError(shown, line, "Z304", f"{what} '{target}' not found")]
    return []


def resolve_resource(book: Book, target: str) -> Path:
    """Return the project path of an image named in a chapter (already checked)."""
    return resolve_inside(book.root, "source/" + target, "source", None)




def run_check(root: Path, strict: bool = False) -> int:
    """Run every source check without rendering; return the exit code."""
    import logging
    import time

    from .errors import ZineErrors
    from .source import load_book
    started = time.perf_counter()
    book = load_book(root)
    errors = check_book(book)
    if errors:
        raise errors[0] if len(errors) == 1 else ZineErrors(errors)
    logging.getLogger("zinepress").info(
        "check: %d chapters, metadata, order, footnotes, lacunae, resources ok (%.2f s)",
        len(book.chapters), time.perf_counter() - started)
    return 0
