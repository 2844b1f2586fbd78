"""dq.rejected_files on hand-written folder contents: what the data team sees of a file that
did not make it into a month.

Guards against: a file whose name says nothing of its fund dropped from the list, or given a
fund the pipeline guessed; a refusal shown only in some of the months it concerns.
"""

from __future__ import annotations

from datetime import date

from tests.sql.warehouse_rows import Warehouse

MAY, JUNE = date(2018, 5, 31), date(2018, 6, 30)
UNRECOGNISED = (
    "notes.xlsx: unrecognised workbook name; tracker names are QIPs_Suivi_<YYYY-MM-DD>.xlsx, "
    "TF_Project_Tracker_<Mon><YYYY>.xlsx or PBF_Portefeuille_<YYYYMMDD>.xlsx (optionally _v2, "
    "_rev or _corrigé)"
)


def test_an_unrecognised_file_is_listed_with_no_fund_in_every_month() -> None:
    w = Warehouse()
    w.version("QIP", MAY)
    w.unrecognised("notes.xlsx", UNRECOGNISED)
    w.build(MAY, JUNE)
    assert w.rows(
        "SELECT as_of, source_file, fund, problem FROM dq.rejected_files ORDER BY ALL"
    ) == [
        (MAY, "notes.xlsx", None, UNRECOGNISED),
        (JUNE, "notes.xlsx", None, UNRECOGNISED),
    ]
