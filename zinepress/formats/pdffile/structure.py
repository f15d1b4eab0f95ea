"""One structure tree where each part brought its own: tagged parts in, the book's tree out.

A tagged part marks its content with MCIDs on its pages and lists them in its
structure tree. On the book's pages that content sits in a form XObject (/Body), so
each reference becomes a marked-content reference to that form (/MCR with /Stm) and
the form gets the /StructParents key that leads back from its MCIDs to their
elements. Link annotations keep their /OBJR. The parts' top-level elements become
the children of one /Document element, in the book's order.

"""

from __future__ import annotations

from typing import Sequence

import pikepdf

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
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy_value(out, item) for key, item in value.items()})
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy_value(out, item) for item in value])
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
