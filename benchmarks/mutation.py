"""Mutation testing: how many deliberately wrong versions of the code that decides what a value
means and where it goes the fast tests catch (issues #11 and #23).

    make mutation     (or: nice -n 19 .venv/bin/python benchmarks/mutation.py
                       [--only reader.base,formulas,sql/core] [-j N])

Slow (an hour or more on 2 shared cores): not part of ``make test`` or CI. ``--only`` runs
some targets only: Python targets by name, SQL by ``sql`` (every layer) or ``sql/<layer>``.
The Python modules are mutated by mutmut (below); the SQL files in ``sr_pipeline/warehouse/sql/`` by
``benchmarks/sql_mutation.py`` (its own operators, judged by the SQL unit tests and then the
month tests). One table gives both, per module and per SQL layer, with the scope: how many
lines of the package the mutants were made from.

For the modules in ``TARGETS`` it runs mutmut 3 (pinned in the dev extra) once, in a scratch
copy of the project (``benchmarks/out/mutation/``, git-ignored): mutmut rewrites each function
of a target into many mutants (``<`` into ``<=``, ``and`` into ``or``, a string into
``"XX…XX"``, an argument into ``None``, ...) and runs, for each mutant, the selected tests that
call that function (it records which ones during a first, clean run), in a process forked per
mutant. A mutant is *killed* when a test fails, *survives* when they all pass. A mutant that
never ends (a loop whose counter no longer reaches zero, as in ``column_letter``) is stopped by
mutmut itself and counts as *timeout* (caught): its tests run under a wall-clock limit of
(their time in the clean run + 1 s) x 15 and a CPU limit twice that (mutmut's
``timeout_multiplier``, ``timeout_constant``); the run goes on meanwhile in its other workers
(on 2026-12-05, ``column_letter``'s and ``parsers._split``'s endless loops ended in about 2
min each).

What mutmut 3 cannot see, and how this script lets it see it (in the scratch copy only; the
behaviour is unchanged, and the clean run of every selected test on the prepared copy proves
it):

- code outside a ``def``, or run only at import: the rules in ``rules.py`` are lambdas, or
  closures made once by a factory (``_not_before("start_date", "approval_date")``), inside the
  ``ROW_RULES``/``FLAG_RULES`` tables; each becomes a module-level function named after its
  rule and argument (``_budget_over_cap__ok``, ``_start_not_before_approval__ok``), which
  holds the lambda's body or calls the factory at each call;
- decorated functions: a caching decorator (``@lru_cache`` on ``text.fold``) is removed, since
  the parent process's cache would otherwise answer for the mutant; ``@contextmanager`` (on
  ``warehouse.transaction``) is applied after the definition instead (``f = contextmanager(f)``).

Module-level constants (``QIP_BUDGET_CAP_USD``, the regular expressions, ``MONTH_LAYERS``) are
still not mutated: the tests that pin them are written out in the test modules.

Output: a table per module (mutants, killed, survived, timeout, suspicious, no tests, score =
(killed + timeout) / mutants), the survivors listed in ``benchmarks/mutation-equivalents.md``
(judged equivalent: no observable behaviour changes) and any other survivor with its diff; the
same in ``benchmarks/out/mutation/report.md``.
"""

from __future__ import annotations

import argparse
import ast
import fcntl
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import libcst as cst
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "out" / "mutation"
EQUIVALENTS = ROOT / "benchmarks" / "mutation-equivalents.md"
BIN = Path(sys.executable).parent
# One run at a time on a machine: two runs would share its cores, and a test slowed down by
# the other run ends as a timeout, which counts as caught. A run waits for the lock.
LOCK = Path(tempfile.gettempdir()) / "sr-pipeline-mutation.lock"

