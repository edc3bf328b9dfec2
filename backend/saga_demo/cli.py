"""`saga-demo serve`, `migrate`, `delete-data` and `bench`."""

import argparse
import logging
import socket
import sys
from types import ModuleType

import uvicorn

from .api.websocket_protocol import LeanWebSocketProtocol
from .app import create_app
from .logs import configure_logging, flush_logs
from .migrations import migrate
from .settings import PARTICIPANT_PORTS, REPOSITORY_ROOT, Settings
from .store import DatabaseInUse, delete_data, serving, sqlite_file
from .tracing import configure_tracing

logger = logging.getLogger("saga_demo")


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, saying where to go once it listens, and leaving no log line unwritten
    when it ends (uvicorn ends by re-raising SIGTERM, which skips `atexit`)."""

    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self._settings = settings

    async def _serve(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super()._serve(sockets)
        finally:
            flush_logs()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started:
            return
        host = self.config.host
        base = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0', '::') else host}"
        base += f":{self.config.port}"
        where = sqlite_file(self._settings.database_url) or "PostgreSQL"
        logger.info(
            "🌐 Saga Demo on %s/ (GraphiQL %s/graphql, Swagger UI %s/docs); data: %s",
            base,
            base,
            base,
            where,
        )


def _serve(settings: Settings, host: str, port: int) -> None:
    configure_tracing("saga-demo")
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        timeout_graceful_shutdown=5,
        # Strawberry never pings on graphql-transport-ws: uvicorn's pings keep sockets alive.
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # Events are a few hundred bytes: compressing each costs more than it saves.
        ws_per_message_deflate=False,
        # The app reads X-Forwarded-For, -Proto and -Host itself, from SAGA_TRUSTED_PROXIES
        # only (api/proxy.py): the client's address, HTTPS, the host the visitor asked for.
        proxy_headers=False,
        ws_max_size=settings.max_websocket_message_bytes,
        # uvicorn's own protocol, holding less per open socket (api/websocket_protocol.py).
        ws=LeanWebSocketProtocol,
        log_config=None,
    )
    with serving(settings.database_url):
        AnnouncingServer(config, settings).run()


def _serve_participant(settings: Settings, name: str, host: str, port: int | None) -> None:
    """One participant's service; its database is `SAGA_DATABASE_URL` when set, else its own
    file beside the orchestrator's default (never the orchestrator's own)."""
    from .remote.server import participant_app

    configure_tracing(f"saga-demo-{name}")
    database_url = settings.database_url
    if "database_url" not in settings.model_fields_set:
        database_url = f"sqlite:///{REPOSITORY_ROOT / 'data' / f'{name}.db'}"
    config = uvicorn.Config(
        participant_app(
            name,
            database_url,
            settings.service_token,
            settings.latency_scale,
            settings.max_body_bytes,
        ),
        host=host,
        port=port or PARTICIPANT_PORTS[name],
        timeout_graceful_shutdown=5,
        log_config=None,
    )
    logger.info(
        "🧩 The %s participant on http://%s:%d/; data: %s", name, host, config.port, database_url
    )
    with serving(database_url):
        uvicorn.Server(config).run()


def _delete_data(settings: Settings) -> None:
    if sqlite_file(settings.database_url) is None:
        logger.error("⛔ Only a SQLite file is deleted this way: drop the PostgreSQL database")
        sys.exit(2)
    removed = delete_data(settings.database_url)
    if removed:
        for path in removed:
            logger.info("🗑️  Deleted %s", path)
    else:
        logger.info("Nothing to delete: %s does not exist", sqlite_file(settings.database_url))


def _bench_module() -> ModuleType:
    """The benchmark suite, imported only for `saga-demo bench` (its packages are an extra)."""
    from . import bench

    return bench


def main(argv: list[str] | None = None) -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(prog="saga-demo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, then serve")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    participant = commands.add_parser(
        "participant", help="serve one participant over HTTP, on a database of its own"
    )
    participant.add_argument("name", choices=sorted(PARTICIPANT_PORTS))
    participant.add_argument("--host", default=settings.host)
    participant.add_argument("--port", type=int, default=None, help="8101, 8102, 8103 by default")
    commands.add_parser("migrate", help="migrate the database and exit")
    commands.add_parser(
        "delete-data", help="delete the SQLite database, to start from empty (not while served)"
    )
    bench = commands.add_parser("bench", help="measure: sagas/s, latency, fan-out, start-up")
    _bench_module().configure(bench)
    args = parser.parse_args(argv)

    configure_logging(settings.log_format)
    if args.command == "bench":
        sys.exit(_bench_module().run(args))
    try:
        if args.command == "migrate":
            migrate(settings.database_url)
        elif args.command == "delete-data":
            _delete_data(settings)
        elif args.command == "participant":
            _serve_participant(settings, args.name, args.host, args.port)
        else:
            _serve(settings, args.host, args.port)
    except DatabaseInUse as refused:
        logger.error("⛔ %s", refused)
        sys.exit(2)


if __name__ == "__main__":
    main()
