import { useConnection } from "../context";
import type { SessionReset } from "../reset-hook";
import { ParticipantsStrip } from "./ParticipantsStrip";

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

export function Header({ reset }: { reset: SessionReset }) {
  const { running, fetching, message } = reset;
  return (
    <header className="header">
      <div className="brand">
        <h1>Saga Demo</h1>
        <p className="tagline">Orders as sagas: watch each step run, fail and be undone, live.</p>
      </div>
      <nav className="header-actions" aria-label="Dashboard">
        <ParticipantsStrip />
        <ConnectionIndicator />
        <a className="button button-ghost" href="/graphql">
          GraphiQL
        </a>
        <button
          type="button"
          className="button"
          onClick={reset.run}
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
            onClick={reset.dismiss}
            aria-label="Dismiss"
          >
            ×
          </button>
        </p>
      )}
    </header>
  );
}