# The fast tests that exercise the targets: plain function calls, workbooks built in tmp_path
# and read, SQL on hand-written rows. Never a Dagster run, a browser or a service.
READER_TESTS = [
    "tests/test_reader.py",
    "--deselect=tests/test_reader.py::test_a_100000_row_sheet_loads_every_row",  # 45 s, no new path
]
# Everything that reads workbooks built in tmp_path (the reader as a whole): about 20 CPU
# seconds in all; mutmut runs, per mutant, only those that call the mutated function.
WORKBOOK_TESTS = [
    *READER_TESTS,
    "tests/test_reader_parts.py",
    "tests/test_reader_clerk_edits.py",
    "tests/test_uncached.py",
    "tests/test_rule_edges.py",
    "tests/test_rules_in_workbooks.py",
    "tests/test_safety.py",
    "tests/test_messages.py",
    "tests/test_validation_messages.py",
    "tests/test_validation_values.py",
    "tests/test_validation_notes.py",
    "tests/sql/test_snapshots.py",
]
# Not measured, and why (printed with the table so the scope stays truthful).
SQL_LEFT_OUT = {
    "schema": "table definitions and their documentation: no condition, figure or literal to "
    "mutate (every operator skips DDL constraints and COMMENT ON)",
}
LEFT_OUT: dict[str, str] = {}  # every module the fast tests can judge is a target


@dataclass
class Target:
    name: str
    path: str  # the module, relative to the project root
    tests: list[str]  # pytest arguments selecting the fast tests that exercise it
    functions: list[str] | None = None  # None: every function of the module
    # Calls whose function arguments are made module-level functions (see the docstring):
    # (the callee's name, {argument position: name of the new function}).
    hoist: tuple[str, dict[int, str]] | None = None
    undecorate: list[str] = field(default_factory=list)  # functions whose decorator goes

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")

    def patterns(self) -> list[str]:
        """mutmut's mutant names for the functions measured."""
        if self.functions is None:
            return [f"{self.module}.*"]
        names = []
        for function in self.functions:
            cls, _, name = function.rpartition(".")
            mangled = f"x\u01c1{cls}\u01c1{name}" if cls else f"x_{name}"
            names.append(f"{self.module}.{mangled}__mutmut_*")
        return names


TARGETS = [
    Target(
        "values",
        "sr_pipeline/trackers/values.py",
        ["tests/test_values.py", "tests/test_discovery.py", *READER_TESTS],
    ),
    Target(
        "text",
        "sr_pipeline/language/text.py",
        ["tests/test_text.py", "tests/test_values.py", *READER_TESTS],
        undecorate=["fold"],
    ),
    Target(
        "rules",
        "sr_pipeline/trackers/rules.py",
        ["tests/test_rules.py", *READER_TESTS],
        hoist=("Rule", {2: "ok", 3: "message"}),  # Rule(name, field, ok, message, description)
    ),
    Target(
        "discovery",
        "sr_pipeline/trackers/discovery.py",
        [
            "tests/test_discovery.py",
            "tests/test_discovery_versions.py",
            "tests/sql/test_version_spans.py",
            "tests/sql/test_version_rule_agrees.py",
        ],
    ),
    *(
        Target(f"reader.{part}", f"sr_pipeline/trackers/reader/{part}.py", WORKBOOK_TESTS)
        for part in ("base", "parsers", "structure", "validation", "workbook")
    ),
    Target(
        "formulas",  # the formula evaluator
        "sr_pipeline/trackers/formulas.py",
        [
            "tests/test_uncached.py",
            "tests/test_rule_edges.py",
        ],
    ),
    Target(
        "safety",
        "sr_pipeline/trackers/safety.py",
        [
            "tests/test_safety.py",
            "tests/test_far_cells.py",
            "tests/test_uncached.py",
            # the folder entry's checks (vet_entry, open_regular), without the Dagster build
            "tests/test_folder_safety.py",
            "--deselect=tests/test_folder_safety.py::"
            "test_a_build_records_the_refusals_and_nothing_of_what_they_point_at",
        ],
    ),
    Target(
        "raw",  # fast tests only: real workbooks and DuckDB, no Dagster run
        "sr_pipeline/warehouse/raw.py",
        [
            "tests/test_raw_record.py",
            "tests/sql/test_snapshots.py",
            "tests/feedback/test_workbook.py",
        ],
    ),
    # The warehouse's Python callers of the SQL, in the three modules they now live in.
    Target(
        "layers",
        "sr_pipeline/warehouse/layers.py",
        ["tests/test_warehouse_layers.py", "tests/sql/"],
        functions=["rebuild_layer", "refresh_data_quality"],
    ),
    Target(
        "sql",
        "sr_pipeline/warehouse/sql.py",
        ["tests/test_warehouse_layers.py", "tests/sql/"],
        functions=["transaction"],
        undecorate=["transaction"],
    ),
    # Publishing to a file (the default target): the run's connection, the publication, the
    # file's atomic replacement and the cleanup after a killed run. Fast tests only
    # (tests/test_warehouse.py runs Dagster).
    Target(
        "publishing",
        "sr_pipeline/warehouse/publishing.py",
        [
            "tests/test_warehouse_layers.py",
            "tests/test_warehouse_leftovers.py",
            # the publication called directly: months restored or refused, the work database
            # set aside, a DuckLake's snapshot number (its catalog a DuckDB file)
            "tests/test_warehouse_publishing.py",
            "tests/sql/",
        ],
        functions=[
            "Warehouse.publish",
            "Warehouse.remove_leftovers",
            "Warehouse.connect",
            "PublishedFile.publish",
            "PublishedFile.finish",
            "_fsync",
        ],  # fmt: skip
        undecorate=["connect"],
    ),
    # The DuckLake warehouse, judged on a lake whose catalog is a DuckDB file (no PostgreSQL,
    # no Dagster run: tests/test_lake.py's are too slow per mutant); test_lake_secrets.py
    # without its one test that runs Dagster.
    Target(
        "lake",
        "sr_pipeline/warehouse/lake.py",
        [
            "tests/test_lake_file_catalog.py",
            "tests/test_warehouse_publishing.py",
            "tests/test_lake_secrets.py",
            "--deselect=tests/test_lake_secrets.py::test_a_catalog_that_is_down_leaks_no_password",
        ],
        undecorate=["reader", "label"],  # @contextmanager, @property
    ),
    Target(
        "assets_raw",
        "sr_pipeline/defs/assets_raw.py",
        ["tests/defs/test_assets_raw.py", "tests/sql/test_version_spans.py"],
        functions=["load_needed"],
    ),
    Target(
        "sensors",
        "sr_pipeline/defs/sensors.py",
        ["tests/defs/test_sensors.py", "tests/sql/test_version_spans.py"],
        functions=["affected_partitions"],
    ),
]


