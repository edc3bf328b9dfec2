import { describe, expect, it } from "vitest";
import { nextConnection } from "../connection";
import { BACKOFF_CAP_MS, backoffDelay } from "./backoff";
import { describeEvent } from "./describe";
import { checkFault, describeFault } from "./faults";
import { SagaScript } from "./fixtures.test-support";
import { formatMoney } from "./money";
import { parseRoute, routePath } from "./route";
import { fieldOfServerError, toOrderInput, validateOrder } from "./validation";

const valid = { userId: "user_1", productId: "product_1", quantity: "2", amount: "100" };

describe("the order form's rules (the server's bounds)", () => {
  it("accepts the four scenarios", () => {
    expect(validateOrder(valid)).toEqual({});
    expect(toOrderInput(valid)).toEqual({ ...valid, quantity: 2 });
  });

  it.each([
    ["1", undefined],
    ["1000000", undefined],
    ["0", "Quantity must be from 1 to 1,000,000"],
    ["1000001", "Quantity must be from 1 to 1,000,000"],
    ["2.5", "Quantity must be a whole number"],
    ["-1", "Quantity must be a whole number"],
    ["1e3", "Quantity must be a whole number"],
    ["", "Quantity is required"],
  ])("quantity %j", (quantity, error) => {
    expect(validateOrder({ ...valid, quantity }).quantity).toBe(error);
  });

  it.each([
    ["0.01", undefined],
    ["49.9", undefined],
    ["1000000000", undefined],
    ["1000000000.00", undefined],
    ["0", "Amount must be above 0"],
    ["0.00", "Amount must be above 0"],
    ["1000000000.01", "Amount must be at most 1,000,000,000"],
    ["5000000000", "Amount must be at most 1,000,000,000"],
    ["1.234", "Amount must have at most two decimals"],
    ["abc", "Amount must be a number, such as 100 or 49.99"],
    ["NaN", "Amount must be a number, such as 100 or 49.99"],
    ["Infinity", "Amount must be a number, such as 100 or 49.99"],
    ["-5", "Amount must be a number, such as 100 or 49.99"],
  ])("amount %j", (amount, error) => {
    expect(validateOrder({ ...valid, amount }).amount).toBe(error);
  });

  it("bounds ids to 1..64 characters", () => {
    expect(validateOrder({ ...valid, userId: "" }).userId).toBe("User is required");
    expect(validateOrder({ ...valid, productId: "p".repeat(64) }).productId).toBeUndefined();
    expect(validateOrder({ ...valid, productId: "p".repeat(65) }).productId).toBe(
      "Product must be 1 to 64 characters",
    );
  });

  it("maps the server's extensions.field to a form field", () => {
    expect(fieldOfServerError("input.amount")).toBe("amount");
    expect(fieldOfServerError("input.userId")).toBe("userId");
    expect(fieldOfServerError("input.idempotencyKey")).toBeNull();
    expect(fieldOfServerError(undefined)).toBeNull();
  });
});

describe("money", () => {
  it.each([
    ["100", "$100.00"],
    ["100.5", "$100.50"],
    ["1000.00", "$1,000.00"],
    ["1000000000", "$1,000,000,000.00"],
    ["0.1", "$0.10"],
  ])("%s is %s", (amount, shown) => {
    expect(formatMoney(amount)).toBe(shown);
  });
});

