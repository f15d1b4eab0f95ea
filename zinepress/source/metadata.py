"""The metadata schema: ``source/metadata.yaml`` text in, a validated dict out.

The table :data:`FIELDS` is the one place where a metadata field is declared; the
loader, the tests and the README's field list all read it. Names follow pandoc where
pandoc has one (title, author, date, lang, rights, description, subject) and the
Anarchist Library's Muse header where it has none (source, notes).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zinepress.errors import ZineError, ZineErrors
from zinepress.source.licenses import LICENSE_IDS


@dataclass(frozen=True)
class Field:
    """One metadata field: its YAML name, expected type, whether required, and help."""

    name: str
    kind: str  # "text", "texts", "people", "slug", "license", "footnotes", "date", "lang", "edition", "bool", …
    required: bool
    help: str


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Title of the text, as on its title page."),
    Field("slug", "slug", False,
          "File-name stem of the outputs: a-z, 0-9 and hyphens, at most 60 characters "
          "(default: made from the title, cut between words)."),
    Field("subtitle", "text", False, "Subtitle, if the text has one."),
    Field("short-title", "text", False,
          "A short form of the title for running heads and the cover (default: the title, "
          "cut before a colon or at about 60 characters)."),
    Field("author", "people", True,
          "Author: a name (a person or a group) or a list of names; "
          "{name, file-as} gives the sort form."),
    Field("translator", "people", False, "Translator: a name or a list of names."),
    Field("editor", "people", False, "Editor: a name or a list of names."),
    Field("published-as", "text", False, "The name the author first published it under."),
    Field("publisher", "text", False, "Who publishes this edition (a distro, a press)."),
    Field("date", "date", True, "Date of first publication: YYYY, YYYY-MM or YYYY-MM-DD."),
    Field("lang", "lang", True, "Language of the text as a BCP 47 tag (en, fr, pt-BR)."),
    Field("source", "text", False, "Where this copy was taken from (Muse #source)."),
    Field("notes", "text", False, "Publication history (Muse #notes)."),
    Field("license", "license", False,
          "The licence, one of: " + ", ".join(LICENSE_IDS) + "; decides the cover line, "
          "the colophon's wording and whether it invites copying."),
    Field("rights", "text", False,
          "Your own rights statement, printed large in the colophon and as dc:rights "
          "(default: the licence's); required when there is no license."),
    Field("description", "text", False, "A one-paragraph description for catalogues."),
    Field("subject", "texts", False, "Keywords, a list of strings."),
    Field("sort-title", "text", False,
          "The title as a catalogue sorts it, e.g. 'Conquest of Bread, The' (Muse #LISTtitle)."),
    Field("sort-authors", "texts", False,
          "Names a catalogue lists the text under (Muse #SORTauthors); default: the author."),
    Field("identifier", "text", True, "A fixed unique id (urn:uuid:…) for the EPUB."),
    Field("accessibility-summary", "text", False, "EPUB schema:accessibilitySummary."),
    Field("edition", "edition", True, "This edition: {number: N, date: YYYY-MM-DD}."),
    Field("corrections", "corrections", False,
          "Editorial changes: date, file, kind, change, reason (and from/to)."),
    Field("chapters", "chapters", True,
          "Ordered chapter files: {file, title} (and role: preface|references)."),
    Field("css", "texts", False, "Extra stylesheets (project paths) for print and EPUB."),
    Field("fonts", "texts", False,
          "Extra font files (project paths) for the print outputs, for characters "
          "the bundled fonts lack."),
    Field("footnotes", "footnotes", False,
          "{numbering: book} numbers notes 1…N through the book (default); "
          "{numbering: chapter} starts again in every chapter."),
    Field("zine", "zine", False,
          "How the zines are imposed: {layout, signature, duplex, creep, margin, cover-separate}."),
    Field("typography", "bool", False,
          "Typography pass at render time (curly quotes, dashes, spaces); default true."),
    Field("cover", "cover", False,
          "The front cover: {image: FILE in source/} or {pattern: truchet|stripes|dots|none}, "
          "and ink/paper colours (#rrggbb)."),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
PEOPLE_KEYS = {"name", "file-as"}
NOTE_NUMBERING = ("book", "chapter")

CORRECTION_KINDS = ("lacuna", "emendation", "normalisation")
CORRECTION_KEYS = {"date", "file", "kind", "change", "reason", "from", "to"}
CHAPTER_ROLES = ("chapter", "preface", "references")
CHAPTER_KEYS = {"file", "title", "role"}

# libyaml's loader when PyYAML has it (10× faster); same documents, same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 60  # output names add up to 20 characters more; file systems allow 255 bytes
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def nearest(name: str, known: tuple[str, ...] | set[str]) -> str:
    """Return ', did you mean X?' for the closest known name, or ''."""
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    return f"did you mean '{match[0]}'?" if match else ""


def parse_yaml(text: str, path: Path) -> tuple[Any, dict[tuple, int]]:
    """Return the YAML document and a map from key path to 1-based line number."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ZineError(path, line, "Z001", f"YAML does not parse: {problem}") from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    twice: list[ZineError] = []
    _collect_lines(node, (), lines, twice, path)
    if twice:
        raise twice[0] if len(twice) == 1 else ZineErrors(twice)
    return data, lines


