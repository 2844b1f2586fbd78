"""Formulas saved without their result (``sr_pipeline.trackers.formulas`` through the reader).

Guards against: a tracker touched by a script (openpyxl saves formulas without cached values)
losing every formula budget as "blank" (441 QIP projects became 417 before this); a formula
computed differently from a spreadsheet; a formula that cannot be computed here (another
workbook, another sheet, a function) silently blank or silently guessed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from sr_pipeline.language.messages import Message
from sr_pipeline.model import ReadResult
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.reader import read_tracker
from tests import DEMO_TRACKERS
from tests.builders import Formula, qip_row, qip_workbook

# Row 5 is the first data row (title rows 1-2, blank 3, header 4); Budget is column H.
ROWS = [
    qip_row(1, Budget=Formula("=14000+21489", 35489)),
    qip_row(2, Budget=Formula("=SUM(H5:H5)/2", 17744.5)),  # same-sheet range
    qip_row(3, Budget=Formula("=H6*1.1", 19518.95)),  # a formula on a formula's cell
    qip_row(4, Budget=Formula("=(1000+500)*2^2-10%", 5999.9)),  # operators as in Excel
    qip_row(5, Budget=20_000),
]


def read(path: Path) -> ReadResult:
    return read_tracker(recognise(path))


def saved_by_a_script(path: Path, target: Path) -> Path:
    """The workbook as openpyxl saves it: every formula kept, every cached result dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    openpyxl.load_workbook(path).save(target)
    return target


def test_saved_by_excel_and_saved_by_a_script_give_the_same_rows(tmp_path: Path) -> None:
    cached = qip_workbook(tmp_path / "excel", ROWS)
    script = saved_by_a_script(cached, tmp_path / "script" / cached.name)
    with_results, without = read(cached), read(script)
    assert without.rejected_rows.empty
    assert without.tables["projects"]["budget"].tolist() == [
        35_489.0, 17_744.5, 19_518.95, 5_999.9, 20_000.0,
    ]  # fmt: skip
    assert without.tables["projects"]["budget_usd"].tolist() == (
        with_results.tables["projects"]["budget_usd"].tolist()
    )


def test_the_demo_june_tracker_saved_by_a_script_keeps_its_441_projects(tmp_path: Path) -> None:
    """The held-out case: the June 2018 QIP tracker, whose budgets include formulas such as
    =14000+21489, re-saved by openpyxl, gives exactly the same rows and figures."""
    original = DEMO_TRACKERS / "qips" / "2018" / "juin" / "QIPs_Suivi_2018-06-30.xlsx"
    script = saved_by_a_script(original, tmp_path / original.name)
    before, after = read(original), read(script)
    assert len(after.tables["projects"]) == len(before.tables["projects"]) == 441
    assert (
        after.tables["projects"]["budget_usd"].sum()
        == before.tables["projects"]["budget_usd"].sum()
    )
    assert after.rejected_rows["source_row"].tolist() == before.rejected_rows["source_row"].tolist()


@pytest.mark.parametrize(
    ("formula", "reason_en", "reason_fr"),
    [
        # A link to another workbook: its value is nowhere in this file.
        ("='[Budget GAO 2018.xlsx]FEUIL1'!D14", "it refers to another workbook",
         "elle fait référence à un autre classeur"),
        # Another sheet of the same workbook: not the arithmetic the contract computes.
        ("=Listes!A1*2", "it refers to another sheet", "elle fait référence à une autre feuille"),
        # A function whose result depends on the day it is computed.
        ("=TODAY()", "it uses a function that is not arithmetic",
         "elle utilise une fonction qui n'est pas un simple calcul"),
        # An error in Excel too (#DIV/0!).
        ("=1/0", "its result is an error", "son résultat est une erreur"),
    ],
)  # fmt: skip
def test_a_formula_that_cannot_be_computed_is_a_row_error_that_says_what_to_do(
    tmp_path: Path, formula: str, reason_en: str, reason_fr: str
) -> None:
    cached = qip_workbook(tmp_path / "excel", [qip_row(1, Budget=Formula(formula, 1))])
    result = read(saved_by_a_script(cached, tmp_path / "script" / cached.name))
    (line,) = result.rejected_rows.to_dict("records")
    assert (line["source_row"], line["field"], line["excel_column"]) == (5, "budget", "H")
    assert line["value"] == formula  # what the clerk typed, never "blank"
    message = Message.from_stored(line["problem_code"], line["problem_params"])
    assert message.render("en") == (
        f"the cell holds the formula {formula} but no saved result, and it cannot be computed "
        f"here ({reason_en}); open the file in Excel or LibreOffice and save it again so that "
        "the result is saved with it"
    )
    assert message.render("fr") == (
        f"la cellule contient la formule {formula} mais pas son résultat, et elle ne peut pas "
        f"être calculée ici ({reason_fr}) ; ouvrez le fichier dans Excel ou LibreOffice et "
        "enregistrez-le à nouveau pour que le résultat soit enregistré avec la formule"
    )


def test_formulas_with_their_result_are_not_recomputed(tmp_path: Path, monkeypatch) -> None:
    # The usual case costs nothing: the formula engine is never loaded.
    path = qip_workbook(tmp_path, ROWS)
    shutil.copy(path, tmp_path / "copy.xlsx")
    import sr_pipeline.trackers.reader.validation as reader

    def fail(*args, **kwargs):
        raise AssertionError("formulas with a stored result were evaluated")

    monkeypatch.setattr(reader, "Evaluator", fail)
    assert read(path).tables["projects"]["budget"].tolist()[0] == 35_489
