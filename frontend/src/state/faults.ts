/**
 * Fault plans ("break it on purpose"): what the order form may ask the server to inject into a
 * saga's steps, with the server's rules (at most one of each kind per step, `times` 1..100,
 * `delayMs` 0..60,000 and required for DELAY).
 */
import type { FaultKind } from "../gql/graphql";

export type { FaultKind };

export interface Fault {
  readonly step: string;
  readonly kind: FaultKind;
  readonly times: number;
  readonly delayMs: number | null;
}

export const FAULT_KINDS: readonly { readonly kind: FaultKind; readonly effect: string }[] = [
  { kind: "FAIL", effect: "refused: a business answer, never retried" },
  { kind: "TRANSIENT", effect: "fails for now, then succeeds: retried" },
  { kind: "DELAY", effect: "takes longer" },
  { kind: "TIMEOUT", effect: "exceeds its timeout: outcome unknown, retried" },
  { kind: "LOST_RESPONSE", effect: "applied, but the answer is lost: retried, applied once" },
  { kind: "COMPENSATION_FAIL", effect: "its compensation fails" },
];

export const MAX_TIMES = 100;
export const MAX_DELAY_MS = 60_000;

export interface FaultDraft {
  readonly step: string;
  readonly kind: FaultKind;
  readonly times: string;
  readonly delayMs: string;
}

function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** The fault to add, or why it cannot be added next to `plan`. */
export function checkFault(
  draft: FaultDraft,
  plan: readonly Fault[],
): { fault: Fault } | { error: string } {
  if (plan.some((f) => f.step === draft.step && f.kind === draft.kind)) {
    return { error: `${draft.step} has a ${draft.kind} fault already (one of each kind per step)` };
  }
  const times = wholeNumber(draft.times);
  if (times === null || times < 1 || times > MAX_TIMES) {
    return { error: "Times must be a whole number from 1 to 100" };
  }
  let delayMs: number | null = null;
  if (draft.delayMs.trim() !== "" || draft.kind === "DELAY") {
    delayMs = wholeNumber(draft.delayMs);
    if (delayMs === null || delayMs > MAX_DELAY_MS) {
      return {
        error:
          draft.kind === "DELAY"
            ? "A DELAY needs a delay from 0 to 60,000 ms"
            : "Delay must be from 0 to 60,000 ms",
      };
    }
  }
  return { fault: { step: draft.step, kind: draft.kind, times, delayMs } };
}

export function describeFault(fault: Fault): string {
  const delay = fault.delayMs !== null ? ` +${fault.delayMs} ms` : "";
  return `${fault.step}: ${fault.kind}${delay} ×${fault.times}`;
}
