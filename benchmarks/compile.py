"""`autograd.compile` benchmark: figures and ratios from one run, never a pass/fail test.

Prints medians of several runs for
  (a) one SGD step of the MLP 2→16→16→1 on 100 two-moons points of
      `benchmarks.engine` (mean hinge loss + 1e-4·L2, backward, update): the
      hand-written delta-rule step, the eager engine step, and the compiled
      step, run interleaved (one of each per round) so that machine load
      affects all three alike;
  (b) what compiling that step costs: tracing (running the loss once on
      Values), generating the source, and Python's compile + exec;
  (c) how that cost grows with the graph (25 to 200 points).

The compiled step traces the loss once with the data as inputs and the
weights and biases as params; each step then zeroes the gradients, calls the
compiled function (which reads the current weights and adds the gradients to
``.grad``) and applies the same update as the other two.

Why one function with a local variable per number: CPython reads a local
(LOAD_FAST) by index, the cheapest access there is. Python's compile() time
grows linearly with the source here (see (c)), so splitting the function into
chunks would save nothing, and a list of slots (``s[17] = s[3] * s[9]``)
would cost an index operation per read and per write. Compile time is mostly
the parser; the per-line rule comments add about 15% to it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import autograd
from autograd import Value
from benchmarks.engine import ALPHA, LEARNING_RATE, SEED, SIZES, _as_values, moons, scalargrad_step
from benchmarks.handwritten import hinge_step, random_network

Network = list[tuple[list[list[Value]], list[Value]]]


def parameters_of(network: Network) -> list[Value]:
    """Weights then biases, in the order of `scalargrad_step`."""
    return [p for weights, _ in network for row in weights for p in row] + [b for _, biases in network for b in biases]


def hinge_loss(network: Network, data: dict[str, list]) -> Value:
    """The loss of `scalargrad_step`, with the data as Values so that it can be traced: x and y vary."""
    last = len(network) - 1
    losses = []
    for x, y in zip(data["x"], data["y"]):
        activation: list = x
        for index, (weights, biases) in enumerate(network):
            z = [autograd.sum([w * a for w, a in zip(row, activation)] + [b]) for row, b in zip(weights, biases)]
            activation = z if index == last else [v.relu() for v in z]
        losses.append((1.0 - y * activation[0]).relu())
    return autograd.sum(losses) / len(losses) + ALPHA * autograd.sum([p * p for p in parameters_of(network)])


def compile_step(network: Network, data: dict[str, list]) -> autograd.CompiledFunction:
    return autograd.compile(
        lambda traced: hinge_loss(network, traced), data, params=parameters_of(network), input_gradients=False
    )


def compiled_step(compiled: autograd.CompiledFunction, data: dict[str, list]) -> float:
    """One SGD step: zero the gradients, run the compiled forward and backward, update."""
    parameters = compiled.params
    for p in parameters:
        p.grad = 0.0
    loss, _ = compiled(data)
    for p in parameters:
        p.data -= LEARNING_RATE * p.grad
    return loss


def check_same_computation(data: dict[str, list]) -> None:
    """The compiled step and the eager step must agree, or the ratio means nothing."""
    eager, ours = _as_values(random_network(SIZES, SEED), Value), _as_values(random_network(SIZES, SEED), Value)
    expected = scalargrad_step(eager, data["x"], data["y"])
    loss = compiled_step(compile_step(ours, data), data)
    if abs(loss - expected) > 1e-12 or any(
        abs(p.data - q.data) > 1e-12 for p, q in zip(parameters_of(ours), parameters_of(eager))
    ):
        raise AssertionError(
            "the compiled step and the eager step disagree; the benchmark would compare different work"
        )


def interleaved_medians(runs: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each run, taking one of each per round."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(samples) for name, samples in times.items()}


def step_times(data: dict[str, list], rounds: int) -> dict[str, float]:
    reference = random_network(SIZES, SEED)
    eager = _as_values(random_network(SIZES, SEED), Value)
    compiled = compile_step(_as_values(random_network(SIZES, SEED), Value), data)
    return interleaved_medians(
        {
            "hand-written": lambda: hinge_step(reference, data["x"], data["y"], ALPHA, LEARNING_RATE),
            "eager": lambda: scalargrad_step(eager, data["x"], data["y"]),
            "compiled": lambda: compiled_step(compiled, data),
        },
        rounds,
    )


def compile_costs(points: int, rounds: int) -> tuple[int, dict[str, float]]:
    """Nodes of the step's graph for `points` examples, and the median seconds of each compile phase."""
    inputs, labels = moons(points)
    data: dict[str, list] = {"x": inputs, "y": labels}
    network = _as_values(random_network(SIZES, SEED), Value)
    compiled = [compile_step(network, data) for _ in range(rounds)]
    phases = {phase: statistics.median(c.timings[phase] for c in compiled) for phase in compiled[0].timings}
    return compiled[0].node_count, phases


def main(rounds: int = 15) -> None:
    print("autograd.compile benchmark (medians; ratios from this run)")
    inputs, labels = moons()
    data: dict[str, list] = {"x": inputs, "y": labels}
    check_same_computation(data)
    times = step_times(data, rounds)
    base = times["hand-written"]
    print("\n(a) one SGD step, MLP 2→16→16→1 on 100 two-moons points, interleaved runs")
    print(f"    {'implementation':<14} {'time':>10} {'× hand-written':>15}")
    for name, seconds in times.items():
        print(f"    {name:<14} {seconds * 1e3:>8.2f}ms {seconds / base:>14.2f}×")
    print(f"    compiled is {times['eager'] / times['compiled']:.0f}× faster than eager")
    nodes, phases = compile_costs(100, 3)
    total = sum(phases.values())
    print(f"\n(b) compiling that step ({nodes:,} nodes): {total:.2f} s")
    print("    " + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in phases.items()))
    print("\n(c) compile cost against graph size")
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
