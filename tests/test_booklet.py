"""Tests for zinepress.impose.booklet: impose real PDFs and read the text back from each half."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdf
import pytest

from zinepress.impose.booklet import MM_PT, PAPERS, impose_file
from zinepress.errors import ZineError
from zinepress.impose.saddle import print_sequence, saddle_plan

A5 = (round(148 * MM_PT, 2), round(210 * MM_PT, 2))
HALF_LETTER = (396.0, 612.0)
A4_PORTRAIT = (round(210 * MM_PT, 2), round(297 * MM_PT, 2))


def label(page: int) -> str:
    return f"PAGE{page:03d}"


def numbered_pdf(path: Path, count: int, size=A5, sizes=None, rotate: int = 0) -> Path:
    """Write a PDF whose page n shows the word PAGE00n (Helvetica, not embedded)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(1, count + 1):
        w, h = sizes[number - 1] if sizes else size
        page = pdf.add_blank_page(page_size=(w, h))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 24 Tf {w / 2 - 60:.2f} {h / 2:.2f} Td ({label(number)}) Tj ET"
        page.obj.Contents = pdf.make_stream(f"1 w 10 10 {w - 20:.2f} {h - 20:.2f} re S {text}".encode())
        if rotate:
            page.obj.Rotate = rotate
    pdf.save(path)
    return path


def read_halves(path: Path) -> list[tuple[int | None, int | None]]:
    """Return, for each imposed side, the page label found in its left and right half.

    pypdf reports text positions inside a form XObject without the placing matrix, so
    the matrix in force at each ``Do`` is recorded and applied to the text origin.
    """
    reader = pypdf.PdfReader(path)
    sides = []
    for page in reader.pages:
        sheet_w = float(page.mediabox.width)
        halves: list[list[int]] = [[], []]
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
            halves[0 if x < sheet_w / 2 else 1].append(int(text[4:]))

        page.extract_text(visitor_operand_before=before, visitor_text=visit)
        assert all(len(h) <= 1 for h in halves), halves
        sides.append(tuple(h[0] if h else None for h in halves))
    return sides


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


def expected_sides(count, duplex, **plan_args):
    plan = saddle_plan(count, **plan_args)
    return [(s.left.page, s.right.page) for s in print_sequence(plan, duplex)]


SIGNATURES = [
    {},
    {"signature_sheets": 2, "gathering": "stacked"},
    {"signature_sheets": 2, "gathering": "nested"},
]


@pytest.mark.parametrize("duplex", ["short-edge", "manual"])
@pytest.mark.parametrize("signature", SIGNATURES, ids=["one", "stacked2", "nested2"])
@pytest.mark.parametrize("paper, size", [("a4", A5), ("letter", HALF_LETTER)])
def test_text_lands_in_planned_halves(tmp_path, paper, size, signature, duplex):
    src = numbered_pdf(tmp_path / "in.pdf", 22, size)
    result = impose_file(src, tmp_path / "out.pdf", paper=paper, duplex=duplex, **signature)
    assert (result.page_count, result.padded_count, result.sheet_count) == (22, 24, 6)
    assert result.scale == 1.0
    assert read_halves(tmp_path / "out.pdf") == expected_sides(22, duplex, **signature)
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert all(tuple(float(v) for v in p.mediabox) == (0, 0, *PAPERS[paper]) for p in pdf.pages)


def test_ten_pages_by_hand(tmp_path):
    """Sheet 1 front shows the back cover beside the front cover; blanks before page 10."""
    src = numbered_pdf(tmp_path / "in.pdf", 10)
    impose_file(src, tmp_path / "out.pdf")
    assert read_halves(tmp_path / "out.pdf") == [
        (10, 1), (2, None), (None, 3), (4, 9), (8, 5), (6, 7)
    ]
    impose_file(src, tmp_path / "manual.pdf", duplex="manual")
    assert read_halves(tmp_path / "manual.pdf") == [
        (10, 1), (None, 3), (8, 5), (6, 7), (4, 9), (2, None)
    ]


