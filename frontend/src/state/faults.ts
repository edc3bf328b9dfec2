/**
 * Fault plans ("break it on purpose"): what the order form may ask the server to inject into a
 * saga's steps, with the server's rules (backend/saga_demo/shop/faults.py): at most one of each
 * kind per step, `times` 1..100, `delayMs` 0..60,000 and required for DELAY.
 *
 * Each kind uses only some of the fields: FAIL refuses every attempt (no `times`), DELAY alone has
 * a delay. The form offers a kind's own fields only, and sends nothing else.
 */
import type { FaultKind } from "../gql/graphql";

export type { FaultKind };

export interface Fault {
  readonly step: string;
  readonly kind: FaultKind;
  readonly times: number;
  readonly delayMs: number | null;
}

/** A fault as the form holds it: the text of its fields. */
export interface FaultDraft {
  readonly step: string;
  readonly kind: FaultKind;
  readonly times: string;
  readonly delayMs: string;
}

export const MAX_TIMES = 100;
export const MAX_DELAY_MS = 60_000;

interface KindRule {
  readonly kind: FaultKind;
  /** Whether `times` counts something for this kind (FAIL refuses every attempt). */
  readonly usesTimes: boolean;
  /** Whether it has a delay (required then). */
  readonly usesDelay: boolean;
}

export const FAULT_KINDS: readonly KindRule[] = [
  { kind: "FAIL", usesTimes: false, usesDelay: false },
  { kind: "TRANSIENT", usesTimes: true, usesDelay: false },
  { kind: "DELAY", usesTimes: true, usesDelay: true },
  { kind: "TIMEOUT", usesTimes: true, usesDelay: false },
  { kind: "LOST_RESPONSE", usesTimes: true, usesDelay: false },
  { kind: "COMPENSATION_FAIL", usesTimes: true, usesDelay: false },
];

/** The fields a kind uses. */
export function faultFields(kind: FaultKind): { times: boolean; delay: boolean } {
  const rule = FAULT_KINDS.find((k) => k.kind === kind);
  return { times: rule?.usesTimes ?? true, delay: rule?.usesDelay ?? false };
}

/**
 * What a fault does, in words, with its own numbers ("its first 2 attempts fail for now…");
 * `times` null while the field does not hold a valid number yet.
 */
export function faultEffect(fault: {
  readonly kind: FaultKind;
  readonly times: number | null;
  readonly delayMs: number | null;
}): string {
  const one = fault.times === 1;
  const attempts = (what: string) =>
    fault.times === null
      ? `its first ${what}s`
      : one
        ? `its first ${what}`
        : `its first ${fault.times} ${what}s`;
  const verb = (singular: string, plural: string) => (one ? singular : plural);
  const first = attempts("attempt");
  switch (fault.kind) {
    case "FAIL":
      return "refused on every attempt: a business answer, never retried";
    case "TRANSIENT":
      return `${first} ${verb("fails", "fail")} for now: retried with the same key, while attempts remain`;
    case "DELAY": {
      const longer = fault.delayMs === null ? "longer" : `${fault.delayMs} ms longer`;
      return `${first} ${verb("takes", "take")} ${longer}`;
    }
    case "TIMEOUT":
      return `${first} ${verb("exceeds", "exceed")} the step's timeout: outcome unknown, retried with the same key`;
    case "LOST_RESPONSE":
      return `${first} ${verb("takes", "take")} effect but the answer is lost: retried, applied once`;
    case "COMPENSATION_FAIL":
      return `if the step is undone, ${attempts("compensation attempt")} ${verb("fails", "fail")}`;
  }
}

/** What a draft's fault does, as far as its fields say already. */
export function draftEffect(draft: FaultDraft): string {
  const checked = checkFault(draft, []);
  if ("fault" in checked) return faultEffect(checked.fault);
  const times = wholeNumber(draft.times);
  const delayMs = wholeNumber(draft.delayMs);
  return faultEffect({
    kind: draft.kind,
    times: times !== null && times >= 1 && times <= MAX_TIMES ? times : null,
    delayMs: delayMs !== null && delayMs <= MAX_DELAY_MS ? delayMs : null,
  });
}

/** The fault in one line, as the plan's chips and the saga's panel show it. */
export function describeFault(fault: Fault): string {
  const { times, delay } = faultFields(fault.kind);
  const delayText = delay && fault.delayMs !== null ? ` +${fault.delayMs} ms` : "";
  const timesText = times ? ` ×${fault.times}` : "";
  return `${fault.step}: ${fault.kind}${delayText}${timesText}`;
}

