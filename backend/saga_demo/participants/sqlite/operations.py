"""What makes a participant's operation idempotent: one row per key, written with its effect.

States: APPLIED (the effect happened), REFUSED (it was refused, with a reason), COMPENSATED (it
happened and was undone), VOIDED (undone before it arrived, so it is refused from now on).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...store.records import Answer, OperationKey
from ...store.sqlite.database import WriteTx
from ...store.sqlite.rows import timestamp

APPLIED = "APPLIED"
REFUSED = "REFUSED"
COMPENSATED = "COMPENSATED"
VOIDED = "VOIDED"
VOIDED_REASON = "Compensated before it arrived"


class Operations:
    """The rows of one participant's operations table (see `schema._operations_table`)."""

    def __init__(self, table: str, request_columns: tuple[str, ...]) -> None:
        self._table = table
        self._columns = ("saga_id", "step", *request_columns, "state", "reason", "updated_at")
        self._request_columns = request_columns

    def act(
        self,
        tx: WriteTx,
        key: OperationKey,
        request: tuple[Any, ...],
        at: datetime,
        apply: Callable[[], str | None],
    ) -> Answer:
        """Apply once per key: `apply` has the effect, or returns why it refused."""
        found = self._state(tx, key)
        if found is not None:
            state, reason = found
            if state in (APPLIED, COMPENSATED):
                return Answer(applied=True, repeated=True)
            return Answer(applied=False, reason=reason, repeated=True)
        refusal = apply()
        self._insert(tx, key, request, REFUSED if refusal else APPLIED, refusal, at)
        return Answer(applied=refusal is None, reason=refusal)

    def compensate(
        self,
        tx: WriteTx,
        key: OperationKey,
        request: tuple[Any, ...],
        at: datetime,
        undo: Callable[[tuple[Any, ...]], None],
    ) -> Answer:
        """Undo once per key: `undo` gets the recorded request; an unknown key is voided."""
        found = self._state(tx, key)
        if found is None:
            self._insert(tx, key, request, VOIDED, VOIDED_REASON, at)
            return Answer(applied=True)
        if found[0] != APPLIED:
            return Answer(applied=True, repeated=True)
        recorded = tx.execute(
            f"SELECT {', '.join(self._request_columns)} FROM {self._table} "
            "WHERE saga_id = ? AND step = ?",
            (key.saga_id, key.step),
        ).fetchone()
        undo(tuple(recorded))
        tx.execute(
            f"UPDATE {self._table} SET state = ?, updated_at = ? WHERE saga_id = ? AND step = ?",
            (COMPENSATED, timestamp(at), key.saga_id, key.step),
        )
        return Answer(applied=True)

    def _state(self, tx: WriteTx, key: OperationKey) -> tuple[str, str | None] | None:
        row = tx.execute(
            f"SELECT state, reason FROM {self._table} WHERE saga_id = ? AND step = ?",
            (key.saga_id, key.step),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def _insert(
        self,
        tx: WriteTx,
        key: OperationKey,
        request: tuple[Any, ...],
        state: str,
        reason: str | None,
        at: datetime,
    ) -> None:
        placeholders = ",".join("?" * len(self._columns))
        tx.execute(
            f"INSERT INTO {self._table} ({', '.join(self._columns)}) VALUES ({placeholders})",
            (key.saga_id, key.step, *request, state, reason, timestamp(at)),
        )
