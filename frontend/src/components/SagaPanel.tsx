import { useEffect, useId, useRef, useState } from "react";
import { useMutation } from "urql";
import { useApp } from "../context";
import { downloadJson } from "../download";
import { errorInfo } from "../errors";
import { formatClock, shortId } from "../format";
import { CancelSagaMutation, RetrySagaMutation } from "../operations";
import { type Load, useOrder, useSagaSnapshot, useSagaUpdates, useSagaView } from "../saga-hooks";
import { announceEvent } from "../state/describe";
import { explainSaga, summarizeSaga } from "../state/explain";
import { describeFault } from "../state/faults";
import { formatMoney } from "../state/money";
import type { SagaState, SagaView, StepState } from "../state/sagaView";
import { isShippingRule, SHIPPING_RULE } from "../state/scenarios";
import { stepBadge } from "../state/stepStatus";
import { stepWords } from "../state/steps";
import type { OrderInfo } from "../state/types";
import { SagaStatusBadge, StepStatusBadge } from "./Badges";
import { CopyableId } from "./CopyButton";
import { Timeline } from "./Timeline";

function StepItem({ step, index }: { step: StepState; index: number }) {
  const words = stepWords(step.name);
  const badge = stepBadge(step);
  const notes: string[] = [];
  if (step.attempts > 1) notes.push(`${step.attempts} attempts`);
  if (step.compensation !== null && step.status !== "COMPENSATED") {
    const attempts = step.compensationAttempts > 1 ? `, ${step.compensationAttempts} attempts` : "";
    const state = {
      RUNNING: "compensating",
      DONE: "compensated",
      FAILED: "compensation failed",
    }[step.compensation];
    notes.push(`${state}${attempts}`);
  }
  return (
    <li className={`step step-${badge.toLowerCase()}`} data-step={step.name}>
      <span className="step-index" aria-hidden="true">
        {index + 1}
      </span>
      <span className="step-body">
        <span className="step-title">
          <span className="step-label">{words.label}</span> <code>{step.name}</code>
        </span>
        {step.errorMessage && step.status !== "COMPLETED" && step.retrying === null && (
          <span className="step-error">{step.errorMessage}</span>
        )}
        {step.retrying && (
          <span className="step-retrying" data-retrying={step.retrying.attempt}>
            {step.retrying.of === "compensation" ? "compensation " : ""}retrying, attempt{" "}
            {step.retrying.attempt}
            {step.retrying.nextAttemptAt && ` at ${formatClock(step.retrying.nextAttemptAt)}`}
            {step.retrying.error && ` (${step.retrying.error})`}
          </span>
        )}
        {step.compensation === "FAILED" && step.compensationError && (
          <span className="step-error">Compensation failed: {step.compensationError}</span>
        )}
        {notes.length > 0 && <span className="step-notes">{notes.join(" · ")}</span>}
      </span>
      <StepStatusBadge status={badge} />
    </li>
  );
}

function Banner({ saga }: { saga: SagaState }) {
  if (saga.failure === null) return null;
  const { step, error } = saga.failure;
  const tone = saga.status === "COMPENSATION_FAILED" ? "banner-danger" : "banner-warning";
  return (
    <div className={`banner ${tone}`} data-banner="failure">
      <strong>{stepWords(step).label} failed:</strong> <span>{error ?? "unknown error"}</span>
      {isShippingRule(saga.failure) && <span className="banner-rule"> ({SHIPPING_RULE})</span>}
      {saga.status === "COMPENSATING" && <span> — undoing what took effect…</span>}
    </div>
  );
}

/** How the list asks a saga to show itself: scrolled into view, and focused (keyboard). */
export interface Reveal {
  readonly focus: boolean;
}

/**
 * One saga of the list: its data followed live whether it is open or not, shown open (the
 * selected saga) or as a one-line summary that opens on click.
 */
