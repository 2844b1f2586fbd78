"""The section's service on one machine: PostgreSQL for Dagster's history, the code server,
the daemon, the webserver, a read-only webserver and, when configured, an nginx proxy that asks
for credentials; each its own process, started and stopped together.

``python -m sr_pipeline.service start|stop|status`` (``make serve`` / ``make serve-stop``).
The parts are reusable: :mod:`.postgres` manages a private PostgreSQL cluster (a DuckLake
catalog can use one too), :mod:`.processes` starts and stops long-running processes, and
:mod:`.stack` puts the Dagster deployment of ``deploy/`` together. Settings:
:mod:`.config`.
"""
