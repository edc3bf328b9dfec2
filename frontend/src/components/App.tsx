import { useCallback, useEffect, useState } from "react";
import { useQuery } from "urql";
import { useAppState } from "../context";
import { StockQuery } from "../operations";
import { useRoute } from "../route-hook";
import { Header } from "./Header";
import { LearnPanel } from "./LearnPanel";
import { OrderForm } from "./OrderForm";
import { OrdersPanel } from "./OrdersPanel";
import { SagaPanel } from "./SagaPanel";
import { SessionLogPanel } from "./SessionLogPanel";
import { StockPanel } from "./StockPanel";

/** How many sagas stay open side by side; the oldest closes first. */
const MAX_OPEN = 6;

export function App() {
  const [route, navigate] = useRoute();
  const [open, setOpen] = useState<string[]>(() => (route.name === "saga" ? [route.sagaId] : []));
  // A saga to bring into view (placed just now), and whether to move the focus to it too (opened
  // from the orders list).
  const [reveal, setReveal] = useState<{ sagaId: string; focus: boolean } | null>(null);

  // A deep link (or back/forward) to a saga opens it.
  useEffect(() => {
    if (route.name !== "saga") return;
    setOpen((current) =>
      current.includes(route.sagaId) ? current : [route.sagaId, ...current].slice(0, MAX_OPEN),
    );
  }, [route]);

  const stock = useStock();

  const watch = useCallback(
    (sagaId: string, options?: { focus?: boolean }) => {
      setOpen((current) => [sagaId, ...current.filter((id) => id !== sagaId)].slice(0, MAX_OPEN));
      navigate({ name: "saga", sagaId });
      setReveal({ sagaId, focus: options?.focus ?? false });
    },
    [navigate],
  );

  const close = useCallback(
    (sagaId: string) => {
      setOpen((current) => current.filter((id) => id !== sagaId));
      if (route.name === "saga" && route.sagaId === sagaId)
        navigate({ name: "home" }, { replace: true });
    },
    [navigate, route],
  );

  const onReset = useCallback(() => {
    setOpen([]);
    navigate({ name: "home" }, { replace: true });
  }, [navigate]);

  const focused = route.name === "saga" ? route.sagaId : (open[0] ?? null);

  return (
    <>
      <a className="skip-link" href="#sagas-heading">
        Skip to the sagas
      </a>
      <Header onReset={onReset} />
      <main className="layout">
        <div className="column column-left">
          <section className="card area-form" aria-labelledby="place-order-heading">
            <OrderForm stock={stock.data} onPlaced={(sagaId) => watch(sagaId)} />
          </section>
          <section className="card area-stock" aria-labelledby="stock-heading">
            <StockPanel stock={stock.data} error={stock.error} />
          </section>
        </div>
        <div className="column column-center">
          <section className="area-sagas" aria-labelledby="sagas-heading">
            <h2 id="sagas-heading" tabIndex={-1}>
              Sagas
            </h2>
            {open.length === 0 ? (
              <p className="empty card">
                Place an order, or pick one of the four scenarios: its saga appears here and runs
                live, step by step.
              </p>
            ) : (
              <div className="saga-list">
                {open.map((sagaId) => (
                  <SagaPanel
                    key={sagaId}
                    sagaId={sagaId}
                    focused={sagaId === focused}
                    reveal={reveal?.sagaId === sagaId ? reveal : null}
                    onRevealed={() => setReveal(null)}
                    onClose={() => close(sagaId)}
                  />
                ))}
              </div>
            )}
          </section>
        </div>
        <div className="column column-right">
          <section className="card area-orders" aria-labelledby="orders-heading">
            <OrdersPanel onOpen={(sagaId) => watch(sagaId, { focus: true })} />
          </section>
          <section className="card area-log" aria-labelledby="log-heading">
            <SessionLogPanel />
          </section>
          <section className="card area-learn" aria-labelledby="learn-heading">
            <LearnPanel sagaId={focused} />
          </section>
        </div>
      </main>
      <footer className="footer">
        Saga Demo · GraphQL at <a href="/graphql">/graphql</a> · REST at <a href="/docs">/docs</a>
      </footer>
    </>
  );
}

export interface Stock {
  readonly inventory: readonly { readonly productId: string; readonly available: number }[];
  readonly balances: readonly { readonly userId: string; readonly balance: string }[];
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
