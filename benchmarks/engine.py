"""Engine benchmark: figures and ratios from one run, never a pass/fail test.

Prints medians of several runs for
  (a) one SGD step of an MLP 2→16→16→1 (ReLU hidden, linear output) on 100
      two-moons points: forward, mean hinge loss + 1e-4·L2, backward, update —
      for the hand-written delta-rule step (benchmarks/handwritten.py), for
      scalargrad eager and `autograd.compile`d, and for a micrograd-design
      baseline (benchmarks/closure_engine.py), with the full gc.collect()
      that follows each (what freeing its reference cycles costs);
  (b) a 100,000-deep chain: build and backward;
  (c) a 100,000-term sum: build and backward;
  (d) memory per `+`/`*` node (tracemalloc), scalargrad vs the baseline.

Where the time goes (cProfile and a phase-by-phase timer on (a), 41k nodes):
  before: forward 30 ms, topological_order 13 ms, propagate 40 ms (a call per
          node to evaluate its local derivatives, with a generator over the
          parents), writing .grad 11 ms; ~15-20× the hand-written step.
  after:  propagate evaluates local derivatives inline with fast paths for one
          and two parents (27 ms), backward writes .grad straight from the
          propagated table (6 ms), binary operators skip the operand check for
          Values, sum/logsumexp build operands without per-element formatting;
          13-21× the hand-written step across runs on this shared machine.
  The cyclic garbage collector costs little here: a graph has no reference
  cycles and is freed by reference counting. It still walks survivors while
  a very deep graph is being built (about half of (b)); scalargrad never
  switches it off behind the user's back (only `nn.train.fit` pauses it,
  inside its loop).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable

import autograd
from autograd import Value
from benchmarks.closure_engine import ClosureValue
from benchmarks.handwritten import DenseLayer, hinge_step, random_network

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4
LEARNING_RATE = 0.1
SEED = 1337


def moons(n: int = 100) -> tuple[list[list[float]], list[float]]:
    from nn.datasets import moons as make_moons

    inputs, labels = make_moons(n, noise=0.1, seed=SEED)
    return [list(map(float, x)) for x in inputs], [float(y) for y in labels]


def as_values(layers: list[DenseLayer], make: Callable[[float], object]) -> list[tuple[list[list], list]]:
    return [([[make(w) for w in row] for row in layer.weights], [make(b) for b in layer.biases]) for layer in layers]


Network = list[tuple[list[list[Value]], list[Value]]]


def parameters_of(network: Network) -> list[Value]:
    """Weights, then biases."""
    return [p for weights, _ in network for row in weights for p in row] + [b for _, biases in network for b in biases]


def hinge_loss(network: Network, inputs: list, labels: list) -> Value:
    """Mean hinge loss max(0, 1 − y·score) + ALPHA·Σp², as a user of scalargrad would write it.

    `inputs` and `labels` may be numbers, or Values (when the loss is traced by `autograd.compile`).
    """
    last = len(network) - 1
    losses = []
    for x, y in zip(inputs, labels):
        activation: list = x
        for index, (weights, biases) in enumerate(network):
            z = [autograd.sum([w * a for w, a in zip(row, activation)] + [b]) for row, b in zip(weights, biases)]
            activation = z if index == last else [v.relu() for v in z]
        losses.append((1.0 - y * activation[0]).relu())
    return autograd.sum(losses) / len(losses) + ALPHA * autograd.sum([p * p for p in parameters_of(network)])


def scalargrad_step(network: Network, inputs: list, labels: list) -> float:
    """The same step as `hinge_step`: build the graph, backward, update."""
    parameters = parameters_of(network)
    loss = hinge_loss(network, inputs, labels)
    for p in parameters:
        p.grad = 0.0
    loss.backward()
    with autograd.no_grad():
        for p in parameters:
            p.data -= LEARNING_RATE * p.grad
    return loss.data


def compile_step(network: Network, inputs: list, labels: list) -> autograd.CompiledFunction:
    """`hinge_loss` traced once, with the data as inputs and the weights and biases as params."""
    return autograd.compile(
        lambda data: hinge_loss(network, data["x"], data["y"]),
        {"x": inputs, "y": labels},
        params=parameters_of(network),
        input_gradients=False,
    )


def compiled_step(compiled: autograd.CompiledFunction, inputs: list, labels: list) -> float:
    """The same step with generated code: zero the gradients, run forward and backward, update."""
    parameters = compiled.params
    for p in parameters:
        p.grad = 0.0
    loss, _ = compiled({"x": inputs, "y": labels})
    for p in parameters:
        p.data -= LEARNING_RATE * p.grad
    return loss


def closure_step(network, inputs, labels) -> float:
    """The same step written against the micrograd-design baseline (Python sum builds chains)."""
    parameters = [p for weights, biases in network for row in weights for p in row] + [
        b for _, biases in network for b in biases
    ]
    last = len(network) - 1
    losses = []
    for x, y in zip(inputs, labels):
        activation: list = x
        for index, (weights, biases) in enumerate(network):
            z = [sum((w * a for w, a in zip(row, activation)), b) for row, b in zip(weights, biases)]
            activation = z if index == last else [v.relu() for v in z]
        losses.append((1.0 + -y * activation[0]).relu())
    loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in parameters)
    for p in parameters:
        p.grad = 0.0
    loss.backward()
    for p in parameters:
        p.data -= LEARNING_RATE * p.grad
    return loss.data


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(
    runs: dict[str, tuple[Callable[[], object], int]], rounds: int
) -> dict[str, tuple[float, float]]:
    """Median seconds per call of each run, and of the `gc.collect()` right after it.

    Each round times every run (``calls`` times in a row, for quick ones) in
    alternation, so a change in machine load touches all of them alike. Every
    run starts from a collected heap, so no run pays for another's garbage;
    the collection after it is timed separately: it is the cost of freeing
    whatever reference cycles the run left behind.
    """
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (run, calls) in runs.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(calls):
                run()
            middle = time.perf_counter()
            gc.collect()
            end = time.perf_counter()
            samples[name].append(((middle - start) / calls, (end - middle) / calls))
    return {
        name: (statistics.median(t for t, _ in pairs), statistics.median(c for _, c in pairs))
        for name, pairs in samples.items()
    }


def check_same_computation(inputs, labels) -> None:
    """Every implementation must compute the hand-written step's numbers, or the ratios mean nothing."""
    reference = random_network(SIZES, SEED)
    expected_loss, expected_grads = hinge_step(reference, inputs, labels, ALPHA, LEARNING_RATE)
    expected_parameters = [w for layer in reference for row in layer.weights for w in row] + [
        b for layer in reference for b in layer.biases
    ]
    eager = as_values(random_network(SIZES, SEED), Value)
    compiled = as_values(random_network(SIZES, SEED), Value)
    losses = {
        "scalargrad": scalargrad_step(eager, inputs, labels),
        "compiled": compiled_step(compile_step(compiled, inputs, labels), inputs, labels),
    }
    for name, network in (("scalargrad", eager), ("compiled", compiled)):
        parameters = [p.data for p in parameters_of(network)]
        if abs(losses[name] - expected_loss) > 1e-9 or any(
            abs(p - q) > 1e-9 for p, q in zip(parameters, expected_parameters)
        ):
            raise AssertionError(f"the {name} step and the hand-written step disagree: the benchmark is void")


