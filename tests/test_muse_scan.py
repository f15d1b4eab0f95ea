"""The pure steps of the Muse import, exhaustively: header, notes plan, sentinel divs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zinepress.library import museast, musescan
from zinepress.library.museprep import BLOCK_CLOSE, BLOCK_OPEN

names = st.sampled_from(["title", "author", "SORTtopics", "lang", "notes", "source"])
values = st.text(alphabet="abc XYZ,;.", min_size=1, max_size=20).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, values), min_size=1, max_size=6, unique_by=lambda t: t[0]),
       st.lists(values, max_size=3))
def test_header_is_every_directive_then_the_body(directives, body):
    lines = [f"#{name} {value}" for name, value in directives] + [""] + [f"Body {b}" for b in body]
    found, start = musescan.split_header(lines)
    assert [(d.name, d.value) for d in found] == directives
    assert [d.line for d in found] == list(range(1, len(directives) + 1))
    assert lines[start:] == [f"Body {b}" for b in body]


@st.composite
def documents(draw):
    """A Muse body: paragraphs calling [n]/{n}, then note bodies for some numbers."""
    calls = draw(st.lists(st.tuples(st.sampled_from("[{"), st.integers(1, 6)), max_size=10))
    bodies = draw(st.lists(st.tuples(st.sampled_from("[{"), st.integers(1, 6)), max_size=8))
    lines = []
    for kind, n in calls:
        mark = f"[{n}]" if kind == "[" else f"{{{n}}}"
        lines += [f"Text calling {mark} here.", ""]
    for kind, n in bodies:
        mark = f"[{n}]" if kind == "[" else f"{{{n}}}"
        lines += [f"{mark} Body of {mark}.", ""]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_every_body_is_called_once_or_kept_as_text_and_every_call_has_a_body(text):
    scan = musescan.scan(text)
    plan = musescan.plan_notes(scan)
    calls = [m for m in scan.marks if plan.is_call(m)]
    assert len({m.key for m in calls}) == len(calls), "no note is called twice"
    assert all(m.key in scan.bodies for m in calls)
    called = {m.key for m in calls}
    bodies = [*scan.bodies.values(), *scan.extra_bodies]
    assert {b.first for b in plan.orphans} == {b.first for b in bodies
                                                if b.key not in called or b in scan.extra_bodies}
    assert len(plan.literal) + len(calls) == len(scan.marks)
    # every decision that changes what a reader sees is reported
    reported = {loss.line for loss in plan.losses}
    assert {scan.file_line(b.first) for b in plan.orphans} <= reported
    assert {scan.file_line(m.index) for m in plan.literal if m.inside is None} <= reported


def para(text):
    return {"t": "Para", "c": [{"t": "Str", "c": text}]}


@st.composite
def sentinel_blocks(draw):
    """A list of paragraphs with balanced sentinel pairs around some of them."""
    def build(depth):
        out = []
        for i in range(draw(st.integers(0, 3))):
            if depth < 3 and draw(st.booleans()):
                kind = draw(st.sampled_from(["center", "right", "lang=fr", "orphan-note"]))
                out += [para(f"{BLOCK_OPEN}{kind}{BLOCK_OPEN}1"), *build(depth + 1), para(BLOCK_CLOSE)]
            else:
                out.append(para(f"p{depth}-{i}-{draw(st.integers(0, 99))}"))
        return out
    return build(0)


def leaves(blocks):
    out = []
    for block in blocks:
        out += leaves(block["c"][1]) if block["t"] == "Div" else [block["c"][0]["c"]]
    return out


@settings(max_examples=60, deadline=None)
@given(sentinel_blocks())
def test_sentinel_pairs_become_divs_and_keep_every_paragraph_in_order(blocks):
    result = museast.sentinel_divs(blocks)
    plain = [b["c"][0]["c"] for b in blocks if museast._sentinel(b) is None]
    assert leaves(result) == plain
    assert not any(museast._sentinel(b) for b in result)
