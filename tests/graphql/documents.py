"""The GraphQL documents the tests send, written once: the fields a client of the API reads."""

EVENT_FIELDS = """
fragment EventFields on SagaEvent {
  id sequence sagaId orderId kind step attempt stepStatus sagaStatus errorMessage at
}
"""

SAGA_FIELDS = (
    """
fragment SagaFields on Saga {
  id orderId status
  steps { name status errorMessage attempts startedAt finishedAt }
  events { ...EventFields }
}
"""
    + EVENT_FIELDS
)

ORDER_FIELDS = """
fragment OrderFields on Order {
  id userId productId quantity amount status createdAt saga { id orderId status }
}
"""

CREATE_ORDER = (
    """
mutation CreateOrder($input: CreateOrderInput!) {
  createOrder(input: $input) { order { ...OrderFields } saga { ...SagaFields } }
}
"""
    + ORDER_FIELDS
    + SAGA_FIELDS
)

SAGA = "query Saga($id: ID!) { saga(id: $id) { ...SagaFields } }" + SAGA_FIELDS

ORDER = "query Order($id: ID!) { order(id: $id) { ...OrderFields } }" + ORDER_FIELDS

ORDERS = (
    """
query Orders($first: Int, $after: String, $status: SagaStatus) {
  orders(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...OrderFields } }
  }
}
"""
    + ORDER_FIELDS
)

INVENTORY = "query Inventory { inventory { productId available } }"

BALANCES = "query Balances { balances { userId balance } }"

RESET = "mutation Reset { reset { message } }"

RETRY_SAGA = "mutation Retry($id: ID!) { retrySaga(sagaId: $id) { id } }"

CANCEL_SAGA = "mutation Cancel($id: ID!) { cancelSaga(sagaId: $id) { id } }"

PING = "mutation Ping { ping }"

SAGA_UPDATES = (
    """
subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {
  sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) { ...EventFields }
}
"""
    + EVENT_FIELDS
)

SESSION_EVENTS = (
    """
subscription SessionEvents($after: ID) { sessionEvents(after: $after) { ...EventFields } }
"""
    + EVENT_FIELDS
)
