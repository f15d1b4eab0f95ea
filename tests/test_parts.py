"""Reading PDFs laid out part by part equal the book laid out in one piece (build/layout.py).

The build lays out every chapter, the front matter and the colophon on their own and
assembles them (zinepress.build.layout); the whole-book layout stays as the reference.
Compared page for page: every character and where it sits, the bookmarks, the named
destinations, the links and the document info.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zinepress.build import layout, recipes
from zinepress.build.builder import Build
from zinepress.formats import paging
from zinepress.source.load import load_book

TOLERANCE_PT = 0.05


# -- the page plan -----------------------------------------------------------------

parts_strategy = st.lists(st.tuples(st.integers(1, 9), st.sampled_from(
    ["auto", "page", "left", "right", "recto", "verso"])), min_size=1, max_size=12)


@given(parts_strategy, st.booleans())
def test_parts_follow_each_other_with_a_blank_only_to_reach_the_side_asked_for(parts, first_right):
    placements = paging.place_parts(parts, first_right)
    page = 1
    for (pages, brk), place in zip(parts, placements):
        assert place.first_page == page + place.blanks_before
        assert place.first_right == paging.is_right(place.first_page, first_right)
        wants = {"left": False, "verso": False, "right": True, "recto": True}.get(brk)
        if wants is None:
            assert place.blanks_before == 0
        else:
            assert place.first_right == wants
            assert place.blanks_before == int(paging.is_right(page, first_right) != wants)
        assert [place.page_right(i) for i in range(pages)] == [
            paging.is_right(place.first_page + i, first_right) for i in range(pages)]
        page = place.first_page + pages
    assert paging.total_pages(placements) == page - 1


# -- the assembled book against the whole book -----------------------------------------

def characters(path: Path) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Return, per page, every visible character with its box, in a stable order."""
    document = pypdfium2.PdfDocument(str(path))
    pages = []
    for page in document:
        text_page = page.get_textpage()
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count)
        pages.append(sorted((text[i], text_page.get_charbox(i)) for i in range(count)
                            if not text[i].isspace()))
    document.close()
    return pages


def pdf_facts(path: Path) -> dict:
    """Return the bookmarks, destinations, links and document info of a PDF."""
    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}

        def item(entry):
            dest = entry.destination
            return (str(entry.title), index[dest[0].objgen], round(float(dest[2]), 1),
                    round(float(dest[3]), 1), [item(child) for child in entry.children])

        with pdf.open_outline() as outline:
            bookmarks = [item(entry) for entry in outline.root]
        dests = {str(name): (index[dest[0].objgen], round(float(dest[2]), 1), round(float(dest[3]), 1))
                 for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        links = [[(tuple(round(float(v), 1) for v in a.Rect),
                   str(a.get("/Dest", "")), str(a.A.URI) if "/A" in a else "")
                  for a in page.obj.get("/Annots", [])] for page in pdf.pages]
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        families = {}
        for page in pdf.pages:
            for xobject in page.Resources.get("/XObject", {}).values():
                for font in (xobject.get("/Resources") or {}).get("/Font", {}).values():
                    families.setdefault(str(font.BaseFont).split("+")[-1], set()).add(font.objgen)
        return {"bookmarks": bookmarks, "dests": dests, "links": links, "info": info,
                "lang": str(pdf.Root.get("/Lang")), "families": families}


def structure(path: Path) -> list[tuple]:
    """Return the structure tree in reading order: (depth, type, page, MCIDs marked).

    Also checks that every marked-content reference leads back to its element through
    the parent tree, as a screen reader follows it.
    """
    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        parents = dict(zip((int(k) for k in nums[::2]), nums[1::2]))
        found = []

        def visit(element, depth):
            marked = []
            for kid in element.get("/K", []) if isinstance(element.get("/K"), pikepdf.Array) \
                    else [element.get("/K")]:
                if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary)
                                            and kid.get("/Type") == "/MCR"):
                    mcid = int(kid) if isinstance(kid, int) else int(kid.MCID)
                    holder = element.Pg if isinstance(kid, int) else kid.get("/Stm", kid.get("/Pg"))
                    assert parents[int(holder.StructParents)][mcid].objgen == element.objgen
                    marked.append(mcid)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    assert parents[int(kid.Obj.StructParent)].objgen == element.objgen
                elif isinstance(kid, pikepdf.Dictionary):
                    visit(kid, depth + 1)
            page = index.get(element.Pg.objgen) if "/Pg" in element else None
            found.append((depth, str(element.S), page, len(marked)))

        tops = pdf.Root.StructTreeRoot.K
        for top in tops if isinstance(tops, pikepdf.Array) else [tops]:
            visit(top, 0)
        return found


def assert_same_book(whole: Path, parts: Path) -> None:
    """Assert that ``parts`` shows what ``whole`` shows, page for page."""
    a, b = characters(whole), characters(parts)
    assert len(a) == len(b), "page counts differ"
    for number, (left, right) in enumerate(zip(a, b), start=1):
        assert [c for c, _ in left] == [c for c, _ in right], f"page {number}: text differs"
        worst = max((abs(p - q) for (_, x), (_, y) in zip(left, right) for p, q in zip(x, y)),
                    default=0)
        assert worst < TOLERANCE_PT, f"page {number}: a character moved {worst:.3f} pt"
    facts_a, facts_b = pdf_facts(whole), pdf_facts(parts)
    for key in ("bookmarks", "dests", "links", "info", "lang"):
        assert facts_a[key] == facts_b[key], key
    assert all(len(fonts) == 1 for fonts in facts_b["families"].values()), facts_b["families"]
    assert structure(whole) == structure(parts), "the structure trees differ"


