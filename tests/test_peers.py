"""Side by side with pdfimpose: each layout both tools have gives the same page order.

``tests/fixtures/pdfimpose-2.10.json`` records what pdfimpose 2.10 put in every cell of
its output (the commands are in the file; pdfimpose was installed in a scratch
environment, it is not a dependency).  The same inputs imposed by zinepress must show the
same pages in the same cells.  What differs by design: pdfimpose pads after the back
cover unless told ``--last 1``; its ``--group`` pads every group to full size; and it
does not scale to a paper size.  Its creep option is documented as broken.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zinepress.impose.layout import print_sequence
from zinepress.impose.options import ImposeOptions, plan_layout

RECORD = json.loads((Path(__file__).parent / "fixtures" / "pdfimpose-2.10.json").read_text())


@pytest.mark.parametrize("case", RECORD["cases"], ids=[c["name"] for c in RECORD["cases"]])
def test_same_page_order_as_pdfimpose(case):
    planned = plan_layout(ImposeOptions(**case["zinepress"]), case["pages"])
    columns, rows = case["grid"]
    ours = [[[side.at(c, r).page for c in range(columns)] for r in range(rows)]
            for side in print_sequence(planned.layout, planned.duplex)]
    assert ours == case["sides"]
