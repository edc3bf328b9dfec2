"""The order saga: its steps, the application functions both transports call, the seed data."""
