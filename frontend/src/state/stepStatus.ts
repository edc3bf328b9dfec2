/**
 * What a step's badge and its timeline row say. The API's step status tells where the step's
 * action is; its compensation (RUNNING, DONE, FAILED) tells whether it was undone. A step whose
 * undoing failed is still COMPLETED (or FAILED, for an unknown outcome) in the API, but its badge
 * must not show a green COMPLETED: its effect stands because the undo failed.
 */
import { formatDuration, parseTime } from "../format";
import type { StepState } from "./sagaView";
import type { StepStatus } from "./types";

/** A step's status as the page shows it: the API's, or that its compensation failed. */
export type StepBadge = StepStatus | "COMPENSATION_FAILED";

export const STEP_BADGE_TEXT: Readonly<Record<StepBadge, string>> = {
  PENDING: "PENDING",
  RUNNING: "RUNNING",
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  COMPENSATING: "COMPENSATING",
  COMPENSATED: "COMPENSATED",
  COMPENSATION_FAILED: "COMPENSATION FAILED",
};

type BadgeInput = Pick<StepState, "status" | "compensation" | "retrying">;

export function stepBadge(step: BadgeInput): StepBadge {
  if (step.compensation === "FAILED") return "COMPENSATION_FAILED";
  // Being undone (a step of unknown outcome keeps FAILED in the API meanwhile), or waiting to be
  // tried again after "Retry compensation".
  if (step.compensation === "RUNNING" || step.retrying?.of === "compensation") {
    return "COMPENSATING";
  }
  return step.status;
}

type TimelineInput = Pick<
  StepState,
  | "status"
  | "attempts"
  | "startedAt"
  | "finishedAt"
  | "compensation"
  | "compensationAttempts"
  | "compensationStartedAt"
  | "compensationFinishedAt"
  | "retrying"
>;

export interface Span {
  readonly from: number;
  readonly to: number;
}

export interface StepTimeline {
  /** The action, from its first attempt to its end (or now, while it runs). */
  readonly run: Span | null;
  /** The compensation, from its first attempt to its end (or now, while it runs). */
  readonly undo: (Span & { readonly failed: boolean }) | null;
  readonly words: string;
}

function attempts(count: number): string {
  return count > 1 ? `, ${count} attempts` : "";
}

/** One timeline row: where its bars go and what it says; `now` ends what is still running. */
export function stepTimeline(step: TimelineInput, now: number): StepTimeline {
  const from = parseTime(step.startedAt);
  const to = parseTime(step.finishedAt) ?? (from !== null ? now : null);
  const cFrom = parseTime(step.compensationStartedAt);
  const cTo = parseTime(step.compensationFinishedAt) ?? (cFrom !== null ? now : null);
  const run = from !== null && to !== null ? { from, to } : null;
  const undo =
    cFrom !== null && cTo !== null
      ? { from: cFrom, to: cTo, failed: step.compensation === "FAILED" }
      : null;

  const words: string[] = [];
  if (step.status === "RUNNING") {
    words.push(step.attempts > 1 ? `running, attempt ${step.attempts}…` : "running…");
  } else if (run !== null) {
    words.push(`${formatDuration(run.to - run.from)}${attempts(step.attempts)}`);
  } else {
    words.push("not run");
  }
  if (step.compensation === "RUNNING" || step.retrying?.of === "compensation") {
    words.push(
      step.compensationAttempts > 1
        ? `being undone, attempt ${step.retrying?.attempt ?? step.compensationAttempts}…`
        : "being undone…",
    );
  } else if (step.compensation === "FAILED") {
    const after = undo === null ? "" : ` after ${formatDuration(undo.to - undo.from)}`;
    words.push(`undo failed${after}${attempts(step.compensationAttempts)}`);
  } else if (step.compensation === "DONE" && undo !== null) {
    words.push(
      `undone in ${formatDuration(undo.to - undo.from)}${attempts(step.compensationAttempts)}`,
    );
  }
  return { run, undo, words: words.join("; ") };
}
