"""Dagster definitions, one concept per module; ``sr_pipeline.definitions`` assembles them."""

import warnings

import dagster as dg

# BackfillPolicy is beta in this Dagster; using it is a decision (one run per backfill), not
# news at every import.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
