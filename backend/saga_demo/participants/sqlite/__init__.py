"""The participants' ledgers on SQLite, for the embedded mode."""
