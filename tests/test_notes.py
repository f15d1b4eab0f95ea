"""Note numbering: a pure function of the notes per chapter, and per-file label scopes."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from zinepress.check.rules import check_book
from zinepress.convert.pandoc import count_notes, note_labels, read_ast
from zinepress.source.load import load_book
from zinepress.source.scaffold import NewChapter, create_project, default_metadata

COUNTS = st.lists(st.integers(min_value=0, max_value=40), max_size=30)


@given(COUNTS)
def test_book_numbering_runs_one_to_n_in_call_order(counts):
    labels = note_labels(counts, "book")
    assert [len(chapter) for chapter in labels] == counts
    assert [n for chapter in labels for n in chapter] == list(range(1, sum(counts) + 1))


@given(COUNTS)
def test_chapter_numbering_starts_again_in_every_chapter(counts):
    labels = note_labels(counts, "chapter")
    assert labels == [list(range(1, count + 1)) for count in counts]


def test_unknown_numbering_is_refused():
    with pytest.raises(ValueError):
        note_labels([1], "page")


def project(tmp_path, bodies):
    chapters = [NewChapter(f"0{i}.md", f"Chapter {i}", body) for i, body in enumerate(bodies, 1)]
    return load_book(create_project(tmp_path / "p", default_metadata("T"), chapters))


def test_every_chapter_may_start_at_one(tmp_path):
    book = project(tmp_path, ["A.[^1] B.[^2]\n\n[^1]: a\n\n[^2]: b",
                              "C.[^1]\n\n[^1]: c",
                              "`[^1]` is how a note is written, in code."])
    assert check_book(book) == []
    assert [count_notes(blocks) for blocks in read_ast(book)] == [2, 1, 0]


@pytest.mark.parametrize("bodies, code, where", [
    (["A.[^1]\n\n[^1]: a", "B.[^1]"], "Z201", "source/02.md:3"),
    (["A.[^1]\n\n[^1]: a\n\n[^2]: b", "B."], "Z202", "source/01.md:7"),
    (["A.[^1] B.[^1]\n\n[^1]: a", "C."], "Z204", "source/01.md:3"),
    (["A.[^1]\n\n[^1]: a\n\n[^1]: again", "C."], "Z203", "source/01.md:7"),
    (["A.[^x]", "B.\n\n[^x]: defined here"], "Z205", "source/02.md:5"),
])
def test_integrity_is_checked_per_file(tmp_path, bodies, code, where):
    errors = check_book(project(tmp_path, bodies))
    assert [(e.code, f"{e.path}:{e.line}") for e in errors] == [(code, where)]
