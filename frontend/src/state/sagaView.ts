/**
 * One saga's view, built from its events alone: a pure reducer, so that out-of-order, repeated
 * and replayed events (a reconnect, urql repeating the last event when a subscription ends, the
 * session stream and `sagaUpdates` both delivering the same event) all lead to the same state.
 *
 * The view keeps every event it was given, once per sequence number, in order; what is shown is
 * folded from the events 1..n without a gap (anything after a gap waits for the gap to fill).
 * A snapshot from `saga(id)` brings the step list as the API orders it, its events, and the
 * figures no event carries (when a retry is due).
 */
import type {
  CompensationState,
  SagaEvent,
  SagaSnapshot,
  SagaStatus,
  SnapshotStep,
  StepStatus,
} from "./types";
import { isTerminal } from "./types";

export interface SagaView {
  readonly sagaId: string;
  readonly orderId: string | null;
  /** Every event received, unique by sequence, ascending. */
  readonly events: readonly SagaEvent[];
  /** The latest snapshot from the API, if any. */
  readonly snapshot: SagaSnapshot | null;
  /** The highest sequence the snapshot had seen (its events' last). */
  readonly snapshotSequence: number;
}

export interface Retrying {
  /** Whether the step itself or its compensation waits to be tried again. */
  readonly of: "step" | "compensation";
  /** The number of the attempt to come. */
  readonly attempt: number;
  readonly error: string | null;
  /** When it is due, once a snapshot taken after the retry says so. */
  readonly nextAttemptAt: string | null;
}

export interface StepState {
  readonly name: string;
  readonly status: StepStatus;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly compensation: CompensationState | null;
  readonly compensationAttempts: number;
  readonly compensationError: string | null;
  readonly compensationStartedAt: string | null;
  readonly compensationFinishedAt: string | null;
  readonly retrying: Retrying | null;
}

export interface SagaState {
  readonly sagaId: string;
  readonly orderId: string | null;
  /** Null until the first event (or snapshot) is known. */
  readonly status: SagaStatus | null;
  readonly steps: readonly StepState[];
  /** The last sequence applied: events 1..lastSequence are all there. */
  readonly lastSequence: number;
  /** Events received after a gap, waiting for it to fill. */
  readonly waiting: number;
  readonly cancelRequested: boolean;
  /** The step whose failure started the compensation, and why. */
  readonly failure: { readonly step: string; readonly error: string | null } | null;
  /** Steps in the order their compensation began (each once). */
  readonly compensationOrder: readonly string[];
  /** Steps whose compensation failed: their effect still stands. */
  readonly undone: readonly string[];
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly terminal: boolean;
}

export function emptyView(sagaId: string, orderId: string | null = null): SagaView {
  return { sagaId, orderId, events: [], snapshot: null, snapshotSequence: 0 };
}

/** The view with `event` in it; the same object when the event is already there or not ours. */
export function applyEvent(view: SagaView, event: SagaEvent): SagaView {
  if (event.sagaId !== view.sagaId) return view;
  const events = insertEvent(view.events, event);
  if (events === view.events) return view;
  return { ...view, orderId: view.orderId ?? event.orderId, events };
}

export function applyEvents(view: SagaView, events: readonly SagaEvent[]): SagaView {
  return events.reduce(applyEvent, view);
}

/** The view with a fresh snapshot: its events merged, its steps kept if it is the newest. */
export function applySnapshot(view: SagaView, snapshot: SagaSnapshot): SagaView {
  if (snapshot.id !== view.sagaId) return view;
  const merged = applyEvents(view, snapshot.events);
  const sequence = snapshot.events.reduce((max, e) => Math.max(max, e.sequence), 0);
  if (view.snapshot !== null && sequence < view.snapshotSequence) return merged;
  return { ...merged, orderId: snapshot.orderId, snapshot, snapshotSequence: sequence };
}

/** The last sequence of the gap-free run 1..n. */
export function lastSequence(view: SagaView): number {
  let last = 0;
  for (const event of view.events) {
    if (event.sequence !== last + 1) break;
    last = event.sequence;
  }
  return last;
}

function insertEvent(events: readonly SagaEvent[], event: SagaEvent): readonly SagaEvent[] {
  // Usually the newest: scan from the end.
  let index = events.length;
  while (index > 0) {
    const before = events[index - 1] as SagaEvent;
    if (before.sequence === event.sequence) return events;
    if (before.sequence < event.sequence) break;
    index -= 1;
  }
  return [...events.slice(0, index), event, ...events.slice(index)];
}

function pendingStep(name: string): StepState {
  return {
    name,
    status: "PENDING",
    errorMessage: null,
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    compensation: null,
    compensationAttempts: 0,
    compensationError: null,
    compensationStartedAt: null,
    compensationFinishedAt: null,
    retrying: null,
  };
}

