"""Storage: the DuckDB work database a run builds in and what it publishes.

- ``sql``: the one helper that runs the SQL files of ``sql/<layer>/`` (bound parameters only);
- ``schema``: the definitions (tables, views, macros) and applying them;
- ``layers``: rebuilding a month's snapshots, marts and dq;
- ``publishing``: the work database and the one publishing interface, with the DuckDB file as
  one strategy and ``lake`` (the section's DuckLake) as the other;
- ``raw``: the rows read from each tracker version; ``acceptance``: what a run may not do in
  silence; ``as_published``: a month rebuilt as it was published; ``digests``: proof that two
  builds hold the same rows and files.
"""
