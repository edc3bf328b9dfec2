/**
 * The dashboard: place orders, watch their sagas run and compensate, live over GraphQL
 * subscriptions. Everything it loads comes from the server itself.
 */
import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import { createApi } from "./api";
import { App } from "./components/App";
import { AppContext } from "./context";
import { startSessionStream } from "./live";
import { Store } from "./state/store";

const api = createApi();
const store = new Store();
startSessionStream(api, store);

const announcer = document.getElementById("announcer");
function announce(message: string): void {
  if (announcer === null) return;
  // Replaced, not appended: screen readers read the newest message.
  announcer.textContent = message;
}

const container = document.getElementById("root");
if (container === null) throw new Error("index.html has no #root element");

createRoot(container).render(
  <StrictMode>
    <Provider value={api.client}>
      <AppContext.Provider value={{ api, store, announce }}>
        <App />
      </AppContext.Provider>
    </Provider>
  </StrictMode>,
);
