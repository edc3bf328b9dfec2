/**
 * The WebSocket's state as the visitor sees it: connected, reconnecting (it dropped; retrying
 * with backoff) or offline (the browser says so, or several attempts in a row have failed).
 * `epoch` counts the connections made: a new epoch means "catch up".
 */

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** How many times the socket has been acknowledged (0 before the first). */
  readonly epoch: number;
  /** Failed attempts since the last connection. */
  readonly failures: number;
}

/** After this many failed attempts in a row, "reconnecting" becomes "offline". */
export const OFFLINE_AFTER = 3;

export type ConnectionSignal =
  | "connecting"
  | "connected"
  | "closed"
  | "browser-offline"
  | "browser-online";

/** The next state (pure). */
export function nextConnection(
  state: ConnectionState,
  signal: ConnectionSignal,
  browserOnline = true,
): ConnectionState {
  switch (signal) {
    case "connected":
      return { status: "connected", epoch: state.epoch + 1, failures: 0 };
    case "connecting":
      return state.status === "connected"
        ? state
        : { ...state, status: settle(state, browserOnline) };
    case "closed": {
      // A close before the acknowledgement is a failed attempt; after it, a drop.
      const failures = state.status === "connected" ? 0 : state.failures + 1;
      const next = { ...state, failures };
      return { ...next, status: settle(next, browserOnline) };
    }
    case "browser-offline":
      return state.status === "connected" ? state : { ...state, status: "offline" };
    case "browser-online":
      return state.status === "offline" ? { ...state, status: settle(state, true) } : state;
  }
}

function settle(state: ConnectionState, browserOnline: boolean): ConnectionStatus {
  if (state.epoch === 0 && state.failures === 0) return "connecting";
  if (!browserOnline || state.failures >= OFFLINE_AFTER) return "offline";
  return "reconnecting";
}

type Listener = () => void;

export class Connection {
  private state: ConnectionState = { status: "connecting", epoch: 0, failures: 0 };
  private readonly listeners = new Set<Listener>();

  getState = (): ConnectionState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  signal = (signal: ConnectionSignal): void => {
    const online = typeof navigator === "undefined" ? true : navigator.onLine;
    const next = nextConnection(this.state, signal, online);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  };
}