/** The draft in one line: its fault's, or its fields' text while they are not valid yet. */
export function describeDraft(draft: FaultDraft): string {
  const checked = checkFault(draft, []);
  if ("fault" in checked) return describeFault(checked.fault);
  const { times, delay } = faultFields(draft.kind);
  const delayText = delay ? ` +${draft.delayMs.trim() || "?"} ms` : "";
  const timesText = times ? ` ×${draft.times.trim() || "?"}` : "";
  return `${draft.step}: ${draft.kind}${delayText}${timesText}`;
}

/** A fault (a scenario's, say) as the form's fields show it. */
export function toFaultDraft(fault: Fault): FaultDraft {
  return {
    step: fault.step,
    kind: fault.kind,
    times: String(fault.times),
    delayMs: fault.delayMs === null ? "" : String(fault.delayMs),
  };
}

/** A draft with another kind: its fields keep their text, and a delay gets a sensible start. */
export function withKind(draft: FaultDraft, kind: FaultKind): FaultDraft {
  const delayMs = faultFields(kind).delay && draft.delayMs.trim() === "" ? "500" : draft.delayMs;
  return { ...draft, kind, delayMs };
}

/** A new fault for the plan: on the first step and kind not taken yet (one of each per step). */
export function nextFaultDraft(plan: readonly FaultDraft[], steps: readonly string[]): FaultDraft {
  const preferred: readonly FaultKind[] = ["TRANSIENT", ...FAULT_KINDS.map((k) => k.kind)];
  const stepOrder = ["process_payment", ...steps.filter((s) => s !== "process_payment")];
  for (const kind of preferred) {
    for (const step of stepOrder) {
      if (!plan.some((f) => f.step === step && f.kind === kind)) {
        return withKind({ step, kind, times: "1", delayMs: "" }, kind);
      }
    }
  }
  return { step: stepOrder[0] ?? "", kind: "TRANSIENT", times: "1", delayMs: "" };
}

function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** Why a draft cannot be sent, and the field to fix ("kind" for a duplicate). */
export interface FaultError {
  readonly error: string;
  readonly field: "kind" | "times" | "delayMs";
}

/** The fault a draft stands for, or why the server would refuse it (`earlier`: the rows above). */
export function checkFault(
  draft: FaultDraft,
  earlier: readonly Pick<FaultDraft, "step" | "kind">[],
): { fault: Fault } | FaultError {
  if (earlier.some((f) => f.step === draft.step && f.kind === draft.kind)) {
    return {
      error: `${draft.step} has a ${draft.kind} fault already (one of each kind per step)`,
      field: "kind",
    };
  }
  const fields = faultFields(draft.kind);
  let times = 1; // what the server assumes; FAIL does not count attempts
  if (fields.times) {
    const parsed = wholeNumber(draft.times);
    if (parsed === null || parsed < 1 || parsed > MAX_TIMES) {
      return { error: "Times must be a whole number from 1 to 100", field: "times" };
    }
    times = parsed;
  }
  let delayMs: number | null = null;
  if (fields.delay) {
    delayMs = wholeNumber(draft.delayMs);
    if (delayMs === null || delayMs > MAX_DELAY_MS) {
      return { error: "A DELAY needs a delay from 0 to 60,000 ms", field: "delayMs" };
    }
  }
  return { fault: { step: draft.step, kind: draft.kind, times, delayMs } };
}

/** The plan to send, or each row's error (undefined where the row is fine). */
export function checkPlan(
  drafts: readonly FaultDraft[],
): { faults: Fault[] } | { errors: (FaultError | undefined)[] } {
  const faults: Fault[] = [];
  const errors: (FaultError | undefined)[] = drafts.map((draft, index) => {
    const checked = checkFault(draft, drafts.slice(0, index));
    if ("error" in checked) return checked;
    faults.push(checked.fault);
    return undefined;
  });
  return errors.some((e) => e !== undefined) ? { errors } : { faults };
}

/** The row and field a server error names (`extensions.field`, e.g. "input.faults[1].times"). */
export function faultOfServerError(
  field: string | null,
): { index: number; field: FaultError["field"] } | null {
  const match = field === null ? null : /^input\.faults\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (match?.[1] === undefined) return null;
  const name = match[2];
  return {
    index: Number(match[1]),
    field: name === "times" || name === "delayMs" ? name : "kind",
  };
}
