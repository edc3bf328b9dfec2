import { STEP_BADGE_TEXT, type StepBadge } from "../state/stepStatus";
import type { SagaStatus } from "../state/types";

const SAGA_STATUS_TEXT: Record<SagaStatus, string> = {
  PENDING: "Pending",
  PROCESSING: "Processing",
  COMPENSATING: "Compensating",
  COMPLETED: "Completed",
  FAILED: "Failed",
  COMPENSATION_FAILED: "Compensation failed",
};

export function SagaStatusBadge({ status }: { status: SagaStatus | null }) {
  return (
    <span className={`badge badge-${(status ?? "unknown").toLowerCase()}`} data-status={status}>
      {status === null ? "Loading" : SAGA_STATUS_TEXT[status]}
    </span>
  );
}

export function StepStatusBadge({ status }: { status: StepBadge }) {
  return (
    <span className={`step-status status-${status.toLowerCase()}`} data-status={status}>
      {STEP_BADGE_TEXT[status]}
    </span>
  );
}
