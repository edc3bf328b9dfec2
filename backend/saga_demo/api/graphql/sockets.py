"""The GraphQL WebSockets' two clocks: one with no subscription is closed, one whose client
stopped reading is dropped.

- **Idle.** A socket that runs no subscription for `idle_seconds` (60 by default) is closed with
  1000 and a reason: a client that only holds a socket open holds the server's memory for
  nothing. (The handshake's own `connection_init` has its 10 s in Strawberry.)
- **Too slow to read.** Sending waits while the connection's write buffer is full, which is how
  the server learns that the client reads less than it is sent. A send still waiting after
  `send_timeout_seconds` (10 by default) drops the socket: the connection is aborted, with what
  the server still held for it, so Strawberry ends every operation and the session's bus
  forgets their queues, as when a client goes away. Nothing is lost: the client reconnects and
  resumes from the last event it has (`sessionEvents(after:)`, `sagaUpdates(afterSequence:)`),
  which the log holds.

Each socket costs one small record and a counter per send; one task looks at them all, a few
times per the shorter of the two periods.
"""

import asyncio
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import SubscriptionGauge

logger = logging.getLogger(__name__)

IDLE_CLOSE_CODE = 1000
TICKS_PER_PERIOD = 4
MAX_TICK_SECONDS = 1.0


class WatchedSocket:
    """One open socket: its subscriptions, its sends in flight, its task."""

    __slots__ = ("_send", "_task", "dropped", "sending", "sending_since", "streams")

    def __init__(self, send: Send, task: "asyncio.Task[Any]", parent: SubscriptionGauge) -> None:
        self._send = send
        self._task = task
        self.streams = SubscriptionGauge(parent)
        """The subscriptions it runs now (its context's gauge; the service's counts them too),
        and since when it has run none."""
        self.sending = 0
        self.sending_since: float | None = None
        """When the oldest send still waiting began."""
        self.dropped = False

    async def send(self, message: Message) -> None:
        """The ASGI send, timed: the watcher sees how long the client leaves it waiting."""
        if not self.sending:
            self.sending_since = time.monotonic()
        self.sending += 1
        try:
            await self._send(message)
        finally:
            self.sending -= 1
            if not self.sending:
                self.sending_since = None

    def drop(self) -> None:
        """End the connection now. Under uvicorn, abort its transport: what it still holds for
        the client is let go, and the app sees the client gone, as when it disconnects. Under
        another server, cancel the socket's task: its connection closes once written out."""
        self.dropped = True
        transport = getattr(getattr(self._send, "__self__", None), "transport", None)
        abort = getattr(transport, "abort", None)  # asyncio's or uvloop's transport
        if callable(abort):
            abort()
        else:
            self._task.cancel()

    async def close_idle(self, reason: str) -> None:
        """Close it as a server ends a socket it is done with (the client may reconnect)."""
        try:
            await self.send({"type": "websocket.close", "code": IDLE_CLOSE_CODE, "reason": reason})
        except Exception:  # noqa: BLE001 - it went away meanwhile: nothing left to close
            return


class SocketWatch:
    """Every GraphQL socket open here, looked at every tick."""

    def __init__(self, idle_seconds: float, send_timeout_seconds: float) -> None:
        self.idle_seconds = idle_seconds
        self.send_timeout_seconds = send_timeout_seconds
        self._sockets: set[WatchedSocket] = set()
        self._closing: set[asyncio.Task[None]] = set()
        periods = [p for p in (idle_seconds, send_timeout_seconds) if p > 0]
        self.tick_seconds = min([MAX_TICK_SECONDS, *(p / TICKS_PER_PERIOD for p in periods)])
        self.enabled = bool(periods)

    def add(self, socket: WatchedSocket) -> None:
        """Looked at from the next tick on."""
        self._sockets.add(socket)

    def discard(self, socket: WatchedSocket) -> None:
        """Closed: looked at no more."""
        self._sockets.discard(socket)

    def look(self, now: float) -> None:
        """Drop what waits too long on its client, close what has been idle too long."""
        for socket in list(self._sockets):
            if socket.dropped:
                continue
            if self._waited_too_long(socket.sending_since, now):
                logger.warning(
                    "🐢 A WebSocket's client read nothing for %.0f s: dropped (it resumes from "
                    "the log when it reconnects)",
                    now - (socket.sending_since or now),
                )
                socket.drop()
            elif self._idle_too_long(socket.streams.idle_since, now):
                socket.streams.idle_since = None  # closed once
                reason = f"no subscription for {self.idle_seconds:g} s"
                closing = asyncio.create_task(socket.close_idle(reason))
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)

    def _waited_too_long(self, since: float | None, now: float) -> bool:
        return (
            bool(self.send_timeout_seconds)
            and since is not None
            and (now - since >= self.send_timeout_seconds)
        )

    def _idle_too_long(self, since: float | None, now: float) -> bool:
        return bool(self.idle_seconds) and since is not None and now - since >= self.idle_seconds

    async def run(self) -> None:
        """Look every tick, for as long as the server runs."""
        if not self.enabled:
            return
        while True:
            await asyncio.sleep(self.tick_seconds)
            self.look(time.monotonic())


async def serve_watched(
    watch: SocketWatch,
    gauge: SubscriptionGauge,
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    """Serve a WebSocket with `app`, watched; `gauge` counts every socket's subscriptions.
    A drop ends it quietly. (No context manager of its own: this frame lives as long as the
    socket, thousands at once, and a generator-based one would add two.)"""
    task = asyncio.current_task()
    assert task is not None
    socket = WatchedSocket(send, task, gauge)
    scope.setdefault("state", {})["socket"] = socket
    watch.add(socket)
    try:
        await app(scope, receive, socket.send)
    except asyncio.CancelledError:
        if not socket.dropped:
            raise
    finally:
        watch.discard(socket)
        if socket.dropped and task.cancelling():
            task.uncancel()  # our own cancel: the socket's end, not the server's
