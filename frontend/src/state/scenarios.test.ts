import { describe, expect, it } from "vitest";
import { describeFault } from "./faults";
import {
  ALL_SCENARIOS,
  FAULT_SCENARIOS,
  isShippingRule,
  SCENARIOS,
  type Scenario,
  scenarioShortfall,
} from "./scenarios";
import type { Stock } from "./types";
import { validateOrder } from "./validation";

const SEED: Stock = {
  inventory: [
    { productId: "product_1", available: 100 },
    { productId: "product_2", available: 50 },
    { productId: "product_3", available: 25 },
  ],
  balances: [
    { userId: "user_1", balance: "1000.00" },
    { userId: "user_2", balance: "500.00" },
    { userId: "user_3", balance: "200.00" },
  ],
};

function scenario(id: string): Scenario {
  const found = ALL_SCENARIOS.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return found;
}

function withStock(product: string, available: number): Stock {
  return {
    ...SEED,
    inventory: SEED.inventory.map((i) => (i.productId === product ? { ...i, available } : i)),
  };
}

function withBalance(user: string, balance: string): Stock {
  return {
    ...SEED,
    balances: SEED.balances.map((b) => (b.userId === user ? { ...b, balance } : b)),
  };
}

describe("the scenarios", () => {
  it("are the original demo's four, then two fault plans, each a valid order", () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual([
      "happy-path",
      "insufficient-inventory",
      "insufficient-funds",
      "shipping-failure",
    ]);
    expect(FAULT_SCENARIOS.map((s) => s.faults.map(describeFault))).toEqual([
      ["process_payment: TRANSIENT ×2"],
      ["process_payment: COMPENSATION_FAIL ×5"],
    ]);
    for (const s of ALL_SCENARIOS) expect(validateOrder(s.draft)).toEqual({});
  });

  it("say when the original demo's user_3 rule decides the outcome", () => {
    const ruled = ALL_SCENARIOS.filter((s) => s.rule !== undefined).map((s) => s.id);
    expect(ruled).toEqual(["shipping-failure", "stuck-refund"]);
    for (const id of ruled) expect(scenario(id).draft.userId).toBe("user_3");
    expect(isShippingRule({ step: "ship_order", error: "Shipping address invalid" })).toBe(true);
    expect(isShippingRule({ step: "process_payment", error: "Insufficient funds" })).toBe(false);
    expect(isShippingRule(null)).toBe(false);
  });

  it("all run as promised in a fresh session", () => {
    for (const s of ALL_SCENARIOS) expect(scenarioShortfall(s, SEED)).toBeNull();
    expect(scenarioShortfall(scenario("happy-path"), undefined)).toBeNull();
  });
});

describe("a session that ran out of what a scenario needs", () => {
  it("after ten happy paths, user_1 has nothing left to pay with", () => {
    const drained = withBalance("user_1", "0.00");
    expect(scenarioShortfall(scenario("happy-path"), drained)).toBe(
      "user_1 has $0.00 left, $100.00 needed: it would fail at the payment.",
    );
    expect(scenarioShortfall(scenario("flaky-payment"), drained)).toContain("$10.00 needed");
    // Not the scenarios that never reach user_1's payment.
    expect(scenarioShortfall(scenario("insufficient-inventory"), drained)).toBeNull();
  });

  it("compares money in cents", () => {
    expect(
      scenarioShortfall(scenario("happy-path"), withBalance("user_1", "99.99")),
    ).not.toBeNull();
    expect(scenarioShortfall(scenario("happy-path"), withBalance("user_1", "100"))).toBeNull();
  });

  it("without stock, the reservation fails before anything the scenario shows", () => {
    const empty = withStock("product_1", 1);
    expect(scenarioShortfall(scenario("happy-path"), empty)).toBe(
      "Only 1 × product_1 left, 2 needed: it would fail at the reservation.",
    );
    expect(scenarioShortfall(scenario("shipping-failure"), empty)).toBeNull();
    expect(scenarioShortfall(scenario("insufficient-funds"), withStock("product_1", 0))).toContain(
      "fail at the reservation",
    );
  });

  it("user_3's money held by refunds left undone stops the shipping scenario short", () => {
    expect(scenarioShortfall(scenario("shipping-failure"), withBalance("user_3", "20.00"))).toBe(
      "user_3 has $20.00 left, $50.00 needed: it would fail at the payment.",
    );
  });

  it("a scenario that needs too little stock says when there is enough", () => {
    expect(scenarioShortfall(scenario("insufficient-inventory"), withStock("product_1", 500))).toBe(
      "500 × product_1 in stock, enough for 200: the reservation would succeed.",
    );
  });
});
