"""The reading PDF of the essay, read back from its real bytes."""

from __future__ import annotations

import re

import pikepdf
import pytest

from pdfread import destination_pages, outline_titles, page_resources, page_texts, squash

NOTE_DEF = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$", re.MULTILINE)


def source_notes(book) -> list[str]:
    """Return the note texts in call order (labels in the order their calls appear)."""
    calls = []
    for chapter in book.chapters:
        body = NOTE_DEF.sub("", chapter.text)
        calls += re.findall(r"\[\^([^\]]+)\]", body)
    defs = {label: text for ch in book.chapters for label, text in NOTE_DEF.findall(ch.text)}
    return [defs[label] for label in calls]


def first_words(markdown: str, count: int = 4) -> str:
    words = re.sub(r"[*_<>]", "", markdown).split()
    return " ".join(words[:count])


@pytest.fixture(scope="module")
def a5(essay):
    return essay["pdf"]


def test_bookmarks_list_the_chapters_in_metadata_order(a5, essay_book):
    titles = [ch.title for ch in essay_book.chapters]
    assert outline_titles(a5) == ["Contents", *titles, "Colophon"]


def test_each_chapter_starts_on_its_own_page(a5, essay_book):
    pages = destination_pages(a5)
    starts = [pages[ch.ident] for ch in essay_book.chapters]
    assert starts == sorted(set(starts)), starts


def test_contents_page_lists_chapters_with_their_real_page_numbers(a5, essay_book):
    pages = destination_pages(a5)
    [contents] = [squash(text) for text in page_texts(a5)[:6] if squash(text).startswith("Contents")]
    positions = []
    for chapter in essay_book.chapters:
        number = pages[chapter.ident]
        pattern = re.escape(squash(chapter.title)) + r"[ .]*" + str(number) + r"\b"
        match = re.search(pattern, contents)
        assert match, f"contents lacks '{chapter.title} … {number}': {contents}"
        positions.append(match.start())
    assert positions == sorted(positions), "contents order differs from metadata"


def test_notes_are_numbered_in_call_order_and_sit_on_the_page_of_their_call(a5, essay_book):
    notes = source_notes(essay_book)
    pages = destination_pages(a5)
    texts = [squash(t) for t in page_texts(a5)]
    assert notes, "the essay has notes"
    for number, note in enumerate(notes, start=1):
        call_page, note_page = pages[f"noteref-{number}"], pages[f"note-{number}"]
        assert note_page == call_page, f"note {number}: call on p. {call_page}, note on p. {note_page}"
        assert f"{number}. {first_words(note)}" in texts[note_page - 1], (
            f"note {number} text not at the foot of page {note_page}")


def test_the_book_ends_with_the_colophon_and_its_anti_copyright_statement(a5, essay_book):
    """The colophon comes last and holds everything it must, on as many pages as it takes
    on this machine (one, as a rule: the build warns when it runs over, see test_builder)."""
    pages = destination_pages(a5)
    texts = page_texts(a5)
    assert pages["colophon"] == max(pages.values()) <= len(texts)
    colophon = squash(" ".join(texts[pages["colophon"] - 1:]))
    assert "Colophon" in colophon.title() or "COLOPHON" in colophon
    assert squash(essay_book.meta["rights"])[:40] in colophon
    assert f"Edition {essay_book.meta['edition']['number']}" in colophon
    for correction in essay_book.meta["corrections"]:
        assert squash(correction["change"])[:30] in colophon, correction["change"]
    assert "Made with zinepress" in squash(texts[-1]), "the colophon's last line ends the book"


def test_fonts_are_the_vendored_book_font_embedded_and_subset(a5):
    with pikepdf.open(a5) as pdf:
        fonts = {str(font.BaseFont): font for page in pdf.pages
                 for _, font in page_resources(page, "/Font")}
        assert fonts
        for name, font in fonts.items():
            assert re.match(r"/[A-Z]{6}\+(EB-?Garamond|Source-?Code-?Pro)", name), name
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_document_metadata_comes_from_metadata_yaml(a5, essay_book):
    with pikepdf.open(a5) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == essay_book.meta["title"]
        assert str(info["/Author"]) == essay_book.meta["author"]
        assert str(pdf.Root.Lang) == essay_book.meta["lang"]
        date = essay_book.meta["edition"]["date"].strftime("%Y%m%d")
        assert str(info["/CreationDate"]).startswith("D:" + date)


@pytest.mark.parametrize("target, size_pt", [("pdf", (419.5, 595.3)),
                                             ("pdf-letter", (396.0, 612.0)),
                                             ("pdf-large-print", (595.3, 841.9))])
