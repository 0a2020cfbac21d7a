"""Engine benchmark: figures and ratios from one run, never a pass/fail test.

Every figure is CPU time of this process (`time.process_time`), so waiting
for a core on a shared machine is not counted; medians of interleaved rounds.
The baseline is micrograd itself: release 0.1.0 from PyPI, whose engine is
the file at the repository's last commit (c911406, 2020-04-18), installed
with the test dependencies. Prints
  (a) scalargrad against that baseline, side by side:
      - one SGD step of an MLP 2→16→16→1 (ReLU hidden, linear output) on 100
        two-moons points (mean hinge loss + 1e-4·L2), whole and by phase:
        forward + loss, backward (zeroing the parameters' gradients +
        ``loss.backward()``), free (dropping the graph, plus what a
        gc.collect() then spends beyond one that finds nothing);
      - the eager step as a multiple of the hand-written delta-rule step;
      - a chain y ← y·1.0001 + 0.0001 of 100,000 steps (400,001 nodes, the
        constants are leaves): build, backward, both, and both inside
        `autograd.cyclic_gc_paused()`;
      - bytes allocated per node while the MLP step's graph is built;
  (b) the whole step for hand-written, eager, `autograd.compile`d and baseline;
  (c) a 100,000-term sum: build and backward;
  (d) memory per `*` node of a chain, built and after backward.

Where the time went, and what changed. Phase timers, cProfile, and callgrind
instruction counts of one backward (the difference between a run with it and
one without), which do not depend on the machine's load.
First round:
  - `topological_order` pushed a (node, flag) tuple per edge: now the stack
    holds bare nodes and one marker per operation (about a third less).
  - `propagate` kept every gradient in a dict keyed by node, and `backward`
    then copied the dict to `.grad`: now, for `backward`, the contributions
    are added straight into `.grad`. Leaves keep accumulating across calls
    exactly: backward lets the pass start them at 0 and adds their earlier
    `.grad` back in one addition.
  - Float constants (``y * 1.0001``) were checked against numbers.Real, an
    abstract-class check, before becoming leaves: now a float goes first.
  - The cyclic garbage collector: a graph has no reference cycles and is
    freed by reference counting, but the collector walks the live nodes
    repeatedly while a large graph is built (about half of building the
    chain). scalargrad never switches it off behind the user's back;
    `autograd.cyclic_gc_paused()` is the explicit way, and `nn.train.fit`
    uses it inside its loop.
Second round:
  - `propagate` iterated ``zip(parents, local_derivatives)`` for every node:
    for two edges, the zip object and its iteration were about 40% of the
    pass. Plain `backward` (floats into ``.grad``, nothing observed) now has
    its loop written out for one and two operands, edge for edge the general
    loop, so the floats are the same to the last bit (a property test checks
    it on random graphs). Propagate, side by side in alternating processes:
    26 → 15 ms on the MLP, 110 → 57 ms on the chain.
  - `topological_order` pushed both operands of every binary node, though
    one is usually ordered already (a weight, an activation feeding every
    neuron of the next layer), to pop them again and skip them; now only
    operands not yet expanded are pushed, and a node whose operands are both
    ordered is ordered at once (on the MLP, 13.6 → 9.4 ms in one process).
  - `backward` ordered the graph with a set of expanded nodes, then zeroed
    every gradient and saved, zeroed and restored every leaf's. Now it marks
    a node as expanded by setting its `.grad` to a 0.0 made for that call,
    recognised by identity (`_order_marking_gradients`, the same order as
    `topological_order`, tested): the set (a third of the order's time on the
    chain) and the zeroing pass are gone, and the leaves holding a gradient
    are read on the way (none, after zero_grad or on a fresh graph's
    constants). `topological_order` itself still never writes `.grad`.
  - Making a node read two thread-locals (is grad mode on, is anomaly
    detection on): that was about a quarter of `_node`. Now a count of the
    mode blocks open in any thread is read first, and the thread's modes only
    when one is open (the MLP forward without the collector: 33 → 28 ms).
  Callgrind, one backward: MLP 364 M → 199 M instructions (micrograd: 286 M);
  chain 2,253 M → 1,592 M (micrograd: 1,330 M, but its recursion 400,000
  frames deep costs it in memory traffic what it saves in instructions).
Third round:
  - A node kept its parents in a tuple of its own: 56 of the 160 bytes of an
    ``x * y`` node, and a second object per node for the cycle collector,
    whose traversals were about 40% of building the chain. Now the node keeps
    them in two slots (`autograd.operands`; ``.parents`` reads them back as a
    tuple): 112 B per ``*`` node, 118 B per node on the MLP graph (was 156).
    Callgrind, building the chain with the collector on: 3,745 M → 3,187 M
    instructions; one backward: MLP 199 M → 187 M, chain 1,584 M → 1,442 M.
  - A node's name, operation symbol and local-derivative function were three
    more slots. They are one now, a `Tag` shared by every unnamed node of an
    operation (`autograd.value.Tag`), so a node is five slots: 96 B per ``*``
    node, 102 B per node on the MLP graph. The collector walks a five-slot
    object about 15% faster than a seven-slot one: building the chain with
    the collector on, 0.39 s → 0.36 s (min of 5; the collector's part
    0.27 s → 0.235 s). Backward reads the local-derivative function through
    the tag, one load more per node: MLP 187 M → 189 M instructions.
  - `topological_order` reads a Value's two slots, as backward's ordering
    does (and ``.parents`` of a node of another class), so `grad` and
    `explain` do not pay for a call of the property per node (topological
    order of the MLP graph: 92 M → 86 M).
  - ``isinstance(x, Node)``, the protocol check, looks up each of Node's
    attributes on every call (about 20 µs); `grad` made two per input. It is
    now remembered for a class once one of its objects passed
    (`backprop.is_node`): `grad` of the MLP loss with respect to its 337
    parameters, 468 M → 454 M.
"""

