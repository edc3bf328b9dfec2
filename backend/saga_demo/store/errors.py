"""The store's errors; drivers' own errors are translated into these at the adapter's edge."""


class StoreError(Exception):
    """Base of every error the store raises."""


class SessionBusy(StoreError):
    """The session has a saga still running, so it cannot be reset or removed."""


class SessionNotFound(StoreError):
    """No session with that id exists (it expired, or never did)."""


class StoreUnavailable(StoreError):
    """The database did not answer: its connection was lost mid-statement (a restart, a network
    drop, an administrator's terminate) or could not be made. What the statement did is what the
    log shows (it committed whole or not at all): asking again may succeed."""


class SagaNotFound(StoreError):
    """No saga with that id exists."""


class Conflict(StoreError):
    """A write broke a uniqueness or integrity rule (a duplicate id, say)."""


class CancelRequested(StoreError):
    """The saga's cancel was requested: a transition marked `unless_cancelled` was refused."""


class IdempotencyConflict(StoreError):
    """The idempotency key was used before, for a different request."""


class NotOwner(StoreError):
    """Scaled out: this replica no longer owns the saga (its lease lapsed and another replica
    claimed it), so it may not write to it again."""
