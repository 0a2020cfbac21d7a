"""Run every benchmark (what `make bench` does)."""

from benchmarks import compile as compile_benchmark
from benchmarks import engine, training

engine.main()
compile_benchmark.main()
print()
training.main()
