"""Tests for zinepress.impose.booklet: impose real PDFs and read the text back from each cell."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdf
import pytest

import paper as sim
from zinepress.errors import ZineError
from zinepress.impose.booklet import Imposed, impose_pdf
from zinepress.impose.layout import print_sequence
from zinepress.impose.options import MM_PT, PAPERS, ImposeOptions, plan_layout

A5 = (round(148 * MM_PT, 2), round(210 * MM_PT, 2))
HALF_LETTER = (396.0, 612.0)
A4_PORTRAIT = (round(210 * MM_PT, 2), round(297 * MM_PT, 2))


def label(page: int) -> str:
    return f"PAGE{page:03d}"


def numbered_pdf(path: Path, count: int, size=A5, sizes=None, rotate: int = 0,
                 border: float = 10.0) -> Path:
    """Write a PDF whose page n shows the word PAGE00n (Helvetica, not embedded) in a frame
    ``border`` points inside its edges."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(1, count + 1):
        w, h = sizes[number - 1] if sizes else size
        page = pdf.add_blank_page(page_size=(w, h))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 24 Tf {w / 2 - 60:.2f} {h / 2:.2f} Td ({label(number)}) Tj ET"
        frame = f"{border:.2f} {border:.2f} {w - 2 * border:.2f} {h - 2 * border:.2f} re S"
        page.obj.Contents = pdf.make_stream(f"1 w {frame} {text}".encode())
        if rotate:
            page.obj.Rotate = rotate
    pdf.save(path)
    return path


