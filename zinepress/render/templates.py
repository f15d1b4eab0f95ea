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
from zinepress.convert.typography import Rules, typeset_string, url_pieces
from zinepress.render.language import (format_date, format_names, gloss_numeric_dates,
                                       language_table)
from zinepress.render.layers import TEMPLATES_DIR, template_dirs
from zinepress.source.metadata import FIELDS, people
from zinepress.source.load import Book
_AUTOLINK = re.compile(r"&lt;((?:https?|mailto):[^\s&]+)&gt;")


def autolink(text: str) -> Markup:
    """Escape ``text`` and turn ``<https://…>`` autolinks into links.

    The link's text may break only after ``/``, ``.`` or ``-``, never after the scheme
    (:func:`zinepress.convert.typography.url_pieces`).

    >>> str(autolink("from <https://example.org/a?b=1> & more"))
    'from <a href="https://example.org/a?b=1">https://\u2060example.<wbr/>org/a?b=1</a> &amp; more'
    """
    escaped = str(escape(text))
    return Markup(_AUTOLINK.sub(
        lambda m: f'<a href="{m.group(1)}">{"<wbr/>".join(url_pieces(m.group(1)))}</a>', escaped))


def environment(root: Path) -> jinja2.Environment:
    """Return the Jinja2 environment: the project's ``templates/`` first, then the defaults.

    A project's folder holds only the templates it changes (:mod:`zinepress.render.layers`).
    """
    loaders = [jinja2.FileSystemLoader(str(folder)) for folder in template_dirs(root)]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
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
    folder = Path(root) / TEMPLATES_DIR
    for path in sorted(folder.rglob("*.j2")):  # epub/*.j2 too
        name = path.relative_to(folder).as_posix()
        try:
            env.parse(path.read_text(encoding="utf-8"), name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(syntax_error(exc, name))
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(ZineError(f"{TEMPLATES_DIR}/{name}", None, "Z101",
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


def words(book: Book) -> dict:
    """Return the book's language table: labels, licence wording, invitations to copy."""
    return language_table(tuple(template_dirs(book.root)), book.meta["lang"])


def labels(book: Book) -> dict[str, str]:
    """Return the words the templates print, in the book's language."""
    return dict(words(book).get("labels") or {})


RUNNING_TITLE_CHARS = 60


def running_title(title: str, short: str | None = None) -> str:
    """Return the title for running heads: ``short-title`` if given, else a short title.

    A long title is cut before its first colon, else at a word boundary with an ellipsis.

    >>> running_title("Create Two, Three, Many Parties of Autonomy!")
    'Create Two, Three, Many Parties of Autonomy!'
    >>> running_title("Anarchy: A Very Long Explanation of Everything Said in Many Words "
    ...               "And Then Some More")
    'Anarchy'
    >>> running_title("word " * 20)
    'word word word word word word word word word word word word…'
    >>> running_title("Long " * 30, short="Short")
    'Short'
    """
    if short:
        return short
    title = " ".join(title.split())
    if len(title) <= RUNNING_TITLE_CHARS:
        return title
    head = title.split(":", 1)[0].strip()
    if len(head) <= RUNNING_TITLE_CHARS and len(head) < len(title):
        return head
    cut = title[:RUNNING_TITLE_CHARS + 1].rsplit(" ", 1)[0].rstrip(" ,;:.–—-")
    return cut + "…"


def license_words(book: Book, table: dict) -> dict:
    """Return the licence's facts and words in the book's language (empty without one)."""
    from zinepress.source.licenses import BY_ID
    lic = BY_ID.get(book.meta.get("license") or "")
    if lic is None:
        return {"id": None, "url": None, "cover": "", "statement": "", "pass_it_on": ""}
    entry = (table.get("licenses") or {}).get(lic.id) or {}
    statement = entry.get("statement") or (table.get("license-statement") or "").format(
        name=entry.get("name", lic.id), code=entry.get("cover", lic.id))
    return {"id": lic.id, "url": lic.url, "cover": entry.get("cover", ""),
            "statement": statement,
            "pass_it_on": (table.get("pass-it-on") or {}).get(lic.copies, "")}


def people_names(value) -> list[str]:
    return [person["name"] for person in people(value) or []] if value else []


def typography_rules(book: Book) -> Rules | None:
    """Return the book's typography rules, or None when metadata says ``typography: false``."""
    if book.meta.get("typography") is False:
        return None
    return Rules.from_table(words(book).get("typography"))


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
TYPESET_FIELDS = ("title", "subtitle", "short-title", "author", "translator", "editor",
                  "published-as", "source", "notes", "rights", "description", "subject")


def group_corrections(corrections: list[dict]) -> list[dict]:
    """Return corrections in order, those in a row with the same reason as one group.

    The colophon then gives the shared reason once, so it still fits the back cover.

    >>> [len(g["items"]) for g in group_corrections(
    ...     [{"reason": "a"}, {"reason": "b"}, {"reason": "b"}, {"reason": "a"}])]
    [1, 2, 1]
    """
    groups: list[dict] = []
    for correction in corrections:
        if groups and groups[-1]["reason"] == correction.get("reason"):
            groups[-1]["items"].append(correction)
        else:
            groups.append({"reason": correction.get("reason"), "items": [correction]})
    return groups


def book_context(book: Book, tools: dict[str, str]) -> dict:
    """Return the values every template may use."""
    rules = typography_rules(book)
    meta = {field.name: book.meta.get(field.name) for field in FIELDS}
    lang_labels = dict(words(book).get("labels") or {})
    for name in ("source", "notes"):
        if meta.get(name):
            meta[name] = gloss_numeric_dates(meta[name], meta["lang"], meta["edition"]["date"],
                                             lang_labels)
    for name in TYPESET_FIELDS:
        meta[name] = typeset_value(meta[name], rules)
    meta["corrections"] = [{**c, "change": typeset_value(c.get("change"), rules),
                            "reason": typeset_value(c.get("reason"), rules)}
                           for c in meta.get("corrections") or []]
    lang = meta["lang"]
    table = words(book)
    edition = meta["edition"]
    license = license_words(book, table)
    authors = people_names(meta["author"])
    return {
        "meta": meta,
        "title": meta["title"],
        "short_title": running_title(meta["title"], meta.get("short-title")),
        "authors": authors,
        "author": format_names(authors, lang),
        "translator": format_names(people_names(meta.get("translator")), lang),
        "editor": format_names(people_names(meta.get("editor")), lang),
        "lang": lang,
        "date_text": format_date(meta["date"], lang),
        "edition": edition,
        "edition_date": format_date(edition["date"], lang),
        "license": license,
        "rights": meta.get("rights") or license["statement"],
        "corrections": meta.get("corrections") or [],
        "correction_groups": group_corrections(meta.get("corrections") or []),
        "chapter_titles": {ch.file: typeset_value(ch.title, rules) for ch in book.chapters},
        "typography": rules is not None,
        "tools": {"zinepress": __version__, **tools},
        "t": dict(table.get("labels") or {}),
    }


def render_colophon(book: Book, tools: dict[str, str], target: str) -> str:
    """Return the colophon fragment; ``target`` is "print" or "epub" (same template)."""
    return render_template(book.root, "colophon.html.j2",
                           {**book_context(book, tools), "target": target})
