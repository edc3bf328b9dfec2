"""`floor`: what a request costs before it does anything, on the same server: the no-op
`mutation { ping }` through GraphQL (in one session), and `GET /health` through plain HTTP."""

from ..harness import Harness
from ..http_load import http_client, new_session
from ..rows import Load, Row, request_row
from ..wrk import HttpRequest

PING_BODY = '{"query":"mutation { ping }"}'


async def run_floor(harness: Harness) -> list[Row]:
    target = (await harness.main()).target
    # Without a cookie each GraphQL request would open a session: a write, not a floor.
    async with http_client(target.urls[0]) as http:
        cookie = await new_session(http)
    ping = HttpRequest("POST", "/graphql", PING_BODY, 200, '"ping":"pong"', cookie=cookie)
    health = HttpRequest("GET", "/health", marker="healthy")

    async def warm(seconds: float) -> Load:
        return await harness.http_load(target, 8, seconds, ping)

    await harness.warm_up(target, warm)
    rows = []
    seconds = harness.options.seconds
    for variant, request in (("mutation { ping }", ping), ("GET /health", health)):
        for concurrency in harness.options.concurrency:

            async def load(c: int = concurrency, r: HttpRequest = request) -> Load:
                return await harness.http_load(target, c, seconds, r)

            result, window = await harness.window(
                target, f"floor {variant} c={concurrency}", seconds, load
            )
            rows.append(harness.report(request_row("floor", variant, concurrency, result, window)))
    return rows
