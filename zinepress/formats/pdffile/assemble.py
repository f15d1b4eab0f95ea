"""A book assembled from parts laid out on their own: part PDFs in, one book PDF out.

Each part (front matter, a chapter, the colophon) was laid out alone, without page
furniture; its furniture (folios, running heads) was laid out alone too, already on
the part's final sides and page numbers. A book page is the body page, shifted to
its side's margin, with the furniture page over it: both placed as form XObjects
under fixed names (/Body, /Furniture), so the same parts give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import MutableMapping, Sequence

import pikepdf

from zinepress.formats.pdffile import open_pdf, pdf_number
from zinepress.formats.pdffile.fonts import merge_fonts
from zinepress.formats.pdffile.structure import join_structure


@dataclass(frozen=True)
class PlacedPart:
    """One part to assemble: its body PDF and where its pages go.

    ``shifts_pt``: how far each page moves right to sit on its final side;
    ``anchors``: the ids that really live in this part (its other named destinations
    are stand-ins for links to ids of other parts); ``blanks_before``: empty pages
    to put before it.
    """

    body: bytes
    shifts_pt: tuple[float, ...]
    anchors: tuple[str, ...]
    blanks_before: int = 0


@dataclass(frozen=True)
class FurnitureRun:
    """The page furniture of the book pages ``first_page`` (1-based) onwards, one per page."""

    pdf: bytes
    first_page: int


def assemble(parts: Sequence[PlacedPart], furniture: Sequence[FurnitureRun],
             info_from: int = 0, font_cache: MutableMapping | None = None) -> bytes:
    """Return one PDF of ``parts`` in order, ``furniture`` over the pages it covers.

    Links, named destinations and bookmarks of every part point at the book's pages;
    the parts' structure trees (tagged PDFs) become one (:func:`join_structure`);
    each font is embedded once (:func:`merge_fonts`, with ``font_cache``). Document
    info (title, author, dates) and the language come from part ``info_from``.
    """
    out = pikepdf.new()
    structure: list = []  # (part, {its page: (book page, body form, {annotation: copy})})
    destinations: dict[str, list] = {}
    bookmarks: list[pikepdf.OutlineItem] = []
    bodies = [open_pdf(part.body) for part in parts]
    runs = [(run.first_page, open_pdf(run.pdf)) for run in furniture]
    over = {first + i: page for first, pdf in runs for i, page in enumerate(pdf.pages)}
    try:
        for part, body in zip(parts, bodies):
            if len(body.pages) != len(part.shifts_pt):
                raise ValueError("a part's shifts do not match its pages")
            for _ in range(part.blanks_before):
                out.pages.append(pikepdf.Page(_book_page(out, body.pages[0], over.get(
                    len(out.pages) + 1), 0, blank=True)))
            first = len(out.pages)
            placed = {}
            for page, shift in zip(body.pages, part.shifts_pt):
                old_annots = list(page.obj.get("/Annots", []))
                out.pages.append(pikepdf.Page(_book_page(out, page, over.get(len(out.pages) + 1),
                                                         shift)))
                new = out.pages[-1].obj
                placed[page.objgen] = (new, new.Resources.XObject.get("/Body"),
                                       dict(zip((a.objgen for a in old_annots),
                                                new.get("/Annots", []))))
            structure.append((body, placed))
            destinations.update(_destinations(body, part, first, out))
            bookmarks += _bookmarks(body, part.shifts_pt, first)
        join_structure(out, structure)
        merge_fonts(out, font_cache)
        _write_destinations(out, destinations)
        with out.open_outline() as outline:
            outline.root.extend(bookmarks)
        _copy_document_info(bodies[info_from], out)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        for pdf in [*bodies, *(pdf for _, pdf in runs)]:
            pdf.close()
        out.close()


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


def _book_page(out: pikepdf.Pdf, page: pikepdf.Page, furniture: pikepdf.Page | None,
               shift: float, blank: bool = False) -> pikepdf.Dictionary:
    """Return a book page: ``page`` moved ``shift`` points right, ``furniture`` over it.

    ``blank``: only the page's size is taken from ``page`` (a blank page).
    """
    xobjects, content = pikepdf.Dictionary(), []
    if not blank:
        xobjects.Body = _form(out, page)
        content.append(f"q 1 0 0 1 {pdf_number(shift)} 0 cm /Body Do Q")
    if furniture is not None:
        xobjects.Furniture = _form(out, furniture)
        content.append("/Artifact BMC /Furniture Do EMC")  # folios, running heads
    new = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([float(v) for v in page.mediabox]),
        **{key[1:]: pikepdf.Array([float(v) for v in page.obj[key]])
           for key in ("/TrimBox", "/BleedBox") if key in page.obj},
        Resources=pikepdf.Dictionary(XObject=xobjects),
        Contents=pikepdf.Stream(out, " ".join(content).encode())))
    annotations = []
    for annotation in [] if blank else page.obj.get("/Annots", []):
        if "/P" in annotation:
            del annotation["/P"]
        copied = out.copy_foreign(annotation)
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        copied.Rect = pikepdf.Array([x0 + shift, y0, x1 + shift, y1])
        annotations.append(copied)
    if annotations:
        new.Annots = pikepdf.Array(annotations)
    return new


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
