"""What the shop refuses, beside the store's own errors: each transport says it its own way,
from one table (`api/errors.py`)."""

from ..saga import CancelAnswer


class CancelRefused(Exception):
    """The cancel request changed nothing: the saga compensates, is past its last step's start,
    or has finished (`answer` says which)."""

    def __init__(self, answer: CancelAnswer) -> None:
        super().__init__(answer.value)
        self.answer = answer


class NothingToRetry(Exception):
    """A redrive was asked of a saga that left no compensation undone."""
