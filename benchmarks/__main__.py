"""Run every benchmark (what `make bench` does)."""

from benchmarks import engine

engine.main()
