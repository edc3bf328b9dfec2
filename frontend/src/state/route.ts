/** The dashboard's deep links, under /ui/ (the server serves the page there too). */

export type Route = { readonly name: "home" } | { readonly name: "saga"; readonly sagaId: string };

const SAGA_PATH = /^\/ui\/sagas\/([^/]+)\/?$/;

export function parseRoute(pathname: string): Route {
  const match = SAGA_PATH.exec(pathname);
  if (match?.[1]) {
    try {
      return { name: "saga", sagaId: decodeURIComponent(match[1]) };
    } catch {
      return { name: "home" };
    }
  }
  return { name: "home" };
}

export function routePath(route: Route): string {
  return route.name === "saga" ? `/ui/sagas/${encodeURIComponent(route.sagaId)}` : "/";
}
