"""Scaled out on PostgreSQL: what makes this process one replica among several.

- Its lease: renewed every third of `SAGA_LEASE_SECONDS`; released on SIGTERM, so the others
  take its sagas over at once.
- Takeover: each round (and at once when a replica releases its sagas, or LISTEN comes back)
  it claims the unfinished sagas whose owner's lease lapsed, and runs them from where their log
  says they are.
- Events from the other replicas: each of their transactions notifies a pointer; for a session
  with subscribers here, the events it points at are read from the log and published to the
  bus, as this replica's own commits are. A cancel recorded elsewhere wakes the saga here.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from .events.bus import EventBus
from .saga.orchestrator import Orchestrator
from .store.errors import StoreUnavailable
from .store.interfaces import SagaLog
from .store.postgres.leases import RELEASED, PostgresLeases
from .store.postgres.listener import Pointer, PostgresListener

logger = logging.getLogger(__name__)

CLAIM_BATCH = 100


class Replica:
    """This process's lease, takeover and LISTEN connection."""

    def __init__(
        self,
        database_url: str,
        leases: PostgresLeases,
        log: SagaLog,
        orchestrator: Orchestrator,
        bus: EventBus,
        lease_seconds: float,
    ) -> None:
        self._leases = leases
        self._log = log
        self._orchestrator = orchestrator
        self._bus = bus
        self._interval = lease_seconds / 3
        self._claim_now = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._reads: set[asyncio.Task[None]] = set()
        self.listener = PostgresListener(
            database_url, self._pointed, self._resync, leases.replica_id
        )
        self.taken_over = 0

    @property
    def id(self) -> str:
        return self._leases.replica_id

    @property
    def listening(self) -> bool:
        return self.listener.up

    async def start(self) -> None:
        """Take the lease, listen, and claim what lies unowned (a first start, or sagas whose
        replica died) before serving."""
        await self._leases.renew()
        await self.listener.start()
        await self._claim()
        self._loop = asyncio.create_task(self._hold(), name="lease")
        logger.info("🧭 Replica %s holds its lease and listens", self.id)

    async def stop(self) -> None:
        """After the orchestrator stopped: give the sagas back, stop listening."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        for task in list(self._reads):
            task.cancel()
        try:
            released = await self._leases.release()
        except Exception:
            logger.exception("💥 Could not release the lease; it lapses on its own")
        else:
            logger.info("🧭 Released %d saga(s) to the other replicas", released)
        await self.listener.stop()

    async def _hold(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._claim_now.wait(), self._interval)
            self._claim_now.clear()
            try:
                await self._leases.renew()
                self._run_interrupted()
                await self._claim()
            except (
                StoreUnavailable,
                OSError,
                asyncpg.PostgresError,
                asyncpg.InterfaceError,
            ) as error:
                # The database went away (the store says so with StoreUnavailable): the next
                # round tries again. The loop must outlive every round: without it the lease
                # lapses while this replica still runs its sagas.
                logger.warning("🧭 Lease round failed (%s); trying again", error)
            except Exception:
                logger.exception("💥 Lease round failed unexpectedly; trying again")

    def _run_interrupted(self) -> None:
        """Sagas this replica owns whose run stopped on an error (a database that went away):
        run again, once the lease is renewed (the database is back)."""
        interrupted = self._orchestrator.interrupted
        if interrupted:
            saga_ids = list(interrupted)
            interrupted.clear()
            logger.info("🔁 Running %d interrupted saga(s) again", len(saga_ids))
            self._orchestrator.take_over(saga_ids)

    async def _claim(self) -> None:
        while claimed := await self._leases.claim(CLAIM_BATCH):
            self.taken_over += len(claimed)
            logger.info("🔁 Taking over %d saga(s) whose replica is gone", len(claimed))
            self._orchestrator.take_over(claimed)
            if len(claimed) < CLAIM_BATCH:
                break

    def _pointed(self, pointer: Pointer) -> None:
        if pointer.origin == RELEASED:
            self._claim_now.set()
            return
        if pointer.origin == self.id:
            return  # this replica's own commit: published already
        if pointer.cancel:
            self._orchestrator.cancel_requested(pointer.saga_id)
        if self._bus.watched(pointer.session_id):
            self._read(lambda: self._publish(pointer))

    async def _publish(self, pointer: Pointer) -> None:
        count = pointer.last - pointer.first + 1
        events = await self._log.session_events(pointer.session_id, pointer.first - 1, count)
        self._bus.publish(events)

    def _resync(self) -> None:
        self._bus.resync()
        self._claim_now.set()

    def _read(self, work: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            try:
                await work()
            except Exception:
                # The subscribers see the hole at their next event, or catch up on a resync.
                logger.exception("💥 Reading events another replica pointed at failed")

        task = asyncio.create_task(run())
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)
