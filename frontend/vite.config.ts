import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Three pages, built into dist/ and served by the backend: the dashboard at `/` (index.html),
// GraphiQL at `/graphql` in a browser (graphiql.html) and Swagger UI at `/docs` (docs.html). Every
// asset lands in dist/assets/, served at /assets/: nothing is loaded from another host at run time.
export default defineConfig({
  base: "/",
  plugins: [react()],
  input: {
    index: "index.html",
    graphiql: "graphiql.html",
    docs: "docs.html",
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // Monaco (GraphiQL's editor) and Swagger UI are large by nature; each loads on its own page.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      onwarn(warning, warn) {
        // GraphiQL's modules start with React Compiler's "use no memo", meaningless once bundled.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  worker: {
    // Monaco's editor, JSON and GraphQL workers, bundled by Vite (graphiql/setup-workers/vite).
    format: "es",
  },
  optimizeDeps: {
    // As GraphiQL's own Vite example: the worker imports (`?worker`) must reach Vite unbundled.
    exclude: ["graphiql/setup-workers/vite", "@graphiql/react/setup-workers/vite"],
  },
});