from __future__ import annotations

import contextlib
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import autograd
from autograd import Value
from benchmarks.handwritten import DenseLayer, hinge_step, random_network

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # pragma: no cover - `make bench` installs it with the test dependencies
    raise SystemExit(
        "the engine benchmark runs micrograd side by side: install it with `make bench` "
        "(or: pip install micrograd==0.1.0)"
    ) from None

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


def micrograd_loss(network, inputs: list, labels: list):
    """`hinge_loss` written against micrograd (Python's sum builds chains of additions)."""
    last = len(network) - 1
    losses = []
    for x, y in zip(inputs, labels):
        activation: list = x
        for index, (weights, biases) in enumerate(network):
            z = [sum((w * a for w, a in zip(row, activation)), b) for row, b in zip(weights, biases)]
            activation = z if index == last else [v.relu() for v in z]
        losses.append((1.0 + -y * activation[0]).relu())
    return sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in parameters_of(network))


def micrograd_step(network, inputs, labels) -> float:
    """The same step written against micrograd."""
    parameters = parameters_of(network)
    loss = micrograd_loss(network, inputs, labels)
    for p in parameters:
        p.grad = 0.0
    loss.backward()
    for p in parameters:
        p.data -= LEARNING_RATE * p.grad
    return loss.data


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = CLOCK()
        run()
        times.append(CLOCK() - start)
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
    baseline = as_values(random_network(SIZES, SEED), MicrogradValue)
    losses = {
        "scalargrad": scalargrad_step(eager, inputs, labels),
        "compiled": compiled_step(compile_step(compiled, inputs, labels), inputs, labels),
        "micrograd": micrograd_step(baseline, inputs, labels),
    }
    for name, network in (("scalargrad", eager), ("compiled", compiled), ("micrograd", baseline)):
        parameters = [p.data for p in parameters_of(network)]
        if abs(losses[name] - expected_loss) > 1e-9 or any(
            abs(p - q) > 1e-9 for p, q in zip(parameters, expected_parameters)
        ):
            raise AssertionError(f"the {name} step and the hand-written step disagree: the benchmark is void")


CLOCK = time.process_time
"""CPU time of this process: on a shared machine, time spent waiting for a core is not counted."""

PHASES = ("forward + loss", "backward", "update", "free")


def collect_garbage() -> float:
    """Seconds that a full `gc.collect()` spends beyond one that finds nothing: the cost of freeing cycles."""
    start = CLOCK()
    gc.collect()
    middle = CLOCK()
    gc.collect()
    return max(0.0, (middle - start) - (CLOCK() - middle))


