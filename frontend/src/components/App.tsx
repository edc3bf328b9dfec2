import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery } from "urql";
import { useAppState } from "../context";
import { StockQuery } from "../operations";
import { useSessionReset } from "../reset-hook";
import { useRoute } from "../route-hook";
import { emptySagaList, type SagaList, withoutSaga, withSaga } from "../state/sagaList";
import { FAULT_SCENARIOS, SCENARIOS } from "../state/scenarios";
import type { Stock } from "../state/types";
import { Header } from "./Header";
import { LearnPanel } from "./LearnPanel";
import { OrderForm } from "./OrderForm";
import { OrdersPanel } from "./OrdersPanel";
import { type Reveal, SagaItem } from "./SagaPanel";
import { SessionLogPanel } from "./SessionLogPanel";
import { StockPanel } from "./StockPanel";

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight"];
const count = (n: number) => NUMBER_WORDS[n] ?? String(n);

export function App() {
  const [route, navigate] = useRoute();
  const [list, setList] = useState<SagaList>(() =>
    route.name === "saga" ? withSaga(emptySagaList, route.sagaId) : emptySagaList,
  );
  // A saga to bring into view (placed or opened just now), and whether to move the focus to it.
  const [reveal, setReveal] = useState<(Reveal & { sagaId: string }) | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const selected = route.name === "saga" ? route.sagaId : null;

  // A deep link (or back/forward) to a saga lists it, and it is the selected one.
  useEffect(() => {
    if (route.name === "saga") setList((current) => withSaga(current, route.sagaId));
  }, [route]);

  const stock = useStock();

  const open = useCallback(
    (sagaId: string, options?: { focus?: boolean }) => {
      setList((current) => withSaga(current, sagaId));
      navigate({ name: "saga", sagaId });
      setReveal({ sagaId, focus: options?.focus ?? false });
    },
    [navigate],
  );

  const close = useCallback(
    (sagaId: string) => {
      const { list: next, neighbour } = withoutSaga(list, sagaId);
      setList(next);
      if (selected === sagaId) {
        // As with tabs: the neighbour opens in its place.
        navigate(neighbour === null ? { name: "home" } : { name: "saga", sagaId: neighbour }, {
          replace: true,
        });
      }
      if (neighbour !== null) setReveal({ sagaId: neighbour, focus: true });
      else heading.current?.focus();
    },
    [list, navigate, selected],
  );

  const onReset = useCallback(() => {
    setList(emptySagaList);
    navigate({ name: "home" }, { replace: true });
  }, [navigate]);
  const reset = useSessionReset(onReset);
  const onRevealed = useCallback(() => setReveal(null), []);

  return (
    <>
      <a className="skip-link" href="#sagas-heading">
        Skip to the sagas
      </a>
      <Header reset={reset} />
      <main className="layout">
        <div className="column column-left">
          <section className="card area-form" aria-labelledby="place-order-heading">
            <OrderForm stock={stock.data} onPlaced={(sagaId) => open(sagaId)} reset={reset} />
          </section>
          <section className="card area-stock" aria-labelledby="stock-heading">
            <StockPanel stock={stock.data} error={stock.error} />
          </section>
        </div>
        <div className="column column-center">
          <section className="area-sagas" aria-labelledby="sagas-heading">
            <h2 id="sagas-heading" ref={heading} tabIndex={-1}>
              Sagas{" "}
              {list.ids.length > 1 && <span className="muted count">({list.ids.length})</span>}
            </h2>
            {list.ids.length === 0 ? (
              <p className="empty card">
                Place an order, or click one of the{" "}
                {count(SCENARIOS.length + FAULT_SCENARIOS.length)} scenarios (
                {count(SCENARIOS.length)} from the original demo, {count(FAULT_SCENARIOS.length)}{" "}
                with a fault plan): its order is placed at once, and its saga opens here and runs
                live, step by step.
              </p>
            ) : (
              <>
                {list.ids.length > 1 && (
                  <p className="muted saga-list-hint">
                    {selected === null
                      ? "Click a saga to open it."
                      : "One saga open at a time: click another to open it."}
                  </p>
                )}
                <ol className="saga-list" aria-label="Sagas, newest first">
                  {list.ids.map((sagaId) => (
                    <li key={sagaId} data-saga-id={sagaId}>
                      <SagaItem
                        sagaId={sagaId}
                        selected={sagaId === selected}
                        reveal={reveal?.sagaId === sagaId ? reveal : null}
                        onRevealed={onRevealed}
                        onOpen={() => open(sagaId, { focus: true })}
                        onClose={() => close(sagaId)}
                      />
                    </li>
                  ))}
                </ol>
                {list.trimmed && (
                  <p className="muted saga-list-hint">
                    Older sagas are in the orders list: open them from there.
                  </p>
                )}
              </>
            )}
          </section>
        </div>
        <div className="column column-right">
          <section className="card area-orders" aria-labelledby="orders-heading">
            <OrdersPanel selected={selected} onOpen={(sagaId) => open(sagaId, { focus: true })} />
          </section>
          <section className="card area-log" aria-labelledby="log-heading">
            <SessionLogPanel />
          </section>
          <section className="card area-learn" aria-labelledby="learn-heading">
            <LearnPanel sagaId={selected} />
          </section>
        </div>
      </main>
      <footer className="footer">
        Saga Demo · GraphQL at <a href="/graphql">/graphql</a> · REST at <a href="/docs">/docs</a>
      </footer>
    </>
  );
}

/** Stock and balances, fetched again (network-only) whenever the session's events say they may
 * have changed, and on every reconnect. */
function useStock(): { data: Stock | undefined; error: string | null } {
  const version = useAppState((s) => s.stockVersion);
  const [result, reexecute] = useQuery({ query: StockQuery, requestPolicy: "network-only" });
  useEffect(() => {
    if (version === 0) return;
    const timer = setTimeout(() => reexecute({ requestPolicy: "network-only" }), 30);
    return () => clearTimeout(timer);
  }, [version, reexecute]);
  return {
    data: result.data,
    error: result.error && !result.data ? "Stock and balances could not be loaded." : null,
  };
}