def test_page_sizes(essay, target, size_pt):
    with pikepdf.open(essay[target]) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.MediaBox]
            assert (round(box[2] - box[0], 1), round(box[3] - box[1], 1)) == size_pt


def test_running_heads_show_title_on_verso_and_chapter_on_recto(a5, essay_book):
    """On every body page, wherever this machine's layout breaks them: the book's title
    over even pages, the chapter's over odd ones, and no head on a chapter's first page."""
    pages = destination_pages(a5)
    texts = [squash(t) for t in page_texts(a5)]
    title = essay_book.meta["title"]
    starts = [pages[ch.ident] for ch in essay_book.chapters] + [pages["colophon"]]
    checked = set()
    for chapter, start, end in zip(essay_book.chapters, starts, starts[1:]):
        if chapter.title == title:
            continue  # the essay's second chapter bears the book's title: heads agree
        assert chapter.title not in texts[start - 1].replace(chapter.title, "", 1), \
            "no running head on a chapter's opening page"
        for page in range(start + 1, end):
            if not texts[page - 1]:
                continue  # a blank page (before the colophon, say) carries no furniture
            head, other = (title, chapter.title) if page % 2 == 0 else (chapter.title, title)
            assert head in texts[page - 1] and other not in texts[page - 1], page
            checked.add(page % 2)
    assert checked == {0, 1}, "the book has body pages on both sides of a spread"


def test_standalone_colophon_holds_the_whole_colophon(essay, essay_book):
    """Its page count is the layout's business (one A5 page for the essay here); its text
    must be complete on any machine. Like the back cover, it opens with the description."""
    text = squash(" ".join(page_texts(essay["colophon"])))
    assert text.startswith(squash(essay_book.meta["description"])[:40])
    assert "colophon" in text.lower().replace(" ", "")
    assert squash(essay_book.meta["rights"])[:40] in text
    for correction in essay_book.meta["corrections"]:
        assert squash(correction["change"])[:30] in text, correction["change"]
    assert "Made with zinepress" in text


def text_sizes_pt(path, pages) -> dict[int, list[float]]:
    """Return the rendered size (font size x text matrix scale) of every text run per page."""
    import pypdf
    reader = pypdf.PdfReader(str(path))
    sizes: dict[int, list[float]] = {}
    for number in pages:
        found = sizes.setdefault(number, [])

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append(round(abs(size * (tm[3] ** 2 + tm[2] ** 2) ** 0.5 * cm[3]), 1))

        reader.pages[number - 1].extract_text(visitor_text=visit)
    return sizes


def test_large_print_sets_every_text_of_the_body_at_14_pt_or_more(essay, essay_book):
    """Body, notes, quotations and running heads: nothing under 14 pt (body 17 pt)."""
    large = essay["pdf-large-print"]
    pages = destination_pages(large)
    first = pages[essay_book.chapters[0].ident]
    last = pages[essay_book.chapters[-1].ident] - 1
    sizes = text_sizes_pt(large, range(first, last + 1))
    every = [size for found in sizes.values() for size in found]
    assert min(every) >= 14.0, {p: min(s) for p, s in sizes.items() if min(s) < 14}
    assert max(set(every), key=every.count) >= 16.9, "the commonest size is the 17 pt body"
    texts = page_texts(large)
    assert sum("\u2010" in text for text in texts) == 0, "no hyphenation in large print"


def structure_kinds(pdf) -> dict[str, int]:
    """Return how many structure elements of each type the PDF's tag tree holds."""
    from collections import Counter
    kinds: Counter = Counter()

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                kinds[str(node.S)] += 1
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return dict(kinds)


@pytest.mark.parametrize("target", ["pdf", "pdf-letter", "pdf-large-print"])
def test_reading_pdfs_are_tagged_for_screen_readers(essay, essay_book, target):
    """A tagged PDF: headings, paragraphs, quotations and links in reading order, and the
    book's language, so a screen reader can move by heading and read in the right voice."""
    with pikepdf.open(essay[target]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == essay_book.meta["lang"]
        kinds = structure_kinds(pdf)
    assert kinds.get("/H1", 0) >= len(essay_book.chapters)
    quotes = sum(len(re.findall(r"(?:^|\n\n)> ", ch.text)) for ch in essay_book.chapters)
    assert quotes and kinds.get("/BlockQuote", 0) >= quotes
    assert kinds.get("/P", 0) > 100 and kinds.get("/Link", 0) > 0
