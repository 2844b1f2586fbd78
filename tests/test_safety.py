"""Files that are not trackers, are damaged, or are built to hurt the reader.

Workbooks arrive by e-mail from people and are untrusted input: each of these must be refused
with a one-line reason naming the file, quickly and in bounded memory, and never stop the
other files from loading; an impostor (an old .xls, a PDF, an empty file, a CSV, a picture)
is named for what it is. The hostile ones are checked in a child process so that its peak
memory can be measured.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.trackers import safety
from sr_pipeline.trackers.discovery import discover
from sr_pipeline.trackers.reader import read_tracker
from sr_pipeline.trackers.safety import UnsafeWorkbook, check_workbook
from tests.builders import Formula, qip_row, qip_workbook, tf_row, tf_workbook

QIP_NAME = "QIPs_Suivi_2018-06-30.xlsx"


def refusal(path: Path) -> str | None:
    versions, refused = discover(path.parent)
    assert not refused, refused
    (tracker,) = versions
    return read_tracker(tracker).refused


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / QIP_NAME
    path.write_text("Code QIP;Budget\nQIP/GAO/2018/001;41970\n", encoding="utf-8")
    assert (
        refusal(path)
        == f"{QIP_NAME}: not an .xlsx workbook: it is a text file (CSV?) renamed .xlsx"
    )


def test_pdf_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / QIP_NAME
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "it is a PDF renamed .xlsx" in refusal(path)


def test_truncated_zip(tmp_path: Path) -> None:
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir()
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refusal(path) == (
        f"{QIP_NAME}: the file is damaged (truncated or corrupt zip: File is not a zip file)"
    )


def test_corrupt_member(tmp_path: Path) -> None:
    good = qip_workbook(tmp_path / "good", [qip_row(i) for i in range(1, 200)])
    data = bytearray(good.read_bytes())
    start = data.find(b"xl/worksheets/sheet2.xml") + 200  # inside the compressed sheet
    data[start : start + 64] = b"\x00" * 64
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir()
    path.write_bytes(bytes(data))
    refused = refusal(path)
    assert refused.startswith(f"{QIP_NAME}: the file is damaged (xl/worksheets/sheet2.xml: ")


def test_password_protected_workbook(tmp_path: Path) -> None:
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir()
    with good.open("rb") as plain, path.open("wb") as encrypted:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("secret", encrypted)
    assert (
        refusal(path)
        == f"{QIP_NAME}: the workbook is password-protected; save it without a password"
    )


def test_legacy_xls_and_csv_are_refused_at_discovery(tmp_path: Path) -> None:
    (tmp_path / "QIPs_Suivi_2018-06-30.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (tmp_path / "export.csv").write_text("a;b\n", encoding="utf-8")
    versions, refused = discover(tmp_path)
    assert versions == []
    by_name = {r.path.name: r for r in refused}
    assert by_name["QIPs_Suivi_2018-06-30.xls"].fund == "QIP"
    assert (
        "save the tracker as an Excel workbook (.xlsx)"
        in by_name["QIPs_Suivi_2018-06-30.xls"].problem
    )
    assert (
        by_name["export.csv"].problem
        == "export.csv: .csv file is not a tracker; only .xlsx workbooks are read"
    )


# --- hostile packages: measured in a child process --------------------------------------

CHILD = r"""
import re, sys, time
from pathlib import Path
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
start = time.perf_counter()
result = read_tracker(recognise(Path(sys.argv[1])))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork + exec.
status = Path("/proc/self/status").read_text()
peak_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
print(f"{peak_mb:.0f}|{time.perf_counter() - start:.2f}|{result.refused}")
"""


def run_in_child(code: str, path: Path) -> str:
    """What ``code`` prints, run in a child process with ``path`` as its argument (a parser
    that aborts ends the child, not the test run)."""
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a hang, not a performance assertion
        check=True,
    )
    return done.stdout.strip()


def read_in_child(path: Path) -> tuple[float, str]:
    peak, _seconds, refused = run_in_child(CHILD, path).split("|", 2)
    return float(peak), refused


def _with_sheet_xml(tmp_path: Path, writer) -> Path:
    """A valid tracker whose data-sheet XML part is replaced by ``writer(stream)``."""
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    path = tmp_path / QIP_NAME
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet2.xml":
                with dst.open(item.filename, "w", force_zip64=True) as stream:
                    writer(stream)
            else:
                dst.writestr(item, src.read(item.filename))
    return path


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    payload = (
        '<?xml version="1.0"?>\n<!DOCTYPE worksheet [' + "".join(entities) + "]>\n"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    path = _with_sheet_xml(tmp_path, lambda stream: stream.write(payload.encode()))
    peak_mb, refused = read_in_child(path)
    assert "declares XML entities (DOCTYPE)" in refused and "billion laughs" in refused
    assert peak_mb < 300


def test_zip_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    chunk = b" " * (1 << 20)

    def inflate_to_600_mb(stream) -> None:
        stream.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        for _ in range(600):
            stream.write(chunk)

    path = _with_sheet_xml(tmp_path, inflate_to_600_mb)
    assert path.stat().st_size < 5 * 2**20  # small on disk
    peak_mb, refused = read_in_child(path)
    assert "zip bomb" in refused
    assert peak_mb < 300


def test_zip_bomb_with_lying_sizes_is_refused(tmp_path: Path) -> None:
    # The same bomb, but its headers claim the sheet inflates to 1 KB.
    chunk = b" " * (1 << 20)
    path = _with_sheet_xml(tmp_path, lambda s: [s.write(chunk) for _ in range(600)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    # Patch the size fields (local header, central directory, zip64 extras) to say 1 KB.
    for width in (4, 8):
        real = info.file_size.to_bytes(width, "little")
        data = bytearray(bytes(data).replace(real, (1024).to_bytes(width, "little")))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as patched:
        assert patched.getinfo("xl/worksheets/sheet2.xml").file_size == 1024
    path.write_bytes(bytes(data))
    peak_mb, refused = read_in_child(path)
    assert refused is not None and peak_mb < 300


# --- the same hostile packages checked in this process (memory bounded by tracemalloc) --------
# The child process measures the whole read's peak; these call the check itself, where the
# mutation runs can see which of its lines they exercise.

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)  # fmt: skip


def refused_in_process(path: Path) -> tuple[Message, float]:
    """The check's refusal of ``path`` and the peak of memory Python allocated meanwhile (MB)."""
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbook) as refused:
            check_workbook(path)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return refused.value.message, peak


