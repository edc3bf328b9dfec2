/** Event sequences shaped as the orchestrator writes them, for the unit tests. */
import type { EventKind, SagaEvent, SagaSnapshot, SagaStatus, StepStatus } from "./types";

export const SAGA = "saga-1";
export const ORDER = "order-1";
export const STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"];

/** Builds a saga's events one after another: sequence 1..n, event ids from `firstId`. */
export class SagaScript {
  readonly events: SagaEvent[] = [];
  private at = Date.parse("2025-01-01T12:00:00Z");

  constructor(
    readonly sagaId = SAGA,
    readonly orderId = ORDER,
    private nextId = 101,
  ) {}

  add(
    kind: EventKind,
    sagaStatus: SagaStatus,
    step: string | null = null,
    stepStatus: StepStatus | null = null,
    extra: { attempt?: number; errorMessage?: string } = {},
  ): this {
    this.at += 100;
    this.events.push({
      id: String(this.nextId++),
      sequence: this.events.length + 1,
      sagaId: this.sagaId,
      orderId: this.orderId,
      kind,
      step,
      attempt: extra.attempt ?? null,
      stepStatus,
      sagaStatus,
      errorMessage: extra.errorMessage ?? null,
      at: new Date(this.at).toISOString(),
    });
    return this;
  }

  start(): this {
    return this.add("SAGA_STARTED", "PROCESSING");
  }

  runs(step: string, attempt = 1): this {
    return this.add("STEP_STARTED", "PROCESSING", step, "RUNNING", { attempt });
  }

  completes(step: string): this {
    return this.add("STEP_COMPLETED", "PROCESSING", step, "COMPLETED");
  }

  fails(step: string, errorMessage: string): this {
    return this.add("STEP_FAILED", "COMPENSATING", step, "FAILED", { errorMessage });
  }

  compensates(step: string, attempt = 1): this {
    return this.add("COMPENSATION_STARTED", "COMPENSATING", step, "COMPENSATING", { attempt }).add(
      "STEP_COMPENSATED",
      "COMPENSATING",
      step,
      "COMPENSATED",
    );
  }

  /** The first three steps complete, then shipping is refused (the original demo's user_3 rule). */
  shippingRefused(): this {
    return this.start()
      .through(3)
      .runs("ship_order")
      .fails("ship_order", "Shipping address invalid");
  }

  /** A compensation that fails on every attempt (one error each) and is left undone. */
  compensationFails(step: string, errors: string[]): this {
    errors.forEach((errorMessage, index) => {
      const attempt = index + 1;
      this.add("COMPENSATION_STARTED", "COMPENSATING", step, "COMPENSATING", { attempt });
      if (attempt < errors.length) {
        this.add("COMPENSATION_RETRYING", "COMPENSATING", step, "COMPENSATING", {
          attempt: attempt + 1,
          errorMessage,
        });
      } else {
        this.add("COMPENSATION_FAILED", "COMPENSATING", step, "COMPLETED", { errorMessage });
      }
    });
    return this;
  }

  /** Steps 1..n complete, in order. */
  through(count: number): this {
    for (const step of STEPS.slice(0, count)) this.runs(step).completes(step);
    return this;
  }

  /** A snapshot as `saga(id)` answers, for the events so far (steps as the events left them). */
  snapshot(count = this.events.length, nextAttemptAt: string | null = null): SagaSnapshot {
    const events = this.events.slice(0, count);
    const last = events[events.length - 1];
    return {
      id: this.sagaId,
      orderId: this.orderId,
      status: last?.sagaStatus ?? "PENDING",
      cancelRequested: false,
      createdAt: events[0]?.at ?? "",
      finishedAt: null,
      steps: STEPS.map((name) => {
        const own = events.filter((e) => e.step === name);
        const latest = own[own.length - 1];
        return {
          name,
          status: latest?.stepStatus ?? "PENDING",
          errorMessage: null,
          attempts: own.filter((e) => e.kind === "STEP_STARTED").length,
          startedAt: null,
          finishedAt: null,
          compensation: null,
          compensationAttempts: 0,
          nextAttemptAt: latest?.kind.endsWith("RETRYING") ? nextAttemptAt : null,
        };
      }),
      events,
      faults: [],
    };
  }
}

/** A deterministic shuffle (the tests must not flake). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
