"""PDF files as data (pikepdf): finished PDF bytes in, facts about them or new PDFs out.

The one place that imports pikepdf for reading and assembling PDFs (page counts,
named destinations, a book assembled from parts laid out alone). Typesetting is
:mod:`zinepress.formats.pdf`'s (WeasyPrint).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping, Sequence

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


# -- a book assembled from parts laid out on their own -------------------------------
#
# Each part (front matter, a chapter, the colophon) was laid out alone, without page
# furniture; its furniture (folios, running heads) was laid out alone too, already on
# the part's final sides and page numbers. A book page is the body page, shifted to
# its side's margin, with the furniture page over it: both placed as form XObjects
# under fixed names (/Body, /Furniture), so the same parts give the same bytes.


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


def _book_page(out: pikepdf.Pdf, page: pikepdf.Page, furniture: pikepdf.Page | None,
               shift: float, blank: bool = False) -> pikepdf.Dictionary:
    """Return a book page: ``page`` moved ``shift`` points right, ``furniture`` over it.

    ``blank``: only the page's size is taken from ``page`` (a blank page).
    """
    xobjects, content = pikepdf.Dictionary(), []
    if not blank:
        xobjects.Body = _form(out, page)
        content.append(f"q 1 0 0 1 {_num(shift)} 0 cm /Body Do Q")
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


# -- one structure tree where each part brought its own -------------------------------
#
# A tagged part marks its content with MCIDs on its pages and lists them in its
# structure tree. On the book's pages that content sits in a form XObject (/Body), so
# each reference becomes a marked-content reference to that form (/MCR with /Stm) and
# the form gets the /StructParents key that leads back from its MCIDs to their
# elements. Link annotations keep their /OBJR. The parts' top-level elements become
# the children of one /Document element, in the book's order.

_ELEMENT_KEYS = ("/S", "/Lang", "/Alt", "/ActualText", "/E", "/T", "/ID", "/C", "/A", "/NS")


def join_structure(out: pikepdf.Pdf, parts: Sequence[tuple[pikepdf.Pdf, dict]]) -> None:
    """Give ``out`` one structure tree made of the tagged ``parts``' trees.

    ``parts``: each part's PDF and, for each of its pages (by objgen), the book page,
    the form XObject its content went into and its annotations' copies.
    """
    tagged = [(pdf, placed) for pdf, placed in parts if "/StructTreeRoot" in pdf.Root]
    if not tagged:
        return
    root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root))
    keys = _ParentKeys()
    for page in out.pages:  # the parts' keys mean nothing here; linked ones get new ones
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                del annotation["/StructParent"]
    kids = []
    for pdf, placed in tagged:
        for top in _as_list(pdf.Root.StructTreeRoot.get("/K")):
            tops = _as_list(top.get("/K")) if top.get("/S") == pikepdf.Name.Document else [top]
            if top.get("/S") == pikepdf.Name.Document and "/NS" in top and "/NS" not in document:
                document.NS = _copy_value(out, top.NS)
            kids += [_copy_element(out, kid, document, placed, keys) for kid in tops
                     if isinstance(kid, pikepdf.Dictionary)]
    document.K = pikepdf.Array(kids)
    root.K = document
    root.ParentTree = keys.tree(out)
    root.ParentTreeNextKey = keys.next
    if "/NS" in document:
        root.Namespaces = pikepdf.Array([document.NS])
    out.Root.StructTreeRoot = root
    out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    for page in out.pages:
        if "/Annots" in page.obj:
            page.obj.Tabs = pikepdf.Name.S


class _ParentKeys:
    """The parent tree being built: a key per body form (its MCIDs) and per link."""

    def __init__(self):
        self.next = 0
        self.forms: dict[tuple, tuple[int, dict[int, pikepdf.Object]]] = {}
        self.objects: dict[int, pikepdf.Object] = {}

    def mark(self, form: pikepdf.Object, mcid: int, element: pikepdf.Object) -> None:
        if form.objgen not in self.forms:
            form.StructParents = self.next
            self.forms[form.objgen] = (self.next, {})
            self.next += 1
        self.forms[form.objgen][1][mcid] = element

    def object(self, element: pikepdf.Object) -> int:
        self.objects[self.next] = element
        self.next += 1
        return self.next - 1

    def tree(self, out: pikepdf.Pdf) -> pikepdf.Object:
        entries = {key: pikepdf.Array([by_mcid.get(i)
                                       for i in range(max(by_mcid) + 1)])
                   for key, by_mcid in self.forms.values()}
        entries.update(self.objects)
        nums = pikepdf.Array()
        for key in sorted(entries):
            nums.extend([key, entries[key]])
        return out.make_indirect(pikepdf.Dictionary(Nums=nums))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _copy_value(out: pikepdf.Pdf, value):
    """Return ``value`` of another PDF as a value of ``out`` (direct or indirect)."""
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
        if not value.is_indirect:
            value = value.owner.make_indirect(value)
        return out.copy_foreign(value)
    return value


def _copy_element(out, element, parent, placed: dict, keys: _ParentKeys) -> pikepdf.Object:
    """Return a copy of one structure element (and its kids) pointing at the book's pages."""
    new = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, P=parent))
    for key in _ELEMENT_KEYS:
        if key in element:
            new[key] = _copy_value(out, element[key])
    page = element.get("/Pg")
    if page is not None and page.objgen in placed:
        new.Pg = placed[page.objgen][0]
    kids = []
    for kid in _as_list(element.get("/K")):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary)
                                    and kid.get("/Type") == pikepdf.Name.MCR):
            mcid = int(kid) if isinstance(kid, int) else int(kid.MCID)
            on = page if isinstance(kid, int) else kid.get("/Pg", page)
            where = placed.get(on.objgen) if on is not None else None
            if where is None or where[1] is None:
                continue
            keys.mark(where[1], mcid, new)
            kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=where[0], Stm=where[1],
                                           MCID=mcid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
            on = kid.get("/Pg", page)
            where = placed.get(on.objgen) if on is not None else None
            annotation = where[2].get(kid.Obj.objgen) if where else None
            if annotation is None:
                continue
            annotation.StructParent = keys.object(new)
            kids.append(pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annotation, Pg=where[0]))
        elif isinstance(kid, pikepdf.Dictionary):
            kids.append(_copy_element(out, kid, new, placed, keys))
    new.K = pikepdf.Array(kids)
    return new