export function SagaItem({
  sagaId,
  selected,
  reveal,
  onRevealed,
  onOpen,
  onClose,
}: {
  sagaId: string;
  selected: boolean;
  reveal: Reveal | null;
  onRevealed: () => void;
  onOpen: () => void;
  onClose: () => void;
}) {
  const { announce } = useApp();
  const { view, saga } = useSagaView(sagaId);
  const load = useSagaSnapshot(sagaId, view);
  useSagaUpdates(sagaId, load === "ok" && !saga.terminal);
  const order = useOrder(saga.orderId);

  // Each transition of the open saga, and how the others end, for screen readers.
  const latest = view.events[saga.lastSequence - 1];
  const announced = useRef(0);
  useEffect(() => {
    if (latest === undefined || latest.sequence <= announced.current) return;
    const first = announced.current === 0;
    announced.current = latest.sequence;
    if (first && saga.terminal) return; // known already when it came into the list
    if (selected || saga.terminal) {
      announce(`Order ${shortId(latest.orderId)}: ${announceEvent(latest)}`);
    }
  }, [latest, announce, saga.terminal, selected]);

  return selected ? (
    <SagaPanel
      sagaId={sagaId}
      view={view}
      saga={saga}
      load={load}
      order={order}
      reveal={reveal}
      onRevealed={onRevealed}
      onClose={onClose}
    />
  ) : (
    <SagaSummary
      sagaId={sagaId}
      saga={saga}
      order={order}
      missing={load === "missing"}
      reveal={reveal}
      onRevealed={onRevealed}
      onOpen={onOpen}
      onClose={onClose}
    />
  );
}

function orderWords(order: OrderInfo | undefined): string {
  return order === undefined
    ? ""
    : `${order.userId} · ${order.quantity} × ${order.productId} · ${formatMoney(order.amount)}`;
}

function SagaSummary({
  sagaId,
  saga,
  order,
  missing,
  reveal,
  onRevealed,
  onOpen,
  onClose,
}: {
  sagaId: string;
  saga: SagaState;
  order: OrderInfo | undefined;
  missing: boolean;
  reveal: Reveal | null;
  onRevealed: () => void;
  onOpen: () => void;
  onClose: () => void;
}) {
  const row = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (reveal === null) return;
    if (reveal.focus) button.current?.focus({ preventScroll: true });
    row.current?.scrollIntoView({ block: "nearest" });
    onRevealed();
  }, [reveal, onRevealed]);

  const orderLabel = shortId(saga.orderId ?? sagaId);
  const what = orderWords(order);
  const outcome = missing ? "Not in this session" : summarizeSaga(saga);
  return (
    <div
      ref={row}
      className="saga-summary"
      data-saga-id={sagaId}
      data-status={saga.status ?? "LOADING"}
    >
      <button
        ref={button}
        type="button"
        className="saga-summary-open"
        onClick={onOpen}
        title={[what, outcome].filter(Boolean).join(" — ")}
      >
        <SagaStatusBadge status={saga.status} />
        <span className="summary-order">
          <span className="sr-only">Order </span>
          <code>{orderLabel}</code>
        </span>
        {what && <span className="summary-what">{what}</span>}
        <span className="summary-outcome">{outcome}</span>
      </button>
      <button
        type="button"
        className="link-button summary-close"
        onClick={onClose}
        aria-label={`Close order ${orderLabel}`}
        title="Remove from this list (the order stays in the orders list)"
      >
        ×
      </button>
    </div>
  );
}

