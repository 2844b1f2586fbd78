"""``dagster-webserver`` on a Unix socket instead of a TCP port.

``python -m sr_pipeline.service.webserver --socket PATH <dagster-webserver options>``.

Dagster's webserver has no login and listens only on TCP, where every account of the machine
can reach it (and launch, stop or wipe). On a socket, who may connect is decided by the folder
the socket sits in (``ServiceConfig.web_dir``: the service's user and nginx's workers); the
webserver itself is unchanged: its own command line runs, and only the final
``uvicorn.run(app, host=..., port=...)`` is given ``uds=PATH`` instead (uvicorn serves Unix
sockets natively). ``tests/service/test_service.py`` shows it answers nginx and refuses
another account.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    import uvicorn
    from dagster_webserver import cli

    args = list(sys.argv[1:] if argv is None else argv)
    at = args.index("--socket")
    socket = args[at + 1]
    del args[at : at + 2]
    serve = uvicorn.run

    def on_socket(app, host=None, port=None, **options) -> None:
        serve(app, uds=socket, **options)

    uvicorn.run = on_socket  # the name dagster_webserver.cli calls, in this process only
    sys.argv = ["dagster-webserver", *args]
    cli.main()


if __name__ == "__main__":
    main()
