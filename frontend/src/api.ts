/**
 * The API client: urql for queries and mutations over HTTP, graphql-ws for subscriptions over a
 * WebSocket to the same origin (so the session cookie goes along with both).
 *
 * The socket is opened at once and kept open (`lazy: false`), pinged every 10 s (the server
 * never pings on graphql-transport-ws), and reopened after any drop, forever, with exponential
 * backoff and jitter. The session's stream (live.ts) restarts from the last event it has.
 */
import { Client, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient, type Client as WsClient } from "graphql-ws";
import { Connection } from "./connection";
import { backoffDelay } from "./state/backoff";

export interface Api {
  readonly client: Client;
  readonly connection: Connection;
}

function webSocketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/graphql`;
}

export function createApi(): Api {
  const connection = new Connection();
  let ws: WsClient;

  const open = (): WsClient =>
    createClient({
      url: webSocketUrl(),
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoffDelay(retries))),
      on: {
        connecting: () => connection.signal("connecting"),
        connected: () => connection.signal("connected"),
        closed: () => connection.signal("closed"),
      },
      // graphql-ws gives up on some close codes whatever `shouldRetry` says: start afresh.
      onNonLazyError: () => {
        connection.signal("closed");
        const retired = ws;
        setTimeout(() => {
          void retired.dispose();
          ws = open();
        }, backoffDelay(connection.getState().failures));
      },
    });
  ws = open();

  window.addEventListener("offline", () => connection.signal("browser-offline"));
  window.addEventListener("online", () => connection.signal("browser-online"));

  const client = new Client({
    url: "/graphql",
    preferGetMethod: false,
    requestPolicy: "network-only",
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, connection };
}