# -- one embedded font where the parts each embedded their own subset ----------------
#
# Every part embeds its own subset of each font it uses. WeasyPrint keeps glyph ids
# when it subsets (a glyph has the same id in every subset of a font), so the subsets
# of one font merge into one: the glyphs of all of them, the widths (/W) and the text
# mapping (/ToUnicode) of all of them. Fonts whose subsets cannot be merged safely
# (different private widths, CID-keyed CFF) stay as they are: correct, only larger.

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def merge_fonts(pdf: pikepdf.Pdf, cache: MutableMapping | None = None) -> int:
    """Merge the subsets of each font used in ``pdf``'s form XObjects; return fonts merged.

    ``cache`` keeps merged font programs by a hash of their subsets, between builds.
    """
    cache = {} if cache is None else cache
    groups: dict[tuple, list] = {}
    for fonts in _font_resources(pdf):
        for name, font in fonts.items():
            family = _family(font)
            if family is not None:
                groups.setdefault(family, []).append((fonts, name, font))
    merged = 0
    for family, uses in sorted(groups.items()):
        distinct = list({font.objgen: font for _, _, font in uses}.values())
        if len(distinct) < 2:
            continue
        new = _merged_font(pdf, family, distinct, cache)
        if new is None:
            continue
        for fonts, name, _ in uses:
            fonts[name] = new
        merged += 1
    return merged


