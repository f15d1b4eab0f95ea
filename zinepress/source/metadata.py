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

from zinepress.errors import ZineError


@dataclass(frozen=True)
class Field:
    """One metadata field: its YAML name, expected type, whether required, and help."""

    name: str
    kind: str  # "text", "texts", "bool", "date", "lang", "edition", "corrections", "chapters"
    required: bool
    help: str


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Title of the text, as on its title page."),
    Field("subtitle", "text", False, "Subtitle, if the text has one."),
    Field("author", "text", True, "Author (a person or a group)."),
    Field("published-as", "text", False, "The name the author first published it under."),
    Field("date", "date", True, "Date of first publication: YYYY, YYYY-MM or YYYY-MM-DD."),
    Field("lang", "lang", True, "Language of the text as a BCP 47 tag (en, fr, pt-BR)."),
    Field("source", "text", False, "Where this copy was taken from (Muse #source)."),
    Field("notes", "text", False, "Publication history (Muse #notes)."),
    Field("rights", "text", True, "The anti-copyright statement; becomes dc:rights."),
    Field("description", "text", False, "A one-paragraph description for catalogues."),
    Field("subject", "texts", False, "Keywords, a list of strings."),
    Field("identifier", "text", True, "A fixed unique id (urn:uuid:…) for the EPUB."),
    Field("accessibility-summary", "text", False, "EPUB schema:accessibilitySummary."),
    Field("edition", "edition", True, "This edition: {number: N, date: YYYY-MM-DD}."),
    Field("corrections", "corrections", False,
          "Editorial changes: date, file, kind, change, reason (and from/to)."),
    Field("chapters", "chapters", True,
          "Ordered chapter files: {file, title} (and role: preface|references)."),
    Field("css", "texts", False, "Extra stylesheets (project paths) for print and EPUB."),
    Field("typography", "bool", False,
          "Typography pass at render time (curly quotes, dashes, spaces); default true."),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)

CORRECTION_KINDS = ("lacuna", "emendation", "normalisation")
CORRECTION_KEYS = {"date", "file", "kind", "change", "reason", "from", "to"}
CHAPTER_ROLES = ("chapter", "preface", "references")
CHAPTER_KEYS = {"file", "title", "role"}

# libyaml's loader when PyYAML has it (10× faster); same documents, same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
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
    _collect_lines(node, (), lines)
    return data, lines


def _collect_lines(node, prefix: tuple, lines: dict[tuple, int]) -> None:
    if node is None:
        return
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (key.value,)
            lines[path] = key.start_mark.line + 1
            _collect_lines(value, path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, prefix + (i,), lines)


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
    raise AssertionError(field.kind)


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
