"""Which cores the server and the load client get: apart, where there are two or more.

The bench pins its own process (the Python clients, and wrk, which inherits it) with
`sched_setaffinity`, and starts its server under `taskset`, so neither takes the other's CPU.
Several replicas share the server's cores; where that leaves fewer than one core each (two
replicas on two cores), nothing is pinned and the replicas, the client and PostgreSQL (never
pinned) all share every core: the note says so.
"""

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pinning:
    """Cores for the server and for the client; None: not pinned, and `note` says why."""

    server: tuple[int, ...] | None
    client: tuple[int, ...] | None
    note: str

    def server_command(self, command: list[str]) -> list[str]:
        """`command` under taskset on the server's cores (as it is when not pinned)."""
        if self.server is None:
            return command
        return ["taskset", "-c", ",".join(map(str, self.server)), *command]

    def describe(self) -> str:
        if self.server is None and self.client is None:
            return f"not pinned ({self.note})"
        server = "-" if self.server is None else ",".join(map(str, self.server))
        client = "-" if self.client is None else ",".join(map(str, self.client))
        return f"server on core(s) {server}, client on {client}" + (
            f" ({self.note})" if self.note else ""
        )


def plan(
    cores: Sequence[int], *, own_server: bool, wanted: bool, taskset: bool, replicas: int = 1
) -> Pinning:
    """The last core for the client, the others for the server (its replicas share them);
    nothing pinned with one core, with fewer cores than replicas and client, when not wanted,
    or when the server is not ours (then only the client is pinned)."""
    ordered = tuple(sorted(cores))
    if not wanted:
        return Pinning(None, None, "--no-pin")
    if len(ordered) < 2:
        return Pinning(None, None, "one core")
    if own_server and replicas >= len(ordered):
        return Pinning(
            None,
            None,
            f"{replicas} replicas on {len(ordered)} cores: the replicas, the client and "
            "PostgreSQL compete for every core",
        )
    client = ordered[-1:]
    if not own_server:
        return Pinning(None, client, "the server is not the bench's own")
    if not taskset:
        return Pinning(None, None, "taskset is not installed")
    return Pinning(ordered[:-1], client, "")


def available_cores() -> tuple[int, ...]:
    """The cores this process may run on."""
    return tuple(sorted(os.sched_getaffinity(0)))


def plan_here(*, own_server: bool, wanted: bool, replicas: int = 1) -> Pinning:
    return plan(
        available_cores(),
        own_server=own_server,
        wanted=wanted,
        taskset=shutil.which("taskset") is not None,
        replicas=replicas,
    )


def pin_this_process(pinning: Pinning) -> tuple[int, ...]:
    """Pin this process to the client's cores; the cores it had, to restore them."""
    before = available_cores()
    if pinning.client is not None:
        os.sched_setaffinity(0, pinning.client)
    return before


def restore(cores: tuple[int, ...]) -> None:
    os.sched_setaffinity(0, cores)
