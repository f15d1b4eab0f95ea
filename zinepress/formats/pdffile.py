"""PDF files as data (pikepdf): finished PDF bytes in, facts about them or new PDFs out.

The one place that imports pikepdf for reading and assembling PDFs (page counts,
named destinations). Typesetting is :mod:`zinepress.formats.pdf`'s (WeasyPrint).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pikepdf

log = logging.getLogger("zinepress")


def open_pdf(data: bytes | Path) -> pikepdf.Pdf:
    """Return the PDF of ``data`` (bytes or a path), opened read-only."""
    return pikepdf.open(io.BytesIO(data) if isinstance(data, bytes) else data)


def page_count(data: bytes | Path) -> int | None:
    """Return the number of pages of a PDF, or None if it cannot be read."""
    try:
        with open_pdf(data) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError):
        return None


def destination_pages(data: bytes) -> dict[str, int]:
    """Return the 0-based page of every named destination (HTML ids) of a PDF."""
    with open_pdf(data) as pdf:
        if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
            return {}
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        return {name: index[dest[0].objgen]
                for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()
                if dest[0].objgen in index}


def warn_if_colophon_overflows(data: bytes, name: str) -> None:
    """Log a warning when the colophon does not fit the last page on its own."""
    start = destination_pages(data).get("colophon")
    total = page_count(data) or 0
    if start is not None and start != total - 1:
        log.warning("%s: the colophon runs over %d pages; the back cover shows only its "
                    "end (shorten the corrections' wording)", name, total - start)
