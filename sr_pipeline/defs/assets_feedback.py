"""Feedback for the fund units: one workbook per tracker version, in the unit's language.

A version's feedback is written once, when it is first needed after being loaded into raw
(and again if the file has gone missing), from what the raw step recorded
(``sr_pipeline.warehouse.raw.load_version``): the clerk's own data sheet with every problem cell
highlighted and commented, and a summary sheet of what to fix (``sr_pipeline.feedback``).
The originals in the trackers folder are only read, to reproduce their cells.
"""

import dagster as dg
import pandas as pd

from sr_pipeline.defs import checks
from sr_pipeline.defs.assets_raw import raw_key
from sr_pipeline.defs.resources import TrackersFolder, WarehouseResource
from sr_pipeline.language.wording import counted
from sr_pipeline.model import FUNDS, TrackerFile
from sr_pipeline.trackers.discovery import recognise
from sr_pipeline.trackers.safety import sha256_of
from sr_pipeline.warehouse.layers import refresh_data_quality
from sr_pipeline.warehouse.raw import load_version
from sr_pipeline.warehouse.sql import frame, run, transaction

FEEDBACK = dg.AssetKey(["dq", "feedback_workbooks"])


@dg.asset(
    key=FEEDBACK,
    deps=[raw_key(fund) for fund in FUNDS],
    group_name="dq",
    kinds={"python", "excel"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def feedback_workbooks(
    context: dg.AssetExecutionContext, trackers: TrackersFolder, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Feedback workbooks for the fund units: every problem cell highlighted and explained."""
    folder = trackers.folder()
    target = warehouse.warehouse()
    out_dir = target.folder / "feedback"
    written: list[dict] = []
    with target.connect() as con:
        versions = frame(con, "dq/select_feedback_due")
        for version in versions.itertuples(index=False):
            recorded = version.feedback_file
            if isinstance(recorded, str) and (target.folder / recorded).exists():
                continue
            tracker = recognise(folder / version.path)
            if not isinstance(tracker, TrackerFile) or not tracker.path.is_file():
                continue
            if sha256_of(tracker.path) != version.sha256:  # replaced since the scan: next run
                continue
            # The workbook writer (xlsxwriter, openpyxl, calamine): imported when a workbook
            # is written, not when every workbook is there already.
            from sr_pipeline.feedback import feedback_counts, write_feedback

            record = load_version(con, version.sha256, tracker)
            path = write_feedback(record, out_dir)
            counts = feedback_counts(record)
            problems = counts["rejections"] + counts["flags"] + counts["refused"]
            relative = str(path.relative_to(target.folder))
            with transaction(con):
                params = {"sha256": version.sha256}
                run(con, "core/delete_feedback_file", params)
                run(
                    con, "core/insert_feedback_file",
                    {**params, "fund": version.fund, "source_file": version.source_file,
                     "feedback_file": relative, "problems": problems},
                )  # fmt: skip
            written.append({"feedback_file": relative, **counts})
            found = counted(problems, "problem", "problems")
            context.log.info(f"feedback for {tracker.name}: {relative} ({found})")
        refresh_data_quality(con)
        quality = frame(con, "dq/select_data_quality")
    metadata: dict[str, dg.MetadataValue | int | str] = {
        "feedback_folder": dg.MetadataValue.path(str(out_dir)),
        "workbooks_written": len(written),
        "data_quality": checks.markdown(quality, limit=20),
    }
    if written:
        metadata["written"] = checks.markdown(pd.DataFrame(written), limit=20)
        metadata["last_written"] = dg.MetadataValue.path(
            str(target.folder / written[-1]["feedback_file"])
        )
    return dg.MaterializeResult(metadata=metadata)
