import { formatDuration, parseTime } from "../format";
import type { SagaState } from "../state/sagaView";

/**
 * How long each step (and its compensation) took, on one time axis from the saga's start.
 * The bars are drawing only; each row also says it in words.
 */
export function Timeline({ saga }: { saga: SagaState }) {
  const times: number[] = [];
  for (const step of saga.steps) {
    for (const t of [
      step.startedAt,
      step.finishedAt,
      step.compensationStartedAt,
      step.compensationFinishedAt,
    ]) {
      const ms = parseTime(t);
      if (ms !== null) times.push(ms);
    }
  }
  const start = parseTime(saga.startedAt) ?? Math.min(...times);
  const end = Math.max(parseTime(saga.finishedAt) ?? 0, ...times);
  const span = Math.max(1, end - start);
  const pos = (ms: number) => `${(((ms - start) / span) * 100).toFixed(2)}%`;
  const width = (from: number, to: number) =>
    `${Math.max(0.8, ((to - from) / span) * 100).toFixed(2)}%`;

  return (
    <figure className="timeline">
      <figcaption>
        Timeline <span className="muted">({formatDuration(end - start)} in all)</span>
      </figcaption>
      <ul>
        {saga.steps.map((step) => {
          const from = parseTime(step.startedAt);
          const to = parseTime(step.finishedAt) ?? (from !== null ? end : null);
          const cFrom = parseTime(step.compensationStartedAt);
          const cTo = parseTime(step.compensationFinishedAt) ?? (cFrom !== null ? end : null);
          const words: string[] = [];
          if (step.status === "RUNNING") {
            words.push(step.attempts > 1 ? `running, attempt ${step.attempts}…` : "running…");
          } else if (from !== null && to !== null) {
            words.push(
              `${formatDuration(to - from)}${step.attempts > 1 ? `, ${step.attempts} attempts` : ""}`,
            );
          } else {
            words.push("not run");
          }
          if (step.compensation === "RUNNING") {
            words.push("being undone…");
          } else if (cFrom !== null && cTo !== null) {
            words.push(
              `undone in ${formatDuration(cTo - cFrom)}${step.compensationAttempts > 1 ? `, ${step.compensationAttempts} attempts` : ""}`,
            );
          }
          return (
            <li key={step.name}>
              <span className="timeline-name">{step.name}</span>
              <span className="timeline-track" aria-hidden="true">
                {from !== null && to !== null && (
                  <span
                    className={`timeline-bar bar-${step.status.toLowerCase()}`}
                    style={{ left: pos(from), width: width(from, to) }}
                  >
                    {step.attempts > 1 && <span className="bar-attempts">×{step.attempts}</span>}
                  </span>
                )}
                {cFrom !== null && cTo !== null && (
                  <span
                    className="timeline-bar bar-compensation"
                    style={{ left: pos(cFrom), width: width(cFrom, cTo) }}
                  >
                    {step.compensationAttempts > 1 && (
                      <span className="bar-attempts">×{step.compensationAttempts}</span>
                    )}
                  </span>
                )}
              </span>
              <span className="timeline-words">{words.join("; ")}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
