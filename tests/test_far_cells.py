"""A sheet whose cells reach too far: refused before the workbook parser sees it.

The parser (calamine) allocates a sheet's whole grid, 32 bytes a cell, from A1 to the farthest
cell holding a value, and when it cannot it aborts the process instead of raising: one value
typed in XFD200000 asked for 105 GB and ended the whole run, every other file with it.
``safety.check_workbook`` finds how far each sheet's cells reach, placing every cell as the
parser does, and refuses a sheet spanning more than ``MAX_SHEET_CELLS``, naming the sheet and
the cells. Each way of writing a cell is tried twice: near A1, where the scan must agree with
the parser's own grid, and far, where it must be refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from sr_pipeline.language.messages import Message
from sr_pipeline.trackers import safety
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.formulas import sheet_parts
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.safety import MAX_SHEET_CELLS, UnsafeWorkbook, check_workbook
from tests.builders import qip_row, qip_sheet, qip_workbook, replace_in_part, write_workbook
from tests.test_safety import QIP_NAME, _with_parts, read_in_child, refusal, run_in_child

DATA_SHEET = "xl/worksheets/sheet2.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def letters(column: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 16384 -> XFD (written out here, not the product's)."""
    name = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[remainder] + name
    return name


# Each way of writing one cell holding a value at (row, column), 1-based, as a row of sheet XML.
WRITTEN = {
    "as every writer writes it": lambda r, c: (
        f'<row r="{r}"><c r="{letters(c)}{r}"><v>1</v></c></row>'
    ),
    "an inline string": lambda r, c: (
        f'<row r="{r}"><c r="{letters(c)}{r}" t="inlineStr"><is><t>x</t></is></c></row>'
    ),
    "an empty inline string": lambda r, c: (
        f'<row r="{r}"><c r="{letters(c)}{r}" t="inlineStr"><is></is></c></row>'
    ),
    "an inline string closed at once": lambda r, c: (
        f'<row r="{r}"><c r="{letters(c)}{r}" t="inlineStr"><is/></c></row>'
    ),
    "a value of one space": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}"><v> </v></c></row>',
    # No reference: placed right of the cell before it, in the row <row r> names.
    "cells without a reference": lambda r, c: f'<row r="{r}">' + "<c><v>1</v></c>" * c + "</row>",
    # An empty cell closed at once still places the next one, right of it.
    "a cell without a reference after an empty one": lambda r, c: (
        f'<row r="{r}"><c r="{letters(c - 1)}{r}" s="1"/><c><v>1</v></c></row>'
    ),
    # Neither rows nor cells with a reference: each row is the one after the row before.
    "rows without a reference": lambda r, c: (
        "<row/>" * (r - 2) + "<row>" + "<c><v>1</v></c>" * c + "</row>"
    ),
    "a namespace prefix": lambda r, c: (
        f'<row r="{r}"><x:c xmlns:x="{MAIN}" r="{letters(c)}{r}"><x:v>1</x:v></x:c></row>'
    ),
    # The reference second, in single quotes, in lower case, after a ">" in a quoted value.
    "the reference written otherwise": lambda r, c: (
        f'<row r="{r}"><c s=">" r=\'{letters(c).lower()}{r}\'><v>1</v></c></row>'
    ),
    "leading zeros": lambda r, c: f'<row r="{r}"><c r="{letters(c)}000{r}"><v>1</v></c></row>',
    # The parser takes the cell's own reference, not its row's.
    "a reference that is not its row's": lambda r, c: (
        f'<row r="2"><c r="{letters(c)}{r}"><v>1</v></c></row>'
    ),
}
# Far enough to be refused: 2,000 x 16,384 = 32.8 million cells; 1,048,576 x 20 = 21 million.
FAR = {name: (2_000, 16_384) for name in WRITTEN} | {
    "cells without a reference": (1_048_576, 20),
    "rows without a reference": (1_048_576, 20),
}
# Cells the parser does not place: no value, or a formula alone (its result is placed by the
# reader under its own bound, tests/test_validation_values.py).
NOT_PLACED = {
    "a styled empty cell": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}" s="1"/></row>',
    "an empty cell closed": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}" s="1"></c></row>',
    "an empty value": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}" t="s"><v></v></c></row>',
    "a value closed at once": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}"><v/></c></row>',
    "a formula alone": lambda r, c: f'<row r="{r}"><c r="{letters(c)}{r}"><f>1+1</f></c></row>',
}


