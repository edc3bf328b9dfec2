"""Did a `sessionEvents` subscriber get every event of its session, once, in order? Pure.

A subscriber records each message raw with its arrival time (wall clock) and parses nothing
while the load runs; this module reads them afterwards. A saga's events must be sequences
1..n ending with its terminal event, every saga the session placed must be there, and the
session's event ids must be consecutive (the store numbers them per session: no gap, no
duplicate, no reordering). The delay of an event is
its arrival time minus its `at` (the server's clock just before the commit; the same clock
when both run here).
"""

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

TERMINAL = frozenset({"COMPLETED", "FAILED", "COMPENSATION_FAILED"})
TERMINAL_MARKS = tuple(f'"{status}"' for status in TERMINAL)


def is_terminal(raw: str) -> bool:
    """Whether a raw message carries a terminal event (cheap: while the load runs). The
    subscription selects no status field but `sagaStatus`, and event kinds such as
    `"SAGA_COMPLETED"` do not match with the quotes."""
    return any(mark in raw for mark in TERMINAL_MARKS)


@dataclass
class Delivery:
    """What one subscriber got: its events, their delays (seconds), and what was wrong."""

    events: int = 0
    delays: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_delivery(arrivals: Sequence[tuple[float, str]], expected: Collection[str]) -> Delivery:
    """Check the (arrival time, raw message) of one subscriber against the sagas placed in
    its session (`expected`, by id), each of which should have completed."""
    result = Delivery()
    sequences: dict[str, list[int]] = {}
    statuses: dict[str, str] = {}
    last_id: int | None = None
    for arrived, raw in arrivals:
        message = json.loads(raw)
        payload = message.get("payload") or {}
        if message.get("type") != "next" or payload.get("errors"):
            result.problems.append(f"{message.get('type')}: {str(message)[:160]}")
            continue
        event = payload["data"]["sessionEvents"]
        event_id = int(event["id"])
        if last_id is not None and event_id != last_id + 1:
            result.problems.append(f"event id {event_id} after {last_id}")
        last_id = event_id
        sequences.setdefault(event["sagaId"], []).append(event["sequence"])
        statuses[event["sagaId"]] = event["sagaStatus"]
        result.delays.append(arrived - datetime.fromisoformat(event["at"]).timestamp())
        result.events += 1
    for saga_id in expected:
        got = sequences.get(saga_id, [])
        if got != list(range(1, len(got) + 1)) or not got:
            result.problems.append(f"saga {saga_id}: sequences {got[:20]}")
        elif statuses[saga_id] not in TERMINAL:
            result.problems.append(f"saga {saga_id}: no terminal event after {len(got)}")
        elif statuses[saga_id] != "COMPLETED":
            result.problems.append(f"saga {saga_id}: {statuses[saga_id]}")
    unexpected = set(sequences) - set(expected)
    if unexpected:
        result.problems.append(f"{len(unexpected)} sagas not placed by the bench")
    return result
