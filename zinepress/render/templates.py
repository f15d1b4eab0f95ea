"""Render stage: a :class:`Book` plus HTML fragments in, markup strings out (Jinja2).

Every word of presentation (title page, contents, colophon wording, cover) lives in
``templates/``; this module only builds the context dict and picks the template.
Autoescaping is on for every template: metadata is text, never markup.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from zinepress import __version__
from zinepress.errors import ZineError
from zinepress.convert.typography import Rules, typeset_string
from zinepress.render.language import language_table
from zinepress.source.metadata import FIELDS
from zinepress.source.load import Book

TEMPLATES_DIR = "templates"
_AUTOLINK = re.compile(r"&lt;((?:https?|mailto):[^\s&]+)&gt;")


def autolink(text: str) -> Markup:
    """Escape ``text`` and turn ``<https://…>`` autolinks into links.

    >>> str(autolink("from <https://example.org/a?b=1> & more"))
    'from <a href="https://example.org/a?b=1">https://example.org/a?b=1</a> &amp; more'
    """
    escaped = str(escape(text))
    return Markup(_AUTOLINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped))


def environment(root: Path) -> jinja2.Environment:
    """Return the Jinja2 environment for the project's ``templates/`` folder."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(root) / TEMPLATES_DIR)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["autolink"] = autolink
    return env


def render_template(root: Path, name: str, context: dict) -> str:
    """Render ``templates/name`` with ``context``; template errors name file and line."""
    try:
        return environment(root).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ZineError(f"{TEMPLATES_DIR}/{exc.name or name}", exc.lineno, "Z402",
                        f"template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise ZineError(f"{TEMPLATES_DIR}/{exc.name}", None, "Z403", "template not found") from None
    except jinja2.UndefinedError as exc:
        raise ZineError(f"{TEMPLATES_DIR}/{name}", _template_line(exc), "Z404",
                        f"template uses an unknown value: {exc.message}") from None


def _template_line(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def labels(book: Book) -> dict[str, str]:
    """Return the words the templates print, in the book's language."""
    table = language_table(Path(book.root) / TEMPLATES_DIR, book.meta["lang"])
    return dict(table.get("labels") or {})


def typography_rules(book: Book) -> Rules | None:
    """Return the book's typography rules, or None when metadata says ``typography: false``."""
    if book.meta.get("typography") is False:
        return None
    table = language_table(Path(book.root) / TEMPLATES_DIR, book.meta["lang"])
    return Rules.from_table(table.get("typography"))


def typeset_value(value, rules: Rules | None):
    """Return a metadata value with every string in it typeset (dates, numbers as they are)."""
    if rules is None:
        return value
    if isinstance(value, str):
        return typeset_string(value, rules)
    if isinstance(value, list):
        return [typeset_value(item, rules) for item in value]
    if isinstance(value, dict):
        return {key: typeset_value(item, rules) for key, item in value.items()}
    return value


# Shown to readers; identifiers, file names, CSS paths and from/to pairs are not.
TYPESET_FIELDS = ("title", "subtitle", "author", "published-as", "source", "notes", "rights",
                  "description", "subject")


def book_context(book: Book, tools: dict[str, str]) -> dict:
    """Return the values every template may use."""
    rules = typography_rules(book)
    meta = {field.name: book.meta.get(field.name) for field in FIELDS}
    for name in TYPESET_FIELDS:
        meta[name] = typeset_value(meta[name], rules)
    meta["corrections"] = [{**c, "change": typeset_value(c.get("change"), rules),
                            "reason": typeset_value(c.get("reason"), rules)}
                           for c in meta.get("corrections") or []]
    edition = meta["edition"]
    return {
        "meta": meta,
        "title": meta["title"],
        "author": meta["author"],
        "lang": meta["lang"],
        "edition": edition,
        "edition_date": edition["date"].isoformat() if isinstance(edition["date"], dt.date)
        else str(edition["date"]),
        "corrections": meta.get("corrections") or [],
        "chapter_titles": {ch.file: typeset_value(ch.title, rules) for ch in book.chapters},
        "typography": rules is not None,
        "tools": {"zinepress": __version__, **tools},
        "t": labels(book),
    }


def render_colophon(book: Book, tools: dict[str, str], target: str) -> str:
    """Return the colophon fragment; ``target`` is "print" or "epub" (same template)."""
    return render_template(book.root, "colophon.html.j2",
                           {**book_context(book, tools), "target": target})
