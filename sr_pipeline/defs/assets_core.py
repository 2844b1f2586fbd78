"""Warehouse core: the funds in one shape (views over raw), and the reference data and
published figures the marts need, reloaded from ``sources/`` on every run."""

import re

import dagster as dg
import pandas as pd

from sr_pipeline.defs.assets_raw import raw_key
from sr_pipeline.defs.assets_sources import published_bulletins, reference_data
from sr_pipeline.defs.resources import WarehouseResource
from sr_pipeline.model import FUNDS
from sr_pipeline.reference import load_reference
from sr_pipeline.settings import PUBLISHED_DIR, REFERENCE_DIR
from sr_pipeline.warehouse import frame, run, run_with, transaction

CORE_PROJECTS = dg.AssetKey(["core", "projects"])
_PRECISION = re.compile(r"^(count|percent_0|millions_\d)$")
_BULLETIN_FILE = re.compile(r"^bulletin-(\d+)-(\d{4})-(\d{2})\.csv$")
_CATEGORY_DIMENSION = {
    "QIP": ("sector", "qip_sectors"),
    "TF": ("objective", "tf_objectives"),
    "PBF": ("window", "pbf_windows"),
}


def reference_tables() -> dict[str, pd.DataFrame]:
    reference = load_reference()
    regions = pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str, keep_default_na=False)
    regions["pcode"] = regions["pcode"].replace("", None)
    groups = list(dict.fromkeys(regions["region_group"]))
    categories = []
    for fund in FUNDS:
        categories += [(fund, "region_group", group) for group in groups]
        dimension, vocabulary = _CATEGORY_DIMENSION[fund]
        categories += [(fund, dimension, v) for v in getattr(reference, vocabulary).values]
    breakdown = pd.DataFrame(categories, columns=["fund", "dimension", "category"])
    breakdown["sort_order"] = breakdown.groupby(["fund", "dimension"]).cumcount() + 1
    statuses = pd.DataFrame({"status": list(reference.statuses.values)})
    statuses["sort_order"] = range(1, len(statuses) + 1)
    return {
        "regions": regions[["region", "pcode", "region_group"]],
        "statuses": statuses,
        "breakdown_categories": breakdown,
    }


def published_figures() -> pd.DataFrame:
    """Every bulletin file in sources/published/, in printed order."""
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


@dg.asset(
    key=CORE_PROJECTS,
    deps=[raw_key(fund) for fund in FUNDS] + [reference_data, published_bulletins],
    group_name="warehouse_core",
    kinds={"duckdb", "sql"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def core_projects(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Every accepted project of every version in one shape (core.projects), with the
    reference data and published figures (core.*) reloaded from sources/."""
    tables = reference_tables()
    published = published_figures()
    with warehouse.warehouse().connect() as con:
        with transaction(con):
            for name, df in {**tables, "published_figures": published}.items():
                run(con, f"delete_core_{name}")
                run_with(con, f"insert_core_{name}", df)
        counts = frame(con, "select_core_counts")
    return dg.MaterializeResult(
        metadata={
            "versions": int(counts["versions"].iloc[0]),
            "project_rows": int(counts["project_rows"].iloc[0]),
            "regions": len(tables["regions"]),
            "published_figures": len(published),
            "bulletins": ", ".join(str(b) for b in sorted(published["bulletin"].unique())),
        }
    )
