"""PDF files as data (pikepdf): finished PDF bytes in, facts about them or new PDFs out.

The one place that imports pikepdf for reading and assembling PDFs. Typesetting is
:mod:`zinepress.formats.pdf`'s (WeasyPrint).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pikepdf

log = logging.getLogger("zinepress")


def open_pdf(data: bytes | Path) -> pikepdf.Pdf:
    """Return the PDF of ``data`` (bytes or a path), opened read-only."""
    return pikepdf.open(io.BytesIO(data) if isinstance(data, bytes) else data)


# -- a book assembled from parts laid out on their own -------------------------------
#
# Each part (front matter, a chapter, the colophon) was laid out alone, without page
# furniture; its furniture (folios, running heads) was laid out alone too, already on
# the part's final sides and page numbers. A book page is the body page, shifted to
# its side's margin, with the furniture page over it: both placed as form XObjects
# under fixed names (/Body, /Furniture), so the same parts give the same bytes.


@dataclass(frozen=True)
class PlacedPart:
    """One part to assemble: its body and furniture PDFs, and where they go.

    ``shifts_pt``: how far each body page moves right to sit on its final side;
    ``anchors``: the ids that really live in this part (its other named destinations
    are stand-ins for links to ids of other parts); ``blanks_before``: empty pages
    to put before it.
    """

    body: bytes
    furniture: bytes
    shifts_pt: tuple[float, ...]
    anchors: tuple[str, ...]
    blanks_before: int = 0


def assemble(parts: Sequence[PlacedPart], info_from: int = 0) -> bytes:
    """Return one PDF of ``parts`` in order: pages, links, destinations, bookmarks.

    Document info (title, author, dates) and the language come from part ``info_from``.
    """
    out = pikepdf.new()
    destinations: dict[str, list] = {}
    bookmarks: list[pikepdf.OutlineItem] = []
    opened: list[pikepdf.Pdf] = []
    try:
        for part in parts:
            body, furniture = open_pdf(part.body), open_pdf(part.furniture)
            opened += [body, furniture]
            if len(body.pages) != len(furniture.pages) or len(body.pages) != len(part.shifts_pt):
                raise ValueError("a part and its furniture differ in page count")
            first = len(out.pages) + part.blanks_before
            for _ in range(part.blanks_before):
                out.add_blank_page(page_size=_size(body.pages[0]))
            for page, furniture_page, shift in zip(body.pages, furniture.pages, part.shifts_pt):
                out.pages.append(pikepdf.Page(_book_page(out, page, furniture_page, shift)))
            destinations.update(_destinations(body, part, first, out))
            bookmarks += _bookmarks(body, part.shifts_pt, first)
        _write_destinations(out, destinations)
        with out.open_outline() as outline:
            outline.root.extend(bookmarks)
        _copy_document_info(opened[2 * info_from], out)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        for pdf in opened:
            pdf.close()
        out.close()


def _size(page: pikepdf.Page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return x1 - x0, y1 - y0


def _form(out: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Stream:
    """Return ``page`` as a form XObject of ``out``, keeping its compressed bytes."""
    contents = page.obj.get("/Contents")
    form = pikepdf.Stream(out, b"")
    if isinstance(contents, pikepdf.Stream) and contents.get("/Filter") == pikepdf.Name.FlateDecode \
            and "/DecodeParms" not in contents:
        form.write(contents.read_raw_bytes(), filter=pikepdf.Name.FlateDecode)
    else:
        streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
        form.write(b"\n".join(s.read_bytes() for s in streams))
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = pikepdf.Array([float(v) for v in page.mediabox])
    form.Resources = out.copy_foreign(page.obj.get("/Resources", pikepdf.Dictionary()))
    if "/Group" in page.obj:
        form.Group = out.copy_foreign(page.obj.Group)
    return form


def _book_page(out: pikepdf.Pdf, page: pikepdf.Page, furniture: pikepdf.Page,
               shift: float) -> pikepdf.Dictionary:
    """Return the book page: ``page`` moved ``shift`` points right, ``furniture`` over it."""
    content = f"q 1 0 0 1 {_num(shift)} 0 cm /Body Do Q /Furniture Do".encode()
    new = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([float(v) for v in page.mediabox]),
        **{key[1:]: pikepdf.Array([float(v) for v in page.obj[key]])
           for key in ("/TrimBox", "/BleedBox")
           if key in page.obj},
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(
            Body=_form(out, page), Furniture=_form(out, furniture))),
        Contents=pikepdf.Stream(out, content)))
    annotations = []
    for annotation in page.obj.get("/Annots", []):
        if "/P" in annotation:
            del annotation["/P"]
        copied = out.copy_foreign(annotation)
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        copied.Rect = pikepdf.Array([x0 + shift, y0, x1 + shift, y1])
        annotations.append(copied)
    if annotations:
        new.Annots = pikepdf.Array(annotations)
    return new


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _page_index(pdf: pikepdf.Pdf) -> dict:
    return {page.objgen: i for i, page in enumerate(pdf.pages)}


def _destinations(body: pikepdf.Pdf, part: PlacedPart, first: int, out: pikepdf.Pdf) -> dict:
    """Return the part's own named destinations, pointing at the book's pages."""
    if "/Names" not in body.Root or "/Dests" not in body.Root.Names:
        return {}
    index, wanted = _page_index(body), set(part.anchors)
    found = {}
    for name, dest in pikepdf.NameTree(body.Root.Names.Dests).items():
        if name in wanted and dest[0].objgen in index:
            i = index[dest[0].objgen]
            found[name] = [out.pages[first + i].obj, pikepdf.Name.XYZ,
                           float(dest[2]) + part.shifts_pt[i], float(dest[3]), 0]
    return found


def _write_destinations(out: pikepdf.Pdf, destinations: dict[str, list]) -> None:
    if not destinations:
        return
    tree = pikepdf.NameTree.new(out)
    for name in sorted(destinations):
        tree[name] = pikepdf.Array(destinations[name])
    out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)


def _bookmarks(body: pikepdf.Pdf, shifts: tuple[float, ...], first: int) -> list:
    """Return the part's bookmarks as new outline items pointing at the book's pages."""
    index = _page_index(body)

    def copy(item) -> pikepdf.OutlineItem:
        dest = item.destination
        i = index[dest[0].objgen]
        new = pikepdf.OutlineItem(str(item.title), first + i, "XYZ",
                                  left=float(dest[2]) + shifts[i], top=float(dest[3]), zoom=0)
        new.is_closed = item.is_closed
        new.children.extend(copy(child) for child in item.children)
        return new

    with body.open_outline() as outline:
        return [copy(item) for item in outline.root]


def _copy_document_info(source: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    for key, value in source.docinfo.items():
        out.docinfo[key] = pikepdf.String(str(value))
    if "/Lang" in source.Root:
        out.Root.Lang = pikepdf.String(str(source.Root.Lang))