def step_phases(network, inputs: list, labels: list, loss_of: Callable) -> dict[str, float]:
    """CPU seconds of each phase of one SGD step (the step of `scalargrad_step`), and of the whole.

    backward = zeroing the parameters' gradients + ``loss.backward()``;
    free = dropping the graph (reference counting) + collecting what that leaves (reference cycles).
    """
    parameters = parameters_of(network)
    gc.collect()
    start = CLOCK()
    loss = loss_of(network, inputs, labels)
    built = CLOCK()
    for p in parameters:
        p.grad = 0.0
    loss.backward()
    differentiated = CLOCK()
    for p in parameters:
        p.data -= LEARNING_RATE * p.grad
    updated = CLOCK()
    del loss
    dropped = CLOCK()
    phases = {
        "forward + loss": built - start,
        "backward": differentiated - built,
        "update": updated - differentiated,
        "free": dropped - updated + collect_garbage(),
    }
    phases["whole"] = sum(phases.values())
    return phases


def mean_seconds(run: Callable[[], object], calls: int) -> float:
    gc.collect()
    start = CLOCK()
    for _ in range(calls):
        run()
    return (CLOCK() - start + collect_garbage()) / calls


def mlp_step_figures(rounds: int) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Medians over interleaved rounds: the phases of the eager steps, and whole steps of all four."""
    inputs, labels = moons()
    check_same_computation(inputs, labels)
    reference = random_network(SIZES, SEED)
    ours = as_values(random_network(SIZES, SEED), Value)
    compiled = compile_step(as_values(random_network(SIZES, SEED), Value), inputs, labels)
    baseline = as_values(random_network(SIZES, SEED), MicrogradValue)
    phases: dict[str, list[dict[str, float]]] = {"scalargrad": [], "micrograd": []}
    wholes: dict[str, list[float]] = {"hand-written": [], "compiled": []}
    for _ in range(rounds):
        wholes["hand-written"].append(
            mean_seconds(lambda: hinge_step(reference, inputs, labels, ALPHA, LEARNING_RATE), 5)
        )
        phases["scalargrad"].append(step_phases(ours, inputs, labels, hinge_loss))
        wholes["compiled"].append(mean_seconds(lambda: compiled_step(compiled, inputs, labels), 5))
        phases["micrograd"].append(step_phases(baseline, inputs, labels, micrograd_loss))
    medians = {
        name: {phase: statistics.median(sample[phase] for sample in samples) for phase in samples[0]}
        for name, samples in phases.items()
    }
    steps = {name: statistics.median(samples) for name, samples in wholes.items()}
    steps.update({name: figures["whole"] for name, figures in medians.items()})
    return medians, steps


CHAIN_DEPTH = 100_000


def chain(make_leaf: Callable[[float], object], depth: int = CHAIN_DEPTH):
    """y ← y·1.0001 + 0.0001, `depth` times: a graph of 4·depth + 1 nodes (constants are leaves), 2·depth deep."""
    y = make_leaf(1.0)
    for _ in range(depth):
        y = y * 1.0001 + 0.0001  # type: ignore[operator]
    return y


def chain_phases(make_leaf: Callable[[float], object]) -> dict[str, float]:
    """CPU seconds to build the chain and to run its backward pass: with the cycle collector as the user
    has it (on, by default), and with both inside `autograd.cyclic_gc_paused()`."""
    figures = {}
    for paused in (False, True):
        gc.collect()
        with autograd.cyclic_gc_paused() if paused else contextlib.nullcontext():
            start = CLOCK()
            y = chain(make_leaf)
            built = CLOCK()
            y.backward()  # type: ignore[attr-defined]
            differentiated = CLOCK()
        del y
        collect_garbage()
        if paused:
            figures["build + backward, collector paused"] = differentiated - start
        else:
            figures.update(
                {"build": built - start, "backward": differentiated - built, "build + backward": differentiated - start}
            )
    return figures


def chain_figures(rounds: int) -> dict[str, dict[str, float]]:
    """Medians over interleaved rounds. The baseline's recursive order needs a recursion limit above the depth."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5 * CHAIN_DEPTH))
    try:
        samples: dict[str, list[dict[str, float]]] = {"scalargrad": [], "micrograd": []}
        for _ in range(rounds):
            samples["scalargrad"].append(chain_phases(Value))
            samples["micrograd"].append(chain_phases(MicrogradValue))
    finally:
        sys.setrecursionlimit(limit)
    return {
        name: {phase: statistics.median(sample[phase] for sample in runs) for phase in runs[0]}
        for name, runs in samples.items()
    }


