"""The one interface every participant offers, in-process or remote.

`execute` applies an operation once per key and answers the same on every repeat; `compensate`
undoes it, and when it comes first, makes sure the late `execute` is refused.
"""

from typing import Protocol, TypeVar

from ..store.records import Answer, OperationKey

R_contra = TypeVar("R_contra", contravariant=True)


class Refused(Exception):
    """The participant refused the operation: a business answer, the same on every repeat."""


class ParticipantUnavailable(Exception):
    """The participant could not be reached or did not answer: the outcome is unknown."""


class Participant(Protocol[R_contra]):
    """An idempotent service the saga calls with a key and a request."""

    async def execute(self, key: OperationKey, request: R_contra) -> None:
        """Apply the operation (once per key), or raise `Refused`."""
        ...

    async def compensate(self, key: OperationKey, request: R_contra) -> None:
        """Undo the operation for that key (once), or void the key if it never arrived."""
        ...


def raise_if_refused(answer: Answer) -> None:
    """Turn a ledger's refusal into the participant's `Refused`."""
    if not answer.applied:
        raise Refused(answer.reason or "Refused")