def _with_parts(tmp_path: Path, parts: dict[str, bytes], renamed: dict[str, str] | None = None):
    """A valid tracker with ``parts`` added or replaced, and parts renamed (``renamed``: old
    name -> new name, every mention of the old name in the other parts rewritten)."""
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir(parents=True)
    renamed = renamed or {}
    parts = dict(parts)  # popped below; the caller's (a parametrize value) is left as it was
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = parts.pop(item.filename, None) or src.read(item.filename)
            for old, new in renamed.items():
                data = data.replace(
                    old.removeprefix("xl/").encode(), new.removeprefix("xl/").encode()
                )
            dst.writestr(renamed.get(item.filename, item.filename), data)
        for name, data in parts.items():
            dst.writestr(name, data)
    return path


def test_billion_laughs_is_refused_in_process_naming_the_part(tmp_path: Path) -> None:
    path = _with_sheet_xml(tmp_path, lambda stream: stream.write(BILLION_LAUGHS.encode()))
    message, peak = refused_in_process(path)
    assert message == Message.of("file_xml_entities", part="xl/worksheets/sheet2.xml")
    assert peak < 20


@pytest.mark.parametrize(
    ("parts", "renamed", "part"),
    [
        # The data sheet under a name that does not end in .xml: the workbook's relationship
        # points at it, and openpyxl parses it as XML all the same.
        ({"xl/worksheets/sheet2.xml": BILLION_LAUGHS.encode()},
         {"xl/worksheets/sheet2.xml": "xl/worksheets/sheet2.dat"}, "xl/worksheets/sheet2.dat"),
        # A part no relationship names, with no extension.
        ({"customXml/item1": BILLION_LAUGHS.encode()}, None, "customXml/item1"),
        # UTF-16, which XML parsers read from its byte-order mark, in a .xml part.
        ({"xl/worksheets/sheet2.xml": BILLION_LAUGHS.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>')
          .encode("utf-16")}, None, "xl/worksheets/sheet2.xml"),
        ({"docProps/custom.xml": BILLION_LAUGHS.encode("utf-16-be")}, None, "docProps/custom.xml"),
        # Only an entity declaration, no DOCTYPE word (never well-formed, refused all the same).
        ({"xl/theme/extra.bin": b'<!ENTITY lol "lol">'}, None, "xl/theme/extra.bin"),
    ],
)  # fmt: skip
def test_entity_declarations_are_refused_in_any_part_whatever_its_name(
    tmp_path: Path, parts: dict, renamed: dict | None, part: str
) -> None:
    path = _with_parts(tmp_path, parts, renamed)
    message, _peak = refused_in_process(path)
    assert message == Message.of("file_xml_entities", part=part)
    assert refusal(path) == f"{QIP_NAME}: {Message.of('file_xml_entities', part=part)}"


