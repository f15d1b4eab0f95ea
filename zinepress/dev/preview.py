"""Preview: the reading PDF in, a PNG of two spreads out (for the README).

``python -m zinepress.dev.preview [PDF] [PNG]`` renders, with PDFium (pypdfium2), the
spread with the first footnote and the spread with the first block quotation's
attribution — the two places a reader of the zine looks at first — side by side.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SCALE = 0.75  # 54 dpi: a README-sized picture
GAP_PX = 24


def spread_of(page_number: int) -> tuple[int, int]:
    """Return the 1-based (verso, recto) pair holding ``page_number``.

    >>> spread_of(7), spread_of(8)
    ((6, 7), (8, 9))
    """
    verso = page_number if page_number % 2 == 0 else page_number - 1
    return verso, verso + 1


def render_spreads(pdf_path: Path, png_path: Path, spreads: list[tuple[int, int]]) -> None:
    """Write a PNG with the given spreads side by side."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf_path))
    images = []
    for verso, recto in spreads:
        pages = [doc[n - 1].render(scale=SCALE).to_pil() for n in (verso, recto) if n <= len(doc)]
        width = sum(p.width for p in pages)
        spread = Image.new("RGB", (width, max(p.height for p in pages)), "white")
        x = 0
        for page in pages:
            spread.paste(page, (x, 0))
            x += page.width
        ImageDraw.Draw(spread).line([(pages[0].width, 0), (pages[0].width, spread.height)],
                                    fill="#bbbbbb")
        images.append(spread)
    out = Image.new("RGB", (sum(i.width for i in images) + GAP_PX * (len(images) + 1),
                            max(i.height for i in images) + 2 * GAP_PX), "#8a8a8a")
    x = GAP_PX
    for image in images:
        out.paste(image, (x, GAP_PX))
        x += image.width + GAP_PX
    png_path.parent.mkdir(parents=True, exist_ok=True)
    out.save(png_path, optimize=True)


def interesting_pages(pdf_path: Path) -> list[int]:
    """Return the pages of the first note and of the first quotation attribution."""
    import pypdfium2 as pdfium
    import pikepdf
    with pikepdf.open(pdf_path) as pdf:
        index = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        note = index[names["note-1"][0].objgen] if "note-1" in names else 4
    doc = pdfium.PdfDocument(str(pdf_path))
    quote = next((n + 1 for n in range(len(doc))
                  if "\n– " in "\n" + doc[n].get_textpage().get_text_range()
                  and spread_of(n + 1) != spread_of(note)), note + 2)
    return [note, quote]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from zinepress.source.load import load_book
    pdf_path = Path(args[0]) if args else Path("build") / f"{load_book(Path('.')).slug}.pdf"
    png_path = Path(args[1]) if len(args) > 1 else Path("docs/preview.png")
    spreads = sorted({spread_of(p) for p in interesting_pages(pdf_path)})
    render_spreads(pdf_path, png_path, spreads)
    print(f"{png_path}: spreads {', '.join(f'{a}–{b}' for a, b in spreads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
