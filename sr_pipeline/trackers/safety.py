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
import stat
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from sr_pipeline.language.messages import Message
from sr_pipeline.trackers.formulas import has_markers

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


def check_workbook(path: Path) -> frozenset[str]:
    """Raise ``UnsafeWorkbook`` unless ``path`` is a well-formed, bounded .xlsx package.

    Returns the worksheet parts that may hold a formula saved without its result (noticed
    while inflating, at no extra cost; ``sr_pipeline.trackers.formulas`` looks at them closer)."""
    with open_regular(path) as handle:
        return _check_package(handle)


def _check_package(handle: BinaryIO) -> frozenset[str]:
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
        for member in members:
            total, formulas = _inflate_bounded(archive, member, total)
            if formulas:
                uncached.add(member.filename)
    return frozenset(uncached)


def _read_all(handle: BinaryIO) -> bytes:
    return handle.read(64 * 1024 * 1024)


def _inflate_bounded(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int
) -> tuple[int, bool]:
    """Inflate one part chunk by chunk: count real bytes (headers can lie), scan every part
    for entity declarations (a part's name does not say what a parser will make of it: a
    relationship may point a worksheet at ``sheet1.bin``) and worksheets for formulas stored
    without a result."""
    is_sheet = member.filename.startswith("xl/worksheets/")
    formulas = False
    tail = b""
    try:
        with archive.open(member) as stream:
            while block := stream.read(_CHUNK):
                total += len(block)
                if total > MAX_UNCOMPRESSED:
                    raise _bomb()
                window = tail + block
                if any(marker in window for marker in _DANGEROUS):
                    raise UnsafeWorkbook(Message.of("file_xml_entities", part=member.filename))
                formulas = formulas or (is_sheet and has_markers(window))
                tail = window[-_TAIL:]
    except UnsafeWorkbook:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _damaged(f"{member.filename}: {exc}") from exc
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise UnsafeWorkbook(Message.of("file_encrypted")) from exc
    return total, formulas
