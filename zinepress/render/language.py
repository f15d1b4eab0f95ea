"""Language tables: a BCP 47 tag in, the words the templates print in that language out.

Every word a reader sees comes from a template or from ``templates/lang/<tag>.yaml``.
A tag with a region (``en-GB``) reads its language's table (``en``) first and lays the
region's file over it; English is the base under every language, so a key a
translation lacks still prints, in English. A language with no table at all falls
back to English with one warning.
"""

from __future__ import annotations

import functools
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
def language_table(templates_dir: Path, tag: str) -> dict:
    """Return the merged language table for ``tag`` from ``templates_dir/lang/``."""
    table: dict = {}
    found = []
    for name in candidates(tag):
        path = Path(templates_dir) / LANG_DIR / f"{name}.yaml"
        if path.is_file():
            table = merge(table, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
            found.append(name)
    if tag.split("-")[0].lower() != BASE and len(found) < 2:
        log.warning("templates/%s/: no table for language '%s'; printing English words",
                    LANG_DIR, tag)
    return table
