"""The records' replacers: what `dataclasses.replace` gives, for every field."""

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from saga_demo.status import CompensationState, SagaStatus, StepStatus
from saga_demo.store.records import SagaRow, StepRow, changed_saga, changed_step, replacer

AT = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
STEP = StepRow(
    1, "reserve_inventory", StepStatus.RUNNING, "boom", 2, AT, None, True,
    CompensationState.RUNNING, 3, 1, AT,
)  # fmt: skip
SAGA = SagaRow(
    "saga", "session", "order", "order-1", "{}", SagaStatus.PROCESSING, 4, False, AT, AT, None,
    (STEP,), "00-trace",
)  # fmt: skip
OTHER: dict[type, Any] = {
    int: 7,
    str: "other",
    bool: False,
    datetime: datetime(2027, 1, 1, tzinfo=UTC),
    StepStatus: StepStatus.COMPLETED,
    SagaStatus: SagaStatus.COMPLETED,
    CompensationState: CompensationState.FAILED,
    tuple: (),
}


@pytest.mark.parametrize(
    ("record", "change"), [(STEP, changed_step), (SAGA, changed_saga)], ids=["step", "saga"]
)
def test_each_field_changes_alone_as_with_dataclasses_replace(record: Any, change: Any) -> None:
    before = dataclasses.replace(record)
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        other = OTHER[type(value)] if value is not None else "set"
        if type(value) is bool:
            other = not value
        changed = change(record, **{field.name: other})
        assert changed == dataclasses.replace(record, **{field.name: other})
        assert getattr(changed, field.name) == other
        assert changed is not record
    assert change(record) == record
    assert record == before  # the original is untouched


def test_a_change_may_set_a_field_to_none() -> None:
    assert changed_step(STEP, error_message=None, next_attempt_at=None) == dataclasses.replace(
        STEP, error_message=None, next_attempt_at=None
    )


def test_an_unknown_field_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="bogus"):
        changed_step(STEP, bogus=1)
    with pytest.raises(TypeError):
        changed_step(STEP, StepStatus.FAILED)  # fields are named, never positional


def test_a_class_with_a_field_its_init_does_not_take_is_refused() -> None:
    @dataclasses.dataclass
    class Derived:
        kept: int
        derived: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="__init__"):
        replacer(Derived)
