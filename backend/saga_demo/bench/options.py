"""The `saga-demo bench` arguments, and the options they make (checked once, here)."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ..store.migrate import is_postgres

SCENARIOS = ("startup", "floor", "rest", "engine", "graphql", "fanout", "history", "sessions")
"""In the order `all` runs them."""
SCALED_OUT = ("replicas",)
"""Scenarios on PostgreSQL only: `all` runs them after the others with a PostgreSQL
--database-url, and leaves them out on SQLite."""

CHOICES = (*SCENARIOS, *SCALED_OUT, "all")
MAX_REPLICAS = 16
RESERVED_DATABASES = frozenset({"postgres", "template0", "template1"})
"""The maintenance database and the templates: never the bench's to drop."""
STOCK_PER_SESSION = 100
"""product_1's stock in a fresh session: more orders than this in one session are refused."""

Client = Literal["auto", "wrk", "python"]


class UsageError(ValueError):
    """Options that cannot give a meaningful run, or a machine that cannot run them."""


@dataclass(frozen=True)
class Options:
    """What one run of the bench measures, and how."""

    scenarios: tuple[str, ...]
    urls: tuple[str, ...] = ()
    database_url: str | None = None
    replicas: int = 1
    seconds: float = 10.0
    warmup: float = 2.0
    concurrency: tuple[int, ...] = (1, 8, 32)
    json_path: Path | None = None
    plot_path: Path | None = None
    client: Client = "auto"
    pin: bool = True
    orders_per_session: int = 90
    subscribers: int = 2000
    sessions: int = 1000
    rate: float = 100.0
    history_orders: tuple[int, ...] = (100, 100_000)
    history_concurrency: int = 32
    startups: int = 3
    lease_seconds: float = 5.0
    takeover_orders: int = 50
    new_sessions: int = 10_000

    @property
    def on_postgres(self) -> bool:
        """Whether the bench's own servers run on PostgreSQL (--database-url)."""
        return self.database_url is not None and is_postgres(self.database_url)


def _ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {text}"
        ) from None
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected integers of 0 or more, like 1,8,32: {text}")
    return values


def _listed(values: tuple[int, ...]) -> str:
    return ",".join(map(str, values))


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the bench's arguments to `parser`."""
    d = Options(scenarios=SCENARIOS)
    parser.description = "Measure the server: sagas/s, latency, costs, fan-out, start-up."
    add = parser.add_argument
    add("scenario", nargs="?", choices=CHOICES, default="all", help="what to measure (all)")
    add("--url", action="append", default=[], help="a running server; repeat for replicas")
    add(
        "--database-url",
        help="the own servers' database (default: a fresh SQLite file); a PostgreSQL URL "
        "(postgresql://user@host:port/NAME) is DROPPED and created afresh, as is NAME_replicas "
        "for the replicas scenario (through the server's `postgres` database)",
    )
    add("--json", type=Path, dest="json_path", metavar="FILE", help="write the results here")
    add("--plot", type=Path, dest="plot_path", metavar="FILE.png", help="draw them here")
    add("--client", choices=("auto", "wrk", "python"), default=d.client, help="HTTP load (auto)")
    add("--no-pin", action="store_false", dest="pin", help="leave server and client unpinned")
    numbers: list[tuple[str, Callable[[str], object], object, str]] = [
        ("--seconds", float, d.seconds, "each measured window, s"),
        ("--warmup", float, d.warmup, "unmeasured load first, s"),
        ("--concurrency", _ints, _listed(d.concurrency), "clients in closed loop"),
        ("--orders-per-session", int, d.orders_per_session, "then a fresh session"),
        ("--subscribers", int, d.subscribers, "fanout: subscriptions"),
        ("--sessions", int, d.sessions, "fanout: the sessions they watch"),
        ("--rate", float, d.rate, "fanout, replicas: orders per second"),
        ("--history-orders", _ints, _listed(d.history_orders), "history: prior orders"),
        ("--history-concurrency", int, d.history_concurrency, "history: clients"),
        ("--startups", int, d.startups, "startup: servers started one by one"),
        ("--replicas", int, d.replicas, "own servers on one PostgreSQL --database-url"),
        ("--lease-seconds", float, d.lease_seconds, "replicas: their SAGA_LEASE_SECONDS"),
        ("--takeover-orders", int, d.takeover_orders, "replicas: in flight at the kill"),
        ("--new-sessions", int, d.new_sessions, "sessions: first visits"),
    ]
    for flag, kind, default, text in numbers:
        add(flag, type=kind, default=default, help=f"{text} (%(default)s)")


