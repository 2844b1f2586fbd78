"""Tests of sr_pipeline/reference/: the reference data pinned to the section's contract."""