describe("the log's words", () => {
  const order = { userId: "user_1", productId: "product_1", quantity: 2, amount: "100" };
  const script = new SagaScript("s-1", "o-1")
    .start()
    .through(3)
    .runs("ship_order")
    .fails("ship_order", "Shipping address invalid")
    .compensates("process_payment");
  const words = script.events.map((e) => describeEvent(e, order));

  it("speaks as the original demo", () => {
    expect(words[0]).toBe("🚀 Starting saga s-1 for order o-1");
    expect(words[1]).toBe("⚡ Executing step: validate_order of saga s-1");
    expect(words).toContain("✅ Reserved 2 units of product_1 for user_1");
    expect(words).toContain("💰 Processed payment of $100.00 for user_1");
    expect(words).toContain("❌ Step ship_order failed: Shipping address invalid");
    expect(words).toContain("↩️ Compensating step: process_payment");
    expect(words).toContain("↩️ Refunded $100.00 to user_1");
  });

  it("still says something without the order's details", () => {
    const event = script.events[4];
    expect(event && describeEvent(event)).toBe("✅ Step reserve_inventory completed successfully");
  });
});

describe("reconnecting", () => {
  it("backs off exponentially, capped, with jitter", () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it("goes connected → reconnecting → offline → connected, counting connections", () => {
    let state = nextConnection({ status: "connecting", epoch: 0, failures: 0 }, "connected");
    expect(state).toEqual({ status: "connected", epoch: 1, failures: 0 });
    state = nextConnection(state, "closed");
    expect(state.status).toBe("reconnecting");
    for (let i = 0; i < 3; i += 1) {
      state = nextConnection(nextConnection(state, "connecting"), "closed");
    }
    expect(state.status).toBe("offline");
    state = nextConnection(state, "connected");
    expect(state).toEqual({ status: "connected", epoch: 2, failures: 0 });
  });

  it("is offline at once when the browser says so", () => {
    const dropped = nextConnection({ status: "connected", epoch: 1, failures: 0 }, "closed", false);
    expect(dropped.status).toBe("offline");
  });
});

describe("deep links", () => {
  it("opens a saga at /ui/sagas/<id>", () => {
    expect(parseRoute("/ui/sagas/abc-123")).toEqual({ name: "saga", sagaId: "abc-123" });
    expect(parseRoute("/ui/sagas/abc-123/")).toEqual({ name: "saga", sagaId: "abc-123" });
    expect(parseRoute("/")).toEqual({ name: "home" });
    expect(parseRoute("/ui/whatever")).toEqual({ name: "home" });
    expect(parseRoute("/ui/sagas/%E0%A4%A")).toEqual({ name: "home" });
    expect(routePath({ name: "saga", sagaId: "a b" })).toBe("/ui/sagas/a%20b");
  });
});

describe("fault plans (the server's rules)", () => {
  const draft = { step: "process_payment", kind: "TRANSIENT", times: "2", delayMs: "" } as const;

  it("adds a fault", () => {
    expect(checkFault(draft, [])).toEqual({
      fault: { step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null },
    });
  });

  it("allows one fault of each kind per step", () => {
    const plan = [{ step: "process_payment", kind: "TRANSIENT" }] as const;
    expect(checkFault(draft, plan)).toEqual({
      error: "process_payment has a TRANSIENT fault already (one of each kind per step)",
      field: "kind",
    });
    expect("fault" in checkFault({ ...draft, step: "ship_order" }, plan)).toBe(true);
  });

  it.each([
    [{ times: "0" }, "Times must be a whole number from 1 to 100", "times"],
    [{ times: "101" }, "Times must be a whole number from 1 to 100", "times"],
    [{ kind: "DELAY", delayMs: "" }, "A DELAY needs a delay from 0 to 60,000 ms", "delayMs"],
    [{ kind: "DELAY", delayMs: "60001" }, "A DELAY needs a delay from 0 to 60,000 ms", "delayMs"],
    [{ kind: "DELAY", delayMs: "-1" }, "A DELAY needs a delay from 0 to 60,000 ms", "delayMs"],
  ] as const)("refuses %j", (change, error, field) => {
    expect(checkFault({ ...draft, ...change }, [])).toEqual({ error, field });
  });

  it("describes a fault", () => {
    expect(describeFault({ step: "ship_order", kind: "DELAY", times: 3, delayMs: 500 })).toBe(
      "ship_order: DELAY +500 ms ×3",
    );
  });
});
