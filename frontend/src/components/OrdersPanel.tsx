import { type MouseEvent, useEffect, useId, useState } from "react";
import { useQuery } from "urql";
import { useApp, useAppState } from "../context";
import { formatClock, shortId } from "../format";
import { OrdersQuery } from "../operations";
import { formatMoney } from "../state/money";
import { routePath } from "../state/route";
import { lastSequence } from "../state/sagaView";
import type { AppState } from "../state/store";
import type { SagaStatus } from "../state/types";
import { SagaStatusBadge } from "./Badges";

const PAGE_SIZE = 10;
const FILTERS: readonly (SagaStatus | "")[] = [
  "",
  "PROCESSING",
  "COMPENSATING",
  "COMPLETED",
  "FAILED",
  "COMPENSATION_FAILED",
];

/** The saga's status as its events say (live), or null when the store has none. */
function liveStatus(state: AppState, sagaId: string): SagaStatus | null {
  const view = state.sagas.get(sagaId);
  if (view === undefined) return null;
  return view.events[lastSequence(view) - 1]?.sagaStatus ?? null;
}

function OrderStatus({ sagaId, fallback }: { sagaId: string; fallback: SagaStatus }) {
  const status = useAppState((s) => liveStatus(s, sagaId)) ?? fallback;
  return <SagaStatusBadge status={status} />;
}

export function OrdersPanel({
  selected,
  onOpen,
}: {
  selected: string | null;
  onOpen: (sagaId: string) => void;
}) {
  const { store } = useApp();
  const version = useAppState((s) => s.ordersVersion);
  const [status, setStatus] = useState<SagaStatus | "">("");
  // The cursors of the pages before the one shown: the first page has none.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const filterId = useId();
  const [result, reexecute] = useQuery({
    query: OrdersQuery,
    variables: { first: PAGE_SIZE, after, status: status === "" ? null : status },
    requestPolicy: "network-only",
  });

  useEffect(() => {
    if (version === 0) return;
    const timer = setTimeout(() => reexecute({ requestPolicy: "network-only" }), 50);
    return () => clearTimeout(timer);
  }, [version, reexecute]);

  const connection = result.data?.orders;
  useEffect(() => {
    if (connection) store.dispatch({ type: "orders", orders: connection.edges.map((e) => e.node) });
  }, [connection, store]);

  const open = (event: MouseEvent<HTMLAnchorElement>, sagaId: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    onOpen(sagaId);
  };

  const page = cursors.length;
  const first = (page - 1) * PAGE_SIZE + 1;

  return (
    <>
      <div className="panel-heading">
        <h2 id="orders-heading">Orders</h2>
        <div className="filter">
          <label htmlFor={filterId}>Status</label>
          <select
            id={filterId}
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as SagaStatus | "");
              setCursors([null]);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === "" ? "All" : f}
              </option>
            ))}
          </select>
        </div>
      </div>
      {result.error && !connection && (
        <p className="notice notice-error">The orders could not be loaded.</p>
      )}
      {connection && connection.edges.length === 0 && (
        <p className="empty">
          {status ? `No ${status} orders.` : "No orders yet in this session."}
        </p>
      )}
      {connection && connection.edges.length > 0 && (
        <ul className="orders" aria-label="Orders, newest first">
          {connection.edges.map(({ node }) => (
            <li key={node.id} data-order-id={node.id} data-saga-id={node.saga.id}>
              <a
                href={routePath({ name: "saga", sagaId: node.saga.id })}
                onClick={(e) => open(e, node.saga.id)}
                aria-current={node.saga.id === selected ? "true" : undefined}
              >
                <span className="order-main">
                  <code>{shortId(node.id)}</code>
                  <span className="order-what">
                    {node.userId} · {node.quantity} × {node.productId} · {formatMoney(node.amount)}
                  </span>
                </span>
                <span className="order-side">
                  <OrderStatus sagaId={node.saga.id} fallback={node.status} />
                  <time dateTime={node.createdAt} className="muted">
                    {formatClock(node.createdAt)}
                  </time>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {connection && (
        <nav className="pager" aria-label="Orders pages">
          <button
            type="button"
            className="button button-small"
            disabled={page === 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer
          </button>
          <span className="muted" aria-live="polite">
            {connection.totalCount === 0
              ? "0 orders"
              : `${first}–${first + connection.edges.length - 1} of ${connection.totalCount}`}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
          >
            Older
          </button>
        </nav>
      )}
    </>
  );
}
