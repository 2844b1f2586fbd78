"""SQL mutation testing (issue #23): deliberately wrong versions of the files in
``sr_pipeline/warehouse/sql/``, one at a time, and whether the tests notice.

    .venv/bin/python benchmarks/mutation.py --only sql/core,sql/marts [-j N]
    (``make mutation`` runs it after the Python targets; this module has no command of its own)

The operators (each mutant changes one token or one condition of one file):

- ``compare``: ``=`` ↔ ``<>``, ``<`` → ``<=``, ``<=`` → ``<``, ``>`` → ``>=``, ``>=`` → ``>``;
- ``boolean``: ``AND`` ↔ ``OR`` (never the ``AND`` of ``BETWEEN``), ``NOT`` dropped,
  ``IS NULL`` → ``IS NOT NULL``, ``IS DISTINCT`` → ``IS NOT DISTINCT``, ``TRUE`` ↔ ``FALSE``;
- ``aggregate``: ``min`` ↔ ``max``, ``sum`` ↔ ``avg``, ``arg_min``/``min_by``/``first``/
  ``lag``/``first_value``/``bool_and``/``least`` ↔ their opposites, ``count(x)`` →
  ``count(DISTINCT x)``;
- ``distinct``: ``DISTINCT`` dropped (``SELECT DISTINCT``, ``count(DISTINCT ...)``);
- ``literal``: a number plus one, a string changed (``'QIP'`` → ``'XXQIPXX'``), a date part or
  interval unit swapped (``month`` → ``day``, ``day``/``year`` → ``month``), a typed date one
  day later;
- ``arithmetic``: ``+`` ↔ ``-`` (date arithmetic included), ``*`` ↔ ``/``, a unary minus
  dropped; ``DESC`` dropped from an ordering;
- ``condition``: one term of a ``WHERE``, ``JOIN ... ON``, ``HAVING`` or ``QUALIFY`` condition
  removed (``TRUE`` in place of an ``AND`` term, ``FALSE`` of an ``OR`` term), and ``LEFT JOIN``
  made an inner ``JOIN``.

Token-level, not a rewrite of the parse tree: the files are read by sqlglot's DuckDB tokenizer
(a maintained SQL parser made for this; it knows DuckDB's strings, comments, ``$params`` and
multi-word keywords), and each mutant edits the file's text at one token's position, so the
rest of the file stays byte for byte what DuckDB runs (a parse-and-print round trip would
reformat every file, lose comments and could change what a statement means by itself).
Documentation is left alone: ``COMMENT ON`` statements and comments are never mutated.

How a mutant is judged: first by the fast tests that read the file (the SQL unit tests on
hand-written rows, ``tests/sql/``, and the other fast tests that run SQL), found by a clean
run that records which test modules read which files and how long each module took; they run
fastest module first and stop at the first failure (``-x``), so a mutant a quick test kills
costs that test only; a mutant none of them kills is then given to the month tests
(``tests/defs/test_demo_month.py``: the demo month through Dagster). Each mutant runs in a
process forked from one that has imported everything, with ``warehouse.sql.SQL_ROOT`` pointing
at a private copy of ``sql/`` holding the mutant, so no file of the project is ever written. A
mutant is *killed* when a test fails or times out.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlglot.dialects.duckdb import DuckDB
from sqlglot.tokens import Token, TokenType

ROOT = Path(__file__).resolve().parent.parent
SQL = ROOT / "sr_pipeline" / "warehouse" / "sql"
# The fast tests that run SQL (no Dagster run, no browser, no service), and the month tests.
FAST_TESTS = [
    "tests/sql/",
    "tests/test_warehouse_layers.py",
    "tests/test_warehouse.py",
    "tests/defs/test_assets_raw.py",
    "tests/defs/test_rows_accounted_for.py",
    "tests/defs/test_assets_feedback.py",
    "tests/feedback/test_workbook.py",
    # the lake's statements (sql/lake/), on a DuckLake whose catalog is a DuckDB file
    "tests/test_warehouse_publishing.py",
    "tests/test_lake_file_catalog.py",
]
MONTH_TESTS = ["tests/defs/test_demo_month.py"]

T = TokenType
COMPARE = {T.EQ: "<>", T.NEQ: "=", T.LT: "<=", T.LTE: "<", T.GT: ">=", T.GTE: ">"}
OPPOSITES = {
    "min": "max", "max": "min", "sum": "avg", "avg": "sum", "arg_min": "arg_max",
    "arg_max": "arg_min", "min_by": "max_by", "max_by": "min_by", "first": "last",
    "last": "first", "lag": "lead", "lead": "lag", "first_value": "last_value",
    "last_value": "first_value", "bool_and": "bool_or", "bool_or": "bool_and",
    "least": "greatest", "greatest": "least",
}  # fmt: skip
DATE_PARTS = {"month": "day", "day": "month", "year": "month", "week": "day", "quarter": "month"}
# Where a condition ends (at its own depth of parentheses).
CONDITION_ENDS = {
    T.GROUP_BY, T.ORDER_BY, T.HAVING, T.WINDOW, T.QUALIFY, T.LIMIT, T.JOIN, T.LEFT, T.RIGHT,
    T.INNER, T.FULL, T.CROSS, T.OUTER, T.UNION, T.EXCEPT, T.INTERSECT, T.SEMICOLON, T.WHERE,
    T.RETURNING, T.USING, T.SEMI, T.ANTI, T.NATURAL, T.ASOF, T.POSITIONAL, T.COMMA, T.THEN,
    T.ELSE, T.END, T.WHEN, T.ON,
}  # fmt: skip
OPERANDS = {T.VAR, T.NUMBER, T.R_PAREN, T.IDENTIFIER, T.STRING, T.PARAMETER, T.R_BRACKET}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to sr_pipeline/warehouse/sql: "core/view_version_spans.sql"
    operator: str
    start: int  # the characters [start, end) of the file are replaced by ``new``
    end: int
    new: str

    @property
    def layer(self) -> str:
        return self.path.split("/", 1)[0]

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]

    def lines(self, text: str) -> tuple[str, str]:
        """The changed line(s) before and after, white space collapsed."""
        first = text.rfind("\n", 0, self.start) + 1
        last = text.find("\n", self.end)
        last = len(text) if last < 0 else last
        old = text[first:last]
        new = old[: self.start - first] + self.new + old[self.end - first :]
        return " ".join(old.split()), " ".join(new.split())


def _tokens(text: str) -> list[Token]:
    return DuckDB().tokenizer_class().tokenize(text)


def _span(token: Token) -> tuple[int, int]:
    return token.start, token.end + 1


def _string_span(text: str, token: Token) -> tuple[int, int]:
    """The quotes included (the tokenizer's text is the string's content)."""
    start, end = token.start, token.end + 1
    while start > 0 and text[start] != "'":
        start -= 1
    return start, end


def _same_case(word: str, like: str) -> str:
    return word.upper() if like.isupper() else word


def _statements(tokens: list[Token]) -> list[list[int]]:
    """Token indices per statement; ``COMMENT ON`` statements (documentation) left out."""
    out: list[list[int]] = [[]]
    for i, token in enumerate(tokens):
        out[-1].append(i)
        if token.token_type == T.SEMICOLON:
            out.append([])
    return [s for s in out if s and tokens[s[0]].token_type != T.COMMENT]


def mutants(path: str, text: str) -> list[Mutant]:
    """Every mutant of one SQL file, in the order of the text."""
    tokens = _tokens(text)
    found: list[Mutant] = []

    def add(operator: str, start: int, end: int, new: str) -> None:
        found.append(Mutant(path, operator, start, end, new))

    for statement in _statements(tokens):
        between = 0  # BETWEENs whose AND is still to come
        assigning = False  # in UPDATE's SET list: its "=" assigns, it does not compare
        for i in statement:
            token, kind = tokens[i], tokens[i].token_type
            before = tokens[i - 1] if i > 0 else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            start, end = _span(token)
            word = token.text.lower()
            if kind in (T.SET, T.WHERE, T.FROM):
                assigning = kind == T.SET
            if kind in COMPARE and not (assigning and kind == T.EQ):
                add("compare", start, end, COMPARE[kind])
            elif kind == T.BETWEEN:
                between += 1
            elif kind == T.AND and between:
                between -= 1
            elif kind in (T.AND, T.OR) and not (before and before.token_type == T.CREATE):
                add("boolean", start, end, _same_case("or" if kind == T.AND else "and", token.text))
            elif kind == T.NOT and not _constraint_or_guard(before, after):
                add("boolean", start, after.start if after else end, "")
            elif kind == T.IS and after and after.token_type in (T.NULL, T.DISTINCT):
                add("boolean", end, end, _same_case(" not", token.text))
            elif kind in (T.TRUE, T.FALSE):
                flipped = "false" if kind == T.TRUE else "true"
                add("boolean", start, end, _same_case(flipped, token.text))
            elif kind == T.DISTINCT and before and before.token_type not in (T.IS, T.NOT):
                add("distinct", start, after.start if after else end, "")
            elif kind == T.DESC:
                add("arithmetic", before.end + 1 if before else start, end, "")
            elif kind == T.NUMBER:
                add("literal", start, end, _plus_one(token.text))
            elif kind == T.STRING:
                _string_mutants(text, token, before, add)
            elif kind == T.VAR and before and before.token_type == T.INTERVAL:
                pass  # the number after INTERVAL: a NUMBER, handled above
            elif kind == T.VAR and word in DATE_PARTS and _after_interval(tokens, i):
                add("literal", start, end, _same_case(DATE_PARTS[word], token.text))
            elif kind == T.PLUS and before and before.token_type in OPERANDS:
                add("arithmetic", start, end, "-")
            elif kind == T.DASH:
                if before and before.token_type in OPERANDS:
                    add("arithmetic", start, end, "+")
                else:
                    add("arithmetic", start, end, "")
            elif kind == T.STAR and before and before.token_type in OPERANDS:
                add("arithmetic", start, end, "/")
            elif kind == T.SLASH:
                add("arithmetic", start, end, "*")
            elif after and after.token_type == T.L_PAREN and word in OPPOSITES:
                add("aggregate", start, end, _same_case(OPPOSITES[word], token.text))
            elif after and after.token_type == T.L_PAREN and word == "count":
                inside = tokens[i + 2] if i + 2 < len(tokens) else None
                if inside and inside.token_type not in (T.STAR, T.DISTINCT, T.R_PAREN):
                    add("aggregate", inside.start, inside.start, "DISTINCT ")
            if kind in (T.WHERE, T.HAVING, T.QUALIFY) or (
                kind == T.ON and before is not None and before.token_type != T.COMMENT
                and after is not None and after.text.upper() != "CONFLICT"
            ):  # fmt: skip
                for term_start, term_end, joined_by in _terms(tokens, i + 1):
                    add("condition", term_start, term_end, "FALSE" if joined_by == T.OR else "TRUE")
            if kind == T.LEFT and after and after.token_type in (T.JOIN, T.OUTER):
                join = after if after.token_type == T.JOIN else tokens[i + 2]
                add("condition", start, join.start, "")
    return found


def _constraint_or_guard(before: Token | None, after: Token | None) -> bool:
    """``IF NOT EXISTS`` or a column's ``NOT NULL`` constraint: DDL, not a condition (an
    ``IS NOT NULL`` test is mutated)."""
    if before is not None and before.text.upper() == "IF":
        return True
    return (
        after is not None
        and after.token_type == T.NULL
        and (before is None or before.token_type != T.IS)
    )


def _plus_one(number: str) -> str:
    if re.fullmatch(r"\d+", number):
        return str(int(number) + 1)
    return repr(float(number) + 1)


def _string_mutants(text: str, token: Token, before: Token | None, add) -> None:
    start, end = _string_span(text, token)
    content = token.text
    if before is not None and before.token_type in (T.DATE, T.TIMESTAMP):
        try:
            day = date.fromisoformat(content[:10])
        except ValueError:
            return
        add("literal", start, end, f"'{day + timedelta(days=1)}{content[10:]}'")
        return
    words = re.findall(r"[a-z]+", content.lower())
    part = next((w.rstrip("s") for w in words if w.rstrip("s") in DATE_PARTS), None)
    if part and len(words) <= 2 and (before is None or before.token_type != T.EQ):
        swapped = re.sub(part, DATE_PARTS[part], content, count=1, flags=re.I)
        add("literal", start, end, "'" + swapped.replace("'", "''") + "'")
        return
    add("literal", start, end, "'XX" + content.replace("'", "''") + "XX'")


def _after_interval(tokens: list[Token], i: int) -> bool:
    return i >= 2 and tokens[i - 2].token_type == T.INTERVAL


def _terms(tokens: list[Token], first: int) -> list[tuple[int, int, TokenType | None]]:
    """The AND/OR terms of the condition that starts at token ``first``: (start, end, the
    connective joining it to its neighbours, None when alone)."""
    depth, between, case = 0, 0, 0
    start, joiner = first, None
    i = first
    terms: list[tuple[int, int, TokenType | None]] = []
    while i < len(tokens):
        kind = tokens[i].token_type
        if kind in (T.L_PAREN, T.L_BRACKET):
            depth += 1
        elif kind in (T.R_PAREN, T.R_BRACKET):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and kind == T.CASE:
            case += 1
        elif depth == 0 and kind == T.END and case:
            case -= 1
        elif depth == 0 and not case:
            if kind == T.BETWEEN:
                between += 1
            elif kind == T.AND and between:
                between -= 1
            elif kind in (T.AND, T.OR):
                terms.append((start, i, kind))
                start, joiner = i + 1, kind
            elif kind in CONDITION_ENDS:
                break
        i += 1
    terms.append((start, i, joiner))
    out = []
    for index, (a, b, kind) in enumerate(terms):
        if b <= a:
            continue
        previous = terms[index - 1][2] if index else None
        joined = kind if index < len(terms) - 1 else previous
        joined = previous if previous == T.OR else joined
        out.append((tokens[a].start, tokens[b - 1].end + 1, joined))
    return out


# Every SQL file's text when the run started: each mutant's copy is made from it, so an edit
# of sql/ during a run changes nothing.
SNAPSHOT = {str(p.relative_to(SQL)): p.read_text(encoding="utf-8") for p in SQL.rglob("*.sql")}


def all_mutants(only: set[str] | None = None) -> tuple[list[Mutant], dict[str, str]]:
    texts = {
        str(p.relative_to(SQL)): p.read_text(encoding="utf-8")
        for p in sorted(SQL.rglob("*.sql"))
        if only is None or p.parent.name in only
    }
    return [m for path, text in texts.items() for m in mutants(path, text)], texts


# --- running ---------------------------------------------------------------------------------


def _rebind(name: str, value) -> None:
    """Give ``name`` the value ``value`` in every warehouse module that holds it (the SQL
    runner's names are imported by the schema, the lake, ...)."""
    import sys

    from sr_pipeline.warehouse import sql as runner

    original = getattr(runner, name)
    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "") or "").startswith("sr_pipeline.warehouse"):
            if getattr(module, name, None) is original:
                setattr(module, name, value)


