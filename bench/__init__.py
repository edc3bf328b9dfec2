"""Load and cost figures for the saga demo; see `bench/load.py`."""
