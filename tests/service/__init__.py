"""The section's service (sr_pipeline/service/), started for real."""