def read_cells(path: Path, columns: int = 2, rows: int = 1) -> list[dict]:
    """Return, per imposed side, {(column, row): (page label, rotation)} found by position.

    pypdf reports text positions inside a form XObject without the placing matrix, so
    the matrix in force at each ``Do`` is recorded and applied to the text origin; a
    negative scale in it means the page is upside down.
    """
    reader = pypdf.PdfReader(path)
    sides = []
    for page in reader.pages:
        sheet_w, sheet_h = float(page.mediabox.width), float(page.mediabox.height)
        cells: dict[tuple[int, int], tuple[int, int]] = {}
        placing = [None]

        def before(operator, operands, cm, tm):
            if operator == b"Do":
                placing[0] = list(cm)

        def visit(text, cm, tm, font, size):
            text = text.strip()
            if not text.startswith("PAGE"):
                return
            a, b, c, d, e, f = placing[0] or cm
            x = a * tm[4] + c * tm[5] + e
            y = b * tm[4] + d * tm[5] + f
            where = (int(x // (sheet_w / columns)), int((sheet_h - y) // (sheet_h / rows)))
            assert where not in cells, (where, cells)
            cells[where] = (int(text[4:]), 180 if a < 0 else 0)

        page.extract_text(visitor_operand_before=before, visitor_text=visit)
        sides.append(cells)
    return sides


def read_halves(path: Path) -> list[tuple[int | None, int | None]]:
    """Return, for each imposed side, the page label in its left and right half."""
    return [tuple(cells.get((column, 0), (None, 0))[0] for column in (0, 1))
            for cells in read_cells(path)]


def placements(path: Path) -> list[dict[int, tuple[float, ...]]]:
    """Return, per imposed side, {source page: cm matrix} read from the content stream."""
    result = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            found, matrix = {}, None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "cm":
                    matrix = tuple(float(v) for v in operands)
                elif str(operator) == "Do":
                    found[int(str(operands[0])[2:])] = matrix
            result.append(found)
    return result


SHEETS = {paper: (h, w) for paper, (w, h) in PAPERS.items()}  # landscape sheets


def impose(src: Path, dst: Path, **options) -> Imposed:
    """Impose the file ``src`` and write the result(s) beside ``dst`` (``dst-cover.pdf``, ...)."""
    imposed = impose_pdf(src.read_bytes(), ImposeOptions(**options), name=str(src))
    for key, data in imposed.files.items():
        (dst.with_name(f"{dst.stem}-{key}{dst.suffix}") if key else dst).write_bytes(data)
    return imposed


def expected_cells(count, **options) -> list[dict]:
    planned = plan_layout(ImposeOptions(**options), count)
    return [{(c.column, c.row): (c.page, c.rotation) for c in side.cells if c.page}
            for side in print_sequence(planned.layout, planned.duplex)]


SIGNATURES = [
    {},
    {"signature_sheets": 2, "gathering": "stacked"},
    {"signature_sheets": 2, "gathering": "nested"},
]


@pytest.mark.parametrize("duplex", ["short-edge", "long-edge", "manual"])
@pytest.mark.parametrize("signature", SIGNATURES, ids=["one", "stacked2", "nested2"])
@pytest.mark.parametrize("paper, size", [("a4", A5), ("letter", HALF_LETTER)])
def test_text_lands_in_planned_cells(tmp_path, paper, size, signature, duplex):
    src = numbered_pdf(tmp_path / "in.pdf", 22, size)
    result = impose(src, tmp_path / "out.pdf", paper=paper, duplex=duplex, **signature)
    assert (result.page_count, result.blank_count, result.sheet_count) == (22, 2, 6)
    assert result.scale == 1.0
    assert read_cells(tmp_path / "out.pdf") == expected_cells(22, paper=paper, duplex=duplex,
                                                              **signature)
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert len(pdf.pages) == (18 if duplex == "manual" else 12)
        assert all(tuple(float(v) for v in p.mediabox) == (0, 0, *SHEETS[paper]) for p in pdf.pages)


def test_ten_pages_by_hand(tmp_path):
    """Sheet 1 front shows the back cover beside the front cover; blanks before page 10."""
    src = numbered_pdf(tmp_path / "in.pdf", 10)
    impose(src, tmp_path / "out.pdf")
    assert read_halves(tmp_path / "out.pdf") == [
        (10, 1), (2, None), (None, 3), (4, 9), (8, 5), (6, 7)
    ]
    impose(src, tmp_path / "manual.pdf", duplex="manual")
    assert read_halves(tmp_path / "manual.pdf") == [
        (10, 1), (None, 3), (8, 5),  # fronts
        (6, 7), (4, 9), (2, None),  # backs, last sheet first: the stack as it came out
        (2, None), (4, 9), (6, 7),  # backs, sheet 1 first: the stack turned over
    ]
    impose(src, tmp_path / "long.pdf", duplex="long-edge")
    cells = read_cells(tmp_path / "long.pdf")
    assert cells[1] == {(1, 0): (2, 180)}  # sheet 1's back, turned: page 2 on the right
    assert cells[3] == {(0, 0): (9, 180), (1, 0): (4, 180)}


def test_mini_zine_read_back_by_position_folds_into_the_booklet(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 8, A5)
    result = impose(src, tmp_path / "mini.pdf", layout="minizine", marks=True)
    assert (result.sheet_count, result.pages_per_side, result.duplex) == (1, 8, "one-sided")
    assert result.scale == pytest.approx(0.5, abs=0.01)
    [cells] = read_cells(tmp_path / "mini.pdf", 4, 2)
    assert [cells[(c, 0)] for c in range(4)] == [(5, 180), (4, 180), (3, 180), (2, 180)]
    assert [cells[(c, 1)] for c in range(4)] == [(6, 0), (7, 0), (8, 0), (1, 0)]
    assert sim.fold_one_sheet_zine(cells) == list(range(1, 9))
    with pikepdf.open(tmp_path / "mini.pdf") as pdf:
        ops = [(operands, str(op)) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])]
    width, height = SHEETS["a4"]
    # The cut: a solid line along the middle of the lengthwise fold, middle two panels only.
    solid = [(float(a[0]), float(a[1])) for a, op in ops if op == "m"]
    assert (round(width / 4, 2), round(height / 2, 2)) in {(round(x, 2), round(y, 2)) for x, y in solid}


def test_quarter_two_copies_read_back(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 12, A5)
    result = impose(src, tmp_path / "q.pdf", layout="quarter")
    assert (result.sheet_count, result.copies_per_sheet, result.duplex) == (3, 2, "long-edge")
    sides = read_cells(tmp_path / "q.pdf", 2, 2)
    assert sides[0] == {(0, 0): (12, 0), (1, 0): (1, 0), (0, 1): (12, 0), (1, 1): (1, 0)}
    assert sides[1] == {(0, 0): (2, 0), (1, 0): (11, 0), (0, 1): (2, 0), (1, 1): (11, 0)}
    with pikepdf.open(tmp_path / "q.pdf") as pdf:
        assert tuple(float(v) for v in pdf.pages[0].mediabox) == (0, 0, *PAPERS["a4"])
    assert any("scaled to 0.71" in w for w in result.warnings)


