"""uvicorn's WebSocket protocol (`websockets` sans-I/O), holding less for each open socket.

A server keeps thousands of sockets open, one per dashboard and GraphiQL page, so what each holds
for its whole life adds up: uvicorn's protocol kept an `asyncio.Queue` of incoming messages (four
deques, 3 KiB), an `asyncio.Event` (one more deque), an instance dict past CPython's shared-key
size, and the handshake's parsed request and response with their headers, which nothing reads once
the app has its scope (`websockets`' parser keeps the request in a local of its generator).

This subclass holds the same state in slots, queues incoming messages in a list with a future
while the app waits, gates sends on a flag with a future while the transport is paused, and lets
the handshake's headers go once they are used.

It also writes the messages an app sends in one turn of the event loop together: uvicorn hands
each frame to the transport at once, one system call each, yet a saga's transitions are committed
and published a few at a time (a step's outcome with the next step's start), and a subscription
sends them back to back. Frames wait in `websockets`' own output buffer until the turn ends, then
go out in one write, in the order they were sent; anything else uvicorn writes (a pong, a close)
takes the frames waiting ahead of it along. Past `FLUSH_AT` bytes they are written at once, so
that sends in a tight loop still wait whenever the transport holds more than it should.

Framing, the handshake itself, ping/pong keep-alive, the message size limit, close codes and the
transport (our slow-reader guard aborts it through `send.__self__.transport`) are uvicorn's and
`websockets`' code, unchanged.
"""

import asyncio
from typing import Any

from uvicorn._types import ASGIReceiveEvent, ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.exceptions import InvalidState
from websockets.http11 import Request

FLUSH_AT = 64 * 1024
"""Frames of this many bytes in one turn are written without waiting for the turn's end."""


class Inbox:
    """A socket's incoming ASGI events, first in first out: what uvicorn's `asyncio.Queue` was
    (`put_nowait`, `empty`, and `get` as `await arrival()` until not empty, then `take`).
    uvicorn pauses reading while it holds a message, so it holds few; and one task receives,
    so an arrival wakes every getter, and each looks again."""

    __slots__ = ("_events", "_getters")

    def __init__(self) -> None:
        self._events: list[ASGIReceiveEvent] = []
        self._getters: list[asyncio.Future[None]] = []

    def empty(self) -> bool:
        return not self._events

    def put_nowait(self, event: ASGIReceiveEvent) -> None:
        self._events.append(event)
        for getter in self._getters:
            if not getter.done():
                getter.set_result(None)
        self._getters.clear()

    def take(self) -> ASGIReceiveEvent:
        return self._events.pop(0)

    def arrival(self) -> "asyncio.Future[None]":
        """Done once an event arrives: a future, not a coroutine, so that the receiving task
        waits without a frame of the inbox's own."""
        getter = asyncio.get_running_loop().create_future()
        self._getters.append(getter)
        return getter

    async def get(self) -> ASGIReceiveEvent:
        while not self._events:
            await self.arrival()
        return self.take()


class Gate:
    """The `asyncio.Event` subset uvicorn uses to hold sends while the transport is paused:
    `set`, `clear`, `is_set` and `wait`; a list of waiters only while some wait."""

    __slots__ = ("_open", "_waiters")

    def __init__(self) -> None:
        self._open = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> bool:
        if self._open:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """`uvicorn.Config(ws=LeanWebSocketProtocol)`: uvicorn's protocol, its state in slots."""

    # Every attribute uvicorn 0.54 sets: none goes to an instance dict.
    __slots__ = (
        "app",
        "app_state",
        "asgi_version",
        "client",
        "close_sent",
        "close_timeout",
        "close_timer",
        "config",
        "conn",
        "connections",
        "curr_msg_data_type",
        "default_headers",
        "disconnected",
        "flush_due",
        "frames",
        "handshake_complete",
        "handshake_initiated",
        "initial_response",
        "last_ping_rtt",
        "logger",
        "loop",
        "pending_ping_payload",
        "ping_interval",
        "ping_sent_at",
        "ping_timeout",
        "ping_timer",
        "pong_timer",
        "queue",
        "queued",
        "read_paused",
        "request",
        "response",
        "root_path",
        "scheme",
        "scope",
        "server",
        "tasks",
        "transport",
        "writable",
    )

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # Duck-typed stand-ins: uvicorn calls only what they offer.
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Gate()  # type: ignore[assignment]
        self.flush_due = False
        self.queued = 0
        """Bytes of frames sent since the last write (more when something else wrote them)."""

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The scope has its copy of the headers; the request is needed no more, yet the
        # parser's generator holds it for the connection's life: let its headers go.
        event.headers.clear()
        del self.request

    async def receive(self) -> ASGIReceiveEvent:
        # uvicorn's, waiting on the inbox's futures without a coroutine of the inbox's own.
        inbox: Inbox = self.queue  # type: ignore[assignment]
        while inbox.empty():
            await inbox.arrival()
        message = inbox.take()
        if self.read_paused and inbox.empty():
            self.read_paused = False
            self.transport.resume_reading()
        return message

    async def send(self, message: ASGISendEvent) -> None:
        if message["type"] == "websocket.send" and self.handshake_complete:
            await self.writable.wait()
            if self.disconnected:
                raise ClientDisconnected
            if not self.close_sent and self.initial_response is None:
                self._queue_frame(message.get("bytes"), message.get("text"))
                return
            # After a close, or on a refused handshake: uvicorn's own answer.
        handshaking = not self.handshake_complete
        await super().send(message)
        if handshaking and self.handshake_complete:
            del self.response  # the handshake's answer, written (or refused): not needed again

    def _queue_frame(self, data: bytes | None, text: str | None) -> None:
        """uvicorn's `websocket.send`, written when this turn of the loop ends, or at once past
        `FLUSH_AT` bytes, so that a sender in a tight loop meets the transport's back-pressure
        as it did."""
        if data is not None:
            payload, frame = data, self.conn.send_binary
        elif text is not None:
            payload, frame = text.encode(), self.conn.send_text
        else:
            return  # uvicorn sends nothing for it either
        try:
            frame(payload)
        except InvalidState as closing:
            raise ClientDisconnected from closing
        self.queued += len(payload)
        if self.queued >= FLUSH_AT:
            self.flush()
        elif not self.flush_due:
            self.flush_due = True
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write the frames sent since the last write, in one call."""
        self.flush_due = False
        self.queued = 0
        output = self.conn.data_to_send()
        if output and not self.transport.is_closing():
            self.transport.write(b"".join(output))
