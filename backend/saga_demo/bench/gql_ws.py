"""A minimal graphql-transport-ws client on `websockets`: handshake, subscribe, read raw.

Lean on purpose (the fan-out opens thousands): no protocol library, no parsing beyond what
a caller asks for, no compression (the server offers none), no client pings (the server's
WebSocket pings keep idle sockets open and `websockets` answers them).
"""

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
HANDSHAKE_TIMEOUT_SECONDS = 60.0


class ProtocolError(Exception):
    """The server answered the protocol otherwise than expected."""


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/graphql"


async def open_socket(http_url: str, cookie: str) -> ClientConnection:
    """A WebSocket in the cookie's session, past connection_init / connection_ack."""
    ws = await connect(
        ws_url(http_url),
        subprotocols=[PROTOCOL],
        additional_headers={"Cookie": f"session_id={cookie}"},
        compression=None,
        proxy=None,
        ping_interval=None,
        open_timeout=HANDSHAKE_TIMEOUT_SECONDS,
    )
    try:
        await ws.send('{"type":"connection_init"}')
        async with asyncio.timeout(HANDSHAKE_TIMEOUT_SECONDS):
            ack = json.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise ProtocolError(f"no connection_ack: {str(ack)[:200]}")
    except BaseException:
        await ws.close()
        raise
    return ws


def subscribe_message(
    subscription_id: str, query: str, variables: dict[str, Any] | None = None
) -> str:
    payload: dict[str, Any] = {"query": query}
    if variables:
        payload["variables"] = variables
    return json.dumps({"id": subscription_id, "type": "subscribe", "payload": payload})
