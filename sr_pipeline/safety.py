"""Workbooks are untrusted input: look at a file before any parser does.

Refuses, with a one-line reason, anything that is not a sane ``.xlsx`` package: other formats
renamed ``.xlsx`` (CSV, PDF, legacy ``.xls``), password-protected workbooks (an encrypted
OLE2 container), corrupt or truncated zips, zip bombs (members are inflated in bounded chunks
and the total is capped, whatever the headers claim), and XML with a DOCTYPE (entity
expansion, "billion laughs": spreadsheet XML never needs one). Only then does a parser see it.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # far above any real tracker (a 100,000-row sheet ~ 60 MB)
MAX_MEMBERS = 10_000
_CHUNK = 1 << 20
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DANGEROUS = (b"<!DOCTYPE", b"<!ENTITY")


class UnsafeWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for a person."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff(head: bytes) -> str:
    if head.startswith(_OLE2):
        return "it is a legacy .xls file or a password-protected workbook"
    if head.startswith(b"%PDF"):
        return "it is a PDF renamed .xlsx"
    if not head.strip():
        return "it is empty"
    try:
        head.decode("utf-8")
        return "it is a text file (CSV?) renamed .xlsx"
    except UnicodeDecodeError:
        return "it is not an Excel workbook"


def check_workbook(path: Path) -> None:
    """Raise ``UnsafeWorkbook`` unless ``path`` is a well-formed, bounded .xlsx package."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.startswith(b"PK"):
        if head.startswith(_OLE2) and "EncryptionInfo".encode("utf-16-le") in _read_all(path):
            raise UnsafeWorkbook("the workbook is password-protected; save it without a password")
        raise UnsafeWorkbook(f"not an .xlsx workbook: {_sniff(head)}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeWorkbook(f"the file is damaged (truncated or corrupt zip: {exc})") from exc
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if len(members) > MAX_MEMBERS:
            raise UnsafeWorkbook(f"the package holds {len(members):,} parts; refused as hostile")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbook("not an .xlsx workbook: the zip lacks the Excel workbook parts")
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED:
            raise UnsafeWorkbook(
                f"the workbook would inflate to {declared / 2**20:,.0f} MB "
                f"(limit {MAX_UNCOMPRESSED / 2**20:,.0f} MB): refused as a zip bomb"
            )
        total = 0
        for member in members:
            total = _inflate_bounded(archive, member, total)


def _read_all(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(64 * 1024 * 1024)


def _inflate_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int) -> int:
    """Inflate one part chunk by chunk: count real bytes (headers can lie), scan XML heads."""
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    tail = b""
    try:
        with archive.open(member) as stream:
            while block := stream.read(_CHUNK):
                total += len(block)
                if total > MAX_UNCOMPRESSED:
                    raise UnsafeWorkbook(
                        f"the workbook inflates past {MAX_UNCOMPRESSED / 2**20:,.0f} MB: "
                        "refused as a zip bomb"
                    )
                if is_xml:
                    window = tail + block
                    if any(marker in window for marker in _DANGEROUS):
                        raise UnsafeWorkbook(
                            f"{member.filename} declares XML entities (DOCTYPE): refused as "
                            "hostile (an entity-expansion 'billion laughs' file)"
                        )
                    tail = window[-16:]
    except UnsafeWorkbook:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise UnsafeWorkbook(f"the file is damaged ({member.filename}: {exc})") from exc
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise UnsafeWorkbook(f"the workbook is encrypted ({exc})") from exc
    return total
