"""``python -m sr_pipeline.service start|stop|status|migrate|render-nginx``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from sr_pipeline.service import proxy, stack
from sr_pipeline.service.config import ServiceConfig
from sr_pipeline.service.postgres import PostgresError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sr_pipeline.service",
        description="The section's Dagster service on this machine (settings: environment "
        "variables, see sr_pipeline/service/config.py and docs/operations.md).",
    )
    parser.add_argument(
        "command",
        choices=["start", "stop", "status", "migrate", "render-nginx"],
        help="start/stop every part; status; migrate Dagster's tables after an upgrade "
        "(service stopped); print the nginx site for a server's /etc/nginx",
    )
    args = parser.parse_args(argv)
    os.umask(stack.UMASK)  # what the service, its runs and its tools write: no access for others
    config = ServiceConfig.from_env()
    began = time.monotonic()
    if args.command == "start":
        try:
            stack.start(config)
        except (stack.ServiceError, PostgresError, OSError, RuntimeError, ValueError) as exc:
            print(f"start failed (everything stopped again): {exc}", file=sys.stderr)
            return 1
        print(f"started in {time.monotonic() - began:.1f} s; UI {config.people_url}")
    elif args.command == "stop":
        stack.stop(config)
        print(f"stopped in {time.monotonic() - began:.1f} s")
    elif args.command == "status":
        for name, state in stack.status(config).items():
            print(f"{name:<20} {state}")
    elif args.command == "migrate":
        if stack.any_running(config):
            print("stop the service first (make serve-stop)", file=sys.stderr)
            return 1
        stack.start_postgres(config, print)
        stack.render(config)
        done = subprocess.run(
            [str(stack.BIN / "dagster"), "instance", "migrate"], env=stack.process_env(config)
        )
        if config.private_postgres:
            stack.cluster(config).stop()
        return done.returncode
    elif args.command == "render-nginx":
        try:
            print(proxy.render_site(config), end="")
        except ValueError as exc:
            print(f"render-nginx: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