def _clear_caches() -> None:
    from sr_pipeline.warehouse import schema, sql

    for cached in (sql.sql, schema.ddl_scripts, schema._expected_columns):
        cached.cache_clear()


class _Recorder:
    """A pytest plugin: which test modules read which SQL files (through the runner's
    ``sql``), and how long each module's tests took."""

    def __init__(self) -> None:
        from sr_pipeline.warehouse import sql as runner

        self.current = ""
        self.read: dict[str, set[str]] = defaultdict(set)  # sql path -> test module paths
        self.seconds: dict[str, float] = defaultdict(float)  # test module -> its clean run
        self.failed: list[str] = []
        original = runner.sql

        def recording(name: str) -> str:
            self.read[f"{name}.sql"].add(self.current)
            return original(name)

        recording.__wrapped__ = original.__wrapped__
        recording.cache_clear = original.cache_clear
        _rebind("sql", recording)

    def pytest_runtest_setup(self, item) -> None:
        self.current = item.nodeid.split("::")[0]
        _clear_caches()

    def pytest_runtest_logreport(self, report) -> None:
        self.seconds[report.nodeid.split("::")[0]] += report.duration  # setup, call, teardown
        if report.failed:
            self.failed.append(report.nodeid)


def _pytest_args(tests: list[str]) -> list[str]:
    return ["-x", "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:randomly", *tests]


