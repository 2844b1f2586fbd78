"""sr-pipeline: the S&R bulletin's figures from the fund units' Excel trackers.

The folders are the stages, each importing only from those before it (``tests/test_layers.py``):
``settings``/``model`` (where things are, the shared records) -> ``language/`` (every sentence
and format, both languages) and ``reference/`` -> ``trackers/`` (discovery, safety, the reader:
a workbook into canonical, validated rows, rejections and flags) -> ``warehouse/`` (DuckDB:
raw, core, snapshots, marts, dq; publishing to a file or a DuckLake) -> the outputs
(``feedback/``, ``templates/``, ``bulletin/``, ``portal/``, ``figures``, ``docs``) -> ``defs/``
(Dagster assets, checks, schedule and sensor) -> ``service/`` (running it for the section).
"""
