/**
 * The original demo's four scenarios (its README's "Test Scenarios"), one click each; then two
 * that break a step on purpose (a fault plan), to watch retries and a compensation left undone.
 */
import type { Fault } from "./faults";
import type { OrderDraft } from "./validation";

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly expect: string;
  readonly draft: OrderDraft;
  readonly faults?: readonly Fault[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "happy-path",
    title: "Happy path",
    expect: "every step completes",
    draft: { userId: "user_1", productId: "product_1", quantity: "2", amount: "100" },
  },
  {
    id: "insufficient-inventory",
    title: "Insufficient inventory",
    expect: "reservation fails, validation compensated",
    draft: { userId: "user_1", productId: "product_1", quantity: "200", amount: "100" },
  },
  {
    id: "insufficient-funds",
    title: "Insufficient funds",
    expect: "payment fails, stock released",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "500" },
  },
  {
    id: "shipping-failure",
    title: "Shipping failure",
    expect: "shipping fails, payment refunded, stock released",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "50" },
  },
];

export const FAULT_SCENARIOS: readonly Scenario[] = [
  {
    id: "flaky-payment",
    title: "Flaky payment",
    expect: "payment fails twice for now, retried, completes",
    draft: { userId: "user_1", productId: "product_2", quantity: "1", amount: "10" },
    faults: [{ step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null }],
  },
  {
    id: "stuck-refund",
    title: "Stuck refund",
    expect: "shipping fails, the refund fails 5 times: left undone, retry it",
    draft: { userId: "user_3", productId: "product_1", quantity: "1", amount: "50" },
    faults: [{ step: "process_payment", kind: "COMPENSATION_FAIL", times: 5, delayMs: null }],
  },
];
