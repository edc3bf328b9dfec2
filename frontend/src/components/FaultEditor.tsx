import { useId, useState } from "react";
import {
  checkFault,
  describeFault,
  FAULT_KINDS,
  type Fault,
  type FaultDraft,
  type FaultKind,
} from "../state/faults";
import { ORDER_STEPS } from "../state/steps";

const EMPTY: FaultDraft = { step: "process_payment", kind: "TRANSIENT", times: "1", delayMs: "" };

/** The order's fault plan: a list, and a small form to add one fault at a time. */
export function FaultEditor({
  plan,
  onChange,
  serverError,
}: {
  plan: readonly Fault[];
  onChange: (plan: readonly Fault[]) => void;
  serverError: string | undefined;
}) {
  const [draft, setDraft] = useState<FaultDraft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const effect = FAULT_KINDS.find((k) => k.kind === draft.kind)?.effect;

  const add = () => {
    const checked = checkFault(draft, plan);
    if ("error" in checked) {
      setError(checked.error);
      return;
    }
    setError(null);
    onChange([...plan, checked.fault]);
  };

  return (
    <details className="faults" open={plan.length > 0 || undefined}>
      <summary>
        Break it on purpose{" "}
        <span className="muted">
          ({plan.length === 0 ? "no faults" : `${plan.length} fault${plan.length > 1 ? "s" : ""}`})
        </span>
      </summary>
      {plan.length > 0 && (
        <ul className="fault-list" aria-label="Faults to inject">
          {plan.map((fault) => (
            <li key={`${fault.step}-${fault.kind}`}>
              <code>{describeFault(fault)}</code>
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${describeFault(fault)}`}
                onClick={() => onChange(plan.filter((f) => f !== fault))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="fault-form">
        <label htmlFor={`${id}-step`}>Step</label>
        <select
          id={`${id}-step`}
          value={draft.step}
          onChange={(e) => setDraft({ ...draft, step: e.target.value })}
        >
          {ORDER_STEPS.map((step) => (
            <option key={step} value={step}>
              {step}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-kind`}>Fault</label>
        <select
          id={`${id}-kind`}
          value={draft.kind}
          aria-describedby={`${id}-effect`}
          onChange={(e) => setDraft({ ...draft, kind: e.target.value as FaultKind })}
        >
          {FAULT_KINDS.map(({ kind }) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-times`}>Times</label>
        <input
          id={`${id}-times`}
          inputMode="numeric"
          value={draft.times}
          onChange={(e) => setDraft({ ...draft, times: e.target.value })}
        />
        <label htmlFor={`${id}-delay`}>Delay (ms)</label>
        <input
          id={`${id}-delay`}
          inputMode="numeric"
          value={draft.delayMs}
          placeholder={draft.kind === "DELAY" ? "required" : "optional"}
          onChange={(e) => setDraft({ ...draft, delayMs: e.target.value })}
        />
      </div>
      <p id={`${id}-effect`} className="field-hint">
        {draft.kind}: {effect}
      </p>
      <button type="button" className="button button-small" onClick={add}>
        Add fault
      </button>
      {(error ?? serverError) && <p className="field-error">{error ?? serverError}</p>}
    </details>
  );
}
