"""Language tables: every shipped language says everything English says; dates by Babel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pdfread import page_texts
from zinepress.render.language import format_date, format_names, language_table, warn_if_missing
from zinepress.render.layers import DEFAULT_TEMPLATES
from zinepress.source.licenses import LICENSE_IDS, LICENSES

LANG_DIR = DEFAULT_TEMPLATES / "lang"
LANGUAGES = ("en", "fr", "es", "de", "it", "pt")


def keys(table: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in table.items():
        found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return found


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_language_has_every_english_key(lang):
    english = yaml.safe_load((LANG_DIR / "en.yaml").read_text(encoding="utf-8"))
    table = yaml.safe_load((LANG_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert keys(english) - keys(table) == set()
    assert keys(table) - keys(english) == set(), "a key English lacks is a typo"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_licence_has_words_in_every_language(lang):
    table = language_table((DEFAULT_TEMPLATES,), lang)
    assert set(table["licenses"]) == set(LICENSE_IDS)
    for lic in LICENSES:
        entry = table["licenses"][lic.id]
        assert entry.get("statement") or entry.get("name"), (lang, lic.id)
        assert (lic.copies == "none") == (lic.copies not in table["pass-it-on"]), lic.id


def test_placeholders_match_english():
    import string
    english = yaml.safe_load((LANG_DIR / "en.yaml").read_text(encoding="utf-8"))["labels"]
    for lang in LANGUAGES[1:]:
        labels = yaml.safe_load((LANG_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))["labels"]
        for key, text in english.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert fields == {f for _, f, _, _ in string.Formatter().parse(labels[key]) if f}, \
                (lang, key)


def test_a_region_lays_over_its_language():
    gb, us = (language_table((DEFAULT_TEMPLATES,), tag) for tag in ("en-GB", "en-US"))
    assert "licence (" in gb["license-statement"] and "license (" in us["license-statement"]
    assert gb["labels"] == us["labels"]
    assert language_table((DEFAULT_TEMPLATES,), "pt-BR")["labels"]["contents"] == "Sumário"


def test_a_missing_language_falls_back_to_english_with_one_warning(tmp_path, capsys):
    from zinepress import cli
    from zinepress.source.scaffold import new_project
    assert language_table((DEFAULT_TEMPLATES,), "sv")["labels"]["contents"] == "Contents"
    root = new_project(tmp_path / "sv", lang="sv")
    capsys.readouterr()
    assert cli.main(["--root", str(root), "build", "colophon"]) == 0
    err = capsys.readouterr().err
    assert err.count("templates/lang/: no table for language 'sv'; printing English words") == 1
    text = " ".join(page_texts(root / "build" / "sv-colophon.pdf"))
    assert "Print\nit, copy it" in text or "Print it, copy it" in text
    assert not warn_if_missing((DEFAULT_TEMPLATES,), "pt-BR")


def test_a_project_table_changes_one_word(tmp_path):
    (tmp_path / "lang").mkdir()
    (tmp_path / "lang" / "fr.yaml").write_text("labels: {contents: Sommaire}\n")
    table = language_table((tmp_path, DEFAULT_TEMPLATES), "fr")
    assert table["labels"]["contents"] == "Sommaire"
    assert table["labels"]["colophon"] == "Colophon"


@pytest.mark.parametrize("lang, partial, full", [
    ("en", "June 1881", "June 3, 1881"),
    ("en-US", "June 1881", "June 3, 1881"),
    ("en-GB", "June 1881", "3 June 1881"),
    ("fr", "juin 1881", "3 juin 1881"),
    ("es", "junio de 1881", "3 de junio de 1881"),
    ("de", "Juni 1881", "3. Juni 1881"),
    ("it", "giugno 1881", "3 giugno 1881"),
    ("pt", "junho de 1881", "3 de junho de 1881"),
])
def test_dates_are_written_the_way_the_language_writes_them(lang, partial, full):
    assert format_date("1881", lang) == "1881"
    assert format_date("1881-06", lang) == partial
    assert format_date("1881-06-03", lang) == full == format_date(dt.date(1881, 6, 3), lang)


def test_names_are_listed_the_way_the_language_lists_them():
    names = ["Ana Lima", "Jo Park", "Max Roy"]
    assert format_names(names, "en-US") == "Ana Lima, Jo Park, and Max Roy"
    assert format_names(names, "en-GB") == "Ana Lima, Jo Park and Max Roy"
    assert format_names(names, "fr") == "Ana Lima, Jo Park et Max Roy"
    assert format_names(names[:2], "de") == "Ana Lima und Jo Park"


def test_print_html_carries_the_full_tag_for_hyphenation(tmp_path):
    """WeasyPrint picks hyphenation patterns from `lang`: en-GB and en-US differ."""
    import pyphen

    from zinepress.render.templates import book_context, render_template
    from zinepress.source.load import load_book
    from zinepress.source.scaffold import new_project
    root = new_project(tmp_path / "z", lang="en-GB")
    html = render_template(root, "book.html.j2", {
        **book_context(load_book(root), {"pandoc": "x", "weasyprint": "y"}), "chapters": [],
        "colophon": "", "page": {"name": "a5", "size": "a5"}, "extra_css": [],
        "edition_css": [], "build_date": "2026-01-01"})
    assert '<html lang="en-GB">' in html
    gb, us = pyphen.Pyphen(lang="en_GB"), pyphen.Pyphen(lang="en_US")
    assert gb.inserted("revolutionary") != us.inserted("revolutionary")
