"""The package's folders are its stages, and code only imports downwards.

What it guards against: a helper added where it was handy (a library module reaching into
``defs/`` for a date function, the templates borrowing three names from the feedback, the
warehouse and the lake importing each other through deferred imports) until nobody can say
which stage owns what, and a cycle that only works because of the order modules happen to be
imported in. Every import in ``sr_pipeline/`` is read from the source (top level, inside
functions and under ``TYPE_CHECKING`` alike), so a deferred import is no way around the rule.

The layers, each importing only from those before it (or from within itself):

1. ``settings``, ``mail`` and ``processes`` (the supervisor of the service's and the portal's
   long-running processes), stdlib only;
2. ``language/``; 3. ``reference/``; 4. ``model`` (its records carry messages and the funds'
   facts);
5. ``trackers/`` (reading); 6. ``warehouse/`` (storage);
7. the outputs, siblings that never import each other except where ``SIBLINGS`` says:
   ``feedback/``, ``templates/``, ``bulletin/``, ``portal/``, ``figures``, ``docs``;
8. ``defs/`` and ``definitions`` (the Dagster wiring);
9. ``service/`` (running it for the section).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests import ROOT

PACKAGE = ROOT / "sr_pipeline"
LAYERS: tuple[tuple[str, ...], ...] = (
    ("settings", "mail", "processes"),
    ("language",),
    ("reference",),
    ("model",),
    ("trackers",),
    ("warehouse",),
    ("feedback", "templates", "bulletin", "portal", "figures", "docs"),
    ("defs",),
    ("service",),
)
# The outputs that may use another output: the portal checks a file as the pipeline would and
# writes the same feedback workbook, and names files as the templates do; the figures command
# prints the bulletin's own sentences.
SIBLINGS = {("portal", "feedback"), ("portal", "templates"), ("figures", "bulletin")}
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    files = PACKAGE.rglob("*.py")
    return {_module(p): p for p in files if "migrations" not in p.relative_to(PACKAGE).parts}


def _resolve(name: str, known: dict[str, Path]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules ``path`` imports (``from a import b``: ``a.b`` when it is a module,
    else ``a``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {_resolve(n, known) for n in names if n.startswith("sr_pipeline.")}
    return found - {""}


def _part(module: str) -> str:
    """The stage a module belongs to (``definitions`` is the wiring's entry point)."""
    part = module.split(".")[1] if "." in module else ""
    return "defs" if part == "definitions" else part


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def breaches(graph: dict[str, set[str]]) -> list[str]:
    """Every import that goes upwards, or sideways between outputs without leave."""
    wrong = []
    for module, imported in sorted(graph.items()):
        here = _part(module)
        for other in sorted(imported):
            there = _part(other)
            if not here or not there or here == there:
                continue
            if here not in RANK or there not in RANK:
                wrong.append(f"{module} -> {other}: {here or there} is in no layer")
            elif RANK[there] > RANK[here]:
                wrong.append(f"{module} -> {other}: upwards")
            elif RANK[there] == RANK[here] and (here, there) not in SIBLINGS:
                wrong.append(f"{module} -> {other}: sideways")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles between modules (strongly connected components of two or more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_in_a_layer_and_imports_only_downwards() -> None:
    graph = _graph()
    assert len(graph) > 80  # the whole package was read
    assert breaches(graph) == []


def test_no_module_imports_the_dagster_wiring_or_the_service() -> None:
    graph = _graph()
    wiring = ("defs", "definitions", "service")
    wrong = [
        f"{module} -> {other}"
        for module, imported in graph.items()
        for other in imported
        if _part(other) in wiring and _part(module) not in (*wiring[:2], _part(other))
    ]
    assert wrong == []


def test_there_is_no_import_cycle() -> None:
    assert cycles(_graph()) == []


def test_the_check_fails_on_a_breach() -> None:
    """The rule is not vacuous: an upward import, a sideways one and a cycle are each found."""
    graph = {
        "sr_pipeline.trackers.reader": {"sr_pipeline.defs.partitions"},
        "sr_pipeline.templates.spec": {"sr_pipeline.feedback"},
        "sr_pipeline.warehouse.lake": {"sr_pipeline.warehouse.publishing"},
        "sr_pipeline.warehouse.publishing": {"sr_pipeline.warehouse.lake"},
    }
    assert breaches(graph) == [
        "sr_pipeline.templates.spec -> sr_pipeline.feedback: sideways",
        "sr_pipeline.trackers.reader -> sr_pipeline.defs.partitions: upwards",
    ]
    assert cycles(graph) == [["sr_pipeline.warehouse.lake", "sr_pipeline.warehouse.publishing"]]