def record(tests: list[str]) -> dict[str, list[str]]:
    """Run the fast tests once on the real SQL: for each file, the test modules that read it,
    fastest first (by their clean run's duration)."""
    import pytest

    import sr_pipeline.warehouse.lake  # noqa: F401 - every module that binds the runner's names
    import sr_pipeline.warehouse.schema  # noqa: F401

    recorder = _Recorder()
    code = pytest.main(_pytest_args(tests)[1:], plugins=[recorder])
    if code != 0 or recorder.failed:
        raise SystemExit(f"the clean run failed ({recorder.failed}): fix the tests first")
    return {
        path: sorted(modules, key=lambda m: (recorder.seconds[m], m))
        for path, modules in recorder.read.items()
    }


def _child(mutant: Mutant, texts: dict[str, str], tests: list[str]) -> None:
    """In the forked process: the mutant in a private copy of sql/, then the tests."""
    import pytest

    import sr_pipeline.warehouse.lake  # noqa: F401 - every module that binds the runner's names
    import sr_pipeline.warehouse.schema  # noqa: F401

    folder = Path(tempfile.mkdtemp(prefix="sr-sql-mutant-"))
    try:
        for path, text in SNAPSHOT.items():  # sql/ as it was when the run started
            target = folder / "sql" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(mutant.apply(text) if path == mutant.path else text, "utf-8")
        _rebind("SQL_ROOT", folder / "sql")
        _clear_caches()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = pytest.main(_pytest_args(tests))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(int(code))


