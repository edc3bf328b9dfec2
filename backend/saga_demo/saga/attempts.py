"""One attempt at a step's action or compensation, and what its outcome means for the saga."""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from .definition import (
    StepCall,
    StepFunction,
    StepOutcomeUnknown,
    StepRefused,
    StepTransientError,
)

logger = logging.getLogger(__name__)


class Outcome(Enum):
    DONE = auto()
    REFUSED = auto()  # a business answer: never retried
    TRANSIENT = auto()  # did not happen this time: retried
    UNKNOWN = auto()  # may or may not have happened (no answer, an unexpected error): retried


@dataclass(slots=True)
class Attempt:
    outcome: Outcome
    error: str | None = None


async def call_once(
    function: StepFunction[Any],
    call: StepCall[Any],
    timeout: float | None,
    keep: Callable[["asyncio.Task[None]"], None],
) -> Attempt:
    """Call once, waiting at most `timeout`; a call still running then is handed to `keep`."""
    task: asyncio.Task[None] = asyncio.ensure_future(function(call))
    try:
        # The wait never cancels what it waits for: a timeout stops the waiting, not the
        # participant's work half-way (the call is, in effect, shielded).
        await finished_within(task, timeout)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not task.done():
        keep(task)
        return Attempt(Outcome.UNKNOWN, f"Timed out after {timeout:g} s")
    return _outcome(task.exception(), call)


async def finished_within(task: "asyncio.Future[Any]", timeout: float | None) -> None:
    """Wait until the task is done or the timeout passes, whichever comes first, leaving the
    task alone either way: `asyncio.wait({task}, timeout=...)` without its set of waiters."""
    if task.done():
        return
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(wake)
    timer = None if timeout is None else loop.call_later(timeout, wake)
    try:
        await waiter
    finally:
        if timer is not None:
            timer.cancel()
        task.remove_done_callback(wake)


def _outcome(error: BaseException | None, call: StepCall[Any]) -> Attempt:
    if error is None:
        return Attempt(Outcome.DONE)
    if isinstance(error, StepRefused):
        return Attempt(Outcome.REFUSED, str(error))
    if isinstance(error, StepTransientError):
        return Attempt(Outcome.TRANSIENT, str(error) or "Temporarily unavailable")
    if isinstance(error, StepOutcomeUnknown):
        return Attempt(Outcome.UNKNOWN, str(error) or "No answer")
    # Any other failure is unexpected (a bug, say): it leaves the outcome unknown too.
    logger.error(
        "💥 Step %s of saga %s raised %r",
        call.step,
        call.saga_id,
        error,
        exc_info=error,
        extra={"saga_id": call.saga_id, "step": call.step},
    )
    return Attempt(Outcome.UNKNOWN, f"Unexpected error: {error}")