def _collect_lines(node, prefix: tuple, lines: dict[tuple, int], twice: list[ZineError],
                   path: Path) -> None:
    """Map each key path to its line; a key given twice in one mapping goes to ``twice``."""
    if node is None:
        return
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                name = ".".join(str(p) for p in prefix + (key.value,))
                twice.append(ZineError(path, line, "Z007",
                                       f"'{name}' is given twice (lines {seen[key.value]} "
                                       f"and {line}); YAML would keep only the second",
                                       hint="delete one of them"))
            seen.setdefault(key.value, line)
            lines[prefix + (key.value,)] = line
            _collect_lines(value, prefix + (key.value,), lines, twice, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, prefix + (i,), lines, twice, path)


def validate(data: Any, lines: dict[tuple, int], path: Path) -> list[ZineError]:
    """Return every schema problem of the parsed metadata (empty when it is valid)."""
    if not isinstance(data, dict):
        return [ZineError(path, 1, "Z002", "metadata must be a mapping of field: value")]
    errors = []
    for key in data:
        if key not in FIELD_NAMES:
            errors.append(ZineError(
                path, lines.get((key,)), "Z003", f"unknown field '{key}'",
                hint=nearest(str(key), FIELD_NAMES) or "known fields: " + ", ".join(FIELD_NAMES)))
    for field in FIELDS:
        if field.name not in data or data[field.name] in (None, ""):
            if field.required:
                errors.append(ZineError(path, 1, "Z004",
                                        f"required field '{field.name}' is missing",
                                        hint=field.help))
            continue
        errors += _check_value(field, data[field.name], lines, path)
    if not data.get("license") and not data.get("rights"):
        errors.append(ZineError(path, 1, "Z004", "required field 'license' is missing",
                                hint="give a license (e.g. license: anti-copyright) "
                                     "or your own rights statement"))
    return errors


def _check_value(field: Field, value: Any, lines, path: Path) -> list[ZineError]:
    line = lines.get((field.name,))

    def wrong(expected: str, at=(), code="Z005") -> ZineError:
        got = type(value).__name__ if not at else "invalid value"
        return ZineError(path, lines.get((field.name, *at), line), code,
                         f"field '{field.name}' expects {expected}, got {got}")

    if field.kind == "text":
        return [] if isinstance(value, str) else [wrong("text")]
    if field.kind == "texts":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return [] if ok else [wrong("a list of text")]
    if field.kind == "slug":
        ok = isinstance(value, str) and _SLUG.match(value) and len(value) <= MAX_SLUG
        return [] if ok else [wrong(f"a-z, 0-9 and single hyphens, at most {MAX_SLUG} characters")]
    if field.kind == "people":
        return [] if people(value) is not None else [
            wrong("a name, a list of names, or {name, file-as}")]
    if field.kind == "license":
        if value in LICENSE_IDS:
            return []
        hint = nearest(str(value), LICENSE_IDS) or "known: " + ", ".join(LICENSE_IDS)
        return [ZineError(path, line, "Z008", f"unknown license '{value}'", hint=hint)]
    if field.kind == "footnotes":
        ok = (isinstance(value, dict) and set(value) <= {"numbering"}
              and value.get("numbering", "book") in NOTE_NUMBERING)
        return [] if ok else [wrong("{numbering: book} or {numbering: chapter}")]
    if field.kind == "cover":
        return _check_cover(value, lines, path)
    if field.kind == "bool":
        return [] if isinstance(value, bool) else [wrong("true or false")]
    if field.kind == "date":
        return [] if _DATE.match(str(value)) else [wrong("a date YYYY[-MM[-DD]]")]
    if field.kind == "lang":
        return [] if isinstance(value, str) and _LANG.match(value) else [wrong("a BCP 47 tag")]
    if field.kind == "edition":
        ok = (isinstance(value, dict) and set(value) == {"number", "date"}
              and isinstance(value["number"], int) and isinstance(value["date"], dt.date))
        return [] if ok else [wrong("{number: N, date: YYYY-MM-DD}")]
    if field.kind == "corrections":
        return _check_corrections(value, lines, path)
    if field.kind == "chapters":
        return _check_chapters(value, lines, path)
    if field.kind == "zine":
        from zinepress.impose.options import zine_problems
        return [ZineError(path, lines.get(("zine", *at), line), "Z005", f"field 'zine': {problem}")
                for at, problem in zine_problems(value)]
    raise AssertionError(field.kind)


