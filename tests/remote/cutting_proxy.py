"""A TCP proxy in front of a participant service that can cut the answer to an operation: the
request reaches the service (which applies it), the reply never reaches the caller, whose
connection is dropped instead. The proxy runs on a thread of its own, with its own event loop."""

import asyncio
import threading

from tests.support.server import free_port

APPLY = b"PUT /operations/"


class CuttingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.port = free_port()
        self._upstream = upstream_port
        self._cuts = 0.0
        self.cut = 0
        """How many answers it has cut so far."""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def cut_answers(self, how_many: float) -> None:
        """Cut the answers to the next `how_many` operations applied (`math.inf`: every one)."""
        self._loop.call_soon_threadsafe(setattr, self, "_cuts", how_many)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _connection(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self._upstream
        )
        applying = asyncio.Event()

        async def requests() -> None:
            while data := await client_reader.read(65536):
                if data.startswith(APPLY):
                    applying.set()
                upstream_writer.write(data)
                await upstream_writer.drain()

        async def answers() -> None:
            while data := await upstream_reader.read(65536):
                if applying.is_set() and self._cuts > 0:
                    self._cuts -= 1
                    self.cut += 1
                    return  # the service applied it; its caller never hears so
                applying.clear()
                client_writer.write(data)
                await client_writer.drain()

        tasks = [asyncio.ensure_future(requests()), asyncio.ensure_future(answers())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for writer in (client_writer, upstream_writer):
                writer.close()