def test_other_sizes_are_scaled_and_meet_at_the_fold(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 4, A4_PORTRAIT)
    result = impose(src, tmp_path / "out.pdf", paper="a4")
    sheet_w, sheet_h = SHEETS["a4"]
    scale = min(sheet_w / 2 / A4_PORTRAIT[0], sheet_h / A4_PORTRAIT[1])
    assert result.scale == pytest.approx(scale)
    first = placements(tmp_path / "out.pdf")[0]
    a, _, _, d, e, f = first[1]  # page 1, right half, its spine (left edge) at the fold
    assert (a, d) == (pytest.approx(scale, abs=1e-6), pytest.approx(scale, abs=1e-6))
    assert e == pytest.approx(sheet_w / 2, abs=1e-3)
    assert f == pytest.approx((sheet_h - A4_PORTRAIT[1] * scale) / 2, abs=1e-3)
    assert read_halves(tmp_path / "out.pdf")[0] == (4, 1)

    a5 = numbered_pdf(tmp_path / "a5.pdf", 4, A5)
    assert impose(a5, tmp_path / "a5-letter.pdf", paper="letter").scale == pytest.approx(
        min(396 / A5[0], 612 / A5[1]))
    # Narrow pages: the spread is centred and its two pages still touch at the fold.
    narrow = numbered_pdf(tmp_path / "narrow.pdf", 4, (300, 595.28))
    impose(narrow, tmp_path / "narrow-out.pdf")
    first = placements(tmp_path / "narrow-out.pdf")[0]
    assert first[4][4] + 300 == pytest.approx(sheet_w / 2) == first[1][4]


def test_rotated_pages_are_placed_upright(tmp_path):
    """A landscape MediaBox shown portrait by /Rotate is placed by its visible size."""
    src = numbered_pdf(tmp_path / "in.pdf", 4, (A5[1], A5[0]), rotate=90)
    result = impose(src, tmp_path / "out.pdf")
    assert result.scale == 1.0
    assert read_halves(tmp_path / "out.pdf") == [(4, 1), (2, 3)]


def test_printer_margin_scales_into_the_printable_area(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 8, A5)
    margin = 5 * MM_PT
    result = impose(src, tmp_path / "out.pdf", margin_pt=margin)
    sheet_w, sheet_h = SHEETS["a4"]
    assert result.scale == pytest.approx(min((sheet_w / 2 - margin) / A5[0], (sheet_h - 2 * margin) / A5[1]))
    for side in placements(tmp_path / "out.pdf"):
        for page, (a, _, _, _, e, f) in side.items():
            w, h = A5[0] * a, A5[1] * a
            assert e >= margin - 1e-3 and e + w <= sheet_w - margin + 1e-3
            assert f >= margin - 1e-3 and f + h <= sheet_h - margin + 1e-3
            assert e == pytest.approx(sheet_w / 2) or e + w == pytest.approx(sheet_w / 2)


def clips(path: Path) -> list[list[tuple[float, ...]]]:
    """Return, per side, the clip rectangle (x, y, w, h) in force at each placed page."""
    result = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            found, rect = [], None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "re":
                    rect = tuple(float(v) for v in operands)
                elif str(operator) == "Do":
                    found.append(rect)
            result.append(found)
    return result


