"""schema.graphql is generated (`make schema`) and must match the schema the server serves."""

from pathlib import Path

from saga_demo.api.graphql.export import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_up_to_date_run_make_schema_if_not() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl()


def test_the_schema_has_every_name_the_design_brief_fixes() -> None:
    sdl = " ".join(schema_sdl().split()).replace("( ", "(").replace(" )", ")")
    for name in (
        "status: SagaStatus = null): OrderConnection!",
        "order(id: ID!): Order",
        "saga(id: ID!): Saga",
        "inventory: [InventoryItem!]!",
        "balances: [Balance!]!",
        "createOrder(input: CreateOrderInput!): CreateOrderPayload!",
        "reset: ResetPayload!",
        "retrySaga(sagaId: ID!): Saga!",
        "cancelSaga(sagaId: ID!): Saga!",
        "sagaUpdates(sagaId: ID!, afterSequence: Int = 0): SagaEvent!",
        "sessionEvents(after: ID = null): SagaEvent!",
        "enum SagaStatus {",
        "COMPENSATION_FAILED",
        "STEP_RETRYING",
        "CANCEL_REQUESTED",
    ):
        assert name in sdl, name