def options_from(args: argparse.Namespace) -> Options:
    """The options `args` ask for; UsageError saying what is wrong with them."""
    options = Options(
        scenarios=_scenarios(args.scenario, args.database_url),
        urls=tuple(dict.fromkeys(url.rstrip("/") for url in args.url)),
        database_url=args.database_url,
        replicas=args.replicas,
        seconds=args.seconds,
        warmup=args.warmup,
        concurrency=args.concurrency,
        json_path=args.json_path,
        plot_path=args.plot_path,
        client=args.client,
        pin=args.pin,
        orders_per_session=args.orders_per_session,
        subscribers=args.subscribers,
        sessions=args.sessions,
        rate=args.rate,
        history_orders=args.history_orders,
        history_concurrency=args.history_concurrency,
        startups=args.startups,
        lease_seconds=args.lease_seconds,
        takeover_orders=args.takeover_orders,
        new_sessions=args.new_sessions,
    )
    check(options)
    return options


def _scenarios(chosen: str, database_url: str | None) -> tuple[str, ...]:
    if chosen != "all":
        return (chosen,)
    scaled_out = database_url is not None and is_postgres(database_url)
    return (*SCENARIOS, *SCALED_OUT) if scaled_out else SCENARIOS


def check(options: Options) -> None:
    """UsageError for options that cannot give a meaningful run."""
    problems = []
    if not 1 <= options.seconds <= 3600:
        problems.append("--seconds must be within 1..3600 (wrk measures whole seconds)")
    if not 0 <= options.warmup <= 600:
        problems.append("--warmup must be within 0..600")
    if any(not 1 <= c <= 1024 for c in (*options.concurrency, options.history_concurrency)):
        problems.append("concurrencies must be within 1..1024")
    if not 1 <= options.orders_per_session <= STOCK_PER_SESSION:
        problems.append(f"--orders-per-session must be within 1..{STOCK_PER_SESSION}")
    if not 1 <= options.sessions <= options.subscribers:
        problems.append("--sessions must be within 1..--subscribers")
    if options.rate <= 0:
        problems.append("--rate must be above 0")
    orders_per_fanout_session = options.rate * options.seconds / options.sessions
    if "fanout" in options.scenarios and orders_per_fanout_session > options.orders_per_session:
        problems.append(
            f"fanout would place {orders_per_fanout_session:.0f} orders per session, more "
            f"than {options.orders_per_session} happy paths: lower --rate or --seconds, or "
            "add --sessions"
        )
    if options.new_sessions < 1:
        problems.append("--new-sessions must be at least 1")
    if options.startups < 1:
        problems.append("--startups must be 1 or more")
    if options.urls and options.database_url:
        problems.append("--database-url is for the bench's own server, not with --url")
    problems += _scale_out_problems(options)
    if problems:
        raise UsageError("; ".join(problems))


def database_name(database_url: str) -> str:
    """The database a PostgreSQL URL names; UsageError for none, or one not the bench's."""
    name = urlsplit(database_url).path.lstrip("/")
    if not name or "/" in name:
        raise UsageError(f"--database-url names no database: {database_url}")
    if name in RESERVED_DATABASES:
        raise UsageError(
            f"--database-url names {name}: the bench drops and creates its database, so give "
            "it one of its own, such as .../saga_bench"
        )
    return name


def _scale_out_problems(options: Options) -> list[str]:
    problems = []
    if options.on_postgres and options.database_url is not None:
        try:
            database_name(options.database_url)
        except UsageError as error:
            problems.append(str(error))
    if not 1 <= options.replicas <= MAX_REPLICAS:
        problems.append(f"--replicas must be within 1..{MAX_REPLICAS}")
    elif options.replicas > 1 and options.urls:
        problems.append("--replicas is for the bench's own servers: with --url, name each one")
    elif options.replicas > 1 and not options.on_postgres:
        problems.append(
            f"--replicas {options.replicas} needs a PostgreSQL --database-url: replicas share "
            "one database, and a SQLite file is served by one process only"
        )
    if "replicas" in options.scenarios and (options.urls or not options.on_postgres):
        problems.append(
            "the replicas scenario starts (and kills) replicas of its own on PostgreSQL: give a "
            "--database-url postgresql://..., without --url"
        )
    if not 0.5 <= options.lease_seconds <= 300:
        problems.append("--lease-seconds must be within 0.5..300")
    if not 1 <= options.takeover_orders <= STOCK_PER_SESSION:
        problems.append(f"--takeover-orders must be within 1..{STOCK_PER_SESSION}")
    return problems
