"""The data sheet reproduced in a feedback workbook, cell for cell, and a workbook not written
again when nothing it is written from has changed.

Rows without a problem are most of a big tracker and are written in one piece each, as the
XML xlsxwriter itself writes for them (``workbook._PlainRows``): these tests hold that path to
the original's cells (read back with openpyxl, as a clerk's Excel reads them) and to
xlsxwriter's own bytes for the same calls, on every kind of cell a tracker can hold: text
with XML's special characters, spaces around it, control characters, text looking like
Excel's ``_xHHHH_`` escapes or like rich text, very long text, numbers, booleans, dates,
times, durations and formulas' cached values.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from sr_pipeline.feedback import workbook, write_feedback
from sr_pipeline.warehouse.raw import RecordedVersion
from tests.builders import QIP_HEADERS, qip_row, qip_sheet
from tests.feedback.test_workbook import read, summary_rows

EXTRA = "Point focal"  # a column the contract does not know: read, noted, reproduced
ODD_VALUES: list[Any] = [
    "Mme Traoré & M. Cissé <coordination>",
    "  espaces autour  ",
    "ligne 1\nligne 2",
    "tab\tet contrôle \x01\x1f",
    "_x0041_ n'est pas un A",
    "<r>pas du texte riche</r>",
    '<r><t>x</t></r></is></c><c r="Z1"><f>HYPERLINK("http://x","y")</f></c><c r="Z2" '
    't="inlineStr"><is><r><t>z</t></r>',
    "x" * 20_000,
    "=SOMME(A1:A2)",
    True,
    False,
    3,
    2.5,
    -0.1,
    1e-9,
    123456789012.25,
    date(2018, 2, 28),
    datetime(2018, 6, 30, 14, 45),
    time(9, 30),
    timedelta(hours=36, minutes=15),
    ("formula", "=1+1", 2),
    ("formula", '="a"&"b"', "ab"),
]


def odd_tracker(path: Path) -> Path:
    """A QIP tracker whose rows 6.. each carry one odd value in an extra column, and whose
    row 5 is rejected (a misspelt region), so that its data sheet is reproduced."""
    headers = [*QIP_HEADERS, EXTRA]
    rows = [qip_row(1, Région="Tombouctouu")]
    rows += [qip_row(n + 2, **{EXTRA: value}) for n, value in enumerate(ODD_VALUES)]
    sheet_rows = qip_sheet(rows, headers=headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    formats = {
        kind: book.add_format({"num_format": number_format})
        for kind, number_format in (
            ("date", "dd/mm/yyyy"), ("datetime", "dd/mm/yyyy hh:mm"),
            ("time", "hh:mm"), ("duration", "[h]:mm"),
        )
    }  # fmt: skip
    sheet = book.add_worksheet("Suivi QIPs")
    for r, row in enumerate(sheet_rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, tuple):
                sheet.write_formula(r, c, value[1], None, value[2])
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, value, formats["datetime"])
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, formats["date"])
            elif isinstance(value, time):
                sheet.write_datetime(r, c, value, formats["time"])
            elif isinstance(value, timedelta):
                sheet.write_number(r, c, value.total_seconds() / 86_400, formats["duration"])
            elif isinstance(value, str) and value.startswith("<r>") and value.endswith("</r>"):
                # xlsxwriter would write it as XML: what a unit's Excel writes is text
                sheet.write_rich_string(r, c, value[:1], value[1:2], value[2:])
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    return path


@pytest.fixture
def odd(tmp_path: Path) -> tuple[Path, RecordedVersion]:
    original = odd_tracker(tmp_path / "trackers" / "QIPs_Suivi_2018-06-30.xlsx")
    return original, read(original)


def cells(path: Path, sheet: str, inline: bool = False) -> dict[str, Any]:
    """Every non-empty cell's value, as Excel shows it (formulas by their cached values).

    Excel decodes the ``_xHHHH_`` escapes of text cells (``_x0001_`` is U+0001, and
    ``_x005F_x0041_`` is the text ``_x0041_``); openpyxl does for shared strings only, not
    for the ``inline`` strings a constant-memory workbook holds: decoded here as Excel does."""
    book = openpyxl.load_workbook(path, data_only=True)
    return {
        cell.coordinate: excel_text(cell.value)
        if inline and isinstance(cell.value, str)
        else cell.value
        for row in book[sheet].iter_rows()
        for cell in row
        if cell.value is not None
    }


def as_excel_shows(value: Any) -> Any:
    """A value of ``ODD_VALUES`` as openpyxl reads its cell: a formula by its cached value,
    a date as a datetime (Excel has no date type)."""
    if isinstance(value, tuple):
        return value[2]
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def excel_text(text: str) -> str:
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def parts(path: Path) -> dict[str, bytes]:
    """The package's parts, without the creation time xlsxwriter stamps in core.xml."""
    with zipfile.ZipFile(path) as package:
        out = {name: package.read(name) for name in package.namelist()}
    out["docProps/core.xml"] = re.sub(rb"<dcterms:\w+ [^>]*>[^<]*<", b"", out["docProps/core.xml"])
    return out


