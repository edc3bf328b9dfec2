/**
 * The session's live stream: `sessionEvents` from the last event id the store has, started on
 * each (re)connection and dropped when the socket closes, so a reconnect resumes exactly where
 * the page left off; the store de-duplicates whatever is delivered twice.
 */
import { onEnd, pipe, subscribe } from "wonka";
import type { Api } from "./api";
import { SessionEventsSubscription } from "./operations";
import { backoffDelay } from "./state/backoff";
import { resumeCursor } from "./state/sessionLog";
import type { Store } from "./state/store";

export function startSessionStream(api: Api, store: Store): () => void {
  let subscription: { unsubscribe(): void } | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let epoch = 0;
  let errors = 0;

  const stop = (): void => {
    if (retry !== null) clearTimeout(retry);
    retry = null;
    subscription?.unsubscribe();
    subscription = null;
  };

  const start = (): void => {
    stop();
    store.flush();
    const after = resumeCursor(store.getState().log);
    const again = (): void => {
      errors += 1;
      retry = setTimeout(() => {
        if (api.connection.getState().status === "connected") start();
      }, backoffDelay(errors));
    };
    let alive = true; // until this stream is stopped on purpose, or fails
    const stream = pipe(
      api.client.subscription(SessionEventsSubscription, { after }),
      // The stream never ends by itself: if the server ends it with the socket still open,
      // resume it from the last event held.
      onEnd(() => {
        if (alive) {
          alive = false;
          again();
        }
      }),
      subscribe((result) => {
        if (result.data) {
          errors = 0;
          store.enqueue({ type: "sessionEvents", events: [result.data.sessionEvents] });
        } else if (result.error) {
          // Not the socket (graphql-ws retries that): the operation itself. Try again.
          if (alive) {
            alive = false;
            again();
          }
        }
      }),
    );
    subscription = {
      unsubscribe: () => {
        alive = false;
        stream.unsubscribe();
      },
    };
  };

  const onConnection = (): void => {
    const connection = api.connection.getState();
    if (connection.status === "connected") {
      if (connection.epoch === epoch) return;
      const reconnected = epoch > 0;
      epoch = connection.epoch;
      start();
      if (reconnected) store.dispatch({ type: "reconnected" });
    } else if (subscription !== null) {
      stop();
    }
  };

  const unlisten = api.connection.subscribe(onConnection);
  onConnection();
  return () => {
    unlisten();
    stop();
  };
}
