/**
 * The dashboard's state, outside React: a pure reducer (`reduce`) and a small store around it
 * that React reads with `useSyncExternalStore`. Events are applied in batches (a replay after a
 * reconnect can bring hundreds at once), one render per batch.
 */

import { applyEvents, applySnapshot, emptyView, type SagaView } from "./sagaView";
import { appendEvents, emptyLog, type SessionLog } from "./sessionLog";
import type { EventKind, OrderInfo, SagaEvent, SagaSnapshot } from "./types";

export interface AppState {
  readonly log: SessionLog;
  readonly sagas: ReadonlyMap<string, SagaView>;
  /** Orders seen so far, by id: the log's sentences need their quantities and amounts. */
  readonly orders: ReadonlyMap<string, OrderInfo>;
  /** Bumped when stock and balances may have changed: refetch them. */
  readonly stockVersion: number;
  /** Bumped when the orders list may have changed (a new order, a saga's status). */
  readonly ordersVersion: number;
  /** Bumped on each reconnect and reset: refetch everything shown. */
  readonly refreshVersion: number;
}

export type Action =
  | { readonly type: "sessionEvents"; readonly events: readonly SagaEvent[] }
  | { readonly type: "sagaEvents"; readonly events: readonly SagaEvent[] }
  | { readonly type: "snapshot"; readonly saga: SagaSnapshot }
  | { readonly type: "orders"; readonly orders: readonly OrderInfo[] }
  | { readonly type: "reconnected" }
  | { readonly type: "reset" };

export const initialState: AppState = {
  log: emptyLog,
  sagas: new Map(),
  orders: new Map(),
  stockVersion: 0,
  ordersVersion: 0,
  refreshVersion: 0,
};

/** Kinds after which stock or balances may differ (the brief: steps done or undone, SAGA_*). */
const STOCK_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  "STEP_COMPLETED",
  "STEP_COMPENSATED",
  "SAGA_STARTED",
  "SAGA_COMPLETED",
  "SAGA_FAILED",
]);
/** Kinds after which an order enters the list or changes status. */
const ORDER_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  "SAGA_STARTED",
  "STEP_FAILED",
  "COMPENSATION_RETRYING",
  "SAGA_COMPLETED",
  "SAGA_FAILED",
]);

function withEvents(state: AppState, events: readonly SagaEvent[]): AppState {
  let sagas: Map<string, SagaView> | null = null;
  let stock = false;
  let orders = false;
  for (const event of events) {
    const current = (sagas ?? state.sagas).get(event.sagaId) ?? emptyView(event.sagaId);
    const next = applyEvents(current, [event]);
    if (next === current) continue; // seen already
    sagas ??= new Map(state.sagas);
    sagas.set(event.sagaId, next);
    stock ||= STOCK_KINDS.has(event.kind);
    orders ||= ORDER_KINDS.has(event.kind);
  }
  if (sagas === null) return state;
  return {
    ...state,
    sagas,
    stockVersion: state.stockVersion + (stock ? 1 : 0),
    ordersVersion: state.ordersVersion + (orders ? 1 : 0),
  };
}

export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case "sessionEvents": {
      const log = appendEvents(state.log, action.events);
      const next = withEvents(state, action.events);
      return log === state.log ? next : { ...next, log };
    }
    case "sagaEvents":
      return withEvents(state, action.events);
    case "snapshot": {
      const current = state.sagas.get(action.saga.id) ?? emptyView(action.saga.id);
      const view = applySnapshot(current, action.saga);
      if (view === current) return state;
      const sagas = new Map(state.sagas);
      sagas.set(action.saga.id, view);
      return { ...state, sagas };
    }
    case "orders": {
      const fresh = action.orders.filter((o) => state.orders.get(o.id) === undefined);
      if (fresh.length === 0) return state;
      const orders = new Map(state.orders);
      for (const order of fresh) orders.set(order.id, order);
      return { ...state, orders };
    }
    case "reconnected":
      return {
        ...state,
        stockVersion: state.stockVersion + 1,
        ordersVersion: state.ordersVersion + 1,
        refreshVersion: state.refreshVersion + 1,
      };
    case "reset":
      // The session was reseeded: its orders and sagas are gone; event ids go on counting.
      return {
        ...initialState,
        log: { events: [], lastId: state.log.lastId },
        stockVersion: state.stockVersion + 1,
        ordersVersion: state.ordersVersion + 1,
        refreshVersion: state.refreshVersion + 1,
      };
  }
}

type Listener = () => void;

/** Holds the state; `enqueue` gathers events for a short while and applies them at once. */
export class Store {
  private state: AppState = initialState;
  private readonly listeners = new Set<Listener>();
  private queued: Action[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly batchMs = 16) {}

  getState = (): AppState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (action: Action): void => {
    this.flush();
    this.apply([action]);
  };

  /** Apply soon, with whatever else arrives in the meantime. */
  enqueue = (action: Action): void => {
    this.queued.push(action);
    this.timer ??= setTimeout(this.flush, this.batchMs);
  };

  flush = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const queued = this.queued;
    this.queued = [];
    this.apply(queued);
  };

  private apply(actions: readonly Action[]): void {
    const before = this.state;
    this.state = actions.reduce(reduce, this.state);
    if (this.state !== before) for (const listener of [...this.listeners]) listener();
  }
}