def whole_book(root: Path, output: str, dest: Path) -> Path:
    """Lay out the book at ``root`` in one piece as the recipe ``output`` would."""
    build = Build(root)
    make = recipes.RECIPES[output].make
    dest.write_bytes(recipes.whole_book_pdf(make.args[0], build.book, build.prepared(output),
                                            make.keywords.get("stylesheet")))
    return dest


def in_parts(patch: pytest.MonkeyPatch) -> None:
    """Lay out in parts a book whose chapters share one layout (alone it would be laid
    out in one piece)."""
    patch.setattr(layout, "one_piece", lambda chapters: False)


def test_a_book_of_one_unit_is_laid_out_in_one_piece_and_bigger_ones_in_parts():
    from types import SimpleNamespace as Chapter
    assert layout.one_piece([Chapter(html="x" * 9_000)] * 3)
    assert not layout.one_piece([Chapter(html="x" * 40_000), Chapter(html="x" * 9_000)])
    assert not layout.one_piece([Chapter(html="x" * 40_000)] * 2)


def one_by_one(patch: pytest.MonkeyPatch) -> None:
    """Lay out every chapter alone and give each part its own furniture document.

    The defaults group the tiny book's short chapters into one layout; this makes the
    tests see chapters that start on left pages and furniture in several documents.
    """
    patch.setattr(layout, "UNIT_CHARS", 1)
    patch.setattr(layout, "FURNITURE_PAGES", 1)


@pytest.fixture(scope="module")
def tiny_parts(tmp_path_factory):
    """The tiny book's A5 PDF (one chapter per layout) and large-print PDF (chapters
    grouped, the default), built part by part, once."""
    from conftest import FIXTURES, copy_project
    root = copy_project(tmp_path_factory.mktemp("parts") / "p", FIXTURES / "tiny" / "source")
    with pytest.MonkeyPatch.context() as patch:
        one_by_one(patch)
        Build(root).run(["pdf"])
    with pytest.MonkeyPatch.context() as patch:
        in_parts(patch)
        Build(root).run(["pdf-large-print"])
    return root


@pytest.mark.parametrize("output", ["pdf", "pdf-large-print"])
def test_tiny_book_assembled_from_parts_equals_the_whole_book(tiny_parts, output, tmp_path):
    path = recipes.RECIPES[output].path(load_book(tiny_parts))
    assert_same_book(whole_book(tiny_parts, output, tmp_path / "whole.pdf"), path)


def test_essay_assembled_from_parts_equals_the_whole_book(essay, tmp_path):
    assert_same_book(whole_book(essay["root"], "pdf", tmp_path / "whole.pdf"), essay["pdf"])


# -- what an edit lays out again --------------------------------------------------------

def parts_of(root: Path, owner: str = "a5") -> dict[str, dict]:
    """Return the kept layouts of one output: key -> what the cache knows of it."""
    folder = root / "build" / layout.CACHE_DIR / owner
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}


@pytest.fixture
def built(tiny_parts, tmp_path):
    dest = tmp_path / "p"
    shutil.copytree(tiny_parts, dest)
    return dest


def test_a_one_word_edit_lays_out_only_its_chapter_again(built, monkeypatch):
    one_by_one(monkeypatch)
    before = parts_of(built)
    chapter = built / "source" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("quotation", "citation", 1),
                       encoding="utf-8")
    Build(built).run(["pdf"])
    after = parts_of(built)
    new = [facts for key, facts in after.items() if key not in before]
    assert len(new) == 1 and "ch-02" in new[0]["anchors"], new
    assert len(after) == len(before), "the replaced layout is not kept"


def test_a_longer_chapter_renumbers_what_follows_without_laying_it_out_again(built, monkeypatch):
    one_by_one(monkeypatch)
    before = parts_of(built)
    chapter = built / "source" / "01-first.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\n\n" + "\n\n".join(["A paragraph added to make the chapter "
                                                     "longer by a page or more. " * 6] * 12)
                       + "\n", encoding="utf-8")
    Build(built).run(["pdf"])
    after = parts_of(built)
    new = [facts for key, facts in after.items() if key not in before]
    bodies = [f for f in new if f["anchors"] or f["break_before"] != "auto"]
    # Laid out again: the longer chapter, the contents (its numbers), furniture after it.
    def names(facts):  # anchors are prefixed by their file (first.md__first-things)
        return " ".join(facts["anchors"])
    assert any("first-things" in names(f) for f in new)
    assert not any("second-a-chapter" in names(f) or "references" in names(f)
                   or "colophon" in names(f) for f in bodies), bodies
    pdf = recipes.RECIPES["pdf"].path(load_book(built))
    edited = pdf.read_bytes()
    shutil.rmtree(built / "build")
    Build(built).run(["pdf"])
    assert pdf.read_bytes() == edited, "an incremental build differs from a clean one"
