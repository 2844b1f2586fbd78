"""The parts of ``docs/`` that are generated, so they cannot drift from the code.

``docs/trackers.md`` and ``docs/tables.md`` are prose written by hand with generated blocks between
``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``: each fund's contract (from
``sr_pipeline.trackers.contracts``, the rules and the reference data) and every table and column
(from the ``COMMENT ON`` lines of ``sr_pipeline/warehouse/sql/``, read back from a warehouse built
in memory).

    python -m sr_pipeline.docs          # rewrite the generated blocks of docs/
    python -m sr_pipeline.docs --check  # exit 1 if any block is out of date (the tests do this)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from sr_pipeline.language.feedback import ACCEPTED
from sr_pipeline.reference import fund_facts, load_reference
from sr_pipeline.settings import project_root
from sr_pipeline.trackers.contracts import CONTRACTS, Field, SheetContract
from sr_pipeline.trackers.rules import FLAG_RULES, ROW_RULES
from sr_pipeline.warehouse.schema import apply_schema

PUBLIC_SCHEMAS = ("snapshots", "marts", "dq")
INTERNAL_SCHEMAS = ("raw", "core")
LANGUAGES = {"en": "English", "fr": "French"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _accepted(field: Field, sheet: SheetContract) -> str:
    """What a cell of the field may hold, in words (the feedback's own English wording)."""
    kind = field.kind
    reference = load_reference()
    inner = kind.split(":", 1)[1] if kind.startswith("list:") else kind
    vocabulary = reference.vocabularies().get(inner)
    if vocabulary is not None:
        text = f"`{inner}` vocabulary (below)"
        return f"one or more, separated by `,` `;` `/` or `et`: {text}" if kind != inner else text
    if kind == "currency":
        blank = f"; blank = {sheet.default_currency}" if sheet.default_currency else ""
        return ", ".join(sheet.currencies) + blank
    if kind in ("code", "mptf"):
        pattern = f"`{field.pattern}`" if field.pattern else ""
        return f"{pattern}, e.g. `{field.example}`"
    entry = ACCEPTED.get(f"kind:{kind}")
    return entry["en"] if entry else kind


def funds_block() -> str:
    parts = []
    for fund, contract in CONTRACTS.items():
        facts = fund_facts()[fund]
        parts.append(f"### {facts.name} ({fund})\n")
        parts.append(
            f"- File name: `{contract.file_name}` (e.g. `{contract.example}`), optionally with a "
            "revision suffix `_v2`, `_rev` or `_corrigé`.\n"
            f"- The unit's language (feedback, template): {LANGUAGES[facts.language]}.\n"
            f"- `category` in the warehouse: the {facts.category_dimension}."
        )
        for sheet in contract.sheets:
            parts.append(f"\n#### Sheet `{sheet.sheet}`\n")
            if sheet.has_title_date:
                example = f"\u201c{contract.title}\u201d"
                parts.append(f"A title above the header states the report date, e.g. {example}.\n")
            rows = [
                [
                    f"`{f.name}`",
                    ", ".join(f"`{h}`" for h in f.headers),
                    "yes" if f.required else "",
                    _accepted(f, sheet),
                ]
                for f in sheet.fields
            ]
            parts.append(_table(["field", "headers accepted", "required", "values"], rows))
            notes = []
            if sheet.key:
                notes.append(f"`{sheet.key}` is unique in the file.")
            if sheet.conversion:
                c = sheet.conversion
                override = f" unless `{c.override}` is filled in" if c.override else ""
                notes.append(
                    f"`{c.amount}` converts to USD (`{c.output}`) at the rate of the month of "
                    f"`{c.date}`{override}."
                )
            notes += [
                f"Row rule (rejects the row): {ROW_RULES[r].description}." for r in sheet.row_rules
            ]
            notes += [
                f"Business rule `{r}` (flags the row, still counted): {FLAG_RULES[r].description}."
                for r in sheet.flags
            ]
            parts.append("\n" + "\n".join(f"- {n}" for n in notes))
        parts.append("")
    return "\n".join(parts).strip()


def vocabularies_block() -> str:
    reference = load_reference()
    parts = []
    for kind, vocabulary in reference.vocabularies().items():
        rows = []
        for value in vocabulary.values:
            row = [f"`{value}`"]
            if kind == "region":
                row += [reference.pcodes.get(value) or "", reference.region_groups.get(value, "")]
            labels = {reference.label(kind, value, lang) for lang in ("en", "fr")} - {value}
            row.append(", ".join(sorted(labels)))
            row.append(", ".join(vocabulary.spellings.get(value, ())))
            rows.append(row)
        headers = ["canonical value"]
        if kind == "region":
            headers += ["OCHA P-code", "bulletin group"]
        headers += ["as a clerk writes it", "spellings listed"]
        parts.append(f"#### `{kind}`\n\n" + _table(headers, rows))
    parts.append(
        "Every spelling is one line of the vocabulary's CSV in `sr_pipeline/reference/`; "
        "they compare as headers do (case, accents, stray spaces do not matter)."
    )
    return "\n\n".join(parts)


def _comments() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_schema(con)
    return con


def tables_block(schemas: tuple[str, ...]) -> str:
    con = _comments()
    tables = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE list_contains(?, schema_name) "
        "UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views() "
        "WHERE list_contains(?, schema_name) AND NOT internal ORDER BY 1, 2",
        [list(schemas), list(schemas)],
    ).fetchall()
    parts = []
    for schema, name, comment in tables:
        columns = con.execute(
            "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
            "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
        parts.append(
            f"### `{schema}.{name}`\n\n{comment or ''}\n\n"
            + _table(["column", "type", "meaning"], [[f"`{c}`", t, m] for c, t, m in columns])
        )
    con.close()
    return "\n\n".join(parts)


BLOCKS: dict[str, dict[str, Callable[[], str]]] = {
    "trackers.md": {"funds": funds_block, "vocabularies": vocabularies_block},
    "tables.md": {
        "public-tables": lambda: tables_block(PUBLIC_SCHEMAS),
        "internal-tables": lambda: tables_block(INTERNAL_SCHEMAS),
    },
}


def render(text: str, blocks: dict[str, Callable[[], str]]) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, make in blocks.items():
        pattern = re.compile(
            rf"(<!-- generated: {re.escape(name)} -->).*?(<!-- end: {re.escape(name)} -->)",
            re.S,
        )
        if not pattern.search(text):
            raise ValueError(f"no block {name!r}")
        content = make()
        text = pattern.sub(
            lambda m, content=content: f"{m.group(1)}\n{content}\n{m.group(2)}", text
        )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/ is out of date")
    parser.add_argument("--docs", type=Path, default=project_root() / "docs")
    args = parser.parse_args(argv)
    stale = []
    for name, blocks in BLOCKS.items():
        path = args.docs / name
        text = path.read_text(encoding="utf-8")
        fresh = render(text, blocks)
        if fresh != text:
            stale.append(name)
            if not args.check:
                path.write_text(fresh, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python -m sr_pipeline.docs)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