def sheet(tmp_path: Path, rows: str, part: str = DATA_SHEET, renamed=None) -> Path:
    """A QIP tracker whose data sheet holds A1 and then ``rows``."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>{rows}'
        "</sheetData></worksheet>"
    )
    return _with_parts(tmp_path, {part: xml.encode()}, renamed)


def parser_grid(path: Path) -> tuple[int, int]:
    """Rows and columns of the parser's own grid of the data sheet (it starts at A1 here)."""
    with zipfile.ZipFile(path) as archive:
        name = next(s for s, p in sheet_parts(archive).items() if p == DATA_SHEET)
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    assert grid.start == (0, 0)
    return grid.height, grid.width


def reach(path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(path) as archive:
        found = safety._exact_reach(archive, archive.getinfo(DATA_SHEET))
    return found.row, found.column


@pytest.mark.parametrize("way", WRITTEN)
def test_the_scan_places_cells_where_the_parser_does(tmp_path: Path, way: str) -> None:
    path = sheet(tmp_path, WRITTEN[way](30, 7))
    assert parser_grid(path) == reach(path) == (30, 7)
    # not refused (<is/></c> ends as a formula saved without its result may: looked at closer)
    assert check_workbook(path) <= {DATA_SHEET}


@pytest.mark.parametrize("way", NOT_PLACED)
def test_cells_without_a_value_are_not_placed_as_the_parser_does_not(
    tmp_path: Path, way: str
) -> None:
    path = sheet(tmp_path, NOT_PLACED[way](30, 7))
    assert parser_grid(path) == reach(path) == (1, 1)


@pytest.mark.parametrize("way", WRITTEN)
def test_a_cell_too_far_is_refused_naming_the_sheet_and_the_cell(tmp_path: Path, way: str) -> None:
    row, column = FAR[way]
    path = sheet(tmp_path, WRITTEN[way](row, column))
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert refused.value.message == Message.of(
        "file_sheet_too_far",
        sheet="Suivi QIPs",
        cells=f"{letters(column)}{row}",
        rows=f"{row:,}",
        columns=f"{column:,}",
        limit="20,000,000",
    )


@pytest.mark.parametrize("way", NOT_PLACED)
def test_cells_without_a_value_may_lie_anywhere(tmp_path: Path, way: str) -> None:
    """Styled empty cells down to row 1,048,576 in every column are harmless: not refused."""
    check_workbook(sheet(tmp_path, NOT_PLACED[way](1_048_576, 16_384)))


def test_a_sheet_may_span_the_limit_but_not_a_row_more(tmp_path: Path) -> None:
    assert MAX_SHEET_CELLS == 20_000_000
    edge = sheet(tmp_path / "edge", WRITTEN["as every writer writes it"](1_000_000, 20))
    assert check_workbook(edge) == frozenset()
    over = sheet(tmp_path / "over", WRITTEN["as every writer writes it"](1_000_001, 20))
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(over)
    assert refused.value.message.code == "file_sheet_too_far"
    edge = sheet(tmp_path / "edge2", WRITTEN["cells without a reference"](1_000_000, 20))
    assert check_workbook(edge) == frozenset()


def test_the_row_and_the_column_may_come_from_two_cells(tmp_path: Path) -> None:
    """Far down in one cell, far right in another: the grid spans both; both are named."""
    rows = '<row r="60"><c r="XFD1"><v>1</v></c><c r="A1048576"><v>1</v></c></row>'
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(sheet(tmp_path, rows))
    message = refused.value.message
    assert (message.code, dict(message.params)["cells"]) == (
        "file_sheet_too_far",
        "A1048576 / XFD1",
    )
    assert (dict(message.params)["rows"], dict(message.params)["columns"]) == (
        "1,048,576",
        "16,384",
    )


@pytest.mark.parametrize("offset", [-12, -5, -1, 0, 3])
def test_a_cell_cut_by_a_chunk_boundary_is_read_whole(tmp_path: Path, offset: int) -> None:
    """The part is inflated 1 MB at a time: a far cell's tag cut in two is still read."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
    far = '<row r="200000"><c r="XFD200000"><v>1</v></c></row>'
    padding = safety._CHUNK - len(head) - far.index("<c") + offset
    xml = head + " " * padding + far + "</sheetData></worksheet>"
    path = _with_parts(tmp_path, {DATA_SHEET: xml.encode()})
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert dict(refused.value.message.params)["cells"] == "XFD200000"


def test_a_sheet_kept_outside_the_worksheets_folder_is_looked_at(tmp_path: Path) -> None:
    """The workbook's relationships, not a part's name, say where a sheet is."""
    path = sheet(tmp_path, WRITTEN["as every writer writes it"](2_000, 16_384),
                 renamed={DATA_SHEET: "xl/data.bin"})  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        assert "xl/data.bin" in sheet_parts(archive).values()
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert dict(refused.value.message.params)["sheet"] == "Suivi QIPs"


@pytest.mark.parametrize("part", [DATA_SHEET, "xl/data.bin"])
def test_a_tag_of_more_than_a_megabyte_is_refused_as_damaged(tmp_path: Path, part: str) -> None:
    """A tag is held until its end when a chunk cuts it; one longer than the chunks read
    meanwhile is no worksheet's, and is not held in memory whole. Found by the quick scan in
    the worksheets folder, by the exact scan in a sheet kept elsewhere: named by its part."""
    rows = '<row r="2"><c r="B2" s="' + "1" * (3 * safety._CHUNK) + '"><v>1</v></c></row>'
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(sheet(tmp_path, rows, renamed={DATA_SHEET: part}))
    assert refused.value.message == Message.of(
        "file_damaged", detail=f"{part}: a tag of more than 1 MB"
    )


def test_a_tag_is_held_up_to_a_megabyte_and_not_a_byte_more() -> None:
    """The bound is the chunk: a tag cut by a block is held whole while it is 1 MB or less."""
    tag = b'<c r="B2" s="' + b"1" * safety._CHUNK + b'"/>'
    pieces = safety._Recut(DATA_SHEET)
    assert pieces.feed(tag[: safety._CHUNK]) == b""  # held: exactly 1 MB
    assert pieces.feed(tag[safety._CHUNK :]) == tag  # whole, once its end came
    pieces = safety._Recut(DATA_SHEET)
    pieces.feed(tag[: safety._CHUNK])
    with pytest.raises(UnsafeWorkbook):
        pieces.feed(tag[safety._CHUNK : safety._CHUNK + 1])  # a byte more, still unfinished


def test_text_of_more_than_a_megabyte_between_two_tags_is_not_a_tag(tmp_path: Path) -> None:
    """Only an unfinished tag is held: 3 MB of spaces after a whole tag are read through."""
    rows = '<row r="2">' + " " * (3 * safety._CHUNK) + '<c r="B2"><v>1</v></c></row>'
    path = sheet(tmp_path, rows)
    assert check_workbook(path) == frozenset()
    assert reach(path) == (2, 2)


@pytest.mark.parametrize("value", ["1", ""])
@pytest.mark.parametrize("boundary", [1, 2])
def test_a_value_cut_by_a_chunk_boundary_is_read_whole(
    tmp_path: Path, boundary: int, value: str
) -> None:
    """The boundary right after a far cell's <v>, in the first chunk or a later one: its
    text, read in the next chunk, places the cell; an empty value still does not."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
    far = f'<row r="200000"><c r="XFD200000"><v>{value}</v></c></row>'
    padding = boundary * safety._CHUNK - len(head) - far.index("<v>") - len("<v>")
    xml = head + " " * padding + far + "</sheetData></worksheet>"
    path = _with_parts(tmp_path, {DATA_SHEET: xml.encode()})
    if not value:
        assert check_workbook(path) == frozenset()
        return
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert dict(refused.value.message.params)["cells"] == "XFD200000"


def test_rows_without_a_reference_are_counted_from_the_first(tmp_path: Path) -> None:
    """No row names its number, from the very first: it is row 1, as the parser counts."""
    rows = "<row><c><v>1</v></c><c><v>1</v></c></row><row><c><v>1</v></c></row>"
    xml = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>'
    xml += "</worksheet>"
    path = _with_parts(tmp_path, {DATA_SHEET: xml.encode()})
    assert parser_grid(path) == reach(path) == (2, 2)


def test_tags_that_close_nothing_are_left_to_the_parser(tmp_path: Path) -> None:
    """The scan is no XML parser: a </v> that closes no value places no cell and does not
    stop the scan (even after <v/>, far right); the parser refuses the sheet, in its words."""
    stray = (
        '<row r="2000"><c r="B2000"></v></c><c r="XFD2000"><v/> </v></c>'
        '<c r="C2000"><v>1</v></v></c></row></sheetData>'
    )
    path = qip_workbook(tmp_path, [qip_row(1)])
    replace_in_part(path, DATA_SHEET, b"</sheetData>", stray.encode())
    assert check_workbook(path) == frozenset()
    refused = read_tracker(recognise(path)).refused
    assert "XmlError: ill-formed document" in refused
    first = sheet(tmp_path / "first", '<row r="2"><c r="B2"></v><v>1</v></c></row>')
    assert reach(first) == (2, 2)  # the part's first </v>, before any value


def test_the_reader_refuses_it_in_bounded_memory(tmp_path: Path) -> None:
    """Through read_tracker, in a child process (were it not refused, the parser would abort
    it): refused naming the sheet and the cell, the parser never asked for the grid."""
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    with zipfile.ZipFile(good) as archive:
        xml = archive.read(DATA_SHEET)
    far = b'<row r="200000"><c r="XFD200000"><v>1</v></c></row></sheetData>'
    path = _with_parts(tmp_path, {DATA_SHEET: xml.replace(b"</sheetData>", far)})
    peak_mb, refused = read_in_child(path)
    assert refused == refusal(path)
    assert refused.startswith(f"{QIP_NAME}: sheet 'Suivi QIPs': its cells reach XFD200000, ")
    assert peak_mb < 300


# Written as every writer writes them (`<c r="B7"`), near A1: the quick scan vouches for them
# alone; any other way is left to the exact scan.
QUICK = {"as every writer writes it", "an inline string", "an empty inline string",
         "an inline string closed at once", "a value of one space",
         "a reference that is not its row's", "leading zeros"}  # fmt: skip


@pytest.mark.parametrize("way", WRITTEN)
def test_the_quick_scan_vouches_only_for_cells_written_as_every_writer_does(
    tmp_path: Path, way: str
) -> None:
    path = sheet(tmp_path, WRITTEN[way](30, 7))
    quick = safety._QuickReach(DATA_SHEET)
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo(DATA_SHEET)
        for block in safety._blocks(archive, member):
            quick.feed(block)
        _total, _formulas, clear = safety._inflate_bounded(archive, member, 0)
    assert quick.clear() == clear == (way in QUICK)
    if quick.clear():
        assert (quick.rows, quick.columns) == (30, 7)


def test_when_the_workbook_cannot_be_parsed_every_part_is_looked_at(tmp_path: Path) -> None:
    """The relationships unreadable here (the parser may be more lenient): a far cell in a
    sheet kept outside the worksheets folder is still found, named by its part."""
    far = WRITTEN["as every writer writes it"](2_000, 16_384)
    path = sheet(tmp_path, far, renamed={DATA_SHEET: "xl/data.bin"})
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    broken = _with_parts(tmp_path / "broken", {"xl/_rels/workbook.xml.rels": rels[:-20]})
    with zipfile.ZipFile(path) as archive:  # the far sheet, into the package with broken rels
        data = archive.read("xl/data.bin")
    with zipfile.ZipFile(broken, "a") as archive:
        archive.writestr("xl/data.bin", data)
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(broken)
    assert dict(refused.value.message.params)["sheet"] == "xl/data.bin"


FAR_ROW = b'<row r="200000"><c r="XFD200000"><v>1</v></c></row></sheetData>'


def with_far_row(path: Path, part: str) -> Path:
    """The workbook with a value in XFD200000 of ``part``, written over it in place."""
    replace_in_part(path, part, b"</sheetData>", FAR_ROW)
    return path


def test_a_far_cell_in_a_sheet_the_reader_does_not_read_is_harmless(tmp_path: Path) -> None:
    """Other sheets (lists, notes) are ignored, as the units are told: the parser never builds
    them, so their reach does not matter. Checking every sheet would refuse the file."""
    path = with_far_row(qip_workbook(tmp_path, [qip_row(1)]), "xl/worksheets/sheet1.xml")
    assert check_workbook(path, sheets=["Suivi QIPs"]) == frozenset()
    result = read_tracker(recognise(path))
    assert result.refused is None
    assert len(result.tables["projects"]) == 1
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert dict(refused.value.message.params)["sheet"] == "Listes"


def test_the_sheets_to_be_read_are_looked_at(tmp_path: Path) -> None:
    """In process, not through the parser: were the data sheet skipped, no abort, a failure."""
    path = with_far_row(qip_workbook(tmp_path, [qip_row(1)]), DATA_SHEET)
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path, sheets=["suivi qips"])  # compared as the reader compares names
    assert dict(refused.value.message.params)["sheet"] == "Suivi QIPs"


