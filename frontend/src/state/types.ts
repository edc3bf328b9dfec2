/** The dashboard's vocabulary, taken from the types generated from the schema. */
import type {
  CompensationState,
  EventFieldsFragment,
  EventKind,
  OrderFieldsFragment,
  SagaFieldsFragment,
  SagaStatus,
  StepStatus,
  StockQuery,
} from "../gql/graphql";

export type { CompensationState, EventKind, SagaStatus, StepStatus };

/** One transition of a saga, as the API streams it. */
export type SagaEvent = EventFieldsFragment;
/** A saga as the API answers `saga(id)`: its steps and every event so far. */
export type SagaSnapshot = SagaFieldsFragment;
export type SnapshotStep = SagaSnapshot["steps"][number];
/** An order as the API lists it. */
export type OrderInfo = OrderFieldsFragment;
/** The session's stock and balances, as the API answers `inventory` and `balances`. */
export type Stock = StockQuery;

export const TERMINAL_SAGA_STATUSES: readonly SagaStatus[] = [
  "COMPLETED",
  "FAILED",
  "COMPENSATION_FAILED",
];

export function isTerminal(status: SagaStatus | null | undefined): boolean {
  return status != null && TERMINAL_SAGA_STATUSES.includes(status);
}

/** Event ids are decimal counters; compare them as numbers. */
export function eventNumber(event: Pick<SagaEvent, "id">): number {
  return Number(event.id);
}
