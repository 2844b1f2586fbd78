"""Asset checks: their names, and how a check result is made from what a step found.

Checks are declared on their assets (``check_specs``) and evaluated inside the step that
wrote the data, so they cost no extra step and carry the failure cases themselves. A check
fails with ERROR (and blocks what depends on it) only when a figure would be wrong; what a
fund unit should look at (rejected rows, rule flags, refused files, stale data, published
figures that differ) is a WARN.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

from sr_pipeline.language.wording import counted

# On raw/<fund>: every data row of each newly read version is loaded or rejected with a reason.
ROWS_ACCOUNTED_FOR = "rows_accounted_for"
# On snapshots/projects.
SNAPSHOT_SCHEMA_VALID = "snapshot_schema_valid"
DATA_FRESH = "data_fresh"
# On marts/reconciliation.
PUBLISHED_FIGURES_MATCH = "published_figures_match"
# On dq/*.
NO_REJECTED_ROWS = "no_rejected_rows"
NO_REJECTED_FILES = "no_rejected_files"
NO_RULE_FLAGS = "no_rule_flags"

# A fund whose data is older than this many months before as_of is stale.
STALE_AFTER_MONTHS = 3
PREVIEW_ROWS = 25


def markdown(df: pd.DataFrame, limit: int = PREVIEW_ROWS) -> dg.MetadataValue:
    """A small markdown table for the UI (the first ``limit`` rows)."""
    if df.empty:
        return dg.MetadataValue.md("_none_")
    shown = df.head(limit).astype(object).where(df.head(limit).notna(), "")
    text = shown.to_markdown(index=False)
    if len(df) > limit:
        text += f"\n\n_… {len(df) - limit} more rows_"
    return dg.MetadataValue.md(text)


def warn_if_any(
    name: str, asset_key: dg.AssetKey, found: pd.DataFrame, what: tuple[str, str]
) -> dg.AssetCheckResult:
    """Passes when ``found`` is empty; otherwise a WARN listing the rows. ``what``: the noun
    phrase for one row and for several ("refused file", "refused files")."""
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=asset_key,
        passed=found.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=counted(len(found), *what) if len(found) else f"no {what[1]}",
        metadata={"count": len(found), "rows": markdown(found)},
    )


def schema_result(
    name: str, asset_key: dg.AssetKey, failures: list[pd.DataFrame], checked: int
) -> dg.AssetCheckResult:
    """ERROR when pandera found failure cases (a figure would be wrong)."""
    cases = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=asset_key,
        passed=cases.empty,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "frames_checked": checked,
            "failure_cases": len(cases),
            "failures": markdown(cases),
        },
    )


def warn_spec(name: str, asset: dg.AssetKey | list[str], description: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=asset, description=description)


def blocking_spec(name: str, asset: dg.AssetKey | list[str], description: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=asset, description=description, blocking=True)