def by_xlsxwriter_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row through xlsxwriter's own calls: the reference the fast path must equal."""
    monkeypatch.setattr(workbook._PlainRows, "of", classmethod(lambda cls, *args: None))


def test_the_reproduced_sheet_holds_the_originals_cells(odd, tmp_path: Path) -> None:
    original, result = odd
    path = write_feedback(result, tmp_path / "feedback")
    mine, theirs = cells(path, "Suivi QIPs", inline=True), cells(original, "Suivi QIPs")
    column = openpyxl.utils.get_column_letter(len(QIP_HEADERS) + 1)  # the extra column
    assert theirs[f"{column}4"] == EXTRA and mine[f"{column}4"] == EXTRA
    # The odd values against what was written (openpyxl's reading of escapes in shared
    # strings is not Excel's), every other cell against openpyxl's reading of the original.
    odd_cells = {f"{column}{6 + n}" for n in range(len(ODD_VALUES))}
    written = [mine.get(f"{column}{6 + n}") for n in range(len(ODD_VALUES))]
    assert written == [as_excel_shows(v) for v in ODD_VALUES]
    assert [type(v) for v in written if v in (True, False, 3)] == [bool, bool, int]
    others = {c: v for c, v in theirs.items() if c not in odd_cells}
    assert {c: v for c, v in mine.items() if c not in odd_cells} == others
    assert len(others) > 10 * 16  # the title, the header, ten rows of sixteen columns


def test_text_that_looks_like_rich_text_xml_stays_text(odd, tmp_path: Path) -> None:
    # xlsxwriter writes "<r>...</r>" into the sheet as XML: a cell could carry a formula
    original, result = odd
    path = write_feedback(result, tmp_path / "feedback")
    with zipfile.ZipFile(path) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in package.read(name) for name in sheets)
    assert "Z1" not in cells(path, "Suivi QIPs") and "Z2" not in cells(path, "Suivi QIPs")


def test_plain_rows_are_the_bytes_xlsxwriter_writes(
    odd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result = odd
    fast = write_feedback(result, tmp_path / "fast")
    by_xlsxwriter_calls(monkeypatch)
    reference = write_feedback(result, tmp_path / "reference")
    assert parts(fast) == parts(reference)


def test_a_big_sheet_of_plain_rows_is_the_bytes_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.builders import big_qip_workbook

    # 3,000 generated rows (region group headers, text amounts, dates, spaces around
    # names, a TOTAL row, an unknown column that makes the sheet reproduced)
    result = read(big_qip_workbook(tmp_path / "trackers" / "QIPs_Suivi_2018-06-30.xlsx", 3_000))
    assert result.notes is not None and not result.notes.empty
    fast = write_feedback(result, tmp_path / "fast")
    by_xlsxwriter_calls(monkeypatch)
    reference = write_feedback(result, tmp_path / "reference")
    assert parts(fast) == parts(reference)
    assert openpyxl.load_workbook(fast).sheetnames[1] == "Suivi QIPs"


def written(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


def test_a_workbook_whose_inputs_did_not_change_is_not_written_again(odd, tmp_path) -> None:
    _, result = odd
    path = write_feedback(result, tmp_path / "feedback")
    before, content = written(path), path.read_bytes()
    assert write_feedback(read(result.file.path), tmp_path / "feedback") == path
    assert written(path) == before and path.read_bytes() == content


def test_changed_problems_write_it_again(odd, tmp_path: Path) -> None:
    _, result = odd
    path = write_feedback(result, tmp_path / "feedback")
    before = written(path)
    values = [row["Valeur trouvée"] for row in summary_rows(openpyxl.load_workbook(path))]
    assert "Tombouctouu" in values
    # the same version, its rejection no longer recorded (e.g. a corrected reference list)
    fewer = dataclasses.replace(result, rejected_rows=result.rejected_rows.iloc[0:0])
    write_feedback(fewer, tmp_path / "feedback")
    assert written(path) != before
    rows = summary_rows(openpyxl.load_workbook(path))
    assert len(rows) == len(values) - 1 and "Tombouctouu" not in [r["Valeur trouvée"] for r in rows]


def test_a_workbook_edited_or_an_original_gone_is_written_again(odd, tmp_path: Path) -> None:
    original, result = odd
    path = write_feedback(result, tmp_path / "feedback")
    path.write_bytes(path.read_bytes())  # someone saved it again
    edited = written(path)
    write_feedback(result, tmp_path / "feedback")
    assert written(path) != edited
    assert openpyxl.load_workbook(path).sheetnames == ["À corriger", "Suivi QIPs"]
    original.unlink()  # its data sheet can no longer be reproduced: the workbook says so
    write_feedback(result, tmp_path / "feedback")
    assert openpyxl.load_workbook(path).sheetnames == ["À corriger"]
    assert not (path.parent / f".{path.name}.inputs").exists()  # written again next time
