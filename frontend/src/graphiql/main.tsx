/**
 * GraphiQL, bundled and served by the app itself: no CDN, it works offline. Queries and
 * mutations go over HTTP to /graphql; subscriptions over a WebSocket to the same origin, so the
 * browser sends the session cookie with both.
 */

// Monaco's workers (editor, JSON, GraphQL), bundled by Vite into dist/assets/.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createClient } from "graphql-ws";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { DEFAULT_DOCUMENT } from "./defaultDocument";

const webSocketUrl = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/graphql`;

const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  // The server answers queries and mutations with plain JSON (no @defer or @stream).
  enableIncrementalDelivery: false,
  wsClient: createClient({
    url: webSocketUrl,
    // The server does not ping on graphql-transport-ws: ping it, so that an idle socket through a
    // proxy stays open and a dead one is noticed.
    keepAlive: 10_000,
  }),
});

const container = document.getElementById("graphiql");
if (container === null) {
  throw new Error("graphiql.html has no #graphiql element");
}

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_DOCUMENT}>
      <GraphiQL.Logo>Saga Demo</GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
