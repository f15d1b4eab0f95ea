"""The essay's sources: note labels keep the original numbering, in call order."""

from __future__ import annotations

import re

from zinepress.check.rules import check_book


def test_the_essay_passes_every_source_check(essay_book):
    assert check_book(essay_book) == []


def test_note_labels_run_one_to_nine_in_call_order(essay_book):
    """Outputs number notes by call order; the source labels are the original numbers."""
    calls = []
    for chapter in essay_book.chapters:
        body = re.sub(r"^\[\^[^\]]+\]:", "", chapter.text, flags=re.M)
        calls += re.findall(r"\[\^([^\]]+)\]", body)
    assert calls == [str(n) for n in range(1, 10)]
