/**
 * One line of the session's log per event, in the original demo's words (its server log lines:
 * "🚀 Starting saga … for order …", "✅ Reserved 2 units of product_1 for user_1", …).
 */
import { formatMoney } from "./money";
import { stepWords } from "./steps";
import type { OrderInfo, SagaEvent } from "./types";

type Order = Pick<OrderInfo, "userId" | "productId" | "quantity" | "amount">;

function completed(event: SagaEvent, order: Order | undefined): string {
  const step = event.step ?? "?";
  if (order !== undefined) {
    switch (step) {
      case "validate_order":
        return `✅ Order ${event.orderId} validated successfully`;
      case "reserve_inventory":
        return `✅ Reserved ${order.quantity} units of ${order.productId} for ${order.userId}`;
      case "process_payment":
        return `💰 Processed payment of ${formatMoney(order.amount)} for ${order.userId}`;
      case "ship_order":
        return `📦 Order ${event.orderId} shipped successfully`;
    }
  }
  return `✅ Step ${step} completed successfully`;
}

function compensated(event: SagaEvent, order: Order | undefined): string {
  const step = event.step ?? "?";
  if (event.stepStatus === "FAILED") {
    return `↩️ Undid whatever ${step} may have done (its outcome was unknown)`;
  }
  if (order !== undefined) {
    switch (step) {
      case "validate_order":
        return `↩️ No compensation needed for validation of order ${event.orderId}`;
      case "reserve_inventory":
        return `↩️ Released ${order.quantity} units of ${order.productId}`;
      case "process_payment":
        return `↩️ Refunded ${formatMoney(order.amount)} to ${order.userId}`;
      case "ship_order":
        return `↩️ Shipment cancelled for order ${event.orderId}`;
    }
  }
  return `↩️ Step ${step} compensated`;
}

export function describeEvent(event: SagaEvent, order?: Order): string {
  const step = event.step ?? "?";
  const attempt = event.attempt != null && event.attempt > 1 ? ` (attempt ${event.attempt})` : "";
  switch (event.kind) {
    case "SAGA_STARTED":
      return `🚀 Starting saga ${event.sagaId} for order ${event.orderId}`;
    case "STEP_STARTED":
      return `⚡ Executing step: ${step} of saga ${event.sagaId}${attempt}`;
    case "STEP_COMPLETED":
      return completed(event, order);
    case "STEP_RETRYING":
      return `🔁 Step ${step} will be retried, attempt ${event.attempt ?? "?"}: ${event.errorMessage ?? "failed"}`;
    case "STEP_FAILED":
      return `❌ Step ${step} failed: ${event.errorMessage ?? "failed"}`;
    case "COMPENSATION_STARTED":
      return `↩️ Compensating step: ${step}${attempt}`;
    case "STEP_COMPENSATED":
      return compensated(event, order);
    case "COMPENSATION_RETRYING":
      return `🔁 Compensation of ${step} will be retried, attempt ${event.attempt ?? "?"}: ${event.errorMessage ?? "failed"}`;
    case "COMPENSATION_FAILED":
      return `💥 Compensation failed for step ${step}: ${event.errorMessage ?? "failed"}`;
    case "CANCEL_REQUESTED":
      return `🛑 Cancel requested for saga ${event.sagaId}`;
    case "SAGA_COMPLETED":
      return `✅ Saga ${event.sagaId} completed successfully`;
    case "SAGA_FAILED":
      // The original demo's "🔄 Compensation completed for saga …", said only when it is true.
      return event.sagaStatus === "COMPENSATION_FAILED"
        ? `💥 Compensation incomplete for saga ${event.sagaId}: the order failed and a compensation is left undone`
        : `🔄 Compensation completed for saga ${event.sagaId}: the order failed and every step that took effect was undone`;
  }
}

/** The same event for a screen reader: plain words, no emoji, no ids. */
export function announceEvent(event: SagaEvent): string {
  const step = event.step === null ? "" : stepWords(event.step).label;
  const error = event.errorMessage ? `: ${event.errorMessage}` : "";
  switch (event.kind) {
    case "SAGA_STARTED":
      return "saga started";
    case "STEP_STARTED":
      return `${step} running`;
    case "STEP_COMPLETED":
      return `${step} completed`;
    case "STEP_RETRYING":
      return `${step} retrying, attempt ${event.attempt ?? ""}${error}`;
    case "STEP_FAILED":
      return `${step} failed${error}`;
    case "COMPENSATION_STARTED":
      return `compensating ${step}`;
    case "STEP_COMPENSATED":
      return `${step} compensated`;
    case "COMPENSATION_RETRYING":
      return `compensation of ${step} retrying, attempt ${event.attempt ?? ""}${error}`;
    case "COMPENSATION_FAILED":
      return `compensation of ${step} failed${error}`;
    case "CANCEL_REQUESTED":
      return "cancel requested";
    case "SAGA_COMPLETED":
      return "saga completed";
    case "SAGA_FAILED":
      return event.sagaStatus === "COMPENSATION_FAILED"
        ? "saga failed, and a compensation is left undone"
        : "saga failed; every step that took effect was undone";
  }
}
