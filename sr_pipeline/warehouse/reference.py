"""The reference data as the warehouse's core.* tables hold it, and loading them."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from sr_pipeline.model import FUNDS
from sr_pipeline.reference import PUBLISHED_DIR, fund_facts, load_reference
from sr_pipeline.warehouse.sql import run, run_with, transaction

_PRECISION = re.compile(r"^(count|percent_0|millions_\d)$")
_BULLETIN_FILE = re.compile(r"^bulletin-(\d+)-(\d{4})-(\d{2})\.csv$")


def _ordered(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df["sort_order"] = range(1, len(df) + 1)
    return df


def reference_tables() -> dict[str, pd.DataFrame]:
    """The reference data as the core.* tables hold it."""
    reference = load_reference()
    facts = fund_facts()
    funds = _ordered(
        [vars(f) for f in facts.values()],
        ["fund", "name", "abbreviation", "language", "category_dimension"],
    )
    regions = pd.DataFrame(
        {
            "region": list(reference.region_groups),
            "pcode": [reference.pcodes[r] for r in reference.region_groups],
            "region_group": list(reference.region_groups.values()),
        }
    )
    groups = list(dict.fromkeys(reference.region_groups.values()))
    categories = []
    for fund in FUNDS:
        categories += [(fund, "region_group", group) for group in groups]
        dimension = facts[fund].category_dimension
        categories += [(fund, dimension, value) for value in reference.categories(fund)]
    breakdown = pd.DataFrame(categories, columns=["fund", "dimension", "category"])
    breakdown["sort_order"] = breakdown.groupby(["fund", "dimension"]).cumcount() + 1
    return {
        "funds": funds,
        "budget_lines": pd.DataFrame(sorted(reference.budget_lines), columns=["fund", "category"]),
        "regions": regions,
        "statuses": _ordered([{"status": s} for s in reference.statuses.values], ["status"]),
        "breakdown_categories": breakdown,
    }


def published_figures() -> pd.DataFrame:
    """Every bulletin file in the reference data's published/, in printed order."""
    frames = []
    for path in sorted(PUBLISHED_DIR.glob("bulletin-*.csv")):
        if not _BULLETIN_FILE.match(path.name):
            raise ValueError(f"{path.name}: published files are named bulletin-<n>-<YYYY-MM>.csv")
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["line"] = range(2, len(df) + 2)
        bad = df[~df["precision"].str.match(_PRECISION)]
        if len(bad):
            raise ValueError(f"{path.name}: unknown precision {bad['precision'].tolist()}")
        frames.append(df)
    columns = ["bulletin", "line", "as_of", "fund", "data_as_of", "figure", "published"]
    columns += ["precision", "printed", "note"]
    if not frames:
        return pd.DataFrame(columns=columns)
    df = pd.concat(frames, ignore_index=True)
    df["bulletin"] = df["bulletin"].astype(int)
    df["published"] = df["published"].astype(float)
    for column in ("as_of", "data_as_of"):
        df[column] = pd.to_datetime(df[column].replace("", None))
    for column in ("printed", "note"):
        df[column] = df[column].replace("", None)
    return df[columns]


def load_core_reference(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Replace every core reference table (and the published figures), in one transaction."""
    tables = {**reference_tables(), "published_figures": published_figures()}
    with transaction(con):
        for name, df in tables.items():
            run(con, f"core/delete_{name}")
            run_with(con, f"core/insert_{name}", df)
    return tables