def test_other_sizes_are_scaled_and_centred(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 4, A4_PORTRAIT)
    result = impose_file(src, tmp_path / "out.pdf", paper="a4")
    sheet_w, sheet_h = PAPERS["a4"]
    scale = min(sheet_w / 2 / A4_PORTRAIT[0], sheet_h / A4_PORTRAIT[1])
    assert result.scale == pytest.approx(scale)
    first = placements(tmp_path / "out.pdf")[0]
    a, _, _, d, e, f = first[1]  # page 1, right half
    assert (a, d) == (pytest.approx(scale, abs=1e-6), pytest.approx(scale, abs=1e-6))
    assert e == pytest.approx(sheet_w / 2 + (sheet_w / 2 - A4_PORTRAIT[0] * scale) / 2, abs=1e-3)
    assert f == pytest.approx((sheet_h - A4_PORTRAIT[1] * scale) / 2, abs=1e-3)
    assert read_halves(tmp_path / "out.pdf")[0] == (4, 1)

    a5 = numbered_pdf(tmp_path / "a5.pdf", 4, A5)
    assert impose_file(a5, tmp_path / "a5-letter.pdf", paper="letter").scale == pytest.approx(
        min(396 / A5[0], 612 / A5[1])
    )


def test_rotated_pages_are_placed_upright(tmp_path):
    """A landscape MediaBox shown portrait by /Rotate is placed by its visible size."""
    src = numbered_pdf(tmp_path / "in.pdf", 4, (A5[1], A5[0]), rotate=90)
    result = impose_file(src, tmp_path / "out.pdf")
    assert result.scale == 1.0 and result.source_size_pt == A5
    assert read_halves(tmp_path / "out.pdf") == [(4, 1), (2, 3)]


