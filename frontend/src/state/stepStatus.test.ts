import { describe, expect, it } from "vitest";
import { SAGA, SagaScript } from "./fixtures.test-support";
import { applyEvents, applySnapshot, deriveSaga, emptyView, type StepState } from "./sagaView";
import { STEP_BADGE_TEXT, stepBadge, stepTimeline } from "./stepStatus";

/** Shipping refused; the refund fails on both of its attempts and is left undone. */
function stuckRefund(): SagaScript {
  return new SagaScript()
    .shippingRefused()
    .compensationFails("process_payment", [
      "Injected compensation failure (attempt 1)",
      "Injected compensation failure (attempt 2)",
    ])
    .compensates("reserve_inventory")
    .compensates("validate_order")
    .add("SAGA_FAILED", "COMPENSATION_FAILED");
}

function step(script: SagaScript, name: string): StepState {
  // A snapshot lists the steps, as the API does; the events then say where each one is.
  const view = applyEvents(applySnapshot(emptyView(SAGA), script.snapshot(1)), script.events);
  const found = deriveSaga(view).steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step ${name}`);
  return found;
}

describe("a step's badge", () => {
  it("says the compensation failed, not COMPLETED, when the undo failed", () => {
    const payment = step(stuckRefund(), "process_payment");
    expect(payment.status).toBe("COMPLETED"); // as the API has it: the effect stands
    expect(stepBadge(payment)).toBe("COMPENSATION_FAILED");
    expect(STEP_BADGE_TEXT[stepBadge(payment)]).toBe("COMPENSATION FAILED");
  });

  it("says so for a step of unknown outcome too, whose status stays FAILED", () => {
    expect(stepBadge({ status: "FAILED", compensation: "FAILED", retrying: null })).toBe(
      "COMPENSATION_FAILED",
    );
    expect(stepBadge({ status: "FAILED", compensation: "RUNNING", retrying: null })).toBe(
      "COMPENSATING",
    );
    // Undone at last: it failed, and what it may have done is undone (its notes say so).
    expect(stepBadge({ status: "FAILED", compensation: "DONE", retrying: null })).toBe("FAILED");
  });

  it("shows the API's status otherwise", () => {
    const script = stuckRefund();
    expect(stepBadge(step(script, "ship_order"))).toBe("FAILED");
    expect(stepBadge(step(script, "reserve_inventory"))).toBe("COMPENSATED");
    expect(stepBadge({ status: "RUNNING", compensation: null, retrying: null })).toBe("RUNNING");
  });

  it("says COMPENSATING while a retried compensation waits for its next attempt", () => {
    const script = stuckRefund().add(
      "COMPENSATION_RETRYING",
      "COMPENSATING",
      "process_payment",
      "COMPLETED",
      { attempt: 3, errorMessage: "Retried on request" },
    );
    const payment = step(script, "process_payment");
    expect(payment.compensation).toBeNull();
    expect(stepBadge(payment)).toBe("COMPENSATING");
  });
});

describe("a step's timeline row", () => {
  it("never says undone for what was not undone", () => {
    const payment = step(stuckRefund(), "process_payment");
    const row = stepTimeline(payment, Date.parse("2025-01-01T13:00:00Z"));
    expect(row.words).toMatch(/^\d+ ms; undo failed after \d+ ms, 2 attempts$/);
    expect(row.words).not.toContain("undone");
    expect(row.undo?.failed).toBe(true);
    // The failed undo's bar ends when it gave up, not at the end of the saga.
    expect(row.undo?.to).toBe(Date.parse(payment.compensationFinishedAt ?? ""));
  });

  it("says how long an undo took once it is done", () => {
    const reserve = step(stuckRefund(), "reserve_inventory");
    const row = stepTimeline(reserve, 0);
    expect(row.words).toBe("100 ms; undone in 100 ms");
    expect(row.undo?.failed).toBe(false);
  });

  it("follows a step running, retried, and one never run", () => {
    const script = new SagaScript().start().runs("validate_order", 2);
    const running = step(script, "validate_order");
    expect(stepTimeline(running, Date.now()).words).toBe("running, attempt 2…");
    expect(stepTimeline(step(script, "ship_order"), 0)).toEqual({
      run: null,
      undo: null,
      words: "not run",
    });
  });

  it("says a compensation is under way", () => {
    const script = new SagaScript()
      .start()
      .through(1)
      .runs("reserve_inventory")
      .fails("reserve_inventory", "Insufficient inventory")
      .add("COMPENSATION_STARTED", "COMPENSATING", "validate_order", "COMPENSATING", {
        attempt: 1,
      });
    expect(stepTimeline(step(script, "validate_order"), Date.now()).words).toBe(
      "100 ms; being undone…",
    );
  });
});
