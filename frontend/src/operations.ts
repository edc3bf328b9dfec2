/**
 * Every GraphQL operation of the dashboard. `npm run codegen` types them from ../schema.graphql
 * into src/gql/ (committed); `npm run lint` fails when that output is out of date.
 */
import { graphql } from "./gql";

export const EventFields = graphql(`
  fragment EventFields on SagaEvent {
    id
    sequence
    sagaId
    orderId
    kind
    step
    attempt
    stepStatus
    sagaStatus
    errorMessage
    at
  }
`);

export const OrderFields = graphql(`
  fragment OrderFields on Order {
    id
    userId
    productId
    quantity
    amount
    status
    createdAt
    saga {
      id
      status
    }
  }
`);

export const SagaFields = graphql(`
  fragment SagaFields on Saga {
    id
    orderId
    status
    cancelRequested
    createdAt
    finishedAt
    steps {
      name
      status
      errorMessage
      attempts
      startedAt
      finishedAt
      compensation
      compensationAttempts
      nextAttemptAt
    }
    events {
      ...EventFields
    }
    faults {
      step
      kind
      times
      delayMs
    }
  }
`);

export const StockQuery = graphql(`
  query Stock {
    inventory {
      productId
      available
    }
    balances {
      userId
      balance
    }
  }
`);

export const OrdersQuery = graphql(`
  query Orders($first: Int!, $after: String, $status: SagaStatus) {
    orders(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...OrderFields
        }
      }
    }
  }
`);

export const OrderQuery = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      ...OrderFields
    }
  }
`);

export const SagaQuery = graphql(`
  query Saga($id: ID!) {
    saga(id: $id) {
      ...SagaFields
    }
  }
`);

export const CreateOrderMutation = graphql(`
  mutation CreateOrder($input: CreateOrderInput!) {
    createOrder(input: $input) {
      order {
        ...OrderFields
      }
      saga {
        ...SagaFields
      }
    }
  }
`);

export const ResetMutation = graphql(`
  mutation Reset {
    reset {
      message
    }
  }
`);

export const CancelSagaMutation = graphql(`
  mutation CancelSaga($sagaId: ID!) {
    cancelSaga(sagaId: $sagaId) {
      ...SagaFields
    }
  }
`);

export const RetrySagaMutation = graphql(`
  mutation RetrySaga($sagaId: ID!) {
    retrySaga(sagaId: $sagaId) {
      ...SagaFields
    }
  }
`);

export const SagaUpdatesSubscription = graphql(`
  subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {
    sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) {
      ...EventFields
    }
  }
`);

export const SessionEventsSubscription = graphql(`
  subscription SessionEvents($after: ID) {
    sessionEvents(after: $after) {
      ...EventFields
    }
  }
`);

export const ParticipantsQuery = graphql(`
  query Participants {
    participants {
      name
      remote
      url
      circuit
    }
  }
`);

export const ParticipantUpdatesSubscription = graphql(`
  subscription ParticipantUpdates {
    participantUpdates {
      name
      circuit
    }
  }
`);