def test_a_declaration_across_two_chunks_is_seen(tmp_path: Path) -> None:
    """The part is read a MB at a time: a DOCTYPE whose bytes straddle two reads is found."""
    for encoding in ("utf-8", "utf-16-le"):
        for offset in (1, 8, 17):  # the longest marker is 18 bytes (UTF-16)
            pad = b" " * (safety._CHUNK - offset)
            path = _with_parts(tmp_path / f"{encoding}{offset}",
                               {"xl/extra": pad + "<!DOCTYPE x>".encode(encoding)})  # fmt: skip
            message, _peak = refused_in_process(path)
            assert message == Message.of("file_xml_entities", part="xl/extra"), (encoding, offset)


def test_every_marker_holds_the_byte_looked_for_first() -> None:
    """The markers are looked for only in a window holding that byte (one fast search)."""
    assert len(safety._DANGEROUS) == 6
    assert all(safety._DANGEROUS_BYTE in marker for marker in safety._DANGEROUS)


def test_zip_bomb_is_refused_in_process_in_bounded_memory(tmp_path: Path) -> None:
    chunk = b" " * (1 << 20)
    path = _with_sheet_xml(tmp_path, lambda stream: [stream.write(chunk) for _ in range(600)])
    message, peak = refused_in_process(path)
    assert message == Message.of("file_zip_bomb", limit="512")
    assert peak < 20  # a few chunks of 1 MB, never the 600 MB


def test_zip_bomb_with_lying_sizes_is_refused_in_process(tmp_path: Path) -> None:
    chunk = b" " * (1 << 20)
    path = _with_sheet_xml(tmp_path, lambda s: [s.write(chunk) for _ in range(600)])
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    for width in (4, 8):
        real = info.file_size.to_bytes(width, "little")
        data = data.replace(real, (1024).to_bytes(width, "little"))
    path.write_bytes(data)
    message, peak = refused_in_process(path)
    assert message.code in ("file_zip_bomb", "file_damaged")
    assert peak < 20


def test_the_inflated_total_is_capped_at_the_limit_exactly(tmp_path: Path, monkeypatch) -> None:
    """The real bytes inflated, summed over the parts, may reach the limit but not pass it
    (the limit lowered to the package's own size, to try the edge without 512 MB)."""
    path = qip_workbook(tmp_path, [qip_row(1)])
    with zipfile.ZipFile(path) as archive:
        size = sum(len(archive.read(m)) for m in archive.namelist())
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED", size)
    assert check_workbook(path) == frozenset()
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED", size - 1)
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert refused.value.message.code == "file_zip_bomb"