interface Fold {
  status: SagaStatus | null;
  steps: StepState[];
  cancelRequested: boolean;
  failure: SagaState["failure"];
  compensationOrder: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

/** What the view shows: the steps and the saga as the gap-free events say. */
export function deriveSaga(view: SagaView): SagaState {
  const snapshot = view.snapshot;
  const fold: Fold = {
    status: null,
    steps: (snapshot?.steps ?? []).map((step) => pendingStep(step.name)),
    cancelRequested: false,
    failure: null,
    compensationOrder: [],
    startedAt: null,
    finishedAt: null,
  };
  let last = 0;
  for (const event of view.events) {
    if (event.sequence !== last + 1) break;
    last = event.sequence;
    foldEvent(fold, event, snapshotStep(view, event));
  }
  if (last === 0 && snapshot !== null) {
    // Nothing to fold (a snapshot without events): show the snapshot as it is.
    fold.status = snapshot.status;
    fold.steps = snapshot.steps.map(fromSnapshot);
    fold.cancelRequested = snapshot.cancelRequested;
  }
  return {
    sagaId: view.sagaId,
    orderId: view.orderId,
    status: fold.status,
    steps: fold.steps,
    lastSequence: last,
    waiting: view.events.length - last,
    cancelRequested: fold.cancelRequested || (snapshot?.cancelRequested ?? false),
    failure: fold.failure,
    compensationOrder: fold.compensationOrder,
    undone: fold.steps.filter((s) => s.compensation === "FAILED").map((s) => s.name),
    startedAt: fold.startedAt,
    finishedAt: fold.finishedAt,
    terminal: isTerminal(fold.status),
  };
}

/** The snapshot's step, when the snapshot is at least as new as the event. */
function snapshotStep(view: SagaView, event: SagaEvent): SnapshotStep | null {
  if (view.snapshot === null || event.step === null || view.snapshotSequence < event.sequence) {
    return null;
  }
  return view.snapshot.steps.find((s) => s.name === event.step) ?? null;
}

function fromSnapshot(step: SnapshotStep): StepState {
  return {
    ...pendingStep(step.name),
    status: step.status,
    errorMessage: step.errorMessage,
    attempts: step.attempts,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    compensation: step.compensation,
    compensationAttempts: step.compensationAttempts,
  };
}

function foldEvent(fold: Fold, event: SagaEvent, known: SnapshotStep | null): void {
  fold.status = event.sagaStatus;
  switch (event.kind) {
    case "SAGA_STARTED":
      fold.startedAt = event.at;
      return;
    case "CANCEL_REQUESTED":
      fold.cancelRequested = true;
      return;
    case "SAGA_COMPLETED":
    case "SAGA_FAILED":
      fold.finishedAt = event.at;
      return;
    default:
      break;
  }
  if (event.step === null) return;
  const name = event.step;
  let index = fold.steps.findIndex((s) => s.name === name);
  if (index < 0) {
    fold.steps.push(pendingStep(name));
    index = fold.steps.length - 1;
  }
  const step = fold.steps[index] as StepState;
  const status = event.stepStatus ?? step.status;
  let next: StepState;
  switch (event.kind) {
    case "STEP_STARTED":
      next = {
        ...step,
        status,
        attempts: event.attempt ?? step.attempts + 1,
        startedAt: step.startedAt ?? event.at,
        finishedAt: null,
        retrying: null,
      };
      break;
    case "STEP_COMPLETED":
      next = { ...step, status, errorMessage: null, finishedAt: event.at, retrying: null };
      break;
    case "STEP_RETRYING":
      next = {
        ...step,
        status,
        errorMessage: event.errorMessage,
        retrying: {
          of: "step",
          attempt: event.attempt ?? step.attempts + 1,
          error: event.errorMessage,
          nextAttemptAt: known?.nextAttemptAt ?? null,
        },
      };
      break;
    case "STEP_FAILED":
      next = {
        ...step,
        status,
        errorMessage: event.errorMessage,
        finishedAt: event.at,
        retrying: null,
      };
      fold.failure ??= { step: name, error: event.errorMessage };
      break;
    case "COMPENSATION_STARTED":
      next = {
        ...step,
        status,
        compensation: "RUNNING",
        compensationAttempts: event.attempt ?? step.compensationAttempts + 1,
        compensationStartedAt: step.compensationStartedAt ?? event.at,
        compensationFinishedAt: null,
        retrying: null,
      };
      if (!fold.compensationOrder.includes(name)) fold.compensationOrder.push(name);
      break;
    case "STEP_COMPENSATED":
      next = {
        ...step,
        status,
        compensation: "DONE",
        compensationError: null,
        compensationFinishedAt: event.at,
        retrying: null,
      };
      break;
    case "COMPENSATION_RETRYING": {
      // After COMPENSATION_FAILED, a retry on request reopens the compensation (its attempts
      // count on).
      const reopened = step.compensation === "FAILED";
      next = {
        ...step,
        status,
        compensation: reopened ? null : step.compensation,
        compensationError: event.errorMessage,
        compensationFinishedAt: reopened ? null : step.compensationFinishedAt,
        retrying: {
          of: "compensation",
          attempt: event.attempt ?? step.compensationAttempts + 1,
          error: event.errorMessage,
          nextAttemptAt: known?.nextAttemptAt ?? null,
        },
      };
      break;
    }
    case "COMPENSATION_FAILED":
      next = {
        ...step,
        status,
        compensation: "FAILED",
        compensationError: event.errorMessage,
        // When it gave up: the timeline says how long the failed undoing took.
        compensationFinishedAt: event.at,
        retrying: null,
      };
      break;
    default:
      next = { ...step, status };
  }
  fold.steps[index] = next;
}
