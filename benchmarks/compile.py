"""What `autograd.compile` costs: figures from one run, never a pass/fail test.

The compiled step's speed is in the engine benchmark's table (b), timed in
alternation with the hand-written, eager and micrograd steps. This part
prints
  (b) the cost of compiling that step: tracing (running the loss once on
      Values), generating the source, and Python's compile + exec;
  (c) how that cost grows with the graph (25 to 200 points).

Why one function with a local variable per number: CPython reads a local
(LOAD_FAST) by index, the cheapest access there is. Python's compile() time
grows linearly with the source here (see (c)), so splitting the function into
chunks would save nothing, and a list of slots (``s[17] = s[3] * s[9]``)
measured about 2× slower both to compile and to run. Compile time is mostly
the parser; the per-line rule comments add about 15% to it.
"""

from __future__ import annotations

import statistics

from autograd import Value
from benchmarks.engine import SEED, SIZES, as_values, compile_step, moons
from benchmarks.handwritten import random_network


def compile_costs(points: int, rounds: int) -> tuple[int, dict[str, float]]:
    """Nodes of the step's graph for `points` examples, and the median seconds of each compile phase."""
    inputs, labels = moons(points)
    network = as_values(random_network(SIZES, SEED), Value)
    compiled = [compile_step(network, inputs, labels) for _ in range(rounds)]
    phases = {phase: statistics.median(c.timings[phase] for c in compiled) for phase in compiled[0].timings}
    return compiled[0].node_count, phases


def main() -> None:
    nodes, phases = compile_costs(100, 3)
    total = sum(phases.values())
    print(f"(e) autograd.compile of the step in (a), {nodes:,} nodes: {total:.2f} s")
    print("    " + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in phases.items()))
    print("(f) compile cost against graph size")
    print(f"    {'points':>6} {'nodes':>8} {'trace':>7} {'generate':>9} {'compile':>8} {'µs/node':>8}")
    for points in (25, 50, 100, 200):
        nodes, phases = compile_costs(points, 1)
        total = sum(phases.values())
        print(
            f"    {points:>6} {nodes:>8,} {phases['trace']:>6.2f}s {phases['generate']:>8.2f}s "
            f"{phases['compile']:>7.2f}s {total / nodes * 1e6:>8.1f}"
        )


if __name__ == "__main__":
    main()
