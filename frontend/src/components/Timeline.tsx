import { formatDuration, parseTime } from "../format";
import type { SagaState } from "../state/sagaView";
import { stepTimeline } from "../state/stepStatus";

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
          const { run, undo, words } = stepTimeline(step, end);
          return (
            <li key={step.name} data-timeline-step={step.name}>
              <span className="timeline-name">{step.name}</span>
              <span className="timeline-track" aria-hidden="true">
                {run !== null && (
                  <span
                    className={`timeline-bar bar-${step.status.toLowerCase()}`}
                    style={{ left: pos(run.from), width: width(run.from, run.to) }}
                  >
                    {step.attempts > 1 && <span className="bar-attempts">×{step.attempts}</span>}
                  </span>
                )}
                {undo !== null && (
                  <span
                    className={
                      undo.failed
                        ? "timeline-bar bar-compensation bar-compensation-failed"
                        : "timeline-bar bar-compensation"
                    }
                    style={{ left: pos(undo.from), width: width(undo.from, undo.to) }}
                  >
                    {step.compensationAttempts > 1 && (
                      <span className="bar-attempts">×{step.compensationAttempts}</span>
                    )}
                  </span>
                )}
              </span>
              <span className="timeline-words">{words}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
