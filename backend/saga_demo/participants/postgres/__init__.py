"""The participants' ledgers on PostgreSQL."""
