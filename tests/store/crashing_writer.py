"""A writer killed in the middle of a group: `python crashing_writer.py DB MARKER`.

It commits "committed", then holds the writer while a group of three queues up ("a", then "b"
which touches MARKER and blocks, then "c"): the test SIGKILLs it there, before the COMMIT.
"""

import asyncio
import sys
import threading
from pathlib import Path

from saga_demo.store.sqlite.database import SqliteDatabase, WriteTx


async def main(database: Path, marker: Path) -> None:
    db = SqliteDatabase(database, lambda events: None)
    await db.write(lambda tx: tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY)"))
    await db.write(lambda tx: tx.execute("INSERT INTO t VALUES ('committed')"))
    started, release, never = threading.Event(), threading.Event(), threading.Event()

    def hold(tx: WriteTx) -> None:
        started.set()
        release.wait()
        tx.execute("INSERT INTO t VALUES ('held')")

    def mid_group(tx: WriteTx) -> None:
        tx.execute("INSERT INTO t VALUES ('b')")
        marker.touch()
        never.wait()

    holding = asyncio.ensure_future(db.write(hold))
    await asyncio.to_thread(started.wait)
    group = [
        asyncio.ensure_future(db.write(lambda tx: tx.execute("INSERT INTO t VALUES ('a')"))),
        asyncio.ensure_future(db.write(mid_group)),
        asyncio.ensure_future(db.write(lambda tx: tx.execute("INSERT INTO t VALUES ('c')"))),
    ]
    while db.queue_depth < len(group):  # noqa: ASYNC110 - a thread's queue, no event to await
        await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(holding, *group)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
