/** What every component reads: the API client, the store and the connection, through hooks. */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { Api } from "./api";
import type { ConnectionState } from "./connection";
import type { AppState, Store } from "./state/store";

export interface App {
  readonly api: Api;
  readonly store: Store;
  readonly announce: (message: string) => void;
}

export const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const app = useContext(AppContext);
  if (app === null) throw new Error("useApp outside <AppContext>");
  return app;
}

/** A slice of the store's state; `select` must return stable references. */
export function useAppState<T>(select: (state: AppState) => T): T {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

export function useConnection(): ConnectionState {
  const { api } = useApp();
  return useSyncExternalStore(api.connection.subscribe, api.connection.getState);
}
