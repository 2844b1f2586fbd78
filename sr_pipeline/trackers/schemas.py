"""pandera schemas, built from the source contracts (one generic builder, no per-fund code).

The schema is the typed gate a sheet's rows pass after parsing: required fields present,
identifiers in their pattern, amounts non-negative, vocabulary values canonical, cross-field
row rules (as DataFrame checks). It is validated lazily so every failure is collected.
"""

from __future__ import annotations

import pandera.pandas as pa

from sr_pipeline.reference import Reference
from sr_pipeline.trackers.contracts import SheetContract
from sr_pipeline.trackers.rules import ROW_RULES

_DTYPES = {"amount": "float64", "date": "datetime64[ns]", "whole": "Int64"}


def build_schema(sheet: SheetContract, reference: Reference) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {}
    for field in sheet.fields:
        checks = []
        if field.pattern:
            checks.append(pa.Check.str_matches(rf"^(?:{field.pattern})$"))
        if field.kind == "amount":
            checks.append(pa.Check.ge(0))
        if field.kind == "currency":
            checks.append(pa.Check.isin(sheet.currencies))
        vocabulary = reference.vocabularies().get(field.kind)
        if vocabulary:
            checks.append(pa.Check.isin(vocabulary.values))
        columns[field.name] = pa.Column(
            _DTYPES.get(field.kind, object),
            nullable=not field.required,
            checks=checks,
            required=False,  # optional columns may be absent from the workbook
        )
    # Rules on the USD amount run after conversion, in the reader (``_rules_after_conversion``).
    # ignore_na=False: with pandera's default a row whose cells are all missing passes, which
    # costs a missing-value scan of the whole frame per rule; the reader's frame has the
    # report date on every row, so no row is all missing and the outcome is the same.
    checks = [
        pa.Check(ROW_RULES[name].ok, name=name, ignore_na=False)
        for name in sheet.row_rules
        if not ROW_RULES[name].after_conversion
    ]
    return pa.DataFrameSchema(columns, checks=checks, name=sheet.sheet)
