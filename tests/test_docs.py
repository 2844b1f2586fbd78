"""The project's docs say what the code does.

Guards against: the tracker contract or a table's meaning changed in the code but not in
``docs/`` (the generated blocks of ``docs/trackers.md`` and ``docs/tables.md`` must be what
``python -m sr_pipeline.docs`` writes today).
"""

from __future__ import annotations

from sr_pipeline import docs


def test_generated_docs_are_up_to_date(capsys) -> None:
    assert docs.main(["--check"]) == 0, capsys.readouterr().err
