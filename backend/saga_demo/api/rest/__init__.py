"""The REST shim: the original demo's endpoints and shapes, fixed where it was wrong."""