def mlp_step_times(rounds: int) -> dict[str, tuple[float, float]]:
    inputs, labels = moons()
    check_same_computation(inputs, labels)
    reference = random_network(SIZES, SEED)
    ours = as_values(random_network(SIZES, SEED), Value)
    compiled = compile_step(as_values(random_network(SIZES, SEED), Value), inputs, labels)
    baseline = as_values(random_network(SIZES, SEED), ClosureValue)
    return interleaved_medians(
        {
            "hand-written": (lambda: hinge_step(reference, inputs, labels, ALPHA, LEARNING_RATE), 5),
            "scalargrad": (lambda: scalargrad_step(ours, inputs, labels), 1),
            "compiled": (lambda: compiled_step(compiled, inputs, labels), 5),
            "micrograd-design": (lambda: closure_step(baseline, inputs, labels), 1),
        },
        rounds,
    )


def chain_times(depth: int, repeats: int) -> tuple[float, float]:
    def build() -> Value:
        x = Value(1.0)
        for _ in range(depth):
            x = x + 1.0
        return x

    def build_and_backward() -> None:
        build().backward()

    def handwritten() -> None:
        x = 1.0
        values = []
        for _ in range(depth):
            x = x + 1.0
            values.append(x)
        grad = 1.0
        for _ in reversed(values):
            grad = grad * 1.0

    return median_seconds(build_and_backward, repeats), median_seconds(handwritten, repeats)


def sum_times(terms: int, repeats: int) -> tuple[float, float]:
    leaves = [Value(float(i)) for i in range(terms)]

    def build_and_backward() -> None:
        autograd.sum(leaves).backward()

    def handwritten() -> None:
        numbers = [float(i) for i in range(terms)]
        sum(numbers)
        [1.0 for _ in numbers]

    return median_seconds(build_and_backward, repeats), median_seconds(handwritten, repeats)


def bytes_per_node(make_leaf: Callable[[float], object], count: int = 100_000) -> tuple[float, float]:
    """Traced bytes per `*` node, after the build and after backward.

    The nodes form chains x ← x·c of 500 (the baseline's recursive backward
    cannot go much deeper); after backward each node also holds its gradient.
    """
    depth = 500
    factor = make_leaf(1.0000001)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    chains = []
    for _ in range(count // depth):
        x = make_leaf(1.0)
        for _ in range(depth):
            x = x * factor
        chains.append(x)
    built = tracemalloc.get_traced_memory()[0]
    for x in chains:
        x.backward()  # type: ignore[attr-defined]
    gc.collect()
    after_backward = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (built - before) / count, (after_backward - before) / count


def main(repeats: int = 7) -> None:
    print("scalargrad engine benchmark (medians; ratios from this run)")
    step = mlp_step_times(repeats)
    base = step["hand-written"][0]
    print("\n(a) one SGD step, MLP 2→16→16→1 on 100 two-moons points")
    print(f"    {'implementation':<18} {'step':>10} {'× hand-written':>15} {'then gc.collect()':>19}")
    for name, (seconds, collect) in step.items():
        print(f"    {name:<18} {seconds * 1e3:>8.1f}ms {seconds / base:>14.1f}× {collect * 1e3:>17.1f}ms")
    chain, chain_ref = chain_times(100_000, max(3, repeats // 2))
    print(f"\n(b) 100,000-deep chain, build + backward: {chain * 1e3:.1f} ms ({chain / chain_ref:.1f}× plain floats)")
    total, total_ref = sum_times(100_000, repeats)
    print(f"(c) 100,000-term sum, build + backward:   {total * 1e3:.1f} ms ({total / total_ref:.1f}× plain floats)")
    ours, theirs = bytes_per_node(Value), bytes_per_node(ClosureValue)
    print("(d) memory per * node (built / after backward):")
    print(f"    scalargrad        {ours[0]:>4.0f} B / {ours[1]:>4.0f} B")
    print(f"    micrograd-design  {theirs[0]:>4.0f} B / {theirs[1]:>4.0f} B ({theirs[1] / ours[1]:.1f}× ours)")


if __name__ == "__main__":
    main()
