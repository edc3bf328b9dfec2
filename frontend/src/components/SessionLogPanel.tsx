import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { useApp, useAppState } from "../context";
import { downloadJson } from "../download";
import { formatClock } from "../format";
import { requestOrders } from "../saga-hooks";
import { describeEvent } from "../state/describe";

/** How many lines are drawn (the newest); the export has every event the page holds. */
const SHOWN = 300;

export function SessionLogPanel() {
  const { api, store } = useApp();
  const events = useAppState((s) => s.log.events);
  const orders = useAppState((s) => s.orders);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // The sentences need each order's quantity and amount: fetch the ones not seen yet.
  const missing = useMemo(() => {
    const ids = new Set<string>();
    for (const event of events) if (!orders.has(event.orderId)) ids.add(event.orderId);
    return [...ids];
  }, [events, orders]);
  useEffect(() => {
    if (missing.length > 0) requestOrders(api.client, store, missing.slice(0, 20));
  }, [api, store, missing]);

  const shown = events.slice(-SHOWN);
  useLayoutEffect(() => {
    const element = box.current;
    if (element && stick.current && shown.length > 0) element.scrollTop = element.scrollHeight;
  });

  const exportLog = () => downloadJson("session-events.json", events);

  return (
    <>
      <div className="panel-heading">
        <h2 id="log-heading">Session log</h2>
        <button type="button" className="button button-small" onClick={exportLog}>
          Export JSON
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="empty">
          Every saga event of this session shows here, in the original demo's words.
        </p>
      ) : (
        <div
          ref={box}
          className="log"
          role="log"
          aria-live="off"
          aria-label="Session events"
          // Scrollable, so reachable with the keyboard.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
          tabIndex={0}
          onScroll={(event) => {
            const el = event.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
        >
          <ol>
            {shown.map((event) => (
              <li key={event.id} data-event-id={event.id} data-kind={event.kind}>
                <time dateTime={event.at}>{formatClock(event.at)}</time>
                <span>{describeEvent(event, orders.get(event.orderId))}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </>
  );
}