@pytest.mark.parametrize("gathering", ["nested", "stacked"])
def test_creep_offsets_match_formula_and_pages_are_clipped_to_their_half(tmp_path, gathering):
    count, creep_mm, k = 40, 0.2, 5
    src = numbered_pdf(tmp_path / "in.pdf", count, A5, border=20 * MM_PT)
    impose(src, tmp_path / "out.pdf", creep_pt=creep_mm * MM_PT, signature_sheets=k,
           gathering=gathering)
    sheet_w, sheet_h = SHEETS["a4"]
    creep_pt = creep_mm * MM_PT
    seen_depths = set()
    for found in placements(tmp_path / "out.pdf"):
        for page, (_, _, _, _, e, _) in found.items():
            # Independent of the plan: position of the page inside its fold.
            if gathering == "nested":
                depth = (min(page, count + 1 - page) - 1) // 2
            else:
                first = (page - 1) // (4 * k) * 4 * k
                local = page - first
                depth = (min(local, 4 * k + 1 - local) - 1) // 2
            left = e < sheet_w / 4  # creep moves right pages left of the centre
            nominal = sheet_w / 2 - A5[0] if left else sheet_w / 2
            shift = e - nominal
            assert shift == pytest.approx(creep_pt * depth if left else -creep_pt * depth, abs=1e-3)
            seen_depths.add(depth)
    assert max(seen_depths) == (k - 1 if gathering == "stacked" else count // 4 - 1)
    halves = {(0.0, 0.0, sheet_w / 2, sheet_h), (sheet_w / 2, 0.0, sheet_w / 2, sheet_h)}
    for side in clips(tmp_path / "out.pdf"):
        assert {tuple(round(v, 2) for v in rect) for rect in side} <= {
            tuple(round(v, 2) for v in half) for half in halves}


def test_creep_that_would_cut_ink_is_refused(tmp_path):
    """Pages with a 20 mm margin: 1 mm per sheet on 11 sheets moves the inner ones 10 mm; fine.
    With a 5 mm margin, refused, and the message says how much fits."""
    wide = numbered_pdf(tmp_path / "wide.pdf", 44, A5, border=20 * MM_PT)
    impose(wide, tmp_path / "out.pdf", creep_pt=1 * MM_PT)
    narrow = numbered_pdf(tmp_path / "narrow.pdf", 44, A5, border=5 * MM_PT)
    with pytest.raises(ZineError) as info:
        impose(narrow, tmp_path / "refused.pdf", creep_pt=1 * MM_PT)
    assert info.value.code == "Z512" and "per sheet fits" in str(info.value)
    assert not (tmp_path / "refused.pdf").exists()
    allowed = float(str(info.value).split("at most ")[1].split("mm")[0])
    assert 0.3 <= allowed <= 0.5  # about 4.5 mm of blank margin over 10 sheets
    impose(narrow, tmp_path / "ok.pdf", creep_pt=(allowed - 0.01) * MM_PT)


def test_marks_do_not_disturb_pages(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 8, (380, 560))
    impose(src, tmp_path / "plain.pdf", marks=False)
    impose(src, tmp_path / "marks.pdf", marks=True)
    assert read_halves(tmp_path / "marks.pdf") == read_halves(tmp_path / "plain.pdf")
    with pikepdf.open(tmp_path / "marks.pdf") as pdf:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    # Scaled up to fill the height: two fold ticks, two ticks per fore-edge.
    assert "d" in ops and ops.count("S") == 2 + 4


def test_separate_cover_is_its_own_file(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 22, A5)
    result = impose(src, tmp_path / "zine.pdf", cover_separate=True)
    assert set(result.files) == {"cover", "inside"}
    assert read_halves(tmp_path / "zine-cover.pdf") == [(22, 1), (2, 21)]
    inside = read_halves(tmp_path / "zine-inside.pdf")
    assert len(inside) == 10 and inside[:2] == [(None, 3), (4, None)]  # blanks before page 21
    assert sorted(p for side in inside for p in side if p) == list(range(3, 21))
    manual = impose(src, tmp_path / "manual.pdf", cover_separate=True, duplex="manual")
    assert manual.manual_pages == {
        "cover": {"fronts": (1, 1), "backs_as_it_came": (2, 2), "backs_turned_over": (2, 2)},
        "inside": {"fronts": (1, 5), "backs_as_it_came": (6, 10), "backs_turned_over": (11, 15)}}


def annotated_pdf(path: Path) -> Path:
    """A 4-page PDF with a filled-in text field (page 1) and a screen-only comment (page 2)."""
    numbered_pdf(path, 4)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        field = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
            T=pikepdf.String("name"), V=pikepdf.String("FILLEDVALUE"), F=4,
            Rect=[50, 50, 300, 80], DA=pikepdf.String("/Helv 12 Tf 0 g"), P=pdf.pages[0].obj))
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(
            Fields=[field], NeedAppearances=True,
            DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font))))
        pdf.pages[0].obj.Annots = pdf.make_indirect([field])
        comment = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[10, 10, 30, 30],
            Contents=pikepdf.String("a reviewer's note"), F=0))
        pdf.pages[1].obj.Annots = pdf.make_indirect([comment])
        pdf.save(path)
    return path


def test_form_values_are_kept_and_dropped_annotations_are_named(tmp_path):
    src = annotated_pdf(tmp_path / "form.pdf")
    result = impose(src, tmp_path / "out.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "out.pdf").pages)
    assert "FILLEDVALUE" in text
    assert any("1 annotation(s) not marked for printing are left out" in w for w in result.warnings)


def test_restricted_but_readable_pdf_is_imposed(tmp_path):
    numbered_pdf(tmp_path / "plain.pdf", 4)
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(
            owner="owner", user="", allow=pikepdf.Permissions(modify_other=False, print_highres=False,
                                                              print_lowres=False)))
    result = impose(tmp_path / "locked.pdf", tmp_path / "out.pdf")
    assert read_halves(tmp_path / "out.pdf") == [(4, 1), (2, 3)]
    assert any("does not allow printing" in w for w in result.warnings)


