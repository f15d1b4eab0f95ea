"""Paragraph line breaking (formats/linebreaks.py): the optimiser, its HTML edits, the
built essay held to a typesetter's limits (read back from the PDFs)."""

from __future__ import annotations

import re

import pyphen
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinepress.check.typography import analyse, summary
from zinepress.formats import linebreaks as lb

EN = pyphen.Pyphen(lang="en_US", left=3, right=3)


def paragraph(widths, hyphens=None, width=100.0, space=3.0):
    """A paragraph of tokens with the given widths (each followed by a space)."""
    tokens, pos = [], 0
    for i, w in enumerate(widths):
        points = (hyphens or {}).get(i, [])
        tokens.append(lb.Token(pos, pos + 5, w, space if i < len(widths) - 1 else 0.0,
                               True, spaced=i < len(widths) - 1,
                               hyphens=[(pos + 2, w * 0.5 + 1, w * 0.5)] if points else []))
        pos += 6
    return lb.Paragraph("1", tokens, width, width, font_size=14.0, line_height=19.0)


def line_widths(par, plan):
    """Return each planned line's natural width and its number of word spaces."""
    out, prev = [], lb.Break(-1, None)
    for brk in plan.breaks:
        natural, spaces = 0.0, 0
        if prev.hyphen is not None:
            natural += par.tokens[prev.token].hyphens[prev.hyphen][2]
        first = prev.token + 1
        last = brk.token if brk.hyphen is None else brk.token - 1
        for i in range(first, last + 1):
            if i > first or prev.hyphen is not None:
                natural += par.tokens[i - 1].space
                spaces += 1
            natural += par.tokens[i].width
        if brk.hyphen is not None:
            if last >= first or prev.hyphen is not None:
                natural += par.tokens[brk.token - 1].space
                spaces += 1
            natural += par.tokens[brk.token].hyphens[brk.hyphen][1]
        out.append((natural, spaces))
        prev = brk
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=4, max_value=40), min_size=3, max_size=60),
       st.sets(st.integers(min_value=0, max_value=59)))
def test_every_line_fits_and_no_three_hyphens_run(widths, hyphenable):
    par = paragraph(widths, {i: [1] for i in hyphenable if i < len(widths)})
    plan = lb.optimise(par)
    assert plan is not None
    for natural, spaces in line_widths(par, plan):
        assert natural <= par.width + spaces * lb.SHRINK_WORD_EM * par.font_size + 1e-6
    ends = [brk.hyphen is not None for brk in plan.breaks]
    assert not any(a and b and c for a, b, c in zip(ends, ends[1:], ends[2:]))
    assert plan.breaks[-1] == lb.Break(len(widths) - 1, None)


def test_a_line_count_can_be_asked_for_and_a_word_kept_whole():
    par = paragraph([20] * 30, {i: [1] for i in range(30)})
    best = lb.optimise(par)
    n = len(best.breaks)
    longer = lb.optimise(par, lines=n + 1)
    assert longer is not None and len(longer.breaks) == n + 1
    hyphenated = {b.token for b in best.breaks if b.hyphen is not None}
    kept = lb.optimise(par, no_hyphen=frozenset(range(30)))
    assert all(b.hyphen is None for b in kept.breaks)
    assert hyphenated or kept is not None


def test_hyphen_points_keep_names_whole_and_three_letters_each_side():
    assert lb.hyphen_points("Allende", 0, EN) == []
    assert lb.hyphen_points("revolutionary", 0, EN) == [4, 6]       # revo-lu-tionary
    assert lb.hyphen_points("macropolitics", 0, EN) == [9]           # macropoli-tics
    german = lb.Hyphenation(capitalised=True, consonant_vowel=True)
    assert lb.hyphen_points("Revolutionary", 0, EN, german)
    for word in ("communication", "organizational", "revolutionaries", "counterpower"):
        for point in lb.hyphen_points(word, 0, EN):
            assert point >= lb.HYPHEN_EDGE and len(word) - point >= lb.HYPHEN_EDGE


def test_edits_wrap_lines_in_spans_that_stay_nested_and_glue_a_divided_word():
    html = '<p data-b="1">one two <em>three four</em> five sixsevenish eight</p>'
    index = lb.index_html(html)
    text = index.texts["1"]
    assert text == "one two three four five sixsevenish eight"
    plan_spans = [lb.LineSpan(0, 13, -0.02), lb.LineSpan(14, 23)]
    edits = lb.Edits(lines={"1": plan_spans}, hyphens={"1": {27}}, glue={"1": {23, 35}})
    out = lb.apply_edits(index, edits)
    assert out == ('<p data-b="1"><span class="zp-line" style="word-spacing:-0.0200em;">one two\u00a0'
                   '</span><em><span class="zp-line" style="word-spacing:-0.0200em;">three</span> '
                   '<span class="zp-line">four</span></em><span class="zp-line">\u00a0five</span>'
                   '\u00a0six\u00adsevenish\u00a0eight</p>')
    assert lb.index_html(out).texts["1"].replace("\u00a0", " ").replace("\u00ad", "") == text