def test_the_total_counts_the_parts_inflated_before(tmp_path: Path) -> None:
    """The cap is on the sum over every part: a part that fits alone is refused when the parts
    before it already inflated to near the limit (``total``)."""
    path = qip_workbook(tmp_path, [qip_row(1)])
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/workbook.xml")
        size = len(archive.read(member))
        limit = safety.MAX_UNCOMPRESSED
        assert safety._inflate_bounded(archive, member, limit - size) == (limit, False, True)
        with pytest.raises(UnsafeWorkbook) as refused:
            safety._inflate_bounded(archive, member, limit - size + 1)
    assert refused.value.message == Message.of("file_zip_bomb", limit="512")


def test_a_large_honest_part_is_inflated_in_bounded_memory(tmp_path: Path) -> None:
    """A part of 40 MB (a big sheet) is read a chunk at a time, never whole."""
    path = _with_parts(tmp_path, {"xl/worksheets/sheet3.xml": b" " * (40 << 20)})
    tracemalloc.start()
    try:
        assert check_workbook(path) == frozenset()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert peak < 20


def test_too_many_parts_are_refused(tmp_path: Path, monkeypatch) -> None:
    """The count of parts may reach the limit, not pass it (lowered to the package's own
    count, to try the edge without 10,000 parts)."""
    path = qip_workbook(tmp_path, [qip_row(1)])
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    monkeypatch.setattr(safety, "MAX_MEMBERS", count)
    assert check_workbook(path) == frozenset()
    monkeypatch.setattr(safety, "MAX_MEMBERS", count - 1)
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook(path)
    assert refused.value.message == Message.of("file_too_many_parts", count=f"{count:,}")


@pytest.mark.parametrize("missing", ["[Content_Types].xml", "xl/workbook.xml"])
def test_a_zip_without_the_parts_of_a_workbook_is_refused(tmp_path: Path, missing: str) -> None:
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            if item.filename != missing:
                dst.writestr(item, src.read(item.filename))
    assert refusal(path) == f"{QIP_NAME}: {Message.of('file_not_excel_parts')}"


def test_a_zip_whose_part_is_encrypted_is_refused_as_password_protected(tmp_path: Path) -> None:
    """A zip-level password on a part (the "encrypted" flag of its headers): refused as a
    protected workbook, not as damaged and not by a crash."""
    good = qip_workbook(tmp_path / "good", [qip_row(1)])
    data = bytearray(good.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local, central
        start = data.find(signature)
        while start != -1:
            data[start + flag_at] |= 0x01
            start = data.find(signature, start + 4)
    path = tmp_path / "in" / QIP_NAME
    path.parent.mkdir()
    path.write_bytes(bytes(data))
    message, _peak = refused_in_process(path)
    assert message == Message.of("file_encrypted")


def test_the_sha256_is_of_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 9000)  # a little over two chunks of 1 MB
    assert safety.sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_sheets_with_formulas_saved_without_result_are_named(tmp_path: Path) -> None:
    cached = qip_workbook(tmp_path / "excel", [qip_row(1, Budget=Formula("=1+2", 3))])
    assert check_workbook(cached) == frozenset()
    script = tmp_path / "script" / cached.name
    script.parent.mkdir()
    openpyxl.load_workbook(cached).save(script)
    assert check_workbook(script) == frozenset({"xl/worksheets/sheet2.xml"})


# --- one bad file never stops the rest ----------------------------------------------------


