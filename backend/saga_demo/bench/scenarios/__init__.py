"""The scenarios: each measures one thing and returns its rows."""
