"""Image stage: the cover SVG in, PNG and JPEG bytes out.

The SVG is laid out by WeasyPrint (through :mod:`zinepress.formats.pdf`, with the
project-only fetcher and the book's fonts) and the one-page PDF is rasterised by
PDFium (pypdfium2): both are wheels, so no system library (cairo, librsvg, a browser)
is needed, and the fonts are the project's own, so the picture is the same on every
machine. Pillow, which WeasyPrint already needs, writes the PNG and the JPEG
thumbnail; neither format carries a timestamp, so the bytes are reproducible.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

COVER_WIDTH_PX = 600        # the catalogue and OPDS cover (half the SVG's 1200 × 1800)
THUMBNAIL_WIDTH_PX = 200    # OPDS thumbnail and the catalogue's list
JPEG_QUALITY = 85
_SIZE = re.compile(r'<svg\b[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"')


def svg_size(svg: str) -> tuple[int, int]:
    """Return the SVG's width and height in px.

    >>> svg_size('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1800">')
    (1200, 1800)
    """
    match = _SIZE.search(svg)
    if not match:
        raise ValueError("the cover SVG has no width and height in px")
    return int(match.group(1)), int(match.group(2))


def cover_pdf(svg: str, root: Path, lang: str, title: str, epoch: int) -> bytes:
    """Return a one-page PDF of the SVG at its own size, typeset with the book's fonts."""
    from zinepress.formats.pdf import render_pdf
    from zinepress.render.templates import render_template
    width, height = svg_size(svg)
    body = svg.split("?>", 1)[1] if svg.lstrip().startswith("<?xml") else svg
    html = render_template(root, "cover-image.html.j2", {
        "svg": body, "width": width, "height": height, "lang": lang, "title": title})
    return render_pdf(html, root, Path(root) / "templates", "templates/cover-image.html.j2",
                      epoch)


def pdf_to_png(pdf: bytes, width_px: int) -> bytes:
    """Return the first page of a PDF as a PNG ``width_px`` wide (PDFium, through ink.py)."""
    from zinepress.formats.ink import first_page_image
    out = io.BytesIO()
    first_page_image(pdf, width_px).save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_to_jpeg(png: bytes, width_px: int) -> bytes:
    """Return a JPEG thumbnail ``width_px`` wide of a PNG."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = round(image.height * width_px / image.width)
    out = io.BytesIO()
    image.resize((width_px, height), Image.LANCZOS).save(out, format="JPEG",
                                                          quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) of a PNG or JPEG."""
    from PIL import Image
    return Image.open(io.BytesIO(data)).size