@pytest.mark.parametrize("gathering", ["nested", "stacked"])
def test_creep_offsets_match_formula(tmp_path, gathering):
    count, creep_mm, k = 40, 0.2, 5
    src = numbered_pdf(tmp_path / "in.pdf", count)
    impose_file(
        src, tmp_path / "out.pdf", creep_mm=creep_mm, signature_sheets=k, gathering=gathering
    )
    sheet_w = PAPERS["a4"][0]
    centring = (sheet_w / 2 - A5[0]) / 2
    creep_pt = creep_mm * 72 / 25.4
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
            nominal = centring if left else sheet_w / 2 + centring
            shift = e - nominal
            assert shift == pytest.approx(creep_pt * depth if left else -creep_pt * depth, abs=1e-3)
            seen_depths.add(depth)
    assert max(seen_depths) == (k - 1 if gathering == "stacked" else count // 4 - 1)


def test_marks_do_not_disturb_pages(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 8, (380, 560))
    impose_file(src, tmp_path / "plain.pdf", marks=False)
    impose_file(src, tmp_path / "marks.pdf", marks=True)
    assert read_halves(tmp_path / "marks.pdf") == read_halves(tmp_path / "plain.pdf")
    with pikepdf.open(tmp_path / "marks.pdf") as pdf:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    # Scaled up to fill the height: two fold ticks, two ticks per fore-edge.
    assert "d" in ops and ops.count("S") == 2 + 4


@pytest.mark.parametrize(
    "case, code",
    [
        ("mixed", "Z505"),
        ("empty", "Z503"),
        ("too-many", "Z504"),
        ("not-pdf", "Z501"),
        ("missing", "Z501"),
        ("encrypted", "Z502"),
        ("paper", "Z506"),
        ("creep", "Z508"),
        ("duplex", "Z508"),
        ("signature", "Z507"),
        ("no-folder", "Z509"),
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
    elif case == "missing":
        pass
    elif case == "encrypted":
        numbered_pdf(tmp_path / "plain.pdf", 4)
        with pikepdf.open(tmp_path / "plain.pdf") as pdf:
            pdf.save(src, encryption=pikepdf.Encryption(owner="o", user="u"))
    else:
        numbered_pdf(src, 4)
        options = {
            "paper": {"paper": "a3"},
            "creep": {"creep_mm": -0.1},
            "duplex": {"duplex": "long-edge"},
            "signature": {"signature_sheets": 0},
            "no-folder": {},
        }[case]
        if case == "no-folder":
            dst = tmp_path / "nowhere" / "out.pdf"
    before = sorted(tmp_path.iterdir())
    with pytest.raises(ZineError) as info:
        impose_file(src, dst, **options)
    assert info.value.code == code
    assert "\n" not in str(info.value)
    assert not dst.exists()
    assert sorted(tmp_path.iterdir()) == before  # no temporary file left either


def test_same_input_gives_identical_bytes(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 13)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = "A zine"
        pdf.docinfo["/CreationDate"] = "D:20240101000000Z"
        pdf.save(src)
    a = impose_file(src, tmp_path / "a.pdf", marks=True, creep_mm=0.1)
    b = impose_file(src, tmp_path / "b.pdf", marks=True, creep_mm=0.1)
    data = (tmp_path / "a.pdf").read_bytes()
    assert data == (tmp_path / "b.pdf").read_bytes()
    assert a.sheet_count == b.sheet_count == 4
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "A zine"
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo
        names = {str(k) for p in pdf.pages for k in p.Resources.XObject.keys()}
    assert names == {f"/P{n}" for n in range(1, 14)}


def test_existing_output_is_replaced(tmp_path):
    src = numbered_pdf(tmp_path / "in.pdf", 4)
    dst = tmp_path / "out.pdf"
    dst.write_bytes(b"old")
    impose_file(src, dst)
    assert dst.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf", "out.pdf"]
    assert dst.stat().st_mode & 0o777 == (tmp_path / "in.pdf").stat().st_mode & 0o777
    with pytest.raises(ZineError) as info:
        impose_file(src, src)
    assert info.value.code == "Z509"


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
        result = impose_file(font_heavy_pdf, dst, paper=paper, marks=True)
        assert result.page_count >= 30
        assert dst.stat().st_size <= 1.2 * font_heavy_pdf.stat().st_size


# Printing instructions (zinepress.impose.printing) draw the same plan the booklet imposes.


def svg_numbers(svg: str) -> list[str]:
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg)
    return [t.text for t in root.iter(f"{ns}text") if t.get("class") in ("num", "note") and t.text]


@pytest.mark.parametrize("count, signature", [(44, {}), (7, {}), (44, {"signature_sheets": 3, "gathering": "nested"}),
                                              (44, {"signature_sheets": 3, "gathering": "stacked"})])
def test_sheet_diagram_is_drawn_from_the_plan(count, signature):
    from zinepress.impose.printing import sheet_diagram_svg

    plan = saddle_plan(count, **signature)
    drawn = [t for t in svg_numbers(sheet_diagram_svg(plan)) if t.isdigit() or t == "blank"][:4]
    sheet = plan.sheets[0]
    assert drawn == [str(s.page) if s.page else "blank" for s in (*sheet.front.slots, *sheet.back.slots)]


@pytest.mark.parametrize("duplex", ["short-edge", "manual"])
def test_printing_instructions_pdf(tmp_path, duplex):
    from zinepress.impose.printing import render_printing_instructions

    plan = saddle_plan(44)
    data = render_printing_instructions(
        plan, title="Night <b>Shift</b>", paper="a4", duplex=duplex, signature_sheets=None
    )
    (tmp_path / "p.pdf").write_bytes(data)
    reader = pypdf.PdfReader(tmp_path / "p.pdf")
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Night <b>Shift</b>" in text  # autoescaped, shown as text
    assert "11 sheets" in text and "A4" in text and "two staples" in text
    if duplex == "short-edge":
        assert "flip on short edge" in text
    else:
        assert "pages 1–11" in text and "pages 12–22" in text and "page 22" in text
