/** Reset: reseed the session's stock and balances, from the header or a scenario's card. */
import { useCallback, useState } from "react";
import { useMutation } from "urql";
import { useApp, useAppState } from "./context";
import { errorInfo } from "./errors";
import { ResetMutation } from "./operations";
import { lastSequence } from "./state/sagaView";
import type { AppState } from "./state/store";
import { isTerminal } from "./state/types";

/** Whether a saga of the session is still running (as far as the events say). */
function anyRunning(state: AppState): boolean {
  for (const view of state.sagas.values()) {
    const event = view.events[lastSequence(view) - 1];
    if (event !== undefined && !isTerminal(event.sagaStatus)) return true;
  }
  return false;
}

export interface SessionReset {
  readonly run: () => Promise<void>;
  /** A saga runs: the server would refuse (CONFLICT). */
  readonly running: boolean;
  readonly fetching: boolean;
  readonly message: { readonly text: string; readonly error: boolean } | null;
  readonly dismiss: () => void;
}

export function useSessionReset(onReset: () => void): SessionReset {
  const { store, announce } = useApp();
  const running = useAppState(anyRunning);
  const [{ fetching }, reset] = useMutation(ResetMutation);
  const [message, setMessage] = useState<SessionReset["message"]>(null);

  const run = useCallback(async () => {
    setMessage(null);
    const result = await reset({});
    if (result.error) {
      setMessage({ text: errorInfo(result.error).message, error: true });
      return;
    }
    store.dispatch({ type: "reset" });
    onReset();
    const text = result.data?.reset.message ?? "Reset.";
    setMessage({ text, error: false });
    announce(text);
  }, [reset, store, onReset, announce]);

  const dismiss = useCallback(() => setMessage(null), []);
  return { run, running, fetching, message, dismiss };
}
