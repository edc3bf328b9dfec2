"""The store's contract tests: one suite, every adapter held to it."""