def people(value: Any) -> list[dict[str, str]] | None:
    """Return a name, a list of names or ``{name, file-as}`` entries as a list of dicts.

    None means the value is not one of those shapes; ``file-as`` defaults to the name.

    >>> people("Ana Lima")
    [{'name': 'Ana Lima', 'file-as': 'Ana Lima'}]
    >>> people(["Ana Lima", {"name": "Jo Park", "file-as": "Park, Jo"}])[1]
    {'name': 'Jo Park', 'file-as': 'Park, Jo'}
    >>> people([]), people(3), people({"name": "X", "role": "y"})
    (None, None, None)
    """
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        if isinstance(item, str) and item.strip():
            result.append({"name": item.strip(), "file-as": item.strip()})
        elif (isinstance(item, dict) and set(item) <= PEOPLE_KEYS
              and isinstance(item.get("name"), str) and item["name"].strip()
              and isinstance(item.get("file-as", ""), str)):
            name = item["name"].strip()
            result.append({"name": name, "file-as": (item.get("file-as") or name).strip()})
        else:
            return None
    return result or None


COVER_KEYS = {"image", "pattern", "ink", "paper"}
COVER_PATTERNS = ("truchet", "stripes", "dots", "none")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _check_cover(value: Any, lines, path: Path) -> list[ZineError]:
    line = lines.get(("cover",))
    if not isinstance(value, dict):
        return [ZineError(path, line, "Z005", "field 'cover' expects a mapping, e.g. "
                          "{pattern: dots} or {image: cover.jpg}")]
    errors = []
    for key in set(value) - COVER_KEYS:
        errors.append(ZineError(path, lines.get(("cover", key), line), "Z003",
                                f"unknown cover key '{key}'", hint=nearest(key, COVER_KEYS)))
    if "pattern" in value and value["pattern"] not in COVER_PATTERNS:
        errors.append(ZineError(path, lines.get(("cover", "pattern"), line), "Z005",
                                f"cover pattern must be one of {', '.join(COVER_PATTERNS)}",
                                hint=nearest(str(value["pattern"]), set(COVER_PATTERNS))))
    if "image" in value and not isinstance(value["image"], str):
        errors.append(ZineError(path, lines.get(("cover", "image"), line), "Z005",
                                "cover image expects a file name under source/"))
    for key in ("ink", "paper"):
        if key in value and not (isinstance(value[key], str) and _COLOUR.match(value[key])):
            errors.append(ZineError(path, lines.get(("cover", key), line), "Z005",
                                    f"cover {key} expects a colour #rrggbb"))
    return errors


def _check_corrections(value: Any, lines, path: Path) -> list[ZineError]:
    if not isinstance(value, list):
        return [ZineError(path, lines.get(("corrections",)), "Z005",
                          "field 'corrections' expects a list")]
    errors = []
    for i, item in enumerate(value):
        line = lines.get(("corrections", i))
        if not isinstance(item, dict):
            errors.append(ZineError(path, line, "Z006", "a correction must be a mapping"))
            continue
        for key in set(item) - CORRECTION_KEYS:
            errors.append(ZineError(path, lines.get(("corrections", i, key), line), "Z003",
                                    f"unknown correction key '{key}'",
                                    hint=nearest(key, CORRECTION_KEYS)))
        for key in ("date", "file", "kind", "change", "reason"):
            if key not in item:
                errors.append(ZineError(path, line, "Z006", f"correction lacks '{key}'"))
        if item.get("kind") not in CORRECTION_KINDS:
            errors.append(ZineError(path, lines.get(("corrections", i, "kind"), line), "Z006",
                                    f"correction kind must be one of {', '.join(CORRECTION_KINDS)}"))
    return errors


def _check_chapters(value: Any, lines, path: Path) -> list[ZineError]:
    if not isinstance(value, list) or not value:
        return [ZineError(path, lines.get(("chapters",)), "Z005",
                          "field 'chapters' expects a non-empty list of {file, title}")]
    errors = []
    for i, item in enumerate(value):
        line = lines.get(("chapters", i))
        if not (isinstance(item, dict) and isinstance(item.get("file"), str)
                and isinstance(item.get("title"), str)):
            errors.append(ZineError(path, line, "Z005",
                                    "a chapter must be a mapping {file: NAME.md, title: TEXT}"))
            continue
        for key in set(item) - CHAPTER_KEYS:
            errors.append(ZineError(path, lines.get(("chapters", i, key), line), "Z003",
                                    f"unknown chapter key '{key}'", hint=nearest(key, CHAPTER_KEYS)))
        if item.get("role", "chapter") not in CHAPTER_ROLES:
            errors.append(ZineError(path, lines.get(("chapters", i, "role"), line), "Z005",
                                    f"chapter role must be one of {', '.join(CHAPTER_ROLES)}"))
    return errors
