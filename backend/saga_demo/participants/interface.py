"""The one interface every participant offers, in-process or remote.

`execute` applies an operation once per key and answers the same on every repeat; `compensate`
undoes it, and when it comes first, makes sure the late `execute` is refused.

What a call can end in, exactly (the design brief's "Calling a participant"):

- it returns: done (applied now, or applied before with the same key);
- `Refused`: the participant answered no, with a reason: the step's business refusal;
- `ParticipantUnreachable`: the call never left (connection refused, no route, an open
  circuit): nothing happened, trying again is safe;
- `ParticipantUnavailable`: the call was sent and no answer came (a timeout, a reset
  connection, a 5xx): it may have been applied; only the same key may try again, and if the
  retries run out the step must be compensated all the same.
"""

import asyncio
from typing import Protocol, TypeVar

from ..store.records import Answer, OperationKey

R_contra = TypeVar("R_contra", contravariant=True)


class Refused(Exception):
    """The participant refused the operation: a business answer, the same on every repeat."""


class ParticipantUnreachable(Exception):
    """The call was never sent: nothing happened, and it may simply be tried again."""


class ParticipantUnavailable(Exception):
    """The call was sent and not answered: the outcome is unknown."""


class ParticipantDown(Exception):
    """A participant could not do what the shop asked outside a saga (a reset): `name` says
    which; asking again completes it."""

    def __init__(self, name: str, cause: Exception) -> None:
        super().__init__(f"{name}: {cause}")
        self.name = name


class Participant(Protocol[R_contra]):
    """An idempotent service the saga calls with a key and a request."""

    async def execute(self, key: OperationKey, request: R_contra) -> None:
        """Apply the operation (once per key), or raise `Refused`."""
        ...

    async def compensate(self, key: OperationKey, request: R_contra) -> None:
        """Undo the operation for that key (once), or void the key if it never arrived."""
        ...

    async def forget(self, session_id: str) -> None:
        """Delete the session's data here (a reset, the sweeper): its next use seeds it anew."""
        ...


def raise_if_refused(answer: Answer) -> None:
    """Turn a ledger's refusal into the participant's `Refused`."""
    if not answer.applied:
        raise Refused(answer.reason or "Refused")


async def simulated_work(seconds: float) -> None:
    """The demo's stand-in for a participant's real work (none when 0)."""
    if seconds > 0:
        await asyncio.sleep(seconds)
