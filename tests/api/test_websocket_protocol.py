"""The server's WebSocket protocol (`LeanWebSocketProtocol`, uvicorn's, holding less per socket)
keeps uvicorn's behaviour, each test run against both: the app gets its scope and messages,
keep-alive pings close a socket whose client stopped answering them, the message size limit
closes with 1009, a send waits for a client that reads slowly and loses nothing, and
`send.__self__.transport.abort()` (the slow-reader guard's way) ends a socket at once. Ours also
writes what the app sends in one turn of the loop in one write, in order, a close included."""

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close, Frame, Opcode
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from saga_demo.api.websocket_protocol import LeanWebSocketProtocol
from tests.support.waiting import eventually

MAX_SIZE = 1024
PING_INTERVAL = 0.2
PING_TIMEOUT = 0.5
DEADLINE = 10.0
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Served = tuple[str, "EchoApp", type[WebSocketsSansIOProtocol]]


class EchoApp:
    """Accepts with the first subprotocol offered; answers `scope` with the cookie it saw,
    `many N` with N messages of 64 KiB, `burst N` with N short messages and a close (4001),
    counting the transport's writes for both, `abort` by aborting the transport, anything
    else by echoing it; remembers how each socket ended."""

    def __init__(self) -> None:
        self.disconnects: list[dict[str, Any]] = []
        self.ended = asyncio.Event()
        self.burst_writes: int | None = None
        self.many_writes: int | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        assert (await receive())["type"] == "websocket.connect"
        offered = scope["subprotocols"]
        await send({"type": "websocket.accept", "subprotocol": offered[0] if offered else None})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                self.disconnects.append(message)
                self.ended.set()
                return
            text = message.get("text") or ""
            if text == "scope":
                cookie = dict(scope["headers"]).get(b"cookie", b"").decode()
                await send({"type": "websocket.send", "text": f"{scope['path']} {cookie}"})
            elif text.startswith("many "):
                await self._many(int(text.split()[1]), send)
            elif text.startswith("burst "):
                await self._burst(int(text.split()[1]), send)
            elif text == "abort":
                send.__self__.transport.abort()  # type: ignore[attr-defined]
            else:
                await send({"type": "websocket.send", "text": text})

    async def _many(self, count: int, send: Send) -> None:
        with counting_writes(send) as counting:
            for n in range(count):
                await send({"type": "websocket.send", "text": f"{n:08d}" + "x" * 65536})
            self.many_writes = counting.writes  # before the turn ends

    async def _burst(self, count: int, send: Send) -> None:
        with counting_writes(send) as counting:
            for n in range(count):
                await send({"type": "websocket.send", "text": f"burst {n}"})
            await send({"type": "websocket.close", "code": 4001, "reason": "burst done"})
            await asyncio.sleep(0)  # one turn: what waits for the turn's end is written by now
        self.burst_writes = counting.writes


@contextmanager
def counting_writes(send: Send) -> Iterator["CountingWrites"]:
    """The socket's transport, counting its writes while the block runs."""
    protocol = send.__self__  # type: ignore[attr-defined]
    counting = CountingWrites(protocol.transport)
    protocol.transport = counting
    try:
        yield counting
    finally:
        protocol.transport = counting.transport


