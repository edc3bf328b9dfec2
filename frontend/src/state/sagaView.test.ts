import { describe, expect, it } from "vitest";
import { explainSaga } from "./explain";
import { SAGA, SagaScript, STEPS, shuffled } from "./fixtures.test-support";
import {
  applyEvent,
  applyEvents,
  applySnapshot,
  deriveSaga,
  emptyView,
  lastSequence,
  type SagaState,
} from "./sagaView";

const statuses = (saga: SagaState) => Object.fromEntries(saga.steps.map((s) => [s.name, s.status]));

/** Insufficient funds: payment refused, reservation released, validation compensated. */
function insufficientFunds(): SagaScript {
  return new SagaScript()
    .start()
    .through(2)
    .runs("process_payment")
    .fails("process_payment", "Insufficient funds")
    .compensates("reserve_inventory")
    .compensates("validate_order")
    .add("SAGA_FAILED", "FAILED");
}

describe("a saga's view", () => {
  it("follows a happy path step by step", () => {
    const script = new SagaScript().start().through(4).add("SAGA_COMPLETED", "COMPLETED");
    let view = applySnapshot(emptyView(SAGA), script.snapshot(1));
    expect(deriveSaga(view).steps.map((s) => s.status)).toEqual([
      "PENDING",
      "PENDING",
      "PENDING",
      "PENDING",
    ]);

    view = applyEvents(view, script.events.slice(1, 4)); // validate done, reserve running
    expect(statuses(deriveSaga(view))).toEqual({
      validate_order: "COMPLETED",
      reserve_inventory: "RUNNING",
      process_payment: "PENDING",
      ship_order: "PENDING",
    });

    view = applyEvents(view, script.events);
    const saga = deriveSaga(view);
    expect(saga.status).toBe("COMPLETED");
    expect(saga.terminal).toBe(true);
    expect(saga.steps.every((s) => s.status === "COMPLETED" && s.attempts === 1)).toBe(true);
    expect(saga.failure).toBeNull();
    expect(saga.lastSequence).toBe(10);
  });

  it("lists the steps as the API lists them, before any of them has run", () => {
    const script = new SagaScript().start();
    const saga = deriveSaga(applySnapshot(emptyView(SAGA), script.snapshot()));
    expect(saga.steps.map((s) => s.name)).toEqual(STEPS);
  });

  it("gives the same state whatever order the events arrive in", () => {
    const script = insufficientFunds();
    const inOrder = deriveSaga(applyEvents(emptyView(SAGA), script.events));
    for (const seed of [1, 2, 3, 42]) {
      const mixed = deriveSaga(applyEvents(emptyView(SAGA), shuffled(script.events, seed)));
      expect(mixed).toEqual(inOrder);
    }
  });

  it("shows nothing past a gap until the gap fills", () => {
    const script = new SagaScript().start().through(2);
    const [first, second, third, fourth, fifth] = script.events;
    let view = applyEvents(
      emptyView(SAGA),
      [first, second, fourth, fifth].filter((e) => !!e),
    );
    let saga = deriveSaga(view);
    expect(saga.lastSequence).toBe(2);
    expect(saga.waiting).toBe(2);
    expect(statuses(saga).validate_order).toBe("RUNNING");
    expect(statuses(saga).reserve_inventory).toBeUndefined();

    view = applyEvent(view, third as (typeof script.events)[number]);
    saga = deriveSaga(view);
    expect(saga.lastSequence).toBe(5);
    expect(saga.waiting).toBe(0);
    expect(statuses(saga).reserve_inventory).toBe("COMPLETED");
  });

  it("ignores repeated events: the same view, not a copy", () => {
    const script = new SagaScript().start().through(4).add("SAGA_COMPLETED", "COMPLETED");
    const view = applyEvents(emptyView(SAGA), script.events);
    const last = script.events[script.events.length - 1];
    if (last === undefined) throw new Error("no events");
    // urql's useSubscription repeats the last event when the subscription completes.
    expect(applyEvent(view, last)).toBe(view);
    expect(applyEvent(view, { ...last })).toBe(view);
    // A replay from the start (a reconnect with an old afterSequence) changes nothing either.
    expect(applyEvents(view, script.events)).toBe(view);
    expect(view.events).toHaveLength(10);
  });

  it("ignores another saga's events", () => {
    const other = new SagaScript("saga-2", "order-2").start();
    const view = emptyView(SAGA);
    expect(applyEvents(view, other.events)).toBe(view);
  });

  it("keeps live events newer than a snapshot, and an older snapshot does not win", () => {
    const script = insufficientFunds();
    let view = applySnapshot(emptyView(SAGA), script.snapshot(5));
    view = applyEvents(view, script.events.slice(5, 9));
    expect(lastSequence(view)).toBe(9);
    const newer = applySnapshot(view, script.snapshot(9));
    expect(newer.snapshotSequence).toBe(9);
    const stale = applySnapshot(newer, script.snapshot(3));
    expect(stale.snapshotSequence).toBe(9);
    expect(deriveSaga(stale)).toEqual(deriveSaga(newer));
  });

  it("compensates in reverse order after a failure", () => {
    const script = new SagaScript()
      .start()
      .through(3)
      .runs("ship_order")
      .fails("ship_order", "Shipping address invalid")
      .compensates("process_payment")
      .compensates("reserve_inventory")
      .compensates("validate_order")
      .add("SAGA_FAILED", "FAILED");
    const views = script.events.map((_, i) =>
      deriveSaga(applyEvents(emptyView(SAGA), script.events.slice(0, i + 1))),
    );
    // Mid-way: payment undone, the reservation being undone, validation not yet.
    const midway = views[11]; // after COMPENSATION_STARTED of reserve_inventory
    expect(midway?.status).toBe("COMPENSATING");
    expect(midway && statuses(midway)).toEqual({
      validate_order: "COMPLETED",
      reserve_inventory: "COMPENSATING",
      process_payment: "COMPENSATED",
      ship_order: "FAILED",
    });

    const saga = views[views.length - 1] as SagaState;
    expect(saga.status).toBe("FAILED");
    expect(saga.compensationOrder).toEqual([
      "process_payment",
      "reserve_inventory",
      "validate_order",
    ]);
    expect(saga.failure).toEqual({ step: "ship_order", error: "Shipping address invalid" });
    expect(statuses(saga)).toEqual({
      validate_order: "COMPENSATED",
      reserve_inventory: "COMPENSATED",
      process_payment: "COMPENSATED",
      ship_order: "FAILED",
    });
    expect(saga.undone).toEqual([]);
  });

  it("explains a failure in words", () => {
    const saga = deriveSaga(applyEvents(emptyView(SAGA), insufficientFunds().events));
    expect(explainSaga(saga)).toBe(
      "Payment failed (Insufficient funds), so the inventory reservation was released and the " +
        "validation compensated, in reverse order. Stock and balances are as they were before " +
        "the order.",
    );
  });

  it("shows a step retrying, with its attempt and when it is due", () => {
    const due = "2025-01-01T12:00:05.000Z";
    const script = new SagaScript()
      .start()
      .through(1)
      .runs("reserve_inventory", 1)
      .add("STEP_RETRYING", "PROCESSING", "reserve_inventory", "RUNNING", {
        attempt: 2,
        errorMessage: "Temporarily unavailable",
      });
    let view = applyEvents(emptyView(SAGA), script.events);
    let step = deriveSaga(view).steps.find((s) => s.name === "reserve_inventory");
    expect(step?.retrying).toEqual({
      of: "step",
      attempt: 2,
      error: "Temporarily unavailable",
      nextAttemptAt: null, // no snapshot since the retry: not known yet
    });

    view = applySnapshot(view, script.snapshot(script.events.length, due));
    step = deriveSaga(view).steps.find((s) => s.name === "reserve_inventory");
    expect(step?.retrying?.nextAttemptAt).toBe(due);
    expect(explainSaga(deriveSaga(view))).toContain("attempt 2");

    script.runs("reserve_inventory", 2).completes("reserve_inventory");
    view = applyEvents(view, script.events);
    step = deriveSaga(view).steps.find((s) => s.name === "reserve_inventory");
    expect(step?.retrying).toBeNull();
    expect(step?.attempts).toBe(2);
    expect(step?.status).toBe("COMPLETED");
  });

  it("names what is left undone when a compensation fails, and follows a retry", () => {
    const script = new SagaScript()
      .shippingRefused()
      .compensationFails("process_payment", [
        "Payment service unavailable",
        "Payment service unavailable",
      ])
      .compensates("reserve_inventory")
      .compensates("validate_order")
      .add("SAGA_FAILED", "COMPENSATION_FAILED");
    let saga = deriveSaga(applyEvents(emptyView(SAGA), script.events));
    expect(saga.status).toBe("COMPENSATION_FAILED");
    expect(saga.undone).toEqual(["process_payment"]);
    const payment = saga.steps.find((s) => s.name === "process_payment");
    expect(payment?.compensation).toBe("FAILED");
    expect(payment?.compensationAttempts).toBe(2);
    expect(payment?.compensationError).toBe("Payment service unavailable");
    expect(explainSaga(saga)).toContain(
      "undoing process payment failed, so its effect still stands",
    );

    // retrySaga: the compensation left undone starts again, then succeeds.
    script.add("COMPENSATION_RETRYING", "COMPENSATING", "process_payment", "COMPLETED", {
      attempt: 3,
      errorMessage: "Retried on request",
    });
    saga = deriveSaga(applyEvents(emptyView(SAGA), script.events));
    expect(saga.status).toBe("COMPENSATING");
    expect(saga.undone).toEqual([]);
    expect(saga.steps.find((s) => s.name === "process_payment")?.retrying).toMatchObject({
      of: "compensation",
      attempt: 3,
      error: "Retried on request",
    });
    script.compensates("process_payment", 3).add("SAGA_FAILED", "FAILED");
    saga = deriveSaga(applyEvents(emptyView(SAGA), script.events));
    expect(saga.status).toBe("FAILED");
    expect(saga.undone).toEqual([]);
    expect(saga.steps.find((s) => s.name === "process_payment")?.status).toBe("COMPENSATED");
  });

  it("shows a cancelled saga as failed with 'Cancelled'", () => {
    const script = new SagaScript()
      .start()
      .through(1)
      .add("CANCEL_REQUESTED", "PROCESSING")
      .fails("reserve_inventory", "Cancelled")
      .compensates("validate_order")
      .add("SAGA_FAILED", "FAILED");
    const saga = deriveSaga(applyEvents(emptyView(SAGA), script.events));
    expect(saga.cancelRequested).toBe(true);
    expect(saga.status).toBe("FAILED");
    expect(saga.failure).toEqual({ step: "reserve_inventory", error: "Cancelled" });
    expect(explainSaga(saga)).toMatch(/^You cancelled the saga before reserve inventory/);
  });
});
