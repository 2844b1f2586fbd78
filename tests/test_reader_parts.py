"""The reader's parts one by one, on the edges the whole-workbook tests do not reach: column
letters past Z, a sheet whose used range starts right of column A, the header scan's limits,
list separators, merged cells and saved formula results (issue #23, the reader's mutants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sr_pipeline.trackers.reader import column_letter


@pytest.mark.parametrize(
    ("index", "letters"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"),
     (701, "ZZ"), (702, "AAA"), (16383, "XFD")],
)  # fmt: skip
def test_column_letters_as_excel_writes_them(index: int, letters: str) -> None:
    assert column_letter(index) == letters
