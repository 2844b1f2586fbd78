"""Workbooks are untrusted input: look at a file before any parser does.

Refuses, with a one-line reason, anything that is not a sane ``.xlsx`` package: other formats
renamed ``.xlsx`` (CSV, PDF, legacy ``.xls``), password-protected workbooks (an encrypted
OLE2 container), corrupt or truncated zips, zip bombs (members are inflated in bounded chunks
and the total is capped, whatever the headers claim), and XML with a DOCTYPE or an entity
declaration (entity expansion, "billion laughs": spreadsheet XML never needs one), looked for
in every part whatever its name, in UTF-8 and UTF-16. Only then does a parser see it.

Before even that, the folder entry itself (:func:`vet_entry`, called by the folder scan that
both the run and the sensor use): only a regular file, not a symbolic link (a link could point
at a private file elsewhere on the machine, whose content would be published), within
``MAX_FILE_BYTES`` (a huge file would be hashed whole by every run and sensor tick). Every
later open (:func:`open_regular`) refuses a link again (``O_NOFOLLOW``) and checks the open
file, in case the entry was swapped after the scan.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sr_pipeline.language.messages import Message
from sr_pipeline.language.text import fold
from sr_pipeline.trackers.formulas import has_markers, sheet_parts

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # far above any real tracker (a 100,000-row sheet ~ 60 MB)
MAX_MEMBERS = 10_000
# A tracker of 100,000 rows is ~14 MB; anything far larger is not one, and is not even hashed.
MAX_FILE_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A DOCTYPE or entity declaration, in each encoding an XML parser accepts without being told
# (UTF-8 and its ASCII subset, UTF-16 either way round).
_DANGEROUS = tuple(
    word.encode(encoding) for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)  # fmt: skip
_TAIL = max(len(marker) for marker in _DANGEROUS)  # bytes kept to find a marker across chunks
# A byte every marker holds in each encoding and a worksheet rarely does: one memchr for it
# first, the markers looked for only where it occurs (about 8 times faster on a large sheet).
_DANGEROUS_BYTE = b"!"
# The most cells a sheet may span, from A1 to its farthest cell holding a value (rows x
# columns): far above a real tracker (100,000 rows of 30 columns is 3 million), far below what
# would exhaust memory. The workbook parser (calamine) allocates a sheet's whole grid, 32 bytes
# a cell, before it hands back a row, and when it cannot it aborts the process instead of
# raising: one value typed in XFD200000 asks it for 105 GB and would end the whole run.
MAX_SHEET_CELLS = 20_000_000


class UnsafeWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for a person."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def _entry_problem(mode: int, size: int) -> Message | None:
    if stat.S_ISLNK(mode):
        return Message.of("file_symlink")
    if not stat.S_ISREG(mode):
        return Message.of("file_not_regular")
    if size > MAX_FILE_BYTES:
        return Message.of(
            "file_too_large", size=f"{size / 2**20:,.0f}", limit=f"{MAX_FILE_BYTES / 2**20:,.0f}"
        )
    return None


def vet_entry(path: Path) -> Message | None:
    """Why the folder entry ``path`` is not read (a link, not a regular file, too large), from
    ``lstat`` alone (nothing opened, nothing followed); None when it may be read."""
    found = os.lstat(path)
    return _entry_problem(found.st_mode, found.st_size)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading without following a link (``O_NOFOLLOW``; ``O_NONBLOCK``
    so a FIFO put in its place cannot hang the run), then checked as :func:`vet_entry` checks
    the entry; raises ``UnsafeWorkbook``."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeWorkbook(Message.of("file_symlink")) from exc
        raise
    found = os.fstat(fd)
    problem = _entry_problem(found.st_mode, found.st_size)
    if problem is not None:
        os.close(fd)
        raise UnsafeWorkbook(problem)
    return os.fdopen(fd, "rb")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


_TEXT_BYTES = bytes([9, 10, 12, 13, *range(0x20, 0x7F), *range(0x80, 0x100)])


def _sniff(head: bytes) -> Message:
    if head.startswith(_OLE2):
        return Message.of("file_legacy")
    if head.startswith(b"%PDF"):
        return Message.of("file_pdf")
    if not head.strip():
        return Message.of("file_empty")
    try:
        # An incremental decoder, not final: the head is cut at a byte count, maybe inside an
        # accent's bytes, which it keeps for a next call instead of calling them an error.
        codecs.getincrementaldecoder("utf-8")().decode(head)
        return Message.of("file_text")
    except UnicodeDecodeError:
        pass
    # Not UTF-8 but no control byte either: text in a one-byte code page (Excel's "CSV" on a
    # French Windows is Windows-1252). A binary file has control bytes in its first 4 KB.
    if not head.translate(None, _TEXT_BYTES):
        return Message.of("file_text")
    return Message.of("file_unknown")


def _bomb() -> UnsafeWorkbook:
    return UnsafeWorkbook(Message.of("file_zip_bomb", limit=f"{MAX_UNCOMPRESSED / 2**20:,.0f}"))


def _damaged(detail: str) -> UnsafeWorkbook:
    return UnsafeWorkbook(Message.of("file_damaged", detail=detail))


def check_workbook(path: Path, sheets: Iterable[str] | None = None) -> frozenset[str]:
    """Raise ``UnsafeWorkbook`` unless ``path`` is a well-formed, bounded .xlsx package whose
    ``sheets`` (the names of those a parser will be asked to read, compared as the reader
    compares them; None: every sheet) reach no farther than ``MAX_SHEET_CELLS``.

    Returns the worksheet parts that may hold a formula saved without its result (noticed
    while inflating, at no extra cost; ``sr_pipeline.trackers.formulas`` looks at them closer)."""
    with open_regular(path) as handle:
        return _check_package(handle, sheets)


def _check_package(handle: BinaryIO, sheets: Iterable[str] | None = None) -> frozenset[str]:
    head = handle.read(4096)
    if not head.startswith(b"PK"):
        handle.seek(0)
        if head.startswith(_OLE2) and "EncryptionInfo".encode("utf-16-le") in _read_all(handle):
            raise UnsafeWorkbook(Message.of("file_encrypted"))
        raise UnsafeWorkbook(_sniff(head))
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged(f"truncated or corrupt zip: {exc}") from exc
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if len(members) > MAX_MEMBERS:
            raise UnsafeWorkbook(Message.of("file_too_many_parts", count=f"{len(members):,}"))
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbook(Message.of("file_not_excel_parts"))
        if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
            raise _bomb()
        total = 0
        uncached: set[str] = set()
        unclear: list[
            zipfile.ZipInfo
        ] = []  # worksheets whose reach the quick scan cannot vouch for
        for member in members:
            total, formulas, clear = _inflate_bounded(archive, member, total)
            if formulas:
                uncached.add(member.filename)
            if not clear:
                unclear.append(member)
        # Only now, every part free of entity declarations, may the workbook be parsed.
        _refuse_far_cells(archive, members, unclear, sheets)
    return frozenset(uncached)


def _read_all(handle: BinaryIO) -> bytes:
    return handle.read(64 * 1024 * 1024)


def _blocks(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part inflated chunk by chunk, the zip's errors said as a refusal."""
    try:
        with archive.open(member) as stream:
            while block := stream.read(_CHUNK):
                yield block
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _damaged(f"{member.filename}: {exc}") from exc
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise UnsafeWorkbook(Message.of("file_encrypted")) from exc