class CountingWrites:
    """A transport that counts the writes handed to it."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


@pytest.fixture(params=[WebSocketsSansIOProtocol, LeanWebSocketProtocol], ids=["uvicorn", "lean"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[Served]:
    """The echo app on a real uvicorn server, on a free port: with uvicorn's own protocol, and
    with ours, which must behave the same."""
    app = EchoApp()
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        app,
        ws=request.param,
        ws_ping_interval=PING_INTERVAL,
        ws_ping_timeout=PING_TIMEOUT,
        ws_per_message_deflate=False,
        ws_max_size=MAX_SIZE,
        lifespan="off",
        log_config=None,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    await eventually(_started(server), timeout=DEADLINE, what="the server to listen")
    try:
        yield f"ws://127.0.0.1:{port}/ws", app, request.param
    finally:
        server.should_exit = True
        await serving
        listening.close()


@asynccontextmanager
async def client(url: str, **options: Any) -> AsyncIterator[ClientConnection]:
    async with connect(url, open_timeout=DEADLINE, **options) as ws:
        yield ws


async def _closed(ws: ClientConnection) -> Close | None:
    """The socket ends before another message: the close frame the client got, if any."""
    with pytest.raises(ConnectionClosed) as closed:
        await _received(ws)
    return closed.value.rcvd


async def _received(ws: ClientConnection) -> str:
    async with asyncio.timeout(DEADLINE):
        message = await ws.recv()
    assert isinstance(message, str)
    return message


async def test_the_app_gets_its_scope_and_messages_and_the_subprotocol_is_agreed(
    served: Served,
) -> None:
    url, _, _ = served
    cookie = {"Cookie": "session_id=abc"}
    protocols = [Subprotocol("graphql-transport-ws")]
    async with client(url, additional_headers=cookie, subprotocols=protocols) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        await ws.send("scope")
        assert await _received(ws) == "/ws session_id=abc"
        for n in range(20):
            await ws.send(f"hello {n}")
        assert [await _received(ws) for _ in range(20)] == [f"hello {n}" for n in range(20)]
        async with asyncio.timeout(DEADLINE):
            await (await ws.ping())  # the server answers a client's ping


async def test_a_message_over_the_size_limit_closes_the_socket_with_1009(
    served: Served,
) -> None:
    url, app, _ = served
    async with client(url) as ws:
        await ws.send("x" * MAX_SIZE)
        assert await _received(ws) == "x" * MAX_SIZE  # at the limit: fine
        await ws.send("x" * (MAX_SIZE + 1))
        received_close = await _closed(ws)
    assert received_close is not None
    assert received_close.code == 1009
    await _app_sees_the_end(app)
    assert app.disconnects[-1]["code"] == 1009


async def test_sends_to_a_client_that_reads_slowly_wait_and_lose_nothing(
    served: Served,
) -> None:
    url, app, _ = served
    async with client(url, max_size=None, max_queue=1) as ws:
        await ws.send("many 64")  # 4 MiB: past the transport's high-water mark many times
        for n in range(64):
            assert (await _received(ws))[:8] == f"{n:08d}"
        await ws.send("after")
        assert await _received(ws) == "after"
    # Each message went to the transport as it was sent, not at the turn's end: so each send
    # met the transport's back-pressure, which a tight loop of sends would otherwise escape.
    assert app.many_writes == 64


async def test_messages_sent_in_one_turn_arrive_in_order_and_ours_writes_them_at_once(
    served: Served,
) -> None:
    url, app, protocol = served
    async with client(url) as ws:
        await ws.send("burst 5")
        assert [await _received(ws) for _ in range(5)] == [f"burst {n}" for n in range(5)]
        received_close = await _closed(ws)
    assert received_close is not None
    assert (received_close.code, received_close.reason) == (4001, "burst done")
    # uvicorn writes each frame as it is sent; ours the five frames and the close together.
    assert app.burst_writes == (1 if protocol is LeanWebSocketProtocol else 6)


async def test_aborting_the_transport_ends_the_socket_at_once(
    served: Served,
) -> None:
    url, app, _ = served
    async with client(url) as ws:
        await ws.send("abort")
        received_close = await _closed(ws)
    assert received_close is None  # no closing handshake: the connection was cut
    await _app_sees_the_end(app)
    assert app.disconnects[-1]["code"] == 1005  # uvicorn's: lost after the handshake


async def test_the_server_pings_and_closes_a_socket_whose_client_stops_answering(
    served: Served,
) -> None:
    url, app, _ = served
    uri = parse_uri(url)
    reader, writer = await asyncio.open_connection(uri.host, uri.port)
    protocol = ClientProtocol(uri)
    protocol.send_request(protocol.connect())
    writer.write(b"".join(protocol.data_to_send()))
    frames: list[Frame] = []

    async def next_frame() -> Frame:
        while not frames:
            data = await reader.read(65536)
            if not data:
                raise EOFError("closed without a frame")
            protocol.receive_data(data)
            frames.extend(e for e in protocol.events_received() if isinstance(e, Frame))
        return frames.pop(0)

    try:
        async with asyncio.timeout(DEADLINE):
            for _ in range(3):  # pinged every interval while it answers (automatically)
                assert (await next_frame()).opcode is Opcode.PING
                writer.write(b"".join(protocol.data_to_send()))
            ping = await next_frame()  # this one goes unanswered
            assert ping.opcode is Opcode.PING
            closing = await next_frame()
        assert closing.opcode is Opcode.CLOSE
        assert protocol.close_rcvd is not None
        assert (protocol.close_rcvd.code, protocol.close_rcvd.reason) == (
            1011,
            "keepalive ping timeout",
        )
    finally:
        writer.close()
    await _app_sees_the_end(app)


def _started(server: uvicorn.Server) -> Callable[[], Awaitable[bool | None]]:
    async def started() -> bool | None:
        return server.started or None

    return started


async def _app_sees_the_end(app: EchoApp) -> None:
    async with asyncio.timeout(DEADLINE):
        await app.ended.wait()
