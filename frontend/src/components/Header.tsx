import { useState } from "react";
import { useMutation } from "urql";
import { useApp, useAppState, useConnection } from "../context";
import { errorInfo } from "../errors";
import { ResetMutation } from "../operations";
import { lastSequence } from "../state/sagaView";
import type { AppState } from "../state/store";
import { isTerminal } from "../state/types";

const CONNECTION_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
} as const;

const CONNECTION_HINT = {
  connecting: "Opening the live connection to the server.",
  connected: "Live: every saga event arrives as it happens.",
  reconnecting: "The live connection dropped; reconnecting, then catching up on what was missed.",
  offline: "The server cannot be reached; still trying, and catching up once it is back.",
} as const;

export function ConnectionIndicator() {
  const { status } = useConnection();
  return (
    <div
      className={`connection connection-${status}`}
      role="status"
      aria-live="polite"
      title={CONNECTION_HINT[status]}
      data-status={status}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{CONNECTION_TEXT[status]}</span>
    </div>
  );
}

/** Whether a saga of the session is still running (as far as the events say). */
function anyRunning(state: AppState): boolean {
  for (const view of state.sagas.values()) {
    const last = lastSequence(view);
    const event = view.events[last - 1];
    if (event !== undefined && !isTerminal(event.sagaStatus)) return true;
  }
  return false;
}

export function Header({ onReset }: { onReset: () => void }) {
  const { store, announce } = useApp();
  const running = useAppState(anyRunning);
  const [{ fetching }, reset] = useMutation(ResetMutation);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const doReset = async () => {
    setMessage(null);
    const result = await reset({});
    if (result.error) {
      const info = errorInfo(result.error);
      setMessage({ text: info.message, error: true });
      return;
    }
    store.dispatch({ type: "reset" });
    onReset();
    const text = result.data?.reset.message ?? "Reset.";
    setMessage({ text, error: false });
    announce(text);
  };

  return (
    <header className="header">
      <div className="brand">
        <h1>Saga Demo</h1>
        <p className="tagline">Orders as sagas: watch each step run, fail and be undone, live.</p>
      </div>
      <nav className="header-actions" aria-label="Dashboard">
        <ConnectionIndicator />
        <a className="button button-ghost" href="/graphql">
          GraphiQL
        </a>
        <button
          type="button"
          className="button"
          onClick={doReset}
          disabled={running || fetching}
          aria-describedby="reset-help"
        >
          Reset
        </button>
        <span id="reset-help" className="sr-only">
          {running
            ? "Reset is disabled while a saga runs."
            : "Reseed this session's stock and balances and clear its orders."}
        </span>
      </nav>
      {message && (
        <p className={message.error ? "notice notice-error" : "notice"} role="status">
          {message.text}
          <button
            type="button"
            className="link-button"
            onClick={() => setMessage(null)}
            aria-label="Dismiss"
          >
            ×
          </button>
        </p>
      )}
    </header>
  );
}