@dataclass
class _Running:
    pid: int
    mutant: Mutant
    stage: str
    started: float


def run(
    found: list[Mutant],
    texts: dict[str, str],
    read: dict[str, list[str]],
    jobs: int,
    timeout: float,
    progress=lambda line: print(line, flush=True),
) -> dict[Mutant, str]:
    """Each mutant's status: ``killed`` (by a fast test), ``killed by month``, ``timeout``,
    ``survived``, or ``no tests`` (no fast test reads the file, and the month tests pass)."""
    queue = [(m, "fast") for m in found]
    status: dict[Mutant, str] = {}
    running: dict[int, _Running] = {}
    done = 0
    while queue or running:
        while queue and len(running) < jobs:
            mutant, stage = queue.pop(0)
            tests = read.get(mutant.path, []) if stage == "fast" else MONTH_TESTS
            if not tests:
                queue.insert(0, (mutant, "month"))
                status[mutant] = "no tests"
                continue
            pid = os.fork()
            if pid == 0:
                os.setpgid(0, 0)
                _child(mutant, texts, tests)
            running[pid] = _Running(pid, mutant, stage, time.monotonic())
        pid, code = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            for job in list(running.values()):
                limit = timeout * (4 if job.stage == "month" else 1)
                if time.monotonic() - job.started > limit:
                    os.killpg(job.pid, signal.SIGKILL)
            time.sleep(0.05)
            continue
        job = running.pop(pid)
        killed_by_signal = os.WIFSIGNALED(code)
        exit_code = os.WEXITSTATUS(code) if os.WIFEXITED(code) else -1
        if killed_by_signal:
            status[job.mutant] = "timeout"
        elif exit_code in (1, 3):  # tests failed / an internal error (the SQL broke a fixture)
            status[job.mutant] = "killed" if job.stage == "fast" else "killed by month"
        elif exit_code == 0 and job.stage == "fast":
            queue.append((job.mutant, "month"))
            continue
        elif exit_code == 0:
            status.setdefault(job.mutant, "survived")  # or "no tests", set when queued
        else:
            status[job.mutant] = f"error {exit_code}"
        done += 1
        progress(f"  {done}/{len(found)} {status[job.mutant]}: {job.mutant.path} "
                 f"({job.mutant.operator} at {job.mutant.start})")  # fmt: skip
    return status


