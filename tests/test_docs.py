"""The project's docs say what the code does.

Guards against: the tracker contract or a table's meaning changed in the code but not in
``docs/`` (the generated blocks of ``docs/trackers.md`` and ``docs/tables.md`` must be what
``python -m sr_pipeline.docs`` writes today); a test named in ``docs/rules.md`` renamed or
deleted, leaving a rule that only looks tested.
"""

from __future__ import annotations

import ast
import re

from sr_pipeline import docs
from tests import ROOT


def test_generated_docs_are_up_to_date(capsys) -> None:
    assert docs.main(["--check"]) == 0, capsys.readouterr().err


_TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]]*\])?`")


def test_every_test_named_in_docs_rules_exists() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    named = set(_TEST_ID.findall(text))
    assert len(named) > 100  # the table is there and names its tests
    defined: dict[str, set[str]] = {}
    for path in sorted({path for path, _ in named}):
        source = ROOT / path
        body = ast.parse(source.read_text(encoding="utf-8")).body if source.is_file() else []
        defined[path] = {node.name for node in body if isinstance(node, ast.FunctionDef)}
    assert sorted(f"{p}::{name}" for p, name in named if name not in defined[p]) == []
    # Every rule row names at least one test.
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    rules = [line for line in rows if not line.startswith("| rule |")]
    assert [line for line in rules if not _TEST_ID.search(line)] == []


_IMPLEMENTED_IN = re.compile(r"`([\w./-]+(?:\.(?:py|sql|csv|yaml)|/))`")
