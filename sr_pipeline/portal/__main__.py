"""The portal's commands.

    python -m sr_pipeline.portal add-user EMAIL --fund QIP|TF|PBF|ALL --password-file FILE
        create the account (or reset its password), print its new API token as the last line
    python -m sr_pipeline.portal serve     gunicorn in the foreground (systemd, make serve)
    python -m sr_pipeline.portal start     the same in the background (make portal)
    python -m sr_pipeline.portal stop      stop it, and every process it started (make portal-stop)
    python -m sr_pipeline.portal status

``SR_PORTAL_HOST`` (127.0.0.1) and ``SR_PORTAL_PORT`` (8090) say where it listens; the
store's settings are in ``sr_pipeline.portal.settings``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sr_pipeline.portal.settings")

BIN = Path(sys.executable).parent
PROCESS = "portal"
READY_TIMEOUT_S = 60


def _django():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def add_user(email: str, fund: str, password_file: Path) -> str:
    """Create or update the account; its new token (only its sha256 is kept)."""
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.db import transaction

    from sr_pipeline.portal.models import Account, token_digest

    password = password_file.read_text().strip()
    users = get_user_model()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        user, _ = users.objects.get_or_create(username=email, defaults={"email": email})
        validate_password(password, user)
        user.set_password(password)
        user.email = email
        user.save()
        Account.objects.update_or_create(
            user=user, defaults={"fund": fund, "token_sha256": token_digest(token)}
        )
    return token


def address() -> tuple[str, int]:
    return os.environ.get("SR_PORTAL_HOST", "127.0.0.1"), int(
        os.environ.get("SR_PORTAL_PORT", "8090")
    )


def gunicorn_argv(host: str, port: int) -> list[str]:
    from sr_pipeline.portal.checking import CHECK_SECONDS
    from sr_pipeline.settings import project_root

    return [
        str(BIN / "gunicorn"), "sr_pipeline.portal.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", os.environ.get("SR_PORTAL_WORKERS", "2"),
        "--timeout", str(int(CHECK_SECONDS) + 60), "--chdir", str(project_root()),
        "--access-logfile", "-", "--limit-request-line", "8190",
    ]  # fmt: skip


def _dirs() -> tuple[Path, Path]:
    from sr_pipeline.portal.settings import PORTAL_DIR

    return PORTAL_DIR / "run", PORTAL_DIR / "log"


def start() -> int:
    from sr_pipeline import processes

    _django()
    run_dir, log_dir = _dirs()
    host, port = address()
    if processes.running(PROCESS, run_dir):
        print(f"portal: already running on http://{host}:{port}")
        return 0
    processes.start(PROCESS, gunicorn_argv(host, port), run_dir=run_dir, log_dir=log_dir,
                    env=dict(os.environ), cwd=Path.cwd())  # fmt: skip
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if not processes.running(PROCESS, run_dir):
            print((log_dir / f"{PROCESS}.log").read_text()[-3000:], file=sys.stderr)
            return 1
        try:
            urllib.request.urlopen(f"http://{host}:{port}/login/", timeout=2).close()
            print(f"portal: http://{host}:{port} (log {log_dir / PROCESS}.log)")
            return 0
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    processes.stop(PROCESS, run_dir)
    print("portal: not answering after start-up; stopped", file=sys.stderr)
    return 1


def stop() -> int:
    from sr_pipeline import processes

    run_dir, _ = _dirs()
    print("portal: stopped" if processes.stop(PROCESS, run_dir) else "portal: not running")
    return 0


def status() -> int:
    from sr_pipeline import processes

    run_dir, _ = _dirs()
    found = processes.recorded(PROCESS, run_dir)
    host, port = address()
    print(f"portal: running, pid {found.pid}, http://{host}:{port}" if found else "portal: stopped")
    return 0 if found else 3


def serve() -> int:
    _django()
    argv = gunicorn_argv(*address())
    os.execv(argv[0], argv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sr_pipeline.portal")
    commands = parser.add_subparsers(dest="command", required=True)
    user = commands.add_parser("add-user", help="create an account; prints its API token last")
    user.add_argument("email")
    user.add_argument("--fund", required=True, choices=["QIP", "TF", "PBF", "ALL"])
    user.add_argument("--password-file", required=True, type=Path)
    for name in ("serve", "start", "stop", "status", "migrate"):
        commands.add_parser(name)
    args = parser.parse_args(argv)
    if args.command == "add-user":
        token = add_user(args.email, args.fund, args.password_file)
        print(f"account {args.email} ({args.fund}); its API token:")
        print(token)
        return 0
    if args.command == "migrate":
        _django()
        return 0
    return {"serve": serve, "start": start, "stop": stop, "status": status}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
