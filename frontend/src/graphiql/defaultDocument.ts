/**
 * The document GraphiQL opens with (until the visitor edits it: GraphiQL keeps edits in local
 * storage): the original demo's four scenarios, the live subscriptions and a look at the data.
 * Lines stay short enough for the editor's half of the screen.
 */
export const DEFAULT_DOCUMENT = `# Saga Demo — GraphiQL
#
# Each order runs a saga of four steps: validate_order,
# reserve_inventory, process_payment, ship_order. When a step
# fails, the steps that already took effect are compensated,
# in reverse order.
#
# Put the cursor inside an operation and press Ctrl-Enter (or
# the run button). Orders, stock and balances belong to your
# browser session; the reset mutation seeds them afresh. The
# docs (the book icon) describe the whole schema.

# The original demo's four scenarios. createOrder answers as
# soon as the saga is recorded: paste its saga id into
# SagaUpdates below to watch it run.

# 1. Happy path: every step completes; the saga is COMPLETED.
mutation HappyPath {
  createOrder(input: {
    userId: "user_1", productId: "product_1"
    quantity: 2, amount: "100"
  }) {
    order { id status }
    saga { id status steps { name status errorMessage } }
  }
}

# 2. Insufficient inventory: there are 100 of product_1, so
#    reserve_inventory is refused and the saga ends FAILED.
mutation InsufficientInventory {
  createOrder(input: {
    userId: "user_1", productId: "product_1"
    quantity: 200, amount: "100"
  }) {
    order { id status }
    saga { id status steps { name status errorMessage } }
  }
}

# 3. Insufficient funds: user_3 has 200; process_payment is
#    refused and the reserved stock is released.
mutation InsufficientFunds {
  createOrder(input: {
    userId: "user_3", productId: "product_1"
    quantity: 1, amount: "500"
  }) {
    order { id status }
    saga { id status steps { name status errorMessage } }
  }
}

# 4. Shipping failure: nothing ships to user_3; the payment
#    is refunded, then the stock released.
mutation ShippingFailure {
  createOrder(input: {
    userId: "user_3", productId: "product_1"
    quantity: 1, amount: "50"
  }) {
    order { id status }
    saga { id status steps { name status errorMessage } }
  }
}

# One saga's events, live. Paste a saga id from a createOrder
# result above. The events already logged come first, then
# each new one as it happens; it ends with the saga's end.
subscription SagaUpdates {
  sagaUpdates(sagaId: "paste-a-saga-id-here", afterSequence: 0) {
    sequence
    kind
    step
    attempt
    stepStatus
    sagaStatus
    errorMessage
    at
  }
}

# Every saga event of your session, live: run it here, then
# place orders from a second browser tab (same session).
subscription SessionEvents {
  sessionEvents {
    id
    sagaId
    sequence
    kind
    step
    stepStatus
    sagaStatus
  }
}

# Where things stand: your newest orders, stock, balances.
query Overview {
  orders(first: 10) {
    totalCount
    edges { node { id status amount saga { status } } }
  }
  inventory { productId available }
  balances { userId balance }
}
`;
