/**
 * The teaching panel's words: what the visitor just saw a saga do, in plain sentences
 * (e.g. "Payment failed, so the inventory reservation was released and the validation
 * compensated").
 */
import { formatMoney } from "./money";
import type { SagaState } from "./sagaView";
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
      const why = failed
        ? `${stepWords(failed.step).subject} failed (${failed.error ?? "an error"})`
        : "A step failed";
      return `${why}, so the orchestrator is undoing the steps that took effect, newest first.${compensated.length ? ` So far ${undoneList(compensated)}.` : ""}`;
    }
    case "FAILED":
    case "COMPENSATION_FAILED": {
      if (failed === null) return "The saga failed.";
      const cause =
        failed.error === "Cancelled"
          ? `You cancelled the saga before ${stepWords(failed.step).label.toLowerCase()}`
          : `${stepWords(failed.step).subject} failed (${failed.error ?? "an error"})`;
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