# --- the table ---------------------------------------------------------------------------

STATUSES = ("killed", "killed by month", "timeout", "survived", "no tests")


@dataclass
class LayerScore:
    layer: str
    files: int
    lines: int
    counts: dict[str, int]
    equivalent: int

    @property
    def mutants(self) -> int:
        return sum(self.counts.values())

    @property
    def caught(self) -> int:
        return self.counts["killed"] + self.counts["killed by month"] + self.counts["timeout"]


# A mutant's fast tests are stopped after 300 s (its month tests after 4 x that). A marts
# file's fast tests take 50-90 s with two workers: a tighter limit turned slow-but-passing
# mutants into timeouts, which count as caught (one in the 2026-12-05 marts run was a mutant
# judged equivalent). Only a mutant that really hangs should reach the limit.
TIMEOUT_S = 300


def measure(
    layers: set[str] | None, jobs: int, judged: dict, timeout: float = TIMEOUT_S
) -> tuple[list[LayerScore], list[str], list[str], set]:
    """Run every mutant of the layers; per-layer scores, the survivors not judged
    equivalent (with their lines), those judged equivalent, and the judgements used."""
    found, texts = all_mutants(layers)
    print(f"{len(found)} SQL mutants in {len(texts)} files; recording which tests read which",
          flush=True)  # fmt: skip
    read = record(FAST_TESTS)
    status = run(found, texts, read, jobs, timeout)
    used: set = set()
    unexplained: list[str] = []
    explained: list[str] = []
    scores: dict[str, LayerScore] = {}
    for path, text in texts.items():
        layer = path.split("/", 1)[0]
        score = scores.setdefault(layer, LayerScore(layer, 0, 0, dict.fromkeys(STATUSES, 0), 0))
        score.files += 1
        score.lines += len(text.splitlines())
    for mutant in found:
        state = status[mutant]
        score = scores[mutant.layer]
        score.counts[state if state in STATUSES else "survived"] += 1
        if state in ("killed", "killed by month", "timeout"):
            continue
        old, new = mutant.lines(texts[mutant.path])
        key = (f"sql/{mutant.path}", mutant.operator, old, new)
        if state == "survived" and key in judged:
            used.add(key)
            score.equivalent += 1
            explained.append(f"- sql/{mutant.path} `{mutant.operator}`: `{old}` → `{new}` — "
                             f"{judged[key]}")  # fmt: skip
        else:
            unexplained.append(
                f"### sql/{mutant.path} ({mutant.operator}, {state})\n\n```diff\n- {old}\n"
                f"+ {new}\n```\n"
            )
    return [scores[k] for k in sorted(scores)], unexplained, explained, used
