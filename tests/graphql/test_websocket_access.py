"""Who may open a WebSocket to /graphql: a session the server issued, from the same origin."""

import pytest
from gql.transport.exceptions import TransportConnectionFailed
from websockets.exceptions import InvalidStatus

from tests.graphql.conftest import Site
from tests.graphql.scenarios import HAPPY_PATH
from tests.graphql.ws_api import connect

FORBIDDEN = 403


async def handshake_refusal(
    site: Site, *, cookie: str | None, protocol: str, origin: str | None = None
) -> int:
    """The HTTP status with which the server refuses the WebSocket handshake."""
    with pytest.raises(TransportConnectionFailed) as failed:
        async with connect(site.url, cookie=cookie, protocol=protocol, origin=origin):
            pass
    refusal = failed.value.__cause__
    assert isinstance(refusal, InvalidStatus), repr(refusal)
    return refusal.response.status_code


async def test_a_websocket_without_a_session_cookie_is_refused(site: Site, protocol: str) -> None:
    assert await handshake_refusal(site, cookie=None, protocol=protocol) == FORBIDDEN


@pytest.mark.parametrize(
    "forged",
    ["A" * 43, "not-a-token", ""],
    ids=["well-formed but unknown", "malformed", "empty"],
)
async def test_a_websocket_with_a_cookie_the_server_never_issued_is_refused(
    site: Site, protocol: str, forged: str
) -> None:
    assert await handshake_refusal(site, cookie=forged, protocol=protocol) == FORBIDDEN


async def test_a_websocket_from_a_foreign_origin_is_refused_even_with_a_session(
    site: Site, protocol: str
) -> None:
    alice = await site.visitor()

    status = await handshake_refusal(
        site, cookie=alice.cookie, protocol=protocol, origin="http://evil.example"
    )

    assert status == FORBIDDEN


async def test_a_websocket_from_the_same_origin_with_a_session_is_that_session(
    site: Site, protocol: str
) -> None:
    alice = await site.visitor()
    saga_id = (await alice.place_order(**HAPPY_PATH))["saga"]["id"]
    log = (await alice.finished_saga(saga_id))["events"]

    async with site.websocket(alice, protocol, origin=site.url) as connection:
        received = await connection.saga_updates(saga_id)

    assert received == log
