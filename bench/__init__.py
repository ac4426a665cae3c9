"""Benchmarks: `make bench` (or `python -m bench`) prints a table of each."""
