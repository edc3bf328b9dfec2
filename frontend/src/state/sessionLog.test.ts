import { describe, expect, it } from "vitest";
import { SagaScript, shuffled } from "./fixtures.test-support";
import { appendEvents, emptyLog, LOG_LIMIT, resumeCursor } from "./sessionLog";

function ids(events: readonly { id: string }[]): number[] {
  return events.map((e) => Number(e.id));
}

describe("the session's log", () => {
  it("resumes after a reconnect: the events after the last id, each appended once", () => {
    const script = new SagaScript("saga-1", "order-1", 1).start().through(4);
    const before = appendEvents(emptyLog, script.events.slice(0, 5));
    expect(resumeCursor(before)).toBe("5");

    // Reconnected with after=5; the old subscription's replay overlaps the new one.
    const replay = script.events.slice(3);
    const after = appendEvents(appendEvents(before, replay), script.events.slice(5));
    expect(ids(after.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(after.lastId).toBe(9);
    expect(resumeCursor(after)).toBe("9");
  });

  it("has no cursor before the first event", () => {
    expect(resumeCursor(emptyLog)).toBeNull();
  });

  it("returns the same log when nothing is new", () => {
    const script = new SagaScript().start();
    const log = appendEvents(emptyLog, script.events);
    expect(appendEvents(log, script.events)).toBe(log);
    expect(appendEvents(log, [])).toBe(log);
  });

  it("interleaves two sagas by event id, whatever the arrival order", () => {
    const a = new SagaScript("saga-a", "order-a", 1).start().through(1);
    const b = new SagaScript("saga-b", "order-b", 4).start().through(1);
    const log = appendEvents(emptyLog, shuffled([...a.events, ...b.events], 3));
    expect(ids(log.events)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps the newest events when there are too many, and the cursor", () => {
    const script = new SagaScript("saga-1", "order-1", 1).start();
    for (let i = 0; i < LOG_LIMIT + 10; i += 1) script.runs("validate_order", i + 1);
    const log = appendEvents(emptyLog, script.events);
    expect(log.events).toHaveLength(LOG_LIMIT);
    expect(log.lastId).toBe(LOG_LIMIT + 11);
    expect(Number(log.events[0]?.id)).toBe(12);
  });
});
