/**
 * The session's events, as `sessionEvents` streams them: unique by event id, in id order, and
 * the cursor to resume from after a reconnect (the highest id received).
 */
import type { SagaEvent } from "./types";
import { eventNumber } from "./types";

/** How many events the log keeps for display; the cursor survives trimming. */
export const LOG_LIMIT = 2000;

export interface SessionLog {
  readonly events: readonly SagaEvent[];
  /** The highest event id received: `sessionEvents(after:)` resumes from it. */
  readonly lastId: number;
}

export const emptyLog: SessionLog = { events: [], lastId: 0 };

/** The log with `events` appended once each; the same object when nothing was new. */
export function appendEvents(log: SessionLog, events: readonly SagaEvent[]): SessionLog {
  const known = new Set(log.events.map(eventNumber));
  const fresh: SagaEvent[] = [];
  for (const event of events) {
    const id = eventNumber(event);
    if (known.has(id) || id <= log.lastId - LOG_LIMIT) continue;
    known.add(id);
    fresh.push(event);
  }
  if (fresh.length === 0) return log;
  const lastId = fresh.reduce((max, e) => Math.max(max, eventNumber(e)), log.lastId);
  const inOrder = fresh.every(
    (e, i) => eventNumber(e) > (i === 0 ? log.lastId : eventNumber(fresh[i - 1] as SagaEvent)),
  );
  const all = inOrder
    ? [...log.events, ...fresh]
    : [...log.events, ...fresh].sort((a, b) => eventNumber(a) - eventNumber(b));
  return { events: all.length > LOG_LIMIT ? all.slice(all.length - LOG_LIMIT) : all, lastId };
}

/** The cursor for `sessionEvents(after:)`: null before the first event. */
export function resumeCursor(log: SessionLog): string | null {
  return log.lastId > 0 ? String(log.lastId) : null;
}
