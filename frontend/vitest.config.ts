import { defineConfig } from "vitest/config";

// Unit tests only (the pure state modules): the browser tests are pytest + Playwright.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
