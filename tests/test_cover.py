"""The front cover (render/cover.py): any title fits, the thumbnail stays legible, the
print and EPUB covers come from one design."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinepress.render.cover import (EPUB_COVER_PX, cover_context, page_size_px, pattern,
                                    render_cover)

from conftest import ROOT

WORDS = ("autonomy party of the council workers’ revolutionary organization a and "
         "Fractal Molecular politics counterpower Chile international").split()


def context_for(title: str, short: str | None = None, author: str = "A Collective") -> dict:
    meta = {"title": title, "identifier": "urn:uuid:0", "short-title": short}
    return {"title": title, "author": author, "authors": [author], "meta": meta,
            "license": {"cover": "Anti-copyright"}}


def inside(c: dict) -> bool:
    """True if the ink of every text lies within the cover's margins, none overlapping."""
    margin = 0.08 * c["width"]
    boxes = [text["ink"] for text in c["texts"] if text["ink"]]
    for x0, y0, x1, y1 in boxes:
        if x0 < margin or x1 > c["width"] - margin or y0 < c["band"]["y"] + c["band"]["height"] \
                or y1 > c["height"] - margin * 0.9:
            return False
    ordered = sorted(boxes, key=lambda b: b[1])
    return all(a[3] <= b[1] for a, b in zip(ordered, ordered[1:]))


def title_from(seed: list[int], length: int) -> str:
    words, i = [], 0
    while len(" ".join(words)) < length:
        words.append(WORDS[seed[i % len(seed)] % len(WORDS)])
        i += 1
    return " ".join(words)[:length].strip() or "A"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.lists(st.integers(0, 100), min_size=1))
def test_any_title_up_to_300_characters_fits_both_covers(length, seed):
    title = title_from(seed, length)
    for width, height in (EPUB_COVER_PX, page_size_px("148mm 210mm"), page_size_px("5.5in 8.5in")):
        c = cover_context(ROOT, context_for(title), width, height, "print")
        assert c["title_block"] is not None, (length, title)
        assert " ".join(c["title_block"].lines) == " ".join(title.split())
        assert c["title_block"].width <= width * (1 - 2 * 0.085) + 0.01
        assert inside(c)


def test_a_long_title_gives_the_cover_to_its_short_title():
    title = title_from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9], 250)
    full = cover_context(ROOT, context_for(title), *EPUB_COVER_PX, "epub")
    short = cover_context(ROOT, context_for(title, short="Many Parties"), *EPUB_COVER_PX, "epub")
    assert full["title_text"] == title and short["title_text"] == "Many Parties"
    assert short["title_size"] > 2 * full["title_size"]


def test_thumbnail_200_px_wide_keeps_the_title_legible(essay_book):
    from zinepress.render.templates import book_context
    c = cover_context(ROOT, book_context(essay_book, {"pandoc": "", "weasyprint": ""}),
                      *EPUB_COVER_PX, "epub")
    scale = 200 / EPUB_COVER_PX[0]
    # Cap height of EB Garamond is about 0.65 em: letters at least 12 px tall at 200 px.
    assert c["title_size"] * 0.65 * scale >= 12
    author = c["texts"][1]["size"] * 0.65 * scale
    assert author >= 4


def test_print_cover_is_the_same_design_at_the_page_size(essay_book):
    from zinepress.render.templates import book_context
    context = book_context(essay_book, {"pandoc": "", "weasyprint": ""})
    svg = render_cover(ROOT, context, "print", "148mm 210mm")
    assert 'width="148mm" height="210mm"' in svg
    epub = render_cover(ROOT, context, "epub")
    assert epub.startswith("<?xml") and 'viewBox="0 0 1200 1800"' in epub
    for one in (svg, epub):
        assert f"<title>{essay_book.meta['title']}</title>" in one
        assert "<text" not in one                      # outlines: no font needed to show it


@pytest.mark.parametrize("kind", ["truchet", "stripes", "dots", "none"])
def test_patterns_are_drawn_from_the_seed(kind):
    band = {"x": 10, "y": 10, "width": 300, "height": 200}
    one, two = pattern(kind, band, "seed-a", 4), pattern(kind, band, "seed-a", 4)
    assert one == two
    if kind != "none":
        assert one["shapes"] and one != pattern(kind, band, "seed-b", 4) or kind == "stripes"
    else:
        assert one["shapes"] == []


def test_the_pdf_opens_with_the_cover_and_ends_with_the_back_cover(essay, essay_book):
    from pdfread import page_texts, squash
    texts = [squash(t) for t in page_texts(essay["pdf"])]
    assert texts[0] == "" and texts[1] == ""            # the cover is drawn, its inside blank
    assert essay_book.meta["title"] in texts[2]         # the title page on the first recto
    back = texts[-1]
    assert squash(essay_book.meta["description"])[:60] in back.replace("\u2019", "’")
    assert len(texts) % 2 == 0
