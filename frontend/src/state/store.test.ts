import { describe, expect, it } from "vitest";
import { SagaScript } from "./fixtures.test-support";
import { deriveSaga } from "./sagaView";
import { initialState, reduce } from "./store";

describe("the store", () => {
  it("applies an event once, whichever stream delivers it first", () => {
    const script = new SagaScript().start().through(1);
    let state = reduce(initialState, { type: "sagaEvents", events: script.events });
    const view = state.sagas.get("saga-1");
    state = reduce(state, { type: "sessionEvents", events: script.events });
    expect(state.sagas.get("saga-1")).toBe(view);
    expect(state.log.events).toHaveLength(3);
    state = reduce(state, { type: "sessionEvents", events: script.events });
    expect(state.log.events).toHaveLength(3);
  });

  it("asks for stock and orders again only when events say they changed", () => {
    const script = new SagaScript().start();
    let state = reduce(initialState, { type: "sessionEvents", events: script.events });
    expect(state.stockVersion).toBe(1); // SAGA_STARTED
    expect(state.ordersVersion).toBe(1);
    script.runs("validate_order");
    state = reduce(state, { type: "sessionEvents", events: script.events });
    expect(state.stockVersion).toBe(1); // a step started: nothing moved
    script.completes("validate_order");
    state = reduce(state, { type: "sessionEvents", events: script.events });
    expect(state.stockVersion).toBe(2);
    const same = reduce(state, { type: "sessionEvents", events: script.events });
    expect(same).toBe(state);
  });

  it("forgets the session's sagas on reset but keeps counting event ids", () => {
    const script = new SagaScript().start().through(4).add("SAGA_COMPLETED", "COMPLETED");
    let state = reduce(initialState, { type: "sessionEvents", events: script.events });
    state = reduce(state, { type: "reset" });
    expect(state.sagas.size).toBe(0);
    expect(state.log.events).toHaveLength(0);
    expect(state.log.lastId).toBe(110);
    expect(state.refreshVersion).toBe(1);
  });

  it("merges a snapshot into the saga's view", () => {
    const script = new SagaScript().start().through(2);
    const state = reduce(initialState, { type: "snapshot", saga: script.snapshot() });
    const view = state.sagas.get("saga-1");
    expect(view && deriveSaga(view).lastSequence).toBe(5);
  });
});