@pytest.mark.parametrize("size, scale", [((A4_PORTRAIT[1], A4_PORTRAIT[0]), "0.50"),
                                         ((297.64, 419.53), "1.41")])
def test_strong_scaling_is_a_warning(tmp_path, size, scale):
    src = numbered_pdf(tmp_path / "in.pdf", 4, size)
    result = impose(src, tmp_path / "out.pdf")
    assert len(result.warnings) == 1 and f"scaled to {scale}" in result.warnings[0]


@pytest.mark.parametrize(
    "case, code",
    [
        ("mixed", "Z505"),
        ("empty", "Z503"),
        ("too-many", "Z504"),
        ("not-pdf", "Z501"),
        ("encrypted", "Z502"),
        ("paper", "Z506"),
        ("creep", "Z508"),
        ("duplex", "Z508"),
        ("signature", "Z507"),
        ("minizine-long", "Z511"),
        ("layout", "Z515"),
        ("margin", "Z513"),
    ],
)
def test_bad_input_raises_and_writes_nothing(tmp_path, case, code):
    src = tmp_path / "in.pdf"
    dst = tmp_path / "out.pdf"
    options = {}
    if case == "mixed":
        numbered_pdf(src, 4, sizes=[A5, A5, A4_PORTRAIT, A5])
    elif case == "empty":
        pikepdf.new().save(src)
    elif case == "too-many":
        numbered_pdf(src, 6)
        options["max_pages"] = 5
    elif case == "not-pdf":
        src.write_text("# just some markdown\n")
    elif case == "encrypted":
        numbered_pdf(tmp_path / "plain.pdf", 4)
        with pikepdf.open(tmp_path / "plain.pdf") as pdf:
            pdf.save(src, encryption=pikepdf.Encryption(owner="o", user="u"))
    else:
        numbered_pdf(src, 12)
        options = {
            "paper": {"paper": "a3"},
            "creep": {"creep_pt": float("nan")},
            "duplex": {"duplex": "sideways"},
            "signature": {"signature_sheets": 0},
            "minizine-long": {"layout": "minizine"},
            "layout": {"layout": "poster"},
            "margin": {"margin_pt": 40 * MM_PT},
        }[case]
    before = sorted(tmp_path.iterdir())
    with pytest.raises(ZineError) as info:
        impose(src, dst, **options)
    assert info.value.code == code
    assert "\n" not in str(info.value) and str(src) in str(info.value)
    assert sorted(tmp_path.iterdir()) == before


def test_same_input_gives_identical_bytes(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 13)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = "A zine"
        pdf.docinfo["/CreationDate"] = "D:20240101000000Z"
        pdf.save(src)
    a = impose(src, tmp_path / "a.pdf", marks=True, creep_pt=0.1 * MM_PT)
    b = impose(src, tmp_path / "b.pdf", marks=True, creep_pt=0.1 * MM_PT)
    data = (tmp_path / "a.pdf").read_bytes()
    assert data == (tmp_path / "b.pdf").read_bytes()
    assert a.sheet_count == b.sheet_count == 4
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "A zine"
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo
        names = {str(k) for p in pdf.pages for k in p.Resources.XObject.keys()}
    assert names == {f"/P{n}" for n in range(1, 14)}


@pytest.fixture(scope="module")
def font_heavy_pdf(tmp_path_factory) -> Path:
    """A 40-page A5 PDF typeset by WeasyPrint with three embedded fonts."""
    import weasyprint

    words = (
        "The quick brown fox jumps over the lazy dog; zines travel hand to hand. "
        "Ça, déjà vu: «Æsop’s fables», naïve façade, Øresund 1234567890 — ¿qué? "
    )
    body = "".join(
        f"<h1>Chapter {n}</h1><p>{words * 20}</p><p><em>{words * 8}</em></p>"
        f"<p style='font-family: DejaVu Sans Mono'>{words * 5}</p>"
        for n in range(1, 21)
    )
    html = (
        "<style>@page { size: A5; margin: 15mm } body { font-family: DejaVu Serif; font-size: 10pt }"
        " h1 { break-before: page }</style>" + body
    )
    path = tmp_path_factory.mktemp("heavy") / "heavy.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def test_output_size_close_to_input(tmp_path, font_heavy_pdf):
    for paper in ("a4", "letter"):
        dst = tmp_path / f"{paper}.pdf"
        result = impose(font_heavy_pdf, dst, paper=paper, marks=True)
        assert result.page_count >= 30
        assert dst.stat().st_size <= 1.2 * font_heavy_pdf.stat().st_size