def test_a_worksheet_part_no_sheet_points_at_is_harmless(tmp_path: Path) -> None:
    """A part in the worksheets folder that the workbook does not list is never built by the
    parser: its reach does not matter to the sheets read."""
    path = qip_workbook(tmp_path, [qip_row(1)])
    with zipfile.ZipFile(path) as archive:
        far = archive.read(DATA_SHEET).replace(b"</sheetData>", FAR_ROW)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet9.xml", far)
    assert check_workbook(path, sheets=["Suivi QIPs"]) == frozenset()
    result = read_tracker(recognise(path))
    assert (result.refused, len(result.tables["projects"])) == (None, 1)


def test_the_data_sheet_is_found_by_its_name_as_the_reader_finds_it(tmp_path: Path) -> None:
    """Its name in capitals is still the data sheet: its reach is checked (in a child
    process: were it not, the parser would abort it)."""
    path = write_workbook(tmp_path / QIP_NAME, {"SUIVI QIPS": qip_sheet([qip_row(1)])})
    with_far_row(path, "xl/worksheets/sheet1.xml")
    _peak, refused = read_in_child(path)
    assert refused.startswith(f"{QIP_NAME}: sheet 'SUIVI QIPS': its cells reach XFD200000, ")


REPORT_DATE_IN_CHILD = """
import sys
from pathlib import Path
from sr_pipeline.trackers.reader import report_date_in
from sr_pipeline.trackers.safety import UnsafeWorkbook
try:
    print(report_date_in(Path(sys.argv[1]), "QIP"))
except UnsafeWorkbook as refused:
    print(refused.message.code)
"""


def test_the_report_date_is_not_read_from_a_sheet_too_far(tmp_path: Path) -> None:
    """The portal reads the date in the title first: the data sheet is checked before (in a
    child process: were it not, the parser would abort it)."""
    path = with_far_row(qip_workbook(tmp_path, [qip_row(1)]), DATA_SHEET)
    assert run_in_child(REPORT_DATE_IN_CHILD, path) == "file_sheet_too_far"
