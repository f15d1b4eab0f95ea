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


def syntax_error(exc: jinja2.TemplateSyntaxError, name: str) -> ZineError:
    """Return the one-line error for a template that does not compile."""
    return ZineError(f"{TEMPLATES_DIR}/{exc.name or name}", exc.lineno, "Z402",
                     f"template syntax error: {exc.message}")


def compile_errors(root: Path) -> list[ZineError]:
    """Return an error for every template of ``templates/`` that does not compile."""
    env = environment(root)
    errors = []
    for path in sorted((Path(root) / TEMPLATES_DIR).glob("*.j2")):
        try:
            env.parse(path.read_text(encoding="utf-8"), path.name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(syntax_error(exc, path.name))
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(ZineError(f"{TEMPLATES_DIR}/{path.name}", None, "Z101",
                                    f"cannot read file: {exc}"))
    return errors


def render_template(root: Path, name: str, context: dict) -> str:
    """Render ``templates/name`` with ``context``; template errors name file and line."""
    try:
        return environment(root).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise syntax_error(exc, name) from None
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


def book_context(book: Book, tools: dict[str, str]) -> dict:
    """Return the values every template may use."""
    meta = {field.name: book.meta.get(field.name) for field in FIELDS}
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
        "chapter_titles": {ch.file: ch.title for ch in book.chapters},
        "tools": {"zinepress": __version__, **tools},
        "t": labels(book),
    }


def render_colophon(book: Book, tools: dict[str, str], target: str) -> str:
    """Return the colophon fragment; ``target`` is "print" or "epub" (same template)."""
    return render_template(book.root, "colophon.html.j2",
                           {**book_context(book, tools), "target": target})
