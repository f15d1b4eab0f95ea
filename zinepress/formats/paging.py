"""Page numbering of a book laid out part by part: page counts in, page plan out.

A book is a row of parts (front matter, chapters, colophon), each starting on a new
page. A part may ask to start on a left or a right page (``break-before: left``, as
the colophon does so it is the back cover); then a blank page goes before it when the
next page is on the other side. Pages alternate right, left, right… from page 1.

>>> [(p.first_page, p.first_right, p.blanks_before)
...  for p in place_parts([(2, "auto"), (4, "page"), (1, "left")])]
[(1, True, 0), (3, True, 0), (8, False, 1)]

Pure arithmetic, no PDF library: :mod:`zinepress.formats.pdffile` applies the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

LEFT_BREAKS = ("left", "verso")
RIGHT_BREAKS = ("right", "recto")


@dataclass(frozen=True)
class Placement:
    """Where one part lands: its first page number (1-based), side, blanks before it."""

    first_page: int
    pages: int
    first_right: bool
    blanks_before: int

    def page_right(self, index: int) -> bool:
        """Return whether the part's page ``index`` (0-based) is a right page."""
        return self.first_right == (index % 2 == 0)


def is_right(page_number: int, first_right: bool = True) -> bool:
    """Return whether book page ``page_number`` (1-based) is a right page."""
    return (page_number % 2 == 1) == first_right


def place_parts(parts: Sequence[tuple[int, str]], first_right: bool = True) -> list[Placement]:
    """Return the placement of each ``(page_count, break_before)`` part, in order."""
    placements = []
    page = 1
    for pages, break_before in parts:
        right = is_right(page, first_right)
        blanks = int((break_before in LEFT_BREAKS and right)
                     or (break_before in RIGHT_BREAKS and not right))
        page += blanks
        placements.append(Placement(page, pages, is_right(page, first_right), blanks))
        page += pages
    return placements


def total_pages(placements: Sequence[Placement]) -> int:
    """Return the page count of the whole book."""
    last = placements[-1] if placements else None
    return last.first_page + last.pages - 1 if last else 0