def _inflate_bounded(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int
) -> tuple[int, bool, bool]:
    """Inflate one part chunk by chunk: count real bytes (headers can lie), scan every part
    for entity declarations (a part's name does not say what a parser will make of it: a
    relationship may point a worksheet at ``sheet1.bin``) and worksheets for formulas stored
    without a result and for how far their cells reach. Returns the new total, whether the
    part may hold a formula without its result, and whether its cells are known to lie
    within ``MAX_SHEET_CELLS`` (True for a part that is not a worksheet)."""
    is_sheet = member.filename.startswith("xl/worksheets/")
    formulas = False
    tail = b""
    reach = _QuickReach(member.filename)
    for block in _blocks(archive, member):
        total += len(block)
        if total > MAX_UNCOMPRESSED:
            raise _bomb()
        window = tail + block
        if _DANGEROUS_BYTE in window and any(marker in window for marker in _DANGEROUS):
            raise UnsafeWorkbook(Message.of("file_xml_entities", part=member.filename))
        if is_sheet:
            formulas = formulas or has_markers(window)
            reach.feed(block)
        tail = window[-_TAIL:]
    return total, formulas, not is_sheet or reach.clear()


# --- how far a worksheet's cells reach ---------------------------------------------------------
# Every writer (Excel, LibreOffice, openpyxl, xlsxwriter) starts a cell with `<c r="B7"`. The
# quick scan reads those references with literal-led patterns (about 0.5 s for the 78 MB sheet
# of 100,000 rows) and vouches only for a part whose cell tags are all written so and reach
# no farther than MAX_SHEET_CELLS. Any other part is read again by the exact scan, which
# places each cell holding a value as the parser does: one with another kind of cell tag (no
# reference, the reference elsewhere or spaced otherwise, a namespace prefix), or whose
# references reach too far (styled empty cells down to row 1,048,576 do, and are harmless).
_QUICK_ROWS = re.compile(rb'<c r="[A-Za-z]+(\d+)"')
_QUICK_COLUMNS = re.compile(rb'<c r="([A-Za-z]+)\d')
_OTHER_CELL_TAGS = (re.compile(rb"<c[\t\n\r/>]"), re.compile(rb":c[\s/>]"))
_TAG = re.compile(rb"""<(/?)(?:[\w.-]+:)?(row|c|v|is)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_WHOLE_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])([A-Za-z]*)(\d+)\1""")