def test_bad_files_do_not_stop_the_others(tmp_path: Path) -> None:
    qip_workbook(tmp_path / "qip", [qip_row(1), qip_row(2)])
    tf = tf_workbook(tmp_path / "tf", [tf_row(1)])
    tf.write_bytes(tf.read_bytes()[:300])  # truncated in transit
    (tmp_path / "pbf").mkdir()
    (tmp_path / "pbf" / "PBF_Portefeuille_20180228.xlsx").write_text("not a workbook")
    (tmp_path / "qip" / "~$QIPs_Suivi_2018-06-30.xlsx").write_bytes(b"lock")  # Excel lock file
    versions, refused = discover(tmp_path)
    assert refused == []
    results = {t.fund: read_tracker(t) for t in versions}
    assert len(results["QIP"].tables["projects"]) == 2
    assert "damaged" in results["TF"].refused
    assert "text file" in results["PBF"].refused


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # An old .xls (OLE2 compound file) renamed .xlsx.
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "it is a legacy .xls file or a password-protected workbook"),
        (b"%PDF-1.7\n", "it is a PDF renamed .xlsx"),
        (b"", "it is empty"),
        (b" \n\t\r\n", "it is empty"),  # white space only
        (b"Code QIP;Budget\nQIP/GAO/2018/001;41 970\n",
         "it is a text file (CSV?) renamed .xlsx"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe", "it is not an Excel workbook"),
        # A UTF-8 CSV whose accent (2 bytes) is cut by the 4,096 bytes looked at.
        (b"Code QIP;Budget\n" + b"x" * (4095 - 16) + "é;1\n".encode(),
         "it is a text file (CSV?) renamed .xlsx"),
        # A CSV in Windows-1252 (Excel's "CSV" on a French Windows): text, though not UTF-8.
        ("Région;Budget\nSégou;41 970\n".encode("cp1252"),
         "it is a text file (CSV?) renamed .xlsx"),
        # Neither UTF-8 nor free of control bytes: not text.
        (b"Code QIP;Budget\n\xe9\xff\x01\x02" + b"x" * 5000, "it is not an Excel workbook"),
        (b"R\xe9gion;Budget\n\x1f", "it is not an Excel workbook"),
        (b"R\xe9gion;Budget\n\x7f", "it is not an Excel workbook"),
    ],
)  # fmt: skip
def test_what_a_file_that_is_not_a_workbook_is_said_to_be(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    """Each kind of impostor named in the refusal, so the clerk knows what was sent."""
    path = tmp_path / QIP_NAME
    path.write_bytes(content)
    assert refusal(path) == f"{QIP_NAME}: not an .xlsx workbook: {reason}"


def test_an_impostor_is_named_from_its_first_4_kb(tmp_path: Path) -> None:
    """Only the first 4,096 bytes name an impostor: a CSV whose head is text is a text file,
    whatever its later lines hold (here a line pasted from a Windows-1252 file and a DOS
    end-of-file byte, which would make the whole file neither UTF-8 nor free of control bytes)."""
    content = (
        "Région;Budget\n".encode() + b"Gao;41970\n" * 500
        + "Ségou;1\n".encode("cp1252") + b"\x1a"
    )  # fmt: skip
    assert len(content) > 4096
    path = tmp_path / QIP_NAME
    path.write_bytes(content)
    assert (
        refusal(path)
        == f"{QIP_NAME}: not an .xlsx workbook: it is a text file (CSV?) renamed .xlsx"
    )


def test_a_file_may_weigh_the_limit_but_not_a_byte_more(tmp_path: Path) -> None:
    """``MAX_FILE_BYTES`` itself is allowed; one byte more is refused from the entry (sparse
    files: no disk used)."""
    path = tmp_path / QIP_NAME
    with path.open("wb") as sparse:
        sparse.truncate(safety.MAX_FILE_BYTES)
    assert safety.vet_entry(path) is None
    with path.open("r+b") as sparse:
        sparse.truncate(safety.MAX_FILE_BYTES + 1)
    assert safety.vet_entry(path) == Message.of("file_too_large", size="64", limit="64")
