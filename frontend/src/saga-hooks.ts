/** A saga's data for its panel: its snapshot, its live events, its order's details. */
import { useEffect, useMemo, useState } from "react";
import { useApp, useAppState, useConnection } from "./context";
import { OrderQuery, SagaQuery, SagaUpdatesSubscription } from "./operations";
import {
  deriveSaga,
  emptyView,
  lastSequence,
  type SagaState,
  type SagaView,
} from "./state/sagaView";
import type { OrderInfo } from "./state/types";

export type Load = "loading" | "ok" | "missing" | "error";

/** The saga's view in the store and what it shows. */
export function useSagaView(sagaId: string): { view: SagaView; saga: SagaState } {
  const stored = useAppState((s) => s.sagas.get(sagaId));
  const view = useMemo(() => stored ?? emptyView(sagaId), [stored, sagaId]);
  const saga = useMemo(() => deriveSaga(view), [view]);
  return { view, saga };
}

/** The sequence of the last RETRYING event: a snapshot taken after it says when the retry is due. */
function lastRetry(view: SagaView): number {
  for (let i = view.events.length - 1; i >= 0; i -= 1) {
    const event = view.events[i];
    if (event?.kind === "STEP_RETRYING" || event?.kind === "COMPENSATION_RETRYING") {
      return event.sequence;
    }
  }
  return 0;
}

/** Fetches `saga(id)` on mount, after each reconnect or reset, and after each retry event. */
export function useSagaSnapshot(sagaId: string, view: SagaView): Load {
  const { api, store } = useApp();
  const refresh = useAppState((s) => s.refreshVersion);
  const retry = lastRetry(view);
  const [load, setLoad] = useState<Load>(view.snapshot ? "ok" : "loading");
  useEffect(() => {
    let live = true;
    void refresh;
    void retry;
    api.client
      .query(SagaQuery, { id: sagaId }, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (!live) return;
        if (result.data?.saga) {
          store.dispatch({ type: "snapshot", saga: result.data.saga });
          setLoad("ok");
        } else if (result.data) {
          setLoad("missing");
        } else {
          setLoad((current) => (current === "ok" ? current : "error"));
        }
      });
    return () => {
      live = false;
    };
  }, [api, store, sagaId, refresh, retry]);
  return load;
}

/**
 * `sagaUpdates` from the last sequence the view has, while the saga runs and the socket is up;
 * started again after a reconnect (the store drops what it already has).
 */
export function useSagaUpdates(sagaId: string, active: boolean): void {
  const { api, store } = useApp();
  const { status, epoch } = useConnection();
  const up = status === "connected";
  useEffect(() => {
    if (!active || !up) return;
    void epoch;
    store.flush();
    const view = store.getState().sagas.get(sagaId);
    const afterSequence = view ? lastSequence(view) : 0;
    const subscription = api.client
      .subscription(SagaUpdatesSubscription, { sagaId, afterSequence })
      .subscribe((result) => {
        if (result.data) store.enqueue({ type: "sagaEvents", events: [result.data.sagaUpdates] });
      });
    return () => subscription.unsubscribe();
  }, [api, store, sagaId, active, up, epoch]);
}

const requested = new Set<string>();

/** The order's details (from the store, or fetched once). */
export function useOrder(orderId: string | null): OrderInfo | undefined {
  const { api, store } = useApp();
  const order = useAppState((s) => (orderId === null ? undefined : s.orders.get(orderId)));
  useEffect(() => {
    if (orderId === null || order !== undefined) return;
    requestOrders(api.client, store, [orderId]);
  }, [api, store, orderId, order]);
  return order;
}

/** Fetch the orders the store does not know yet (each once at a time). */
export function requestOrders(
  client: ReturnType<typeof useApp>["api"]["client"],
  store: ReturnType<typeof useApp>["store"],
  orderIds: readonly string[],
): void {
  for (const id of orderIds) {
    if (requested.has(id) || store.getState().orders.has(id)) continue;
    requested.add(id);
    client
      .query(OrderQuery, { id }, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        const order = result.data?.order;
        if (order) store.dispatch({ type: "orders", orders: [order] });
      })
      .finally(() => requested.delete(id));
  }
}