class _Recut:
    """Inflated blocks re-cut so that no tag is split across two pieces: a block whose last
    tag is unfinished ends before it (``<`` never occurs inside a tag), the tag waiting for
    the next block. A tag of over 1 MB is no worksheet's and is refused rather than held."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.rest = b""

    def feed(self, block: bytes) -> bytes:
        window = self.rest + block
        cut = window.rfind(b"<")
        if cut < 0 or _WHOLE_TAG.match(window, cut):
            self.rest = b""
            return window
        self.rest = window[cut:]
        if len(self.rest) > _CHUNK:
            raise _damaged(f"{self.part}: a tag of more than 1 MB")
        return window[:cut]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _QuickReach:
    """The rows and columns reached by the references of the cells written `<c r="B7"`."""

    def __init__(self, part: str) -> None:
        self.pieces = _Recut(part)
        self.rows = self.columns = 0
        self.other_cell_tags = False

    def feed(self, block: bytes) -> None:
        self._scan(self.pieces.feed(block))

    def clear(self) -> bool:
        """Whether the part is known to reach no farther than MAX_SHEET_CELLS (an unfinished
        last tag, left in the pieces, holds no value)."""
        return not self.other_cell_tags and self.rows * self.columns <= MAX_SHEET_CELLS

    def _scan(self, text: bytes) -> None:
        rows = _QUICK_ROWS.findall(text)
        if rows:
            longest = max(map(len, rows))  # a leading zero only makes a row look farther
            self.rows = max(self.rows, int(max(r for r in rows if len(r) == longest)))
            columns = set(_QUICK_COLUMNS.findall(text))
            self.columns = max(self.columns, *map(_column_number, columns))
        if text.count(b"<c ") != len(rows) or any(p.search(text) for p in _OTHER_CELL_TAGS):
            self.other_cell_tags = True


@dataclass
class _Reach:
    """How far a part's cells holding a value reach: the lowest cell (the rightmost of the
    lowest row), as (row, column), and the rightmost (the lowest in the rightmost column), as
    (column, row); 1-based, (0, 0) for none."""

    lowest: tuple[int, int] = (0, 0)
    rightmost: tuple[int, int] = (0, 0)

    def add(self, row: int, column: int) -> None:
        self.lowest = max(self.lowest, (row, column))
        self.rightmost = max(self.rightmost, (column, row))

    @property
    def row(self) -> int:
        return self.lowest[0]

    @property
    def column(self) -> int:
        return self.rightmost[0]

    def cells(self) -> str:
        """The lowest cell and the rightmost, or the one cell that is both (``XFD200000``)."""
        lowest, rightmost = _cell_name(*self.lowest), _cell_name(*self.rightmost[::-1])
        return lowest if lowest == rightmost else f"{lowest} / {rightmost}"


def _cell_name(row: int, column: int) -> str:
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row}"


def _exact_reach(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> _Reach:
    """How far the part's cells holding a value reach, each placed as the parser places it:
    at its own reference; without one, right of the cell before it in its row, the row being
    the one its ``<row r>`` names or the one after the row before. A cell holds a value when
    it has an inline string (even empty, even ``<is/>``) or a ``<v>`` with something in it;
    an empty or formula-only cell is not placed by the parser (a formula's computed result is
    placed later, under the reader's own bound)."""
    reach = _Reach()
    pieces = _Recut(member.filename)
    row = column = 0  # 1-based; 0 before the first
    value_start = None  # where the open <v>'s text begins, counted from the part's start
    offset = 0
    for block in _blocks(archive, member):  # an unfinished last tag holds no value: dropped
        piece = pieces.feed(block)
        for tag in _TAG.finditer(piece):
            closing, name, attributes = tag.groups()
            if closing:
                if name == b"v" and value_start is not None:
                    if offset + tag.start() > value_start:
                        reach.add(row, column)
                    value_start = None
                continue
            if name == b"v":
                if not attributes.endswith(b"/"):  # <v/> holds nothing
                    value_start = offset + tag.end()
                continue
            reference = _REFERENCE.search(attributes)
            if name == b"row":  # <row/> and <c/> too: they place what follows
                row, column = (int(reference.group(3)) if reference else row + 1), 0
            elif name == b"c":
                if reference and reference.group(2):
                    row, column = int(reference.group(3)), _column_number(reference.group(2))
                else:
                    column += 1
            else:  # an inline string, even empty or closed at once (<is/>)
                reach.add(row, column)
        offset += len(piece)
    return reach


def _refuse_far_cells(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    unclear: list[zipfile.ZipInfo],
    sheets: Iterable[str] | None,
) -> None:
    """Refuse the workbook if one of ``sheets`` has cells holding a value that reach farther
    than ``MAX_SHEET_CELLS``, naming the sheet and the farthest cells. Looked at: the
    worksheets the quick scan could not vouch for, and the parts the workbook's relationships
    make worksheets outside ``xl/worksheets/`` (the quick scan did not look at them). Another
    sheet is never built by the parser, and not looked at; when the workbook's own parts
    cannot be parsed (its parser may be more lenient than this one), every part is."""
    try:
        names = {part: sheet for sheet, part in sheet_parts(archive).items()}
    except Exception:  # noqa: BLE001 - malformed: look at every part rather than guess
        names = None
    outside = [m for m in members if not m.filename.startswith("xl/worksheets/")]
    looked_at = unclear + [m for m in outside if names is None or m.filename in names]
    if names is not None and sheets is not None:
        read = {fold(sheet) for sheet in sheets}
        looked_at = [m for m in looked_at if fold(names.get(m.filename, "")) in read]
    for member in looked_at:
        reach = _exact_reach(archive, member)
        if reach.row * reach.column > MAX_SHEET_CELLS:
            raise UnsafeWorkbook(
                Message.of(
                    "file_sheet_too_far",
                    sheet=(names or {}).get(member.filename, member.filename),
                    cells=reach.cells(),
                    rows=f"{reach.row:,}",
                    columns=f"{reach.column:,}",
                    limit=f"{MAX_SHEET_CELLS:,}",
                )
            )
