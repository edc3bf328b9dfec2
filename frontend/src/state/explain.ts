/**
 * The teaching panel's words: what the visitor just saw a saga do, in plain sentences
 * (e.g. "Payment failed, so the inventory reservation was released and the validation
 * compensated").
 */
import { formatMoney } from "./money";
import type { SagaState } from "./sagaView";
import { isShippingRule, SHIPPING_RULE } from "./scenarios";
import { stepWords } from "./steps";
import type { OrderInfo } from "./types";

type Order = Pick<OrderInfo, "userId" | "productId" | "quantity" | "amount">;

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function undoneList(names: readonly string[]): string {
  // "the inventory reservation was released and the validation compensated"
  return list(
    names.map((name, i) => {
      const [subject, verb] = stepWords(name).undo;
      return i === 0 ? `${subject} was ${verb}` : `${subject} ${verb}`;
    }),
  );
}

/** "Shipping failed (Shipping address invalid: user_3's orders always fail at shipping, …)". */
function failedBecause(failure: NonNullable<SagaState["failure"]>): string {
  const why = isShippingRule(failure)
    ? `${failure.error}: ${SHIPPING_RULE}`
    : (failure.error ?? "an error");
  return `${stepWords(failure.step).subject} failed (${why})`;
}

export function explainSaga(saga: SagaState, order?: Order): string {
  const failed = saga.failure;
  const compensated = saga.compensationOrder.filter(
    (name) => saga.steps.find((s) => s.name === name)?.compensation === "DONE",
  );
  switch (saga.status) {
    case null:
      return "Waiting for the saga's first event…";
    case "PENDING":
    case "PROCESSING": {
      const running = saga.steps.find((s) => s.status === "RUNNING" || s.retrying !== null);
      if (running?.retrying) {
        return `${stepWords(running.name).label} failed for now (${running.retrying.error ?? "a transient error"}); the orchestrator will try it again (attempt ${running.retrying.attempt}) with the same idempotency key, so it can never take effect twice.`;
      }
      const done = saga.steps.filter((s) => s.status === "COMPLETED").length;
      return running
        ? `Running: ${stepWords(running.name).label.toLowerCase()} (step ${done + 1} of ${saga.steps.length}). Each step is recorded in the saga log before and after it runs.`
        : "Running: each step is recorded in the saga log before and after it runs.";
    }
    case "COMPLETED": {
      const details =
        order === undefined
          ? ""
          : ` ${order.quantity} × ${order.productId} left the stock and ${formatMoney(order.amount)} left ${order.userId}'s balance.`;
      return `Every step completed, so the saga committed: nothing had to be undone.${details}`;
    }
    case "COMPENSATING": {
      const why = failed ? failedBecause(failed) : "A step failed";
      return `${why}, so the orchestrator is undoing the steps that took effect, newest first.${compensated.length ? ` So far ${undoneList(compensated)}.` : ""}`;
    }
    case "FAILED":
    case "COMPENSATION_FAILED": {
      if (failed === null) return "The saga failed.";
      const cause =
        failed.error === "Cancelled"
          ? `You cancelled the saga before ${stepWords(failed.step).label.toLowerCase()}`
          : failedBecause(failed);
      const undo =
        compensated.length === 0
          ? ": nothing had taken effect yet, so there was nothing to undo"
          : `, so ${undoneList(compensated)}${compensated.length > 1 ? ", in reverse order" : ""}`;
      if (saga.status === "COMPENSATION_FAILED") {
        const undone = list(saga.undone.map((name) => stepWords(name).label.toLowerCase()));
        const stands =
          saga.undone.length > 1 ? "their effects still stand" : "its effect still stands";
        return `${cause}${undo}; but undoing ${undone} failed, so ${stands}. "Retry compensation" tries again, only what is left undone.`;
      }
      return `${cause}${undo}. Stock and balances are as they were before the order.`;
    }
  }
}

/** The saga in one line, for its summary in the list: where it is, or how it ended. */
export function summarizeSaga(saga: SagaState): string {
  const failed = saga.failure;
  const failedText =
    failed === null
      ? "a step failed"
      : failed.error === "Cancelled"
        ? "cancelled"
        : `${stepWords(failed.step).label.toLowerCase()} failed: ${failed.error ?? "an error"}`;
  switch (saga.status) {
    case null:
      return "Loading…";
    case "PENDING":
    case "PROCESSING": {
      const running = saga.steps.find((s) => s.status === "RUNNING" || s.retrying !== null);
      if (running === undefined) return "Running…";
      const retry = running.retrying ? `, retrying (attempt ${running.retrying.attempt})` : "";
      return `Running: ${stepWords(running.name).label.toLowerCase()}${retry}…`;
    }
    case "COMPLETED":
      return "Every step completed";
    case "COMPENSATING":
      return `${capitalize(failedText)}; undoing…`;
    case "FAILED":
      return `${capitalize(failedText)}; compensated`;
    case "COMPENSATION_FAILED": {
      const undone = list(saga.undone.map((name) => stepWords(name).label.toLowerCase()));
      return `${capitalize(failedText)}; left undone: ${undone || "a compensation"}`;
    }
  }
}

function capitalize(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}`;
}