function SagaPanel({
  sagaId,
  view,
  saga,
  load,
  order,
  reveal,
  onRevealed,
  onClose,
}: {
  sagaId: string;
  view: SagaView;
  saga: SagaState;
  load: Load;
  order: OrderInfo | undefined;
  reveal: Reveal | null;
  onRevealed: () => void;
  onClose: () => void;
}) {
  const { store } = useApp();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [{ fetching: cancelling }, cancelSaga] = useMutation(CancelSagaMutation);
  const [{ fetching: retrying }, retrySaga] = useMutation(RetrySagaMutation);
  const [actionMessage, setActionMessage] = useState<string | null>(null);

  // Brought into view when placed or opened (on a phone the form is above it), focused when
  // opened from a list.
  useEffect(() => {
    if (reveal === null) return;
    if (reveal.focus) heading.current?.focus({ preventScroll: true });
    heading.current?.closest("article")?.scrollIntoView({ block: "nearest" });
    onRevealed();
  }, [reveal, onRevealed]);

  const cancel = async () => {
    setActionMessage(null);
    const result = await cancelSaga({ sagaId });
    if (result.error) setActionMessage(errorInfo(result.error).message);
    else if (result.data) {
      store.dispatch({ type: "snapshot", saga: result.data.cancelSaga });
      setActionMessage("Cancel requested: honoured at the next step boundary.");
    }
  };
  const retry = async () => {
    setActionMessage(null);
    const result = await retrySaga({ sagaId });
    if (result.error) setActionMessage(errorInfo(result.error).message);
    else if (result.data) store.dispatch({ type: "snapshot", saga: result.data.retrySaga });
  };

  const exportEvents = () =>
    downloadJson(`saga-${sagaId}-events.json`, {
      sagaId,
      orderId: saga.orderId,
      status: saga.status,
      events: view.events,
    });

  const running = saga.status === "PROCESSING" || saga.status === "PENDING";
  const faults = view.snapshot?.faults ?? [];
  const events = view.events.slice(0, saga.lastSequence);
  const what = orderWords(order);

  return (
    <article
      className="card saga saga-selected"
      aria-labelledby={headingId}
      data-saga-id={sagaId}
      data-status={saga.status ?? "LOADING"}
    >
      <header className="saga-header">
        <div className="saga-heading">
          <div className="saga-title">
            <h3 id={headingId} ref={heading} tabIndex={-1}>
              Order <code title={saga.orderId ?? undefined}>{shortId(saga.orderId ?? "…")}</code>
            </h3>
            <SagaStatusBadge status={saga.status} />
          </div>
          {what && <p className="saga-meta">{what}</p>}
          <p className="saga-meta saga-ids">
            {saga.orderId !== null && (
              <span>
                order <CopyableId value={saga.orderId} what="order" />
              </span>
            )}
            <span>
              saga <CopyableId value={sagaId} what="saga" />
            </span>
          </p>
          {faults.length > 0 && (
            <p className="saga-meta" data-faults="">
              Fault plan: {faults.map(describeFault).join(", ")}
            </p>
          )}
        </div>
        <div className="saga-actions">
          {running && !saga.cancelRequested && (
            <button
              type="button"
              className="button button-small"
              onClick={cancel}
              disabled={cancelling}
            >
              Cancel
            </button>
          )}
          {saga.status === "COMPENSATION_FAILED" && (
            <button
              type="button"
              className="button button-small button-primary"
              onClick={retry}
              disabled={retrying}
            >
              Retry compensation
            </button>
          )}
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={onClose}
            aria-label={`Close order ${shortId(saga.orderId ?? sagaId)}`}
          >
            Close
          </button>
        </div>
      </header>

      {load === "missing" && (
        <p className="notice notice-error">
          No saga <code>{sagaId}</code> in this session (sagas belong to the browser session that
          placed them).
        </p>
      )}
      {load === "error" && saga.status === null && (
        <p className="notice notice-error">The saga could not be loaded; retrying on reconnect.</p>
      )}
      {actionMessage && (
        <p className="notice" role="status" data-action-message="">
          {actionMessage}
        </p>
      )}
      {saga.cancelRequested && running && (
        <p className="notice">Cancel requested: the saga stops at its next step boundary.</p>
      )}

      <Banner saga={saga} />

      {saga.steps.length > 0 && (
        <ol className="steps" aria-label="Steps">
          {saga.steps.map((step, index) => (
            <StepItem key={step.name} step={step} index={index} />
          ))}
        </ol>
      )}

      {saga.status === "COMPENSATION_FAILED" && saga.undone.length > 0 && (
        <div className="undone" data-undone="">
          <strong>Left undone:</strong>{" "}
          {saga.undone.map((name) => stepWords(name).label).join(", ")}.{" "}
          {saga.undone.length > 1 ? "Their effects still stand" : "Its effect still stands"} until a
          retry succeeds.
        </div>
      )}

      {saga.status !== null && <p className="explain">{explainSaga(saga, order)}</p>}

      {saga.steps.some((s) => s.startedAt !== null) && <Timeline saga={saga} />}

      <details className="raw-events">
        <summary>
          Event log <span className="count">({events.length})</span>
        </summary>
        <div className="raw-actions">
          <button type="button" className="button button-small" onClick={exportEvents}>
            Export JSON
          </button>
        </div>
        <ol className="raw-list">
          {events.map((event) => (
            <li key={event.sequence}>
              <code>{JSON.stringify(event)}</code>
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
