"""Reading real PDF bytes back for the tests: outline, named destinations, page text."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdf


def outline_titles(path: Path) -> list[str]:
    """Return the top-level bookmark titles in order."""
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        return [str(item.title) for item in outline.root]


def destination_pages(path: Path) -> dict[str, int]:
    """Return each named destination (an HTML id) and its 1-based page number."""
    with pikepdf.open(path) as pdf:
        index = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        return {str(name): index[dest[0].objgen] for name, dest in names.items()}


def page_texts(path: Path) -> list[str]:
    """Return the extracted text of every page, with layout hyphens joined."""
    reader = pypdf.PdfReader(str(path))
    return [unhyphenate(page.extract_text() or "") for page in reader.pages]


def unhyphenate(text: str) -> str:
    """Join words that WeasyPrint hyphenated at a line end (U+2010 or '-' + newline)."""
    return text.replace("\u2010\n", "").replace("\u00ad\n", "")


def squash(text: str) -> str:
    """Collapse all whitespace, for comparing text across line breaks."""
    return " ".join(text.split())


def page_resources(page, kind: str):
    """Yield ``(name, object)`` of a page's ``kind`` resources (/Font, /XObject), also
    those of the form XObjects placed on it (an assembled book page is two forms)."""
    stack, seen = [page.obj.get("/Resources")], set()
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        yield from (resources.get(kind) or {}).items()
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.get("/Resources"))
