"""Where the ink is: PDF bytes in, the bounding box of what each page paints out, and
where each character sits (PDFium).

The one module that imports pypdfium2 for the build.  Imposition asks it before moving
pages into the fold (creep), so that no painted mark is ever cut off: a page is rendered
in grey at :data:`DPI` and every pixel darker than :data:`WHITE` counts as ink.  White
paint and blank paper do not.
"""

from __future__ import annotations

import pypdfium2 as pdfium

DPI = 36  # 0.7 mm per pixel: enough to find a margin, cheap for 1000 pages
WHITE = 250  # a grey level at or above this is paper


def ink_boxes(data: bytes) -> list[tuple[float, float, float, float] | None]:
    """Return, per page, the box (x0, y0, x1, y1) in points from its lower left corner holding all ink.

    A page with no ink gives None.  Boxes are widened by one pixel each way, so a mark
    between two pixels is never missed.
    """
    scale = DPI / 72
    boxes: list[tuple[float, float, float, float] | None] = []
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            height = page.get_height()
            bitmap = page.render(scale=scale, grayscale=True)
            found = bitmap.to_pil().point(lambda v: 255 if v < WHITE else 0).getbbox()
            width = page.get_width()
            bitmap.close()
            page.close()
            if found is None:
                boxes.append(None)
                continue
            left, top, right, bottom = found
            pixel = 1 / scale
            boxes.append((max(0.0, (left - 1) * pixel), max(0.0, height - (bottom + 1) * pixel),
                          min(width, (right + 1) * pixel),
                          min(height, height - (top - 1) * pixel)))
    finally:
        document.close()
    return boxes


def first_page_image(data: bytes, width_px: int):
    """Return the first page of a PDF rendered ``width_px`` wide, as an RGB Pillow image."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width()).to_pil().convert("RGB")
        page.close()
        return image
    finally:
        document.close()


def page_glyphs(path) -> list[list[tuple[str, float, float, float, float, float]]]:
    """Return every page's characters, in reading order, as ``(character, origin x,
    origin y, font size, left, right)`` in PDF points (PDFium's own line ends left out).

    Raises ValueError when the file is not a PDF PDFium can read.
    """
    import ctypes

    import pypdfium2.raw as raw
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ValueError(str(exc)) from None
    x, y = ctypes.c_double(), ctypes.c_double()
    pages = []
    try:
        for page in pdf:
            text_page = page.get_textpage()
            glyphs = []
            for i in range(text_page.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(text_page, i))
                if char in "\r\n\x02\ufffe":
                    continue
                raw.FPDFText_GetCharOrigin(text_page, i, x, y)
                left, _, right, _ = text_page.get_charbox(i)
                glyphs.append((char, x.value, y.value, raw.FPDFText_GetFontSize(text_page, i),
                               left, right))
            pages.append(glyphs)
            text_page.close()
            page.close()
    finally:
        pdf.close()
    return pages