def nodes_below(root) -> int:
    """How many nodes a graph of either engine has (parents in `parents` or `_prev`)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in getattr(node, "parents", None) or getattr(node, "_prev", ()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def mlp_bytes_per_node(make_leaf: Callable[[float], object], loss_of: Callable) -> float:
    """Traced bytes allocated while the MLP step's loss is built, per node the build created."""
    inputs, labels = moons()
    network = as_values(random_network(SIZES, SEED), make_leaf)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = loss_of(network, inputs, labels)
    allocated = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return allocated / (nodes_below(loss) - len(parameters_of(network)))


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


def _row(figure: str, ours: str, theirs: str, ratio: str = "") -> str:
    return f"    {figure:<48} {ours:>11} {theirs:>17} {ratio:>7}"


def _compare(figure: str, ours: float, theirs: float) -> str:
    """A row of seconds, scalargrad then baseline, with their ratio."""
    return _row(figure, f"{ours:.3f} s", f"{theirs:.3f} s", f"{ours / theirs:.2f}")


def main(rounds: int = 3) -> None:
    print("scalargrad engine benchmark: CPU seconds of this process, medians of interleaved rounds")
    print(f"(micrograd = release 0.1.0 from PyPI, the engine of its last commit; {rounds} rounds)")
    phases, steps = mlp_step_figures(rounds)
    chains = chain_figures(rounds)
    ours, theirs = phases["scalargrad"], phases["micrograd"]
    hand = steps["hand-written"]
    print("\n(a) scalargrad against micrograd, in the same run")
    print(_row("figure", "scalargrad", "micrograd", "ratio"))
    print(_compare("MLP step, whole (forward+backward+update+free)", ours["whole"], theirs["whole"]))
    for phase in ("forward + loss", "backward", "free"):
        print(_compare(f"MLP step, {phase}", ours[phase], theirs[phase]))
    print(_row("eager step ÷ hand-written step", f"{ours['whole'] / hand:.1f}×", f"{theirs['whole'] / hand:.0f}×"))
    for phase in chains["scalargrad"]:
        print(_compare(f"chain 1e5, {phase}", chains["scalargrad"][phase], chains["micrograd"][phase]))
    memory = mlp_bytes_per_node(Value, hinge_loss), mlp_bytes_per_node(MicrogradValue, micrograd_loss)
    print(_row("bytes per node (MLP step graph)", f"{memory[0]:.0f}", f"{memory[1]:.0f}", f"{memory[0] / memory[1]:.2f}"))
    print("\n(b) one SGD step, MLP 2→16→16→1 on 100 two-moons points, against hand-written code")
    print(f"    {'implementation':<18} {'step':>10} {'× hand-written':>15}")
    for name in ("hand-written", "scalargrad", "compiled", "micrograd"):
        print(f"    {name:<18} {steps[name] * 1e3:>8.1f}ms {steps[name] / hand:>14.1f}×")
    total, total_ref = sum_times(100_000, 3)
    print(f"\n(c) 100,000-term sum, build + backward:   {total * 1e3:.1f} ms ({total / total_ref:.1f}× plain floats)")
    ours_bytes, theirs_bytes = bytes_per_node(Value), bytes_per_node(MicrogradValue)
    print("(d) memory per * node of a chain (built / after backward):")
    print(f"    scalargrad        {ours_bytes[0]:>4.0f} B / {ours_bytes[1]:>4.0f} B")
    print(
        f"    micrograd         {theirs_bytes[0]:>4.0f} B / {theirs_bytes[1]:>4.0f} B "
        f"({theirs_bytes[1] / ours_bytes[1]:.1f}× ours)"
    )


if __name__ == "__main__":
    main()
