"""Every path, module and make target that the README and ``docs/`` name exists.

Guards against: a module moved or renamed while the docs still send readers to the old place
(the README once named ``tests/test_ui_browser.py`` after it had moved; ``docs/rules.md``
named a SQL view file that never existed); a link to a section that was renamed or moved to
another page; a ``python -m`` command or a ``make`` target that no longer runs; and the
repository pointing at the customer's documents outside it instead of explaining itself.

What counts as a path: text in backticks, or a Markdown link target, that starts with one of
the repository's own folders (``sr_pipeline/``, ``tests/``, ``docs/``, ...) or is one of its
top-level files. Placeholders (``<layer>``) and ``*`` match any name; ``warehouse/...``
paths are what a run writes, not repository files, and are not checked. The short paths
of ``docs/rules.md``'s "implemented in" column are checked by ``tests/test_docs.py``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
ROOTS = ("sr_pipeline", "tests", "docs", "deploy", "benchmarks", "demo", "sources", ".ci")
TOP_FILES = ("Makefile", "pyproject.toml", "README.md", "workspace.yaml")

_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+(?:\n[^`\n]+)?)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_PATH = re.compile(
    rf"^(?:\./)?(?:(?:{'|'.join(re.escape(r) for r in ROOTS)})/\S*|{'|'.join(TOP_FILES)})$"
)
OUTPUTS = ("benchmarks/out/",)  # what a command writes (git-ignored), not a repository file
_MODULE = re.compile(r"python -m\s+([\w.]+)")
_MAKE = re.compile(r"\bmake ([a-z][\w-]*)")
_TARGET = re.compile(r"^([\w][\w-]*)\s*:(?!=)", re.M)


def _code(text: str) -> list[str]:
    """The text of every code span and fenced block."""
    fences = _FENCE.findall(text)
    rest = _FENCE.sub("", text)
    return fences + _SPAN.findall(rest)


def _exists(path: str, base: Path) -> bool:
    path = re.sub(r"<[^>]*>", "*", path.split("::")[0]).rstrip(".,;:")
    path = path.removeprefix("./")
    if not any(ch in path for ch in "*?["):
        return (base / path).exists()
    path = re.sub(r"\*\*(?=[^/])", "**/*", path)  # `**.xlsx`: any file at any depth
    return any(base.glob(path.rstrip("/")))


def _named_paths(text: str) -> set[str]:
    paths = set()
    for code in _code(text):
        for token in code.split():
            token = token.strip("'\"(),;")
            if _PATH.match(token) and not token.startswith(OUTPUTS):
                paths.add(token)
    return paths


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_named_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = sorted(p for p in _named_paths(text) if not _exists(p, ROOT))
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_leads_somewhere(page: Path) -> None:
    broken = []
    for target in _LINK.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists() or ROOT not in dest.parents:
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert broken == []


def _module_runs(module: str) -> bool:
    parts = module.split(".")
    if parts[0] in ("sr_pipeline", "demo"):
        base = ROOT.joinpath(*parts)
        return base.with_suffix(".py").is_file() or (base / "__main__.py").is_file()
    return importlib.util.find_spec(parts[0]) is not None


def test_every_python_module_named_runs() -> None:
    named = {
        (page.name, module)
        for page in PAGES
        for code in _code(page.read_text(encoding="utf-8"))
        for module in _MODULE.findall(code.replace("\n", " "))
    }
    assert len(named) > 10  # the commands are there
    assert sorted(n for n in named if not _module_runs(n[1])) == []


def test_every_make_target_named_exists() -> None:
    targets = set(_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    named = set()
    for page in PAGES:
        for code in _code(page.read_text(encoding="utf-8")):
            named |= {(page.name, target) for target in _MAKE.findall(code)}
    assert {"demo", "test"} <= {w for _, w in named}
    assert sorted(n for n in named if n[1] not in targets) == []


_ELSEWHERE = ("FIGURES" + ".md", "TRACKERS" + ".md", "../" + "shared")


def test_nothing_points_outside_the_repository() -> None:
    """The contract is stated in docs/, in the project's words: no file names the
    customer's documents, which are not in the repository."""
    found = []
    for folder in ("sr_pipeline", "tests", "docs", "deploy", "benchmarks", "demo", ".ci"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {
                ".py",
                ".sql",
                ".md",
                ".yaml",
                ".csv",
                ".txt",
                ".conf",
                ".html",
                "",
            }:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for line_no, line in enumerate(text.splitlines(), 1):
                if any(name in line for name in _ELSEWHERE):
                    found.append(f"{path.relative_to(ROOT)}:{line_no}")
    for path in (ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"):
        if any(name in path.read_text(encoding="utf-8") for name in _ELSEWHERE):
            found.append(path.name)
    assert found == []
