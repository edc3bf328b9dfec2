import { describe, expect, it } from "vitest";
import { describeEvent } from "./describe";
import { explainSaga, summarizeSaga } from "./explain";
import { SAGA, SagaScript } from "./fixtures.test-support";
import { applyEvents, applySnapshot, deriveSaga, emptyView, type SagaState } from "./sagaView";

function derive(script: SagaScript): SagaState {
  return deriveSaga(applyEvents(applySnapshot(emptyView(SAGA), script.snapshot(1)), script.events));
}

/** user_3's order, refused at shipping by the original demo's rule, then undone. */
function shippingRule(): SagaScript {
  return new SagaScript()
    .start()
    .through(3)
    .runs("ship_order")
    .fails("ship_order", "Shipping address invalid")
    .compensates("process_payment")
    .compensates("reserve_inventory")
    .compensates("validate_order")
    .add("SAGA_FAILED", "FAILED");
}

describe("the explanation", () => {
  it("says when the original demo's user_3 rule decided the outcome", () => {
    expect(explainSaga(derive(shippingRule()))).toBe(
      "Shipping failed (Shipping address invalid: user_3's orders always fail at shipping, by " +
        "the original demo's rule), so the payment was refunded, the inventory reservation " +
        "released and the validation compensated, in reverse order. Stock and balances are as " +
        "they were before the order.",
    );
  });

  it("does not blame the rule for another failure", () => {
    const script = new SagaScript()
      .start()
      .through(2)
      .runs("process_payment")
      .fails("process_payment", "Insufficient funds")
      .compensates("reserve_inventory")
      .compensates("validate_order")
      .add("SAGA_FAILED", "FAILED");
    expect(explainSaga(derive(script))).not.toContain("rule");
  });
});

describe("a saga's one-line summary", () => {
  it("says where a saga is, or how it ended", () => {
    const running = new SagaScript().start().through(1).runs("reserve_inventory");
    expect(summarizeSaga(derive(running))).toBe("Running: reserve inventory…");
    const done = new SagaScript().start().through(4).add("SAGA_COMPLETED", "COMPLETED");
    expect(summarizeSaga(derive(done))).toBe("Every step completed");
    expect(summarizeSaga(derive(shippingRule()))).toBe(
      "Ship order failed: Shipping address invalid; compensated",
    );
  });

  it("names what is left undone", () => {
    const script = new SagaScript()
      .shippingRefused()
      .compensationFails("process_payment", ["Injected compensation failure (attempt 1)"])
      .compensates("reserve_inventory")
      .compensates("validate_order")
      .add("SAGA_FAILED", "COMPENSATION_FAILED");
    expect(summarizeSaga(derive(script))).toBe(
      "Ship order failed: Shipping address invalid; left undone: process payment",
    );
  });
});

describe("the session log's last word on a failed saga", () => {
  const order = { userId: "user_3", productId: "product_1", quantity: 1, amount: "50" };

  it("says the compensation completed only when it did, without contradicting itself", () => {
    const failed = new SagaScript("s-1", "o-1").add("SAGA_FAILED", "FAILED");
    const words = describeEvent(failed.events[0] as (typeof failed.events)[0], order);
    expect(words).toBe(
      "🔄 Compensation completed for saga s-1: the order failed and every step that took effect was undone",
    );
    expect(words).not.toMatch(/FAILED/);
  });

  it("says a compensation is left undone when one is", () => {
    const stuck = new SagaScript("s-1", "o-1").add("SAGA_FAILED", "COMPENSATION_FAILED");
    const words = describeEvent(stuck.events[0] as (typeof stuck.events)[0], order);
    expect(words).toBe(
      "💥 Compensation incomplete for saga s-1: the order failed and a compensation is left undone",
    );
    expect(words).not.toContain("completed");
  });
});