# -- the essay, read back from the built PDFs ------------------------------------------

@pytest.fixture(scope="module")
def reports(essay):
    return {name: summary(analyse(essay[name])) for name in ("pdf", "pdf-letter")}


@pytest.mark.parametrize("name", ["pdf", "pdf-letter"])
def test_hyphenation_limits(reports, name):
    report = reports[name]
    assert report["hyphens_per_page"] <= 1.0
    assert report["longest_hyphen_run"] <= 2
    assert report["page_turn_hyphens"] == []
    assert report["hyphenated_names"] == []


@pytest.mark.parametrize("name", ["pdf", "pdf-letter"])
def test_no_loose_lines(reports, name):
    assert reports[name]["loosest_max"] <= 0.6


def test_hyphenated_words_keep_three_letters_each_side(essay):
    from zinepress.check.typography import read_pages
    for name in ("pdf", "pdf-letter"):
        lines = [line for page in read_pages(essay[name]) for line in page if line.body]
        for above, below in zip(lines, lines[1:]):
            if above.hyphen_end == "auto":
                head = above.last_word.rstrip("\u2010").split("\u00a0")[-1]
                tail = below.text.split()[0] if below.text.split() else ""
                letters = [c for c in tail if c.isalpha()]
                assert len([c for c in head if c.isalpha()]) >= 3, above.text
                assert len(letters) >= 3 or not letters, below.text


# -- URLs and note calls, read back from the outputs -------------------------------------

def url_lines(path):
    """Return consecutive (line, next line) text pairs of the PDF's pages."""
    from zinepress.check.typography import read_pages
    for page in read_pages(path):
        lines = [line.text.strip() for line in page if line.body]
        yield from zip(lines, lines[1:])


def test_urls_break_only_after_slash_dot_or_hyphen_never_after_the_scheme(essay, essay_book):
    urls = set(re.findall(r"<(https?://[^>]+)>", "\n".join(ch.text for ch in essay_book.chapters)
                          + essay_book.meta["source"]))
    assert len(urls) > 5
    breaks = 0
    for name in ("pdf", "pdf-letter"):
        for line, following in url_lines(essay[name]):
            if not line.split() or not following.split():
                continue
            head, tail = line.split()[-1], following.split()[0]
            if any((head + tail) in url and url.startswith(head) for url in urls):
                assert not head.endswith("://") and head[-1] in "/.-", (head, tail)
                breaks += 1
    assert breaks > 0          # the references do break some URLs, and only cleanly


def test_epub_urls_carry_break_points_and_keep_their_scheme_whole(essay):
    import zipfile
    with zipfile.ZipFile(essay["epub"]) as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    links = re.findall(r'<a href="(https?://[^"]+)"[^>]*>(.*?)</a>', text)
    assert links
    for href, shown in links:
        if href.startswith("https://regeneration") or href.startswith("https://www."):
            assert shown.startswith(href.split("//")[0] + "//\u2060"), shown
            assert "<wbr/>" in shown or "<wbr />" in shown
            assert re.sub(r"<wbr ?/>|\u2060", "", shown) == href


def test_note_calls_are_superior_figures(essay):
    """Each call is drawn with the font's superior figures: a full-size glyph whose ink
    sits well above the baseline (an old-style digit shrunk and raised would sit low)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    from pdfread import destination_pages
    calls = {n: page for n, page in destination_pages(essay["pdf"]).items()
             if n.startswith("noteref-")}
    pdf = pdfium.PdfDocument(str(essay["pdf"]))
    x, y = ctypes.c_double(), ctypes.c_double()
    found = 0
    for page_number in sorted(set(calls.values())):
        text = pdf[page_number - 1].get_textpage()
        for i in range(text.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(text, i))
            if not char.isdigit():
                continue
            raw.FPDFText_GetCharOrigin(text, i, x, y)
            size = raw.FPDFText_GetFontSize(text, i) * 0.75
            bottom = text.get_charbox(i)[1]
            if bottom - y.value > 0.3 * size:
                found += 1
                assert size > 9, "a call is set at the text's size, drawn small by the font"
                assert text.get_charbox(i)[3] - bottom < 0.45 * size   # a small glyph
    assert found >= len(calls)
