"""Apply one surviving mutant from a mutation report to the source, run some tests, put the
source back: does a new test kill it?

    .venv/bin/python benchmarks/apply_mutant.py REPORT KEY [KEY ...] -- PYTEST_ARGS...

REPORT is a report written by ``benchmarks/mutation.py`` (``benchmarks/out/mutation/
report*.md``); KEY a mutant's name as it heads its diff there
(``sr_pipeline.trackers.reader.validation.x__flags__mutmut_3``). For each key the mutated
line(s) replace the original line(s) inside that function only, the tests run, and the file is
restored whatever happens. Prints ``killed`` or ``SURVIVED`` per key; exits 1 if any survived.
For checking a test written against a survivor without a whole ``make mutation`` run.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def diff_in(report: str, key: str) -> tuple[str, list[str], list[str]]:
    """(file, original lines, mutant lines) of a mutant's diff in the report."""
    block = re.search(rf"^### {re.escape(key)} \(.*?\n```diff\n(.*?)```", report, re.M | re.S)
    if not block:
        raise SystemExit(f"{key}: not in the report")
    lines = block.group(1).splitlines()
    path = next(line[4:].strip() for line in lines if line.startswith("--- "))
    old = [ln[1:] for ln in lines if ln.startswith("-") and not ln.startswith("---")]
    new = [ln[1:] for ln in lines if ln.startswith("+") and not ln.startswith("+++")]
    return path, old, new


def function_span(source: str, key: str) -> tuple[int, int]:
    """0-based [start, end) lines of the function the mutant was made from."""
    name = key.rsplit(".", 1)[1].split("__mutmut_")[0]
    if name.startswith("x\u01c1"):
        cls, func = name[2:].split("\u01c1")
    else:
        cls, func = None, name[2:]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == func:
                    return item.lineno - 1, item.end_lineno
        if cls is None and isinstance(node, ast.FunctionDef) and node.name == func:
            return node.lineno - 1, node.end_lineno
    raise SystemExit(f"{key}: no function {cls or ''}.{func}")


def mutated(source: str, key: str, old: list[str], new: list[str]) -> str:
    lines = source.splitlines(keepends=True)
    start, end = function_span(source, key)
    want = [o.strip() for o in old]
    hits = [
        i for i in range(start, end - len(want) + 1)
        if [ln.strip() for ln in lines[i : i + len(want)]] == want
    ]  # fmt: skip
    if len(hits) != 1:
        raise SystemExit(f"{key}: the original line(s) are found {len(hits)} times in it")
    at = hits[0]
    # mutmut's diff may be dedented: keep the file's indentation, shifted as the diff's is
    shift = len(lines[at]) - len(lines[at].lstrip()) - (len(old[0]) - len(old[0].lstrip()))
    body = [" " * shift + n + "\n" if shift >= 0 else n[-shift:] + "\n" for n in new]
    return "".join(lines[:at] + body + lines[at + len(want) :])


def main(argv: list[str]) -> int:
    if "--" not in argv or len(argv) < 4:
        raise SystemExit(__doc__)
    split = argv.index("--")
    report = Path(argv[0]).read_text(encoding="utf-8")
    keys, pytest_args = argv[1:split], argv[split + 1 :]
    survived = 0
    for key in keys:
        path, old, new = diff_in(report, key)
        file = ROOT / path
        original = file.read_text(encoding="utf-8")
        try:
            file.write_text(mutated(original, key, old, new), encoding="utf-8")
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                 "-p", "no:randomly", *pytest_args],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            file.write_text(original, encoding="utf-8")
        killed = run.returncode != 0
        survived += not killed
        print(f"{'killed  ' if killed else 'SURVIVED'} {key}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
