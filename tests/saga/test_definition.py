"""How a saga is declared: steps with distinct, present names."""

import pytest

from saga_demo.saga import SagaDefinition, Step, StepCall

from .support import Order, Participant, decode, encode


async def _noop(call: StepCall[Order]) -> None:
    del call


def _step(name: str) -> Step[Order]:
    return Step(name, _noop, _noop)


def test_a_definition_keeps_its_steps_in_the_order_given() -> None:
    definition = Participant().definition("validate", "reserve", "charge")

    assert [step.name for step in definition.steps] == ["validate", "reserve", "charge"]


def test_a_definition_refuses_two_steps_with_the_same_name() -> None:
    with pytest.raises(ValueError, match="distinct, non-blank names"):
        SagaDefinition("dup", (_step("a"), _step("b"), _step("a")), encode, decode)


def test_a_definition_refuses_to_have_no_steps() -> None:
    with pytest.raises(ValueError, match="distinct, non-blank names"):
        SagaDefinition[Order]("empty", (), encode, decode)


@pytest.mark.parametrize("name", ["", "   "])
def test_a_definition_refuses_a_step_without_a_name(name: str) -> None:
    with pytest.raises(ValueError, match="names"):
        SagaDefinition("nameless", (_step("a"), _step(name)), encode, decode)
