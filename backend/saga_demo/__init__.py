"""Saga Demo: a durable saga orchestrator for e-commerce orders."""
