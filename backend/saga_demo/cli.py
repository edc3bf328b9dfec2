"""`saga-demo serve` and `saga-demo migrate`."""

import argparse

import uvicorn

from .app import create_app
from .logs import configure_logging
from .settings import Settings
from .store import migrate


def main(argv: list[str] | None = None) -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(prog="saga-demo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, then serve")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    commands.add_parser("migrate", help="migrate the database and exit")
    args = parser.parse_args(argv)

    configure_logging(settings.log_format)
    if args.command == "migrate":
        migrate(settings.database_url)
        return
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        timeout_graceful_shutdown=5,
        # Strawberry never pings on graphql-transport-ws: uvicorn's pings keep sockets alive.
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # Events are a few hundred bytes: compressing each costs more than it saves.
        ws_per_message_deflate=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
