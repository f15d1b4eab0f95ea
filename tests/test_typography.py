"""The typography pass (convert/typography.py): rules on text, on pandoc's AST, in the outputs."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from zinepress.check.typography import STRAIGHT_QUOTES, analyse, summary
from zinepress.convert.typography import (NBSP, WORD_JOINER, Rules, typeset_blocks,
                                          typeset_string, typeset_text)

from conftest import ROOT

EN = Rules()
FR = Rules.from_table(yaml.safe_load((ROOT / "templates/lang/en.yaml").read_text())["typography"]
                      | {"quotes": ["«", "»", "“", "”"], "quote-space": NBSP,
                         "space-before": ";:!?"})


@pytest.mark.parametrize("text, expected", [
    ('"Workers\' councils" and workers\' councils', "“Workers’ councils” and workers’ councils"),
    ("don't, d'état, dell'Autonomia", "don’t, d’état, dell’Autonomia"),
    ("the 1970s and '80s", "the 1970s and ’80s"),
    ("the 1970s and ‘80s", "the 1970s and ’80s"),             # the source's wrong quote
    ("discovered: 'What is to be done?' he", "discovered: ‘What is to be done?’ he"),
    ('He said "\'Hi\' there"', "He said “‘Hi’ there”"),
    ("'tis the season", "’tis the season"),
    ("Class Struggles, 1917-1923, pp. 12-15", f"Class Struggles, 1917–1923, pp.{NBSP}12–15"),
    ("ISO 2019-05-01 and COVID-19", "ISO 2019-05-01 and COVID-19"),
    ("(Nunes 2014b: 11)", f"(Nunes{NBSP}2014b:{NBSP}11)"),
    ("(Porcaro 2011; 2013)", f"(Porcaro{NBSP}2011;{NBSP}2013)"),
    ("– Kelley 1990: 93", f"–{NBSP}Kelley{NBSP}1990:{NBSP}93"),
    ("peninsula – Spain", f"peninsula{NBSP}– Spain"),
    ("possible—or even", f"possible{WORD_JOINER}—or even"),
    ("a -- b --- c", f"a{NBSP}– b{NBSP}— c"),
    ("a gap [...] here. . . and...", "a gap […] here… and…"),
])
def test_english_rules(text, expected):
    assert typeset_text(text, EN) == expected


def test_french_guillemets_and_spaces_before_high_punctuation():
    assert typeset_text('Il dit "bonjour" ; puis: quoi? à 10:30', FR) == \
        f"Il dit «{NBSP}bonjour{NBSP}»{NBSP}; puis{NBSP}: quoi{NBSP}? à 10:30"
    assert typeset_text("«déjà» et « déjà »", FR) == f"«{NBSP}déjà{NBSP}» et «{NBSP}déjà{NBSP}»"


def test_urls_in_metadata_keep_their_characters():
    text = 'Retrieved from <https://example.org/a-b--c/1917-1923/it\'s> "via"'
    assert typeset_string(text, EN) == \
        "Retrieved from <https://example.org/a-b--c/1917-1923/it's> “via”"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 '\"-.–—:;(),[]…«»“”‘’") + [NBSP]),
               max_size=60))
def test_letters_and_digits_are_never_changed(text):
    out = typeset_text(text, EN)
    assert [c for c in out if c.isalnum()] == [c for c in text if c.isalnum()]
    assert not any(q in out for q in STRAIGHT_QUOTES)
    fr = typeset_text(text, FR)
    assert [c for c in fr if c.isalnum()] == [c for c in text if c.isalnum()]


def para(*inlines):
    return {"t": "Para", "c": list(inlines)}


def s(text):
    return {"t": "Str", "c": text}


SP = {"t": "Space"}


def test_ast_pass_skips_code_and_urls_and_typesets_notes_and_emphasis():
    url = "https://example.org/it's-1917-1923"
    blocks = [para(s('"Workers\''), SP, {"t": "Emph", "c": [s("councils\"")]},
                   {"t": "Code", "c": [["", [], []], "x = 'a' - \"b\""]}, SP,
                   {"t": "Link", "c": [["", [], []], [s(url)], [url, ""]]},
                   {"t": "Note", "c": [para(s("see"), SP, s("'80s"))]}),
              {"t": "CodeBlock", "c": [["", [], []], "print('1917-1923')"]}]
    out = typeset_blocks(blocks, EN)
    inlines = out[0]["c"]
    assert inlines[0] == s("“Workers’")
    assert inlines[2] == {"t": "Emph", "c": [s("councils”")]}
    assert inlines[3]["t"] == "Code" and inlines[3]["c"][1] == "x = 'a' - \"b\""
    assert inlines[5]["c"][1] == [s(url)]
    assert inlines[6]["c"][0]["c"][-1] == s("’80s")
    assert out[1] == blocks[1]


def test_every_character_the_pass_writes_is_in_the_bundled_fonts():
    from fontTools.ttLib import TTFont
    fonts = sorted((ROOT / "templates" / "fonts").glob("EBGaramond*.[ot]tf"))   # the text's
    assert fonts
    for lang_file in sorted((ROOT / "templates" / "lang").glob("*.yaml")):
        table = yaml.safe_load(lang_file.read_text(encoding="utf-8")) or {}
        if "typography" not in table:
            continue
        wanted = Rules.from_table(table["typography"]).characters()
        for font in fonts:
            cmap = TTFont(font).getBestCmap()
            missing = {f"U+{ord(c):04X}" for c in wanted if ord(c) not in cmap}
            assert not missing, f"{font.name} lacks {missing} ({lang_file.name})"


# -- the built essay --------------------------------------------------------------------

def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        pages = [epub.read(n).decode("utf-8") for n in epub.namelist()
                 if n.endswith(".xhtml") and "nav" not in n]
    texts = [re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1].split(">", 1)[1])
             for page in pages]
    return "\n".join(texts)


def test_no_straight_quotes_in_the_pdfs_and_the_epub(essay):
    for name in ("pdf", "pdf-letter", "colophon"):
        assert summary(analyse(essay[name]))["straight_quotes"] == 0, name
    text = epub_text(essay["epub"])
    assert "’80s" in text and "workers’ councils" in text
    found = [text[max(0, m.start() - 30): m.end() + 30] for m in re.finditer("[\"']", text)]
    assert found == []


def test_typography_false_leaves_the_text_as_written(tiny):
    from zinepress.build.builder import Build
    meta = tiny / "source" / "metadata.yaml"
    plain = Build(tiny).prepared("epub").ast
    meta.write_text(meta.read_text(encoding="utf-8") + "typography: false\n", encoding="utf-8")
    raw = Build(tiny).prepared("epub").ast
    assert '"The' in strings(raw) and "“The" in strings(plain)


def strings(node) -> list[str]:
    """Return the text of every Str element in a pandoc AST."""
    if isinstance(node, dict):
        return [node["c"]] if node.get("t") == "Str" else strings(node.get("c"))
    if isinstance(node, (list, tuple)):
        return [text for item in node for text in strings(item)]
    return []


def test_colophon_lists_the_pass_as_a_normalisation(essay):
    from conftest import ROOT as root
    words = yaml.safe_load((root / "templates/lang/en.yaml").read_text())["labels"]
    from pdfread import page_texts, squash
    colophon = squash(page_texts(essay["pdf"])[-1])
    assert squash(words["typography-note"].split("(")[0]) in colophon


# -- the metadata that drives it, the report's command line ------------------------------

@pytest.mark.parametrize("cover, code, words", [
    ("{pattern: zigzag}", "Z005", "cover pattern must be one of"),
    ("{colour: red}", "Z003", "unknown cover key 'colour'"),
    ("{image: chapter.md}", "Z307", "is not a PNG, JPEG, GIF, SVG or WebP file"),
    ("{image: missing.png}", "Z304", "image 'missing.png' not found"),
    ("{ink: black}", "Z005", "cover ink expects a colour #rrggbb"),
])
def test_bad_cover_metadata_is_one_line_with_its_code(tiny, capsys, cover, code, words):
    from zinepress.cli import main
    meta = tiny / "source" / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"cover: {cover}\n", encoding="utf-8")
    if "chapter.md" in cover:
        meta.write_text(meta.read_text(encoding="utf-8").replace("chapter.md", "01-first.md"),
                        encoding="utf-8")
        words = "'01-first.md' " + words
    assert main(["--root", str(tiny), "check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any(f" {code} " in line and words in line for line in err), err


def test_typography_report_names_a_missing_pdf(tiny, capsys):
    from zinepress.cli import main
    assert main(["--root", str(tiny), "check", "--typography"]) == 2
    err = capsys.readouterr().err
    assert "Z720 not built yet" in err and "build/" in err


def test_typography_report_reads_the_built_pdfs(essay, capsys):
    from zinepress.cli import main
    assert main(["--root", str(essay["root"]), "check", "--typography"]) == 0
    out = capsys.readouterr().out
    assert "straight quotes: 0" in out and "page turn hyphens: []" in out
    assert out.count("loosest p99") == 2
