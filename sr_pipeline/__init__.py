"""sr-pipeline: the S&R bulletin's figures from the fund units' Excel trackers.

Layers, in the order data flows: ``discovery`` (which workbook files exist and which version
counts) -> ``reader`` (a workbook into canonical, validated rows, rejections and flags) ->
``warehouse`` (DuckDB: raw, core, snapshots, marts, dq) -> ``defs`` (Dagster assets, checks,
schedule and sensor).
"""