def _font_resources(pdf: pikepdf.Pdf):
    """Yield every /Font resource dictionary of the pages' form XObjects (nested too)."""
    seen: set = set()

    def visit(resources):
        if resources is None:
            return
        if "/Font" in resources:
            yield resources.Font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.is_indirect and xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if xobject.get("/Subtype") == pikepdf.Name.Form:
                yield from visit(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from visit(page.obj.get("/Resources"))


def _family(font) -> tuple | None:
    """Return what identifies a font's source across subsets, or None if not mergeable."""
    if font.get("/Subtype") != pikepdf.Name.Type0 or "/ToUnicode" not in font:
        return None
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None or "/W" not in descendant:
        return None
    kind = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2" if "/FontFile2" in descriptor else None
    if kind is None:
        return None
    return (str(font.BaseFont).split("+", 1)[-1], str(descendant.Subtype), kind)


def _merged_font(pdf: pikepdf.Pdf, family: tuple, fonts: list, cache: MutableMapping):
    """Return one Type0 font holding every glyph, width and mapping of ``fonts``."""
    kind = family[2]
    descendants = [font.DescendantFonts[0] for font in fonts]
    widths: dict[int, float] = {}
    to_unicode: dict[int, bytes] = {}
    used: list[set[int]] = []
    for font, descendant in zip(fonts, descendants):
        font_widths = _parse_widths(descendant.W)
        used.append(set(font_widths))
        widths.update(font_widths)
        to_unicode.update(_parse_to_unicode(font.ToUnicode.read_bytes()))
    sources = [d.FontDescriptor[kind].read_bytes() for d in descendants]
    digest = hashlib.sha256(b"".join(hashlib.sha256(s).digest() for s in sources)).hexdigest()
    if digest not in cache:
        merged = _merge_programs(sources, used)
        if merged is None:
            return None
        cache[digest] = merged
    tag = "".join(chr(65 + b % 26) for b in bytes.fromhex(digest)[:6])
    base_name = pikepdf.Name(f"/{tag}+{family[0]}")
    program = pikepdf.Stream(pdf, cache[digest])
    if kind == "/FontFile3":
        program.Subtype = descendants[0].FontDescriptor[kind].Subtype
    else:
        program.Length1 = len(cache[digest])
    descriptor = pikepdf.Dictionary({k: v for k, v in descendants[0].FontDescriptor.items()
                                     if k not in (kind, "/FontName", "/CIDSet")})
    descriptor[kind] = program
    descriptor.FontName = base_name
    descendant = pikepdf.Dictionary({k: v for k, v in descendants[0].items()
                                     if k not in ("/W", "/FontDescriptor", "/BaseFont")})
    descendant.update({"/BaseFont": base_name, "/FontDescriptor": pdf.make_indirect(descriptor),
                       "/W": _widths_array(widths)})
    font = pikepdf.Dictionary({k: v for k, v in fonts[0].items()
                               if k not in ("/DescendantFonts", "/ToUnicode", "/BaseFont")})
    font.update({"/BaseFont": base_name,
                 "/DescendantFonts": pikepdf.Array([pdf.make_indirect(descendant)]),
                 "/ToUnicode": pikepdf.Stream(pdf, _to_unicode_cmap(to_unicode))})
    return pdf.make_indirect(font)


def _merge_programs(sources: list[bytes], used: list[set[int]]) -> bytes | None:
    """Return one font program with the glyphs each subset in ``sources`` uses, or None.

    A subset keeps glyph ids but ends at its highest one: the longest is the base,
    and the used glyphs of the others are copied into it.
    """
    from fontTools.ttLib import TTFont
    programs = [TTFont(io.BytesIO(source), lazy=True, recalcBBoxes=False,
                       recalcTimestamp=False) for source in sources]
    order = sorted(range(len(programs)), key=lambda i: -programs[i]["maxp"].numGlyphs)
    base = programs[order[0]]
    if not _copy_glyphs(base, [(programs[i], used[i]) for i in order[1:]]):
        return None
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()


def _copy_glyphs(base, others) -> bool:
    """Copy into ``base`` the used glyphs of each ``(program, glyph ids)`` of ``others``."""
    names = base.getGlyphOrder()
    if "CFF " in base:
        top = base["CFF "].cff.topDictIndex[0]
        if hasattr(top, "ROS"):
            return False
        private = (top.Private.defaultWidthX, top.Private.nominalWidthX)
        for other, gids in others:
            other_top = other["CFF "].cff.topDictIndex[0]
            if (other_top.Private.defaultWidthX, other_top.Private.nominalWidthX) != private:
                return False
            other_names = other.getGlyphOrder()
            for gid in gids:
                if gid >= len(other_names) or other_names[gid] != names[gid]:
                    return False
                top.CharStrings[names[gid]] = other_top.CharStrings[names[gid]]
                base["hmtx"][names[gid]] = other["hmtx"][names[gid]]
        return True
    if "glyf" in base:
        # TrueType subsets name the glyphs they dropped glyph00042: go by glyph id.
        for other, gids in others:
            other_names = other.getGlyphOrder()
            gid_of = {name: gid for gid, name in enumerate(other_names)}
            todo = [gid for gid in gids if gid < len(other_names)]
            done: set[int] = set()
            while todo:
                gid = todo.pop()
                if gid in done:
                    continue
                done.add(gid)
                glyph = other["glyf"][other_names[gid]]
                for component in getattr(glyph, "components", None) or []:
                    todo.append(gid_of[component.glyphName])
                    component.glyphName = names[gid_of[component.glyphName]]
                base["glyf"][names[gid]] = glyph
                base["hmtx"][names[gid]] = other["hmtx"][other_names[gid]]
        return True
    return False


def _parse_widths(array) -> dict[int, float]:
    """Return {glyph id: width} of a CID font's /W array (both of its forms)."""
    items, widths, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = float(width)
            i += 2
        else:
            for gid in range(first, int(items[i + 1]) + 1):
                widths[gid] = float(items[i + 2])
            i += 3
    return widths


def _widths_array(widths: dict[int, float]) -> pikepdf.Array:
    """Return a /W array: runs of consecutive glyph ids with their widths."""
    out: list = []
    for gid in sorted(widths):
        if out and out[-2] + len(out[-1]) == gid:
            out[-1].append(widths[gid])
        else:
            out += [gid, [widths[gid]]]
    return pikepdf.Array([item if isinstance(item, int) else pikepdf.Array(
        [int(w) if w == int(w) else w for w in item]) for item in out])


def _parse_to_unicode(cmap: bytes) -> dict[int, bytes]:
    """Return {glyph id: UTF-16BE hex} of a ToUnicode CMap's bfchar entries."""
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for gid, text in _BFCHAR.findall(block):
            found[int(gid, 16)] = text
    return found


def _to_unicode_cmap(mapping: dict[int, bytes]) -> bytes:
    """Return a ToUnicode CMap (bfchar entries, 100 per block) for ``mapping``."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    gids = sorted(mapping)
    for start in range(0, len(gids), 100):
        batch = gids[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, mapping[gid]) for gid in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
