"""Language tables: a BCP 47 tag in, the words and dates the templates print in that language out.

Every word a reader sees comes from a template or from ``templates/lang/<tag>.yaml``.
A tag with a region (``en-GB``) reads its language's table (``en``) first and lays the
region's file over it; English is the base under every language, so a key a
translation lacks still prints, in English (a test keeps every shipped table
complete). A language with no table at all falls back to English with one warning.
A project's own ``templates/lang/<tag>.yaml`` is laid over the default one, key by key.

Dates and lists of names are written the way the language writes them, by Babel
(the Unicode CLDR data): ``1881-06`` is "June 1881" in ``en``, "juin 1881" in ``fr``;
three authors are "A, B, and C" in ``en-US`` and "A, B et C" in ``fr``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import logging
from pathlib import Path

import yaml

log = logging.getLogger("zinepress")

LANG_DIR = "lang"
BASE = "en"


def candidates(tag: str) -> list[str]:
    """Return the table names to lay over each other for ``tag``, broadest first.

    >>> candidates("pt-BR")
    ['en', 'pt', 'pt-BR']
    >>> candidates("en")
    ['en']
    """
    parts = tag.split("-")
    names = [BASE] + ["-".join(parts[: i + 1]) for i in range(len(parts))]
    return list(dict.fromkeys(names))


def merge(base: dict, over: dict) -> dict:
    """Return ``base`` with ``over`` laid on it, mappings merged key by key.

    >>> merge({"labels": {"a": 1, "b": 2}}, {"labels": {"b": 3}})
    {'labels': {'a': 1, 'b': 3}}
    """
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@functools.lru_cache(maxsize=32)
def language_table(folders: tuple[Path, ...], tag: str) -> dict:
    """Return the merged language table for ``tag``.

    ``folders`` are template folders, most specific first (the project's own, then
    the defaults, as :func:`zinepress.render.layers.template_dirs` gives them).
    """
    table: dict = {}
    for name in candidates(tag):
        for folder in reversed(folders):
            path = Path(folder) / LANG_DIR / f"{name}.yaml"
            if path.is_file():
                table = merge(table, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return table


def has_table(folders: tuple[Path, ...], tag: str) -> bool:
    """Return True when a table exists for the language of ``tag`` (English always has one)."""
    primary = tag.split("-")[0]
    return primary.lower() == BASE or any(
        (Path(folder) / LANG_DIR / f"{primary}.yaml").is_file() for folder in folders)


def warn_if_missing(folders: tuple[Path, ...], tag: str) -> bool:
    """Log one warning when ``tag`` has no table (its words print in English); return it."""
    if has_table(folders, tag):
        return False
    log.warning("templates/%s/: no table for language '%s'; printing English words",
                LANG_DIR, tag)
    return True


@functools.lru_cache(maxsize=32)
def babel_locale(tag: str):
    """Return the Babel locale for a BCP 47 tag, or English when Babel has none.

    >>> str(babel_locale("pt-BR")), str(babel_locale("en-GB")), str(babel_locale("zz"))
    ('pt_BR', 'en_GB', 'en')
    """
    from babel import Locale, UnknownLocaleError
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(BASE)


def format_date(value, tag: str) -> str:
    """Return a date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date) as ``tag`` writes it.

    >>> format_date("1881-06", "fr"), format_date("2019", "de")
    ('juin 1881', '2019')
    >>> format_date(dt.date(2026, 11, 25), "en-GB"), format_date("2026-11-25", "en-US")
    ('25 November 2026', 'November 25, 2026')
    """
    from babel import dates
    locale = babel_locale(tag)
    if isinstance(value, dt.date):
        return dates.format_date(value, "long", locale=locale)
    text = str(value)
    parts = text.split("-")
    if len(parts) == 3:
        return dates.format_date(dt.date.fromisoformat(text), "long", locale=locale)
    if len(parts) == 2:
        return dates.format_skeleton("yMMMM", dt.date(int(parts[0]), int(parts[1]), 1),
                                     locale=locale)
    return text


def format_names(names: list[str], tag: str) -> str:
    """Return names joined as ``tag`` writes a list ("A, B et C").

    >>> format_names(["Ana Lima", "Jo Park"], "es"), format_names(["Ana Lima"], "fr")
    ('Ana Lima y Jo Park', 'Ana Lima')
    """
    from babel.lists import format_list
    return format_list(list(names), locale=babel_locale(tag)) if names else ""


_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def gloss_numeric_dates(text: str, tag: str, not_after: dt.date | None, labels: dict) -> str:
    """Return ``text`` with each numeric date (``1/12/2026``) followed by its reading.

    Month/day and day/month orders both exist, so ``1/12/2026`` says nothing for sure;
    the words stay as the source wrote them and a bracketed gloss gives the reading in
    words: the one reading when the other is impossible or later than ``not_after``
    (the edition cannot quote a later retrieval), else both.

    >>> labels = {"date-gloss": "[{date}]", "date-gloss-either": "[{first} or {second}]"}
    >>> gloss_numeric_dates("Retrieved on 1/12/2026 from", "en-GB", dt.date(2026, 11, 25), labels)
    'Retrieved on 1/12/2026 [12 January 2026] from'
    >>> gloss_numeric_dates("on 3/4/2020", "en-GB", None, labels)
    'on 3/4/2020 [4 March 2020 or 3 April 2020]'
    """
    def gloss(match: re.Match) -> str:
        a, b, year = (int(g) for g in match.groups())
        readings = []
        for month, day in ((a, b), (b, a)):
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if (not_after is None or date <= not_after) and date not in readings:
                readings.append(date)
        if not readings:
            return match.group(0)
        if len(readings) == 1:
            words = labels.get("date-gloss", "[{date}]").format(date=format_date(readings[0], tag))
        else:
            words = labels.get("date-gloss-either", "[{first} / {second}]").format(
                first=format_date(readings[0], tag), second=format_date(readings[1], tag))
        return f"{match.group(0)} {words}"

    return _NUMERIC_DATE.sub(gloss, text)
