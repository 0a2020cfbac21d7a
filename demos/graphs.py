"""Computation graphs as pictures: a neuron drawn node by node, and an MLP 2→16→16→1 drawn one table per neuron.

The neuron is micrograd's tanh(x1·w1 + x2·w2 + b), with its numbers, built
by `nn.MLP.from_weights` so that its nodes carry the textbook names (w[1]_11,
b[1]_1, z[1]_1, a[1]_1) and `group=True` can box the neuron. Writes SVG and
PNG files to the output folder and prints their paths.

    python -m demos.graphs [output_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import Value, draw
from nn import MLP, losses

# micrograd's neuron (README and lecture): b makes the output exactly tanh(0.8814) = 0.7071.
X1, X2, W1, W2, B = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
MODEL_SEED = 1


def main(output_dir: str | Path = "demo-output") -> list[Path]:
    """Write the two graphs; return the paths written."""
    print("== Computation graphs ==")
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)

    neuron = MLP.from_weights([[[W1, W2]]], [[B]], "tanh")
    output = neuron([Value(X1, name="x1"), Value(X2, name="x2")])
    assert isinstance(output, Value)  # one output neuron: a Value, not a list
    output.backward()
    print(f"a neuron, o = tanh(x1·w1 + x2·w2 + b) = {output.data:.4f}, drawn node by node:")
    neuron_graph = draw(output, group=True)

    mlp = MLP(2, [16, 16, 1], seed=MODEL_SEED)
    prediction = mlp([Value(0.5, name="x1"), Value(-1.0, name="x2")])
    loss = losses.mse([prediction], [1.0])
    loss.name = "loss"
    loss.backward()
    print(f"an MLP 2→16→16→1 and its loss on one example ({loss.data:.4f}), one table per neuron:")
    mlp_graph = draw(loss, collapse=True, group=True)

    written = []
    for stem, graph in (("graph_neuron", neuron_graph), ("graph_mlp_collapsed", mlp_graph)):
        for extension in (".svg", ".png"):
            written.append(graph.save(folder / f"{stem}{extension}"))
            print(f"  {written[-1]}")
    return written


if __name__ == "__main__":
    main(*sys.argv[1:])
