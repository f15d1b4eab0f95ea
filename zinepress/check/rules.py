"""Check stage: a loaded :class:`~zinepress.source.load.Book` in, a list of fatal problems out.

Runs before anything renders. Checks the chapter headings against the metadata,
footnote integrity across the whole book, lacuna markers against the recorded
corrections, raw HTML that could run or fetch something, nesting deep enough to
exhaust pandoc or WeasyPrint, and every image, stylesheet, font or template resource
(remote URLs and paths leaving the project are refused, missing files are named).
Markdown, CSS and templates are scanned line by line so every problem carries its file
and line. :mod:`zinepress.check.run` adds the fidelity check and the linter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zinepress.source import metadata
from zinepress.errors import ZineError
from zinepress.render.layers import overlay_path
from zinepress.source.load import SOURCE_DIR, METADATA_FILE, Book, Chapter, resolve_inside

LACUNA = "[…]"
# pandoc's JSON of 1,000 nested lists makes Python's json hit its recursion limit and
# WeasyPrint lay out for minutes; no text needs more than a handful of levels.
MAX_NESTING = 32
TEMPLATES_DIR = "templates"
# Image formats that both WeasyPrint and every EPUB reading system show (EPUB core media types).
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_H1 = re.compile(r"^#(?!#)\s*(.*?)\s*(\{[^}]*\})?\s*#*\s*$")
_SETEXT_H1 = re.compile(r"^=+\s*$")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_IMAGE_REF = re.compile(r"!\[([^\]]*)\](?!\()(?:\[([^\]]*)\])?")
_LINK_DEF = re.compile(r"^ {0,3}\[([^\]^][^\]]*)\]:\s*<?([^\s>]+)")
# One container level each: a block-quote '>' or a list marker; indentation adds levels.
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
# What a browser engine fetches in CSS and markup: url(), @import, src/href/data/poster.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
_TAG_URL = re.compile(r"""<([a-zA-Z][\w:-]*)\b[^>]*?\s(src|href|data|poster|srcset)\s*=\s*(["']?)([^"'\s>]+)""")
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


def check_book(book: Book, template_syntax: bool = True) -> list[ZineError]:
    """Return every problem that must stop a build, in file order.

    ``template_syntax``: compile every Jinja template too (a third of a no-op build's
    time; the builder does it only when it is about to render something).
    """
    errors: list[ZineError] = []
    for chapter in book.chapters:
        errors += check_nesting(chapter)
        errors += check_heading(chapter)
        errors += check_html_and_images(book, chapter)
    errors += check_footnotes(book)
    errors += check_lacunae(book)
    errors += check_stylesheets(book)
    errors += check_fonts(book)
    errors += check_cover(book)
    errors += check_templates(book, template_syntax)
    return errors


def nesting_depth(text: str) -> int:
    """Return how many block quotes and lists a line opens, counting indentation.

    >>> nesting_depth("> > - item"), nesting_depth("      - item"), nesting_depth("text")
    (3, 4, 0)
    """
    depth, pos = 0, 0
    while (match := _CONTAINER.match(text, pos)) and match.end() > pos:
        depth, pos = depth + 1, match.end()
    indent = len(text) - len(text.lstrip(" \t"))
    return depth + text[:indent].expandtabs(4).count(" ") // 2


def check_nesting(chapter: Chapter) -> list[ZineError]:
    """Refuse block quotes or lists nested deeper than :data:`MAX_NESTING` levels."""
    for line in text_lines(chapter):
        depth = nesting_depth(line.text)
        if depth > MAX_NESTING:
            return [ZineError(chapter.rel, line.number, "Z112",
                              f"block quotes or lists nested {depth} levels deep; "
                              f"the limit is {MAX_NESTING}")]
    return []


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
    before = next((ln for ln in lines if ln.number < first.number and ln.text.strip()), None)
    if before is not None:
        errors.append(ZineError(chapter.rel, before.number, "Z109",
                                "text before the chapter's '# Title' heading",
                                hint="a chapter file starts with its heading"))
    # A heading's Markdown escapes (``\[1\]``) are not part of the title it shows.
    title = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", _ATX_H1.match(first.text).group(1))
    if title != chapter.title:
        errors.append(ZineError(chapter.rel, first.number, "Z104",
                                f"heading '{title}' differs from metadata title '{chapter.title}'"))
    body = [ln for ln in lines if ln.number > first.number and ln.text.strip()]
    if not body:
        errors.append(ZineError(chapter.rel, first.number, "Z106", "chapter is empty"))
    return errors


def check_footnotes(book: Book) -> list[ZineError]:
    """Every note defined once and called once, call and definition in the same file.

    Labels belong to their chapter file (pandoc reads each file on its own scope), so
    every chapter may number its notes from ``[^1]``.
    """
    found = [_note_labels(chapter) for chapter in book.chapters]
    errors = [e for _, _, errs in found for e in errs]
    for i, (calls, defs, _) in enumerate(found):
        elsewhere = [other for j, other in enumerate(found) if j != i]
        for label, line in calls.items():
            if label in defs:
                continue
            stray = next((d[label] for c, d, _ in elsewhere if label in d and label not in c),
                         None)
            if stray is not None:
                errors.append(ZineError(stray.chapter.rel, stray.number, "Z205",
                                        f"footnote [^{label}] is defined in another file than "
                                        f"its call ({line.chapter.rel}:{line.number})"))
            else:
                errors.append(ZineError(line.chapter.rel, line.number, "Z201",
                                        f"footnote [^{label}] is called but never defined"))
        for label, line in defs.items():
            if label in calls or any(label in c and label not in d for c, d, _ in elsewhere):
                continue
            errors.append(ZineError(line.chapter.rel, line.number, "Z202",
                                    f"footnote [^{label}] is defined but never called"))
    order = {chapter.rel: chapter.index for chapter in book.chapters}
    return sorted(errors, key=lambda e: (order.get(str(e.path), 0), e.line or 0))


def _note_labels(chapter: Chapter) -> tuple[dict[str, Line], dict[str, Line], list[ZineError]]:
    """Return the chapter's note calls and definitions (first place of each) and repeats."""
    calls: dict[str, Line] = {}
    defs: dict[str, Line] = {}
    errors: list[ZineError] = []
    for line in text_lines(chapter):
        definition = _NOTE_DEF.match(line.text)
        if definition:
            errors += _record_once(defs, definition.group(1), line, "Z203", "defined")
        start = definition.end() if definition else 0
        prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line.text)
        for match in _NOTE_CALL.finditer(prose, start):
            errors += _record_once(calls, match.group(1), line, "Z204", "called")
    return calls, defs, errors


def _record_once(seen: dict[str, Line], label: str, line: Line, code: str,
                 verb: str) -> list[ZineError]:
    """Remember where ``label`` first appears; return an error if it was seen before."""
    if label not in seen:
        seen[label] = line
        return []
    first = seen[label]
    return [ZineError(line.chapter.rel, line.number, code,
                      f"footnote [^{label}] is {verb} twice (also {first.chapter.rel}:{first.number})")]


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
    lines = list(text_lines(chapter))
    definitions = {}
    for line in lines:
        match = _LINK_DEF.match(line.text)
        if match:
            definitions.setdefault(match.group(1).lower(), match.group(2))
    for line in lines:
        unsafe = _UNSAFE_HTML.search(line.text)
        if unsafe:
            errors.append(ZineError(chapter.rel, line.number, "Z302",
                                    f"raw HTML '{unsafe.group(0).strip()}' is not allowed",
                                    hint="zines carry text, not scripts or embedded pages"))
        targets = [m.group(1) for m in _IMAGE.finditer(line.text)]
        for match in _IMAGE_REF.finditer(line.text):
            label = (match.group(2) or match.group(1)).lower()
            if label in definitions:
                targets.append(definitions[label])
        for target in targets:
            problems = _check_resource(book, target, chapter.rel, line.number, "image")
            errors += problems
            if not problems and Path(target).suffix.lower() not in IMAGE_TYPES:
                errors.append(ZineError(chapter.rel, line.number, "Z307",
                                        f"image '{target}' is not a format every output carries",
                                        hint="use " + ", ".join(sorted(IMAGE_TYPES))))
    return errors


def check_stylesheets(book: Book) -> list[ZineError]:
    """Each ``css`` file of the metadata must be a project file; what it loads, too."""
    shown = f"{SOURCE_DIR}/{METADATA_FILE}"
    _, lines = metadata.parse_yaml(book.metadata_text, Path(shown))
    errors = []
    for i, css in enumerate(book.meta.get("css") or []):
        found = _check_resource(book, css, shown, lines.get(("css", i), lines.get(("css",))),
                                "stylesheet")
        errors += found or _check_css_text(book, book.root / css, css)
    return errors


def check_fonts(book: Book) -> list[ZineError]:
    """Each ``fonts`` entry of the metadata must be a font file inside the project."""
    from zinepress.formats.fonts import read_face
    shown = f"{SOURCE_DIR}/{METADATA_FILE}"
    _, lines = metadata.parse_yaml(book.metadata_text, Path(shown))
    errors = []
    for i, font in enumerate(book.meta.get("fonts") or []):
        line = lines.get(("fonts", i), lines.get(("fonts",)))
        found = _check_resource(book, font, shown, line, "font file", base=".")
        if not found:
            try:
                read_face(book.root / font)
            except ValueError as exc:
                found = [ZineError(shown, line, "Z306", f"'{font}' is {exc}",
                                   hint="give a .ttf, .otf, .woff or .woff2 file")]
        errors += found
    return errors


def check_cover(book: Book) -> list[ZineError]:
    """The metadata's cover image must be an image file inside ``source/``."""
    image = (book.meta.get("cover") or {}).get("image")
    if not image:
        return []
    shown = f"{SOURCE_DIR}/{METADATA_FILE}"
    _, lines = metadata.parse_yaml(book.metadata_text, Path(shown))
    line = lines.get(("cover", "image"), lines.get(("cover",)))
    found = _check_resource(book, image, shown, line, "image")
    if not found and Path(image).suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"):
        found = [ZineError(shown, line, "Z307",
                           f"cover image '{image}' is not a PNG, JPEG, GIF, SVG or WebP file")]
    return found


def check_templates(book: Book, syntax: bool = True) -> list[ZineError]:
    """Everything ``templates/`` makes WeasyPrint or pandoc load must be a project file.

    Covers ``url()`` and ``@import`` in CSS (fonts included) and ``src``/``href``/``data``
    in markup; links (``<a href>``) are not loaded and are left alone, and so are
    values that Jinja fills in (``{{ … }}``), which are checked where they come from.
    """
    folder = book.root / TEMPLATES_DIR
    errors = []
    for path in sorted(folder.rglob("*.css")) + sorted(folder.glob("*.j2")):
        errors += _check_css_text(book, path, f"{TEMPLATES_DIR}/{path.relative_to(folder).as_posix()}",
                                  markup=path.suffix == ".j2")
    return errors + (check_template_syntax(book) if syntax else [])


def check_template_syntax(book: Book) -> list[ZineError]:
    """Every Jinja template must compile, so no output is rendered from a broken set."""
    from zinepress.render.templates import compile_errors
    return compile_errors(book.root)


def _check_css_text(book: Book, path: Path, shown: str, markup: bool = False) -> list[ZineError]:
    """Check the resources a stylesheet or template loads, relative to its own folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [ZineError(shown, None, "Z101", f"cannot read file: {exc}")]
    base = path.parent.resolve().relative_to(book.root.resolve()).as_posix()
    errors = []
    for number, line in enumerate(text.split("\n"), start=1):
        targets = [(m.group(2) or m.group(4), "font file" if "src:" in line else "file")
                   for m in _CSS_URL.finditer(line)]
        if markup:
            targets += [(m.group(4), "file") for m in _TAG_URL.finditer(line)
                        if m.group(1).lower() != "a"]
        for target, what in targets:
            if "{{" in target or "{%" in target or target.startswith(("#", "data:")):
                continue
            errors += _check_resource(book, target, shown, number, what, base=base)
    return errors


def _check_resource(book: Book, target: str, shown: str, line: int | None,
                    what: str, base: str | None = None) -> list[ZineError]:
    if _REMOTE.match(target) or target.startswith("//"):
        return [ZineError(shown, line, "Z303", f"{what} '{target}' is a URL",
                          hint="zinepress never reaches the network; copy the file into the project")]
    if base is None:
        base = SOURCE_DIR if what == "image" else "."
    try:
        path = resolve_inside(book.root, f"{base}/{target}", shown, line)
    except ZineError as exc:
        return [exc]
    path = overlay_path(book.root, path)  # templates/X missing here: the default X
    if not path.is_file():
        return [ZineError(shown, line, "Z304", f"{what} '{target}' not found")]
    return []