# --- preparing the scratch copy -------------------------------------------------------------

CACHING_DECORATORS = {"cache", "lru_cache", "cached_property"}


def m_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _decorator_name(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


class _Hoist(cst.CSTTransformer):
    """Replaces the function arguments of each call to ``callee`` labelled by a string first
    argument (``Rule("budget_over_cap", ..., lambda df: ...)``) by the name of a new function."""

    def __init__(self, callee: str, names: dict[int, str]) -> None:
        self.callee = callee
        self.names = names
        self.hoisted: list[cst.CSTNode] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        label = original.args[0].value if original.args else None
        if not m_name(original.func, self.callee) or not isinstance(label, cst.SimpleString):
            return updated
        args = list(updated.args)
        for position, arg in enumerate(args):
            if position not in self.names or arg.keyword or isinstance(arg.value, cst.Name):
                continue  # a function by its name is mutated where it is defined
            name = f"_{label.evaluated_value}__{self.names[position]}"
            if isinstance(arg.value, cst.Lambda):  # its body becomes the function's
                hoisted = cst.FunctionDef(
                    name=cst.Name(name),
                    params=arg.value.params,
                    body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(arg.value.body)])]),
                )
            else:  # a factory call (_not_before(...)): made at each call, not once at import
                code = cst.Module([]).code_for_node(arg.value)
                hoisted = cst.parse_statement(f"def {name}(*args):\n    return ({code})(*args)\n")
            self.hoisted.append(hoisted)
            args[position] = arg.with_changes(value=cst.Name(name))
        return updated.with_changes(args=args)


def _undecorated(statements, target: Target, module: cst.Module) -> list[cst.CSTNode]:
    """The statements with the functions in ``target.undecorate`` undecorated (a decorator that
    is not a cache is applied after the definition instead: ``f = contextmanager(f)``)."""
    body: list[cst.CSTNode] = []
    for statement in statements:
        if isinstance(statement, cst.ClassDef):
            inner = _undecorated(statement.body.body, target, module)
            body.append(statement.with_changes(body=statement.body.with_changes(body=inner)))
            continue
        if not (
            isinstance(statement, cst.FunctionDef) and statement.name.value in target.undecorate
        ):
            body.append(statement)
            continue
        after = [d for d in statement.decorators if _decorator_name(d) not in CACHING_DECORATORS]
        body.append(statement.with_changes(decorators=[]))
        for decorator in reversed(after):  # the innermost decorator applies first
            name = statement.name.value
            call = cst.parse_statement(
                f"{name} = {module.code_for_node(decorator.decorator)}({name})"
            )
            body.append(call)
    return body


