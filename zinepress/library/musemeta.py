"""Muse header to metadata: the ``#directives`` of a ``.muse`` file in, metadata fields out.

The table :data:`HEADER_FIELDS` maps each Text::Amuse directive to a zinepress field
(README, *Metadata fields*); :func:`header_metadata` applies it and reports, as
:class:`~zinepress.library.musescan.Loss`, every directive it does not carry over.
pandoc's Muse reader instead keeps each directive verbatim as a metadata key and turns
``#cover`` into a ``cover-image`` that stops the EPUB when the file is missing.

Values are Muse inline markup; :func:`header_text` makes them plain text, links
written as autolinks (``Retrieved from <https://…>``) the way ``source`` is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass

from zinepress.library.musescan import Directive, Loss

# Directive (lower case) -> (field, kind). kind: text, list (split at ';' or ','), date.
HEADER_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("title", "text"),
    "subtitle": ("subtitle", "text"),
    "author": ("author", "text"),
    "sortauthors": ("sort-authors", "list"),
    "sorttopics": ("subject", "list"),
    "topics": ("subject", "list"),
    "lang": ("lang", "lang"),
    "date": ("date", "date"),
    "pubdate": ("edition", "date"),
    "source": ("source", "text"),
    "notes": ("notes", "text"),
    "teaser": ("description", "text"),
    "listtitle": ("sort-title", "text"),
    "uid": ("identifier", "uid"),
}
# The fields whose words the fidelity check compares with the directive's words.
COMPARED_FIELDS = ("title", "subtitle", "author", "source", "notes", "description",
                   "sort-title")
WHY_NOT: dict[str, str] = {
    "cover": "not carried over: zinepress draws its own cover from the metadata",
    "coverwidth": "not carried over: zinepress draws its own cover from the metadata",
}
DEFAULT_WHY = "not carried over: zinepress has no field for it"

_LINK = re.compile(r"\[\[([^\]]+)\](?:\[([^\]]*)\])?\]")
_TAG = re.compile(r"</?(?:em|strong|i|b|sup|sub|del|sc|sf|code|verbatim|br|\[[a-zA-Z-]+\])\s*/?>")
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}(?=\S)|(?<=\S)\*{1,3}(?![\w*])")
_MONO = re.compile(r"(?<![\w=])=(?=\S)([^=]*?)(?<=\S)=(?![\w=])")
_YEAR = re.compile(r"\b(\d{4})\b")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def header_text(value: str) -> str:
    """Return a directive's value as plain text; links become ``text <url>``.

    >>> header_text("Retrieved on 2012 from [[http://url.org][the url]]")
    'Retrieved on 2012 from the url <http://url.org>'
    >>> header_text("The *Conquest* of <em>Bread</em>~~now")
    'The Conquest of Bread now'
    """
    def link(match: re.Match) -> str:
        target, text = match.group(1).strip(), (match.group(2) or "").strip()
        shown = f"<{target}>" if re.match(r"^(https?|ftp)://", target) else target
        return shown if not text or text == target else f"{text} {shown}"

    text = _LINK.sub(link, value)
    text = _TAG.sub(lambda m: " " if m.group(0).startswith("<br") else "", text)
    text = _MONO.sub(r"\1", _EMPHASIS.sub("", text))
    return " ".join(text.replace("~~", " ").split())


def split_list(value: str) -> list[str]:
    """Return the items of a Muse list header: split at ';' if it has one, else at ','.

    >>> split_list("anarchism, zines"), split_list("Smith, J.; Doe, A.")
    (['anarchism', 'zines'], ['Smith, J.', 'Doe, A.'])
    """
    parts = value.split(";") if ";" in value else value.split(",")
    return [item for item in (header_text(p) for p in parts) if item]


def parse_date(value: str) -> tuple[str | None, bool]:
    """Return (YYYY[-MM[-DD]], whether that is all the value said).

    >>> parse_date("2019"), parse_date("2020-05-03T00:00:00"), parse_date("Spring 1995")
    (('2019', True), ('2020-05-03', True), ('1995', False))
    """
    text = header_text(value)
    iso = _ISO_DATE.match(text)
    if iso and (len(text) == iso.end() or text[iso.end()] in "T "):
        return iso.group(0), True
    year = _YEAR.search(text)
    return (year.group(1), False) if year else (None, False)


@dataclass
class HeaderResult:
    """Fields mapped from the header, and what did not map."""

    fields: dict
    losses: list[Loss]


def header_metadata(directives: list[Directive], muse_bytes: bytes) -> HeaderResult:
    """Return the metadata fields the directives give, and a loss per one left out."""
    fields: dict = {}
    losses: list[Loss] = []
    for directive in directives:
        key = directive.name.lower()
        if key not in HEADER_FIELDS:
            why = WHY_NOT.get(key, DEFAULT_WHY)
            losses.append(Loss(directive.line, f"#{directive.name} {directive.value}".strip(), why))
            continue
        name, kind = HEADER_FIELDS[key]
        value, loss = _field_value(kind, directive)
        if loss:
            losses.append(loss)
        if value in (None, "", []):
            continue
        if kind == "list" and name in fields:
            value = fields[name] + [v for v in value if v not in fields[name]]
        fields[name] = value
    fields.setdefault("identifier", derived_identifier(muse_bytes))
    return HeaderResult(fields, losses)


def _field_value(kind: str, directive: Directive):
    """Return (value, Loss or None) for one directive of a known field."""
    raw = directive.value
    shown = f"#{directive.name} {raw}"
    if kind == "text":
        return header_text(raw), None
    if kind == "list":
        return split_list(raw), None
    if kind == "lang":
        tag = raw.strip()
        if _LANG.match(tag):
            return tag, None
        return None, Loss(directive.line, shown, "not a language tag; left out")
    if kind == "uid":
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'muse-uid:' + raw.strip())}", None
    date, whole = parse_date(raw)
    if date is None:
        return None, Loss(directive.line, shown, "holds no year; left out")
    if not whole:
        return date, Loss(directive.line, shown, f"only the year {date} carried over")
    return date, None


def derived_identifier(muse_bytes: bytes) -> str:
    """Return a fixed ``urn:uuid`` made from the file's bytes: the same file, the same id."""
    digest = hashlib.sha256(muse_bytes).hexdigest()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'muse-sha256:' + digest)}"


def edition_date(fields: dict, today: dt.date) -> dt.date:
    """Return the edition date: the library's ``#pubdate`` if it has a full date, else today."""
    value = fields.pop("edition", None)
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return today
