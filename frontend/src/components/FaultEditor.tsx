import { useEffect, useId, useRef, useState } from "react";
import {
  checkPlan,
  describeDraft,
  draftEffect,
  FAULT_KINDS,
  type FaultDraft,
  type FaultError,
  type FaultKind,
  faultFields,
  nextFaultDraft,
  withKind,
} from "../state/faults";
import { ORDER_STEPS } from "../state/steps";

/** One fault of the plan as the form holds it, with a key of its own for React. */
export interface FaultRow extends FaultDraft {
  readonly key: number;
}

let nextKey = 1;
export function faultRow(draft: FaultDraft): FaultRow {
  nextKey += 1;
  return { ...draft, key: nextKey };
}

/** A server error about the plan: its row and field, when it names one. */
export interface FaultServerError {
  readonly index: number | null;
  readonly field: FaultError["field"];
  readonly message: string;
}

/**
 * The order's fault plan: one row per fault, each with only the fields its kind uses. The row's
 * heading is the fault in one line, made from its own fields, so the two always agree.
 */
export function FaultEditor({
  rows,
  onChange,
  showErrors,
  serverError,
  focusRequest,
}: {
  rows: readonly FaultRow[];
  onChange: (rows: readonly FaultRow[]) => void;
  /** After a first attempt to place the order: every error shows, not just duplicates. */
  showErrors: boolean;
  serverError: FaultServerError | undefined;
  /** Bumped to open the editor and focus the first field in error. */
  focusRequest: number;
}) {
  const id = useId();
  const [open, setOpen] = useState(rows.length > 0);
  const [touched, setTouched] = useState<ReadonlySet<number>>(new Set());
  const fields = useRef(new Map<string, HTMLElement | null>());
  const hasRows = rows.length > 0;

  // A plan placed in the form (a scenario's) opens the editor; an emptied one closes it.
  useEffect(() => {
    setOpen(hasRows);
  }, [hasRows]);

  const checked = checkPlan(rows);
  const errors = "errors" in checked ? checked.errors : [];
  const errorOf = (row: FaultRow, index: number): FaultError | undefined => {
    if (serverError !== undefined && serverError.index === index) {
      return { error: serverError.message, field: serverError.field };
    }
    const error = errors[index];
    if (error === undefined) return undefined;
    // A duplicate is a choice made, shown at once; a number is judged once typed.
    return error.field === "kind" || showErrors || touched.has(row.key) ? error : undefined;
  };

  // Focus the first field in error when the form asks (a refused "Place order").
  const lastRequest = useRef(focusRequest);
  useEffect(() => {
    if (focusRequest === lastRequest.current) return;
    lastRequest.current = focusRequest;
    setOpen(true);
    const index = rows.findIndex((row, i) => errorOf(row, i) !== undefined);
    const row = rows[index];
    const error = row === undefined ? undefined : errorOf(row, index);
    if (row === undefined || error === undefined) return;
    // Once the <details> has opened.
    requestAnimationFrame(() => fields.current.get(`${row.key}-${error.field}`)?.focus());
  });

  const update = (index: number, change: (row: FaultRow) => FaultRow) =>
    onChange(rows.map((row, i) => (i === index ? change(row) : row)));
  const touch = (row: FaultRow) => {
    if (!touched.has(row.key)) setTouched(new Set([...touched, row.key]));
  };
  const add = () => {
    setOpen(true);
    onChange([...rows, faultRow(nextFaultDraft(rows, ORDER_STEPS))]);
  };
  const ref = (key: string) => (element: HTMLElement | null) => {
    fields.current.set(key, element);
  };

  return (
    <details className="faults" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        Break it on purpose{" "}
        <span className="muted">
          ({hasRows ? `${rows.length} fault${rows.length > 1 ? "s" : ""}` : "no faults"})
        </span>
      </summary>
      {hasRows ? (
        <ol className="fault-list" aria-label="Faults to inject">
          {rows.map((row, index) => {
            const uses = faultFields(row.kind);
            const error = errorOf(row, index);
            const base = `${id}-${row.key}`;
            return (
              <li key={row.key} className={error ? "fault-row fault-invalid" : "fault-row"}>
                <fieldset>
                  <legend>
                    <code className="fault-chip">{describeDraft(row)}</code>
                  </legend>
                  <div className="fault-fields">
                    <label htmlFor={`${base}-step`}>Step</label>
                    <select
                      id={`${base}-step`}
                      value={row.step}
                      ref={ref(`${row.key}-step`)}
                      onChange={(e) => update(index, (r) => ({ ...r, step: e.target.value }))}
                    >
                      {ORDER_STEPS.map((step) => (
                        <option key={step} value={step}>
                          {step}
                        </option>
                      ))}
                    </select>
                    <label htmlFor={`${base}-kind`}>Fault</label>
                    <select
                      id={`${base}-kind`}
                      value={row.kind}
                      ref={ref(`${row.key}-kind`)}
                      aria-describedby={`${base}-effect`}
                      onChange={(e) =>
                        update(index, (r) => ({
                          ...withKind(r, e.target.value as FaultKind),
                          key: r.key,
                        }))
                      }
                    >
                      {FAULT_KINDS.map(({ kind }) => (
                        <option key={kind} value={kind}>
                          {kind}
                        </option>
                      ))}
                    </select>
                    {uses.times && (
                      <>
                        <label htmlFor={`${base}-times`}>Times</label>
                        <input
                          id={`${base}-times`}
                          inputMode="numeric"
                          autoComplete="off"
                          value={row.times}
                          ref={ref(`${row.key}-times`)}
                          aria-invalid={error?.field === "times" ? true : undefined}
                          onBlur={() => touch(row)}
                          onChange={(e) => update(index, (r) => ({ ...r, times: e.target.value }))}
                        />
                      </>
                    )}
                    {uses.delay && (
                      <>
                        <label htmlFor={`${base}-delay`}>Delay (ms)</label>
                        <input
                          id={`${base}-delay`}
                          inputMode="numeric"
                          autoComplete="off"
                          value={row.delayMs}
                          ref={ref(`${row.key}-delayMs`)}
                          aria-invalid={error?.field === "delayMs" ? true : undefined}
                          onBlur={() => touch(row)}
                          onChange={(e) =>
                            update(index, (r) => ({ ...r, delayMs: e.target.value }))
                          }
                        />
                      </>
                    )}
                  </div>
                  <p id={`${base}-effect`} className="field-hint">
                    {row.kind}: {draftEffect(row)}
                  </p>
                  {error && (
                    <p className="field-error" role="alert">
                      {error.error}
                    </p>
                  )}
                  <button
                    type="button"
                    className="button button-small button-ghost fault-remove"
                    aria-label={`Remove ${describeDraft(row)}`}
                    onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                  >
                    Remove
                  </button>
                </fieldset>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="field-hint">
          Inject failures into this order's steps, to watch the saga retry and compensate.
        </p>
      )}
      <button type="button" className="button button-small" onClick={add}>
        Add fault
      </button>
      {serverError && serverError.index === null && (
        <p className="field-error">{serverError.message}</p>
      )}
    </details>
  );
}
