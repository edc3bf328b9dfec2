/**
 * The original demo's four scenarios (its README's "Test Scenarios"), one click each; then two
 * that break a step on purpose (a fault plan), to watch retries and a compensation left undone.
 *
 * Each scenario says what it needs from the session (enough stock to get past the reservation,
 * enough money to get past the payment, or too little of either): after many orders a session
 * may have run out, and the card says so, since the outcome would not be the one it promises.
 */
import type { Fault } from "./faults";
import { formatMoney } from "./money";
import type { Stock } from "./types";
import type { OrderDraft } from "./validation";

/** The original demo's rule: these users' orders are refused at shipping, whatever else. */
export const UNDELIVERABLE_USERS: readonly string[] = ["user_3"];
/** The shipping service's answer under that rule. */
export const UNDELIVERABLE_ERROR = "Shipping address invalid";
export const SHIPPING_RULE = "user_3's orders always fail at shipping, by the original demo's rule";

/** Whether a failure is the original demo's shipping rule at work. */
export function isShippingRule(failure: { step: string; error: string | null } | null): boolean {
  return failure?.step === "ship_order" && failure.error === UNDELIVERABLE_ERROR;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly expect: string;
  /** Set when the original demo's shipping rule decides the outcome. */
  readonly rule?: string;
  readonly draft: OrderDraft;
  readonly faults: readonly Fault[];
  /** What the outcome depends on: the stock at the reservation, the balance at the payment. */
  readonly needs: { readonly stock: "enough" | "short"; readonly funds?: "enough" | "short" };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "happy-path",
    title: "Happy path",
    expect: "every step completes",
    draft: { userId: "user_1", productId: "product_1", quantity: "2", amount: "100" },
    faults: [],
    needs: { stock: "enough", funds: "enough" },
  },
  {
    id: "insufficient-inventory",
    title: "Insufficient inventory",
    expect: "reservation fails, validation compensated",
    draft: { userId: "user_1", productId: "product_1", quantity: "200", amount: "100" },
    faults: [],
    needs: { stock: "short" },
  },
  {
    id: "insufficient-funds",
    title: "Insufficient funds",
    expect: "payment fails, stock released",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "500" },
    faults: [],
    needs: { stock: "enough", funds: "short" },
  },
  {
    id: "shipping-failure",
    title: "Shipping failure",
    expect: "shipping fails, payment refunded, stock released",
    rule: "The original demo's rule: user_3's orders always fail at shipping",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "50" },
    faults: [],
    needs: { stock: "enough", funds: "enough" },
  },
];

export const FAULT_SCENARIOS: readonly Scenario[] = [
  {
    id: "flaky-payment",
    title: "Flaky payment",
    expect: "payment fails twice for now, retried, completes",
    draft: { userId: "user_1", productId: "product_2", quantity: "1", amount: "10" },
    faults: [{ step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null }],
    needs: { stock: "enough", funds: "enough" },
  },
  {
    id: "stuck-refund",
    title: "Stuck refund",
    expect: "shipping fails, the refund fails 5 times: left undone, retry it",
    rule: "Shipping fails by the original demo's user_3 rule",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "50" },
    faults: [{ step: "process_payment", kind: "COMPENSATION_FAIL", times: 5, delayMs: null }],
    needs: { stock: "enough", funds: "enough" },
  },
];

export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...FAULT_SCENARIOS];

/** Compares amounts given as decimal strings, in cents (no binary floating point). */
function cents(amount: string): number | null {
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(amount.trim());
  if (match === null) return null;
  return Number(match[1]) * 100 + Number(`${match[2] ?? ""}00`.slice(0, 2));
}

/**
 * Why the scenario would not end as it says with the session's stock and balances now, or null
 * when it would (or when they are not known yet).
 */
export function scenarioShortfall(scenario: Scenario, stock: Stock | undefined): string | null {
  if (stock === undefined) return null;
  const { userId, productId } = scenario.draft;
  const quantity = Number(scenario.draft.quantity);
  const item = stock.inventory.find((i) => i.productId === productId);
  const balance = stock.balances.find((b) => b.userId === userId);
  if (item !== undefined) {
    if (scenario.needs.stock === "enough" && item.available < quantity) {
      return `Only ${item.available} × ${productId} left, ${quantity} needed: it would fail at the reservation.`;
    }
    if (scenario.needs.stock === "short" && item.available >= quantity) {
      return `${item.available} × ${productId} in stock, enough for ${quantity}: the reservation would succeed.`;
    }
  }
  const need = cents(scenario.draft.amount);
  const has = balance === undefined ? null : cents(balance.balance);
  if (balance !== undefined && need !== null && has !== null) {
    if (scenario.needs.funds === "enough" && has < need) {
      return `${userId} has ${formatMoney(balance.balance)} left, ${formatMoney(scenario.draft.amount)} needed: it would fail at the payment.`;
    }
    if (scenario.needs.funds === "short" && has >= need) {
      return `${userId} has ${formatMoney(balance.balance)}, enough for ${formatMoney(scenario.draft.amount)}: the payment would succeed.`;
    }
  }
  return null;
}
