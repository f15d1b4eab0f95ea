"""One embedded font where the parts each embedded their own subset: a book PDF in, smaller out.

Every part embeds its own subset of each font it uses. WeasyPrint keeps glyph ids
when it subsets (a glyph has the same id in every subset of a font), so the subsets
of one font merge into one: the glyphs of all of them, the widths (/W) and the text
mapping (/ToUnicode) of all of them. Fonts whose subsets cannot be merged safely
(different private widths, CID-keyed CFF) stay as they are: correct, only larger.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import MutableMapping

import pikepdf

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
