/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment EventFields on SagaEvent {\n    id\n    sequence\n    sagaId\n    orderId\n    kind\n    step\n    attempt\n    stepStatus\n    sagaStatus\n    errorMessage\n    at\n  }\n": typeof types.EventFieldsFragmentDoc,
    "\n  fragment OrderFields on Order {\n    id\n    userId\n    productId\n    quantity\n    amount\n    status\n    createdAt\n    saga {\n      id\n      status\n    }\n  }\n": typeof types.OrderFieldsFragmentDoc,
    "\n  fragment SagaFields on Saga {\n    id\n    orderId\n    status\n    cancelRequested\n    createdAt\n    finishedAt\n    steps {\n      name\n      status\n      errorMessage\n      attempts\n      startedAt\n      finishedAt\n      compensation\n      compensationAttempts\n      nextAttemptAt\n    }\n    events {\n      ...EventFields\n    }\n    faults {\n      step\n      kind\n      times\n      delayMs\n    }\n  }\n": typeof types.SagaFieldsFragmentDoc,
    "\n  query Stock {\n    inventory {\n      productId\n      available\n    }\n    balances {\n      userId\n      balance\n    }\n  }\n": typeof types.StockDocument,
    "\n  query Orders($first: Int!, $after: String, $status: SagaStatus) {\n    orders(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderFields\n        }\n      }\n    }\n  }\n": typeof types.OrdersDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      ...OrderFields\n    }\n  }\n": typeof types.OrderDocument,
    "\n  query Saga($id: ID!) {\n    saga(id: $id) {\n      ...SagaFields\n    }\n  }\n": typeof types.SagaDocument,
    "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        ...OrderFields\n      }\n      saga {\n        ...SagaFields\n      }\n    }\n  }\n": typeof types.CreateOrderDocument,
    "\n  mutation Reset {\n    reset {\n      message\n    }\n  }\n": typeof types.ResetDocument,
    "\n  mutation CancelSaga($sagaId: ID!) {\n    cancelSaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n": typeof types.CancelSagaDocument,
    "\n  mutation RetrySaga($sagaId: ID!) {\n    retrySaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n": typeof types.RetrySagaDocument,
    "\n  subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {\n    sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) {\n      ...EventFields\n    }\n  }\n": typeof types.SagaUpdatesDocument,
    "\n  subscription SessionEvents($after: ID) {\n    sessionEvents(after: $after) {\n      ...EventFields\n    }\n  }\n": typeof types.SessionEventsDocument,
    "\n  query Participants {\n    participants {\n      name\n      remote\n      url\n      circuit\n    }\n  }\n": typeof types.ParticipantsDocument,
    "\n  subscription ParticipantUpdates {\n    participantUpdates {\n      name\n      circuit\n    }\n  }\n": typeof types.ParticipantUpdatesDocument,
};
const documents: Documents = {
    "\n  fragment EventFields on SagaEvent {\n    id\n    sequence\n    sagaId\n    orderId\n    kind\n    step\n    attempt\n    stepStatus\n    sagaStatus\n    errorMessage\n    at\n  }\n": types.EventFieldsFragmentDoc,
    "\n  fragment OrderFields on Order {\n    id\n    userId\n    productId\n    quantity\n    amount\n    status\n    createdAt\n    saga {\n      id\n      status\n    }\n  }\n": types.OrderFieldsFragmentDoc,
    "\n  fragment SagaFields on Saga {\n    id\n    orderId\n    status\n    cancelRequested\n    createdAt\n    finishedAt\n    steps {\n      name\n      status\n      errorMessage\n      attempts\n      startedAt\n      finishedAt\n      compensation\n      compensationAttempts\n      nextAttemptAt\n    }\n    events {\n      ...EventFields\n    }\n    faults {\n      step\n      kind\n      times\n      delayMs\n    }\n  }\n": types.SagaFieldsFragmentDoc,
    "\n  query Stock {\n    inventory {\n      productId\n      available\n    }\n    balances {\n      userId\n      balance\n    }\n  }\n": types.StockDocument,
    "\n  query Orders($first: Int!, $after: String, $status: SagaStatus) {\n    orders(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderFields\n        }\n      }\n    }\n  }\n": types.OrdersDocument,
    "\n  query Order($id: ID!) {\n    order(id: $id) {\n      ...OrderFields\n    }\n  }\n": types.OrderDocument,
    "\n  query Saga($id: ID!) {\n    saga(id: $id) {\n      ...SagaFields\n    }\n  }\n": types.SagaDocument,
    "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        ...OrderFields\n      }\n      saga {\n        ...SagaFields\n      }\n    }\n  }\n": types.CreateOrderDocument,
    "\n  mutation Reset {\n    reset {\n      message\n    }\n  }\n": types.ResetDocument,
    "\n  mutation CancelSaga($sagaId: ID!) {\n    cancelSaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n": types.CancelSagaDocument,
    "\n  mutation RetrySaga($sagaId: ID!) {\n    retrySaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n": types.RetrySagaDocument,
    "\n  subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {\n    sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) {\n      ...EventFields\n    }\n  }\n": types.SagaUpdatesDocument,
    "\n  subscription SessionEvents($after: ID) {\n    sessionEvents(after: $after) {\n      ...EventFields\n    }\n  }\n": types.SessionEventsDocument,
    "\n  query Participants {\n    participants {\n      name\n      remote\n      url\n      circuit\n    }\n  }\n": types.ParticipantsDocument,
    "\n  subscription ParticipantUpdates {\n    participantUpdates {\n      name\n      circuit\n    }\n  }\n": types.ParticipantUpdatesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventFields on SagaEvent {\n    id\n    sequence\n    sagaId\n    orderId\n    kind\n    step\n    attempt\n    stepStatus\n    sagaStatus\n    errorMessage\n    at\n  }\n"): (typeof documents)["\n  fragment EventFields on SagaEvent {\n    id\n    sequence\n    sagaId\n    orderId\n    kind\n    step\n    attempt\n    stepStatus\n    sagaStatus\n    errorMessage\n    at\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderFields on Order {\n    id\n    userId\n    productId\n    quantity\n    amount\n    status\n    createdAt\n    saga {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  fragment OrderFields on Order {\n    id\n    userId\n    productId\n    quantity\n    amount\n    status\n    createdAt\n    saga {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SagaFields on Saga {\n    id\n    orderId\n    status\n    cancelRequested\n    createdAt\n    finishedAt\n    steps {\n      name\n      status\n      errorMessage\n      attempts\n      startedAt\n      finishedAt\n      compensation\n      compensationAttempts\n      nextAttemptAt\n    }\n    events {\n      ...EventFields\n    }\n    faults {\n      step\n      kind\n      times\n      delayMs\n    }\n  }\n"): (typeof documents)["\n  fragment SagaFields on Saga {\n    id\n    orderId\n    status\n    cancelRequested\n    createdAt\n    finishedAt\n    steps {\n      name\n      status\n      errorMessage\n      attempts\n      startedAt\n      finishedAt\n      compensation\n      compensationAttempts\n      nextAttemptAt\n    }\n    events {\n      ...EventFields\n    }\n    faults {\n      step\n      kind\n      times\n      delayMs\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Stock {\n    inventory {\n      productId\n      available\n    }\n    balances {\n      userId\n      balance\n    }\n  }\n"): (typeof documents)["\n  query Stock {\n    inventory {\n      productId\n      available\n    }\n    balances {\n      userId\n      balance\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Orders($first: Int!, $after: String, $status: SagaStatus) {\n    orders(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Orders($first: Int!, $after: String, $status: SagaStatus) {\n    orders(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...OrderFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Order($id: ID!) {\n    order(id: $id) {\n      ...OrderFields\n    }\n  }\n"): (typeof documents)["\n  query Order($id: ID!) {\n    order(id: $id) {\n      ...OrderFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Saga($id: ID!) {\n    saga(id: $id) {\n      ...SagaFields\n    }\n  }\n"): (typeof documents)["\n  query Saga($id: ID!) {\n    saga(id: $id) {\n      ...SagaFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        ...OrderFields\n      }\n      saga {\n        ...SagaFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOrder($input: CreateOrderInput!) {\n    createOrder(input: $input) {\n      order {\n        ...OrderFields\n      }\n      saga {\n        ...SagaFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reset {\n    reset {\n      message\n    }\n  }\n"): (typeof documents)["\n  mutation Reset {\n    reset {\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelSaga($sagaId: ID!) {\n    cancelSaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelSaga($sagaId: ID!) {\n    cancelSaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetrySaga($sagaId: ID!) {\n    retrySaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n"): (typeof documents)["\n  mutation RetrySaga($sagaId: ID!) {\n    retrySaga(sagaId: $sagaId) {\n      ...SagaFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {\n    sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) {\n      ...EventFields\n    }\n  }\n"): (typeof documents)["\n  subscription SagaUpdates($sagaId: ID!, $afterSequence: Int) {\n    sagaUpdates(sagaId: $sagaId, afterSequence: $afterSequence) {\n      ...EventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SessionEvents($after: ID) {\n    sessionEvents(after: $after) {\n      ...EventFields\n    }\n  }\n"): (typeof documents)["\n  subscription SessionEvents($after: ID) {\n    sessionEvents(after: $after) {\n      ...EventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Participants {\n    participants {\n      name\n      remote\n      url\n      circuit\n    }\n  }\n"): (typeof documents)["\n  query Participants {\n    participants {\n      name\n      remote\n      url\n      circuit\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ParticipantUpdates {\n    participantUpdates {\n      name\n      circuit\n    }\n  }\n"): (typeof documents)["\n  subscription ParticipantUpdates {\n    participantUpdates {\n      name\n      circuit\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;