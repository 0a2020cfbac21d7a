"""Benchmarks that print figures and ratios from one run; `python -m benchmarks` runs them all."""
