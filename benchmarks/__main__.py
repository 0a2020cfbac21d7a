"""Run every benchmark (what `make bench` does)."""

from benchmarks import compile as compile_benchmark
from benchmarks import engine

engine.main()
print()
compile_benchmark.main()