def prepare(source: str, target: Target) -> str:
    """The target's source as mutmut can mutate it, behaviour unchanged (see the docstring)."""
    module = cst.parse_module(source)
    body: list[cst.CSTNode] = []
    for statement in _undecorated(module.body, target, module):
        if target.hoist and not isinstance(statement, cst.FunctionDef | cst.ClassDef):
            hoist = _Hoist(*target.hoist)
            statement = statement.visit(hoist)
            body.extend(hoist.hoisted)
        body.append(statement)
    return module.with_changes(body=body).code


# Read by the selected tests besides the package and the tests: the demo trackers
# (sources/trackers/), docs/rules.md, and demo/ (a path of docs/rules.md's "implemented in"
# column, which tests/test_rule_edges.py checks exists).
COPIED = ("sources", "docs", "demo")


def copy_project(targets: list[Target]) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for folder in ("sr_pipeline", "tests"):
        shutil.copytree(ROOT / folder, WORK / folder, ignore=ignore)
    for folder in COPIED:
        shutil.copytree(ROOT / folder, WORK / folder, ignore=ignore)
    for target in targets:
        path = WORK / target.path
        path.write_text(prepare(path.read_text(encoding="utf-8"), target), encoding="utf-8")
    tests = [arg for target in targets for arg in target.tests]
    tests = list(dict.fromkeys(tests))
    config = {
        "source_paths": ["sr_pipeline"],
        "only_mutate": [t.path for t in targets],
        "pytest_add_cli_args_test_selection": tests,
        # Deterministic runs: no cache between runs, hypothesis derandomized in the tests.
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        "use_git_change_detection": False,
        "also_copy": list(COPIED),
    }
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lines = [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    (WORK / "pyproject.toml").write_text(
        pyproject + "\n[tool.mutmut]\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )


# --- reading the results --------------------------------------------------------------------

COLUMNS = ("mutants", "killed", "survived", "timeout", "suspicious", "no tests")


def function_of(key: str, module: str) -> str:
    """``<module>.xǁWarehouseǁpublish__mutmut_3`` -> ``Warehouse.publish``."""
    mangled = key[len(module) + 1 :].split("__mutmut_")[0]
    if mangled.startswith("x\u01c1"):
        cls, name = mangled[2:].split("\u01c1")
        return f"{cls}.{name}"
    return mangled.removeprefix("x_")


def results(target: Target) -> dict[str, str]:
    meta = WORK / "mutants" / (target.path + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    patterns = target.patterns()
    return {
        key: status_by_exit_code[code]
        for key, code in codes.items()
        if any(fnmatch.fnmatchcase(key, p) for p in patterns)
    }


def _norm(lines: list[str]) -> str:
    return " ⏎ ".join(" ".join(line.split()) for line in lines) or "(nothing)"


def diff_of(key: str) -> tuple[str, str, str]:
    """The mutated line(s): (original, mutant, the whole diff)."""
    shown = subprocess.run(
        [str(BIN / "mutmut"), "show", key], cwd=WORK, capture_output=True, text=True, check=True
    ).stdout
    lines = shown.splitlines()
    old = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    new = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    return _norm(old), _norm(new), shown


_EQUIVALENT = re.compile(r"^- `(?P<function>[^`]+)`: `(?P<old>.*)` → `(?P<new>.*)` — (?P<why>.+)$")


def equivalents() -> dict[tuple[str, str, str, str], str]:
    """(module file, function, original, mutant) -> why the mutant changes nothing."""
    found: dict[tuple[str, str, str, str], str] = {}
    module = ""
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            module = line[3:].strip().strip("`")
        elif match := _EQUIVALENT.match(line):
            key = (module, match["function"], _norm([match["old"]]), _norm([match["new"]]))
            found[key] = match["why"]
    return found


# --- the scope ------------------------------------------------------------------------------


def package_lines() -> tuple[int, int]:
    """Lines of Python and of SQL in the package."""
    package = ROOT / "sr_pipeline"
    count = lambda pattern: sum(  # noqa: E731
        len(p.read_text(encoding="utf-8").splitlines()) for p in package.rglob(pattern)
    )
    return count("*.py"), count("*.sql")


def lines_measured(target: Target) -> int:
    """The lines mutmut mutates for a target: the whole module, or its functions' lines."""
    source = (ROOT / target.path).read_text(encoding="utf-8")
    if target.functions is None:
        return len(source.splitlines())
    spans = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    spans[f"{node.name}.{item.name}"] = item.end_lineno - item.lineno + 1
        elif isinstance(node, ast.FunctionDef):
            spans.setdefault(node.name, node.end_lineno - node.lineno + 1)
    return sum(spans[name] for name in target.functions)


# --- the run --------------------------------------------------------------------------------

HEADER = [
    "| measured | lines | mutants | killed | survived | timeout | other | score "
    "| equivalent | score without them |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def _row(name: str, lines: int, mutants: int, killed: int, survived: int, timeout: int,
         other: int, equivalent: int) -> str:  # fmt: skip
    caught = killed + timeout
    rest = mutants - equivalent
    score = caught / mutants if mutants else 1.0
    return (f"| {name} | {lines} | {mutants} | {killed} | {survived} | {timeout} | {other} "
            f"| {score:.1%} | {equivalent} | {caught / rest if rest else 1.0:.1%} |")  # fmt: skip


def python_part(targets: list[Target], jobs: int, judged: dict):
    """mutmut on the Python targets: table rows, survivors (unexplained, explained), the
    judgements used, the lines measured."""
    copy_project(targets)
    log = WORK / "mutmut.log"
    patterns = [p for t in targets for p in t.patterns()]
    print(f"mutmut run on {', '.join(t.path for t in targets)} (log: {log.relative_to(ROOT)})")
    with log.open("w") as out:
        done = subprocess.run(
            [str(BIN / "mutmut"), "run", "--max-children", str(jobs), *patterns],
            cwd=WORK, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )  # fmt: skip
    if done.returncode != 0:
        print(log.read_text()[-3000:])
        raise SystemExit(f"mutmut failed (exit {done.returncode})")
    used: set[tuple[str, str, str, str]] = set()
    rows, unexplained, explained = [], [], []
    lines = 0
    for target in targets:
        statuses = {k: s for k, s in results(target).items() if s != "skipped"}  # pragma'd
        count = {c: 0 for c in COLUMNS}
        count["mutants"] = len(statuses)
        equivalent = 0
        for key, status in sorted(statuses.items(), key=lambda kv: _order(kv[0])):
            # "suspicious" also counts segfaults and mutants left unchecked by an interruption.
            count[status if status in COLUMNS else "suspicious"] += 1
            if status == "killed" or status == "timeout":
                continue
            old, new, shown = diff_of(key)
            function = function_of(key, target.module)
            # The list's heading names the module by its file name or a tail of its path
            # ("values.py", "reader/base.py").
            parts = Path(target.path).parts
            tails = ["/".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]
            judgement = next(
                (j for t in tails if (j := (t, function, old, new)) in judged),
                (tails[0], function, old, new),
            )
            if status == "survived" and judgement in judged:
                equivalent += 1
                used.add(judgement)
                explained.append(f"- {key}: `{old}` → `{new}` — {judged[judgement]}")
            else:
                unexplained.append(f"### {key} ({status})\n\n```diff\n{shown.strip()}\n```\n")
        measured = lines_measured(target)
        lines += measured
        name = target.path.removeprefix("sr_pipeline/")
        if target.functions is not None:
            name += f" ({', '.join(target.functions)})"
        other = count["suspicious"] + count["no tests"]
        rows.append(_row(name, measured, count["mutants"], count["killed"], count["survived"],
                         count["timeout"], other, equivalent))  # fmt: skip
    return rows, unexplained, explained, used, lines


def sql_part(layers: set[str] | None, jobs: int, judged: dict):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import sql_mutation

    scores, unexplained, explained, used = sql_mutation.measure(layers, jobs, judged)
    rows = []
    for s in scores:
        rows.append(_row(
            f"sql/{s.layer}/ ({s.files} files; killed: {s.counts['killed']} by the SQL tests, "
            f"{s.counts['killed by month']} by the month tests)",
            s.lines, s.mutants, s.counts["killed"] + s.counts["killed by month"],
            s.counts["survived"], s.counts["timeout"], s.counts["no tests"], s.equivalent,
        ))  # fmt: skip
    return rows, unexplained, explained, used, sum(s.lines for s in scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        help="comma-separated: " + ", ".join(t.name for t in TARGETS) + ", sql, sql/<layer>",
    )
    parser.add_argument("-j", "--max-children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    targets = [t for t in TARGETS if only is None or t.name in only]
    layers = None if only is None or "sql" in only else {
        name.removeprefix("sql/") for name in only if name.startswith("sql/")
    }  # fmt: skip
    if layers is None:
        sql_root = ROOT / "sr_pipeline" / "warehouse" / "sql"
        layers = {p.name for p in sql_root.iterdir() if p.is_dir()}
        layers -= set(SQL_LEFT_OUT) if only is None else set()

    lock = LOCK.open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"waiting for another mutation run to finish (lock: {LOCK})", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    started = time.monotonic()
    judged = equivalents()
    table, unexplained, explained, used = list(HEADER), [], [], set()
    python_lines = sql_lines = 0
    if targets:
        rows, un, ex, us, python_lines = python_part(targets, args.max_children, judged)
        table += rows
        unexplained, explained, used = unexplained + un, explained + ex, used | us
    if layers:
        rows, un, ex, us, sql_lines = sql_part(layers, args.max_children, judged)
        table += rows
        unexplained, explained, used = unexplained + un, explained + ex, used | us
    minutes = (time.monotonic() - started) / 60
    measured = {t.path.removeprefix("sr_pipeline/") for t in targets} | {
        f"sql/{layer}" for layer in layers
    }
    stale = sorted(k for k in set(judged) - used if any(k[0].startswith(m) or
                   k[0] == Path(m).name or m.endswith(f"/{k[0]}") for m in measured))  # fmt: skip
    all_py, all_sql = package_lines()
    left_out = [f"{k}: {v}" for k, v in {**LEFT_OUT, **{
        f"sql/{layer}/": why for layer, why in SQL_LEFT_OUT.items()}}.items()]  # fmt: skip
    scope = (
        f"Scope: {python_lines + sql_lines:,} of the package's {all_py + all_sql:,} lines "
        f"(Python {python_lines:,} of {all_py:,}; SQL {sql_lines:,} of {all_sql:,}). Not "
        "measured: " + "".join(f"{why}; " for why in left_out) + "every other module not in "
        "the table."
    )
    report = [
        f"# Mutation testing, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
        f"{minutes:.1f} min",
        "",
        *table,
        "",
        scope,
        "",
        f"## Survivors not judged equivalent ({len(unexplained)})",
        "",
        *unexplained,
        f"## Survivors judged equivalent ({len(explained)}, reasons in "
        "benchmarks/mutation-equivalents.md)",
        "",
        *explained,
        "",
    ]
    if stale:
        report += ["## Listed as equivalent but no longer surviving (or no longer generated)", ""]
        report += [
            f"- {module} `{function}`: `{old}` → `{new}`" for module, function, old, new in stale
        ]
    WORK.mkdir(parents=True, exist_ok=True)
    name = "report.md" if only is None else f"report-{'_'.join(sorted(only)).replace('/', '-')}.md"
    (WORK / name).write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(table))
    print(f"\n{scope}")
    print(f"\n{len(unexplained)} survivor(s) not judged equivalent, {len(explained)} judged "
          f"equivalent, {len(stale)} stale entr(ies) in {EQUIVALENTS.relative_to(ROOT)}; "
          f"details: {(WORK / name).relative_to(ROOT)}; {minutes:.1f} min")  # fmt: skip
    return 0


def _order(key: str) -> tuple[str, int]:
    name, _, number = key.rpartition("__mutmut_")
    return name, int(number) if number.isdigit() else 0


if __name__ == "__main__":
    sys.exit(main())
