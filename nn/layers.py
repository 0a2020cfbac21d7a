"""`Neuron`, `Layer` and `MLP`: a layered network whose every number is an `autograd.Value`.

Notation as in BACKPROP.md (layer l, receiving neuron k, sending neuron j, all
1-based in names): neuron k of layer l computes

    z[l]_k = Σ_j w[l]_kj · a[l−1]_j + b[l]_k      (a[0] = x, the input)
    a[l]_k = f(z[l]_k)

The weighted input is built as ONE ``autograd.sum`` node whose operands are the
products w·a and the bias itself. So the bias enters by addition, and its
gradient comes out of the addition rule, ∂z/∂b = 1, hence ``b.grad == δ`` with
no bias-specific code anywhere.

Names carried by the Values (so drawings and derivations read like the textbook):

* parameters: ``w[l]_kj`` and ``b[l]_k``, given once, at construction;
* forward nodes: each call names the z node ``z[l]_k`` and the activation node
  ``a[l]_k``. With the 'linear' activation a = z is the same node, and it is
  named ``a[l]_k`` (its ``.grad`` is then both ∂C/∂a and δ = ∂C/∂z).

Absent connections (a sparse network such as seed 001's) are ``None`` in
``neuron.w``: they are not parameters, contribute nothing to z and have no name.
A neuron may lack a bias (``neuron.b is None``), but not both a bias and every
weight, since its z would then be an empty sum.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from autograd.i18n import Catalog
import autograd
from autograd import Value
from autograd.notation import activation_name, bias_name, weight_name, weighted_input_name
from nn._validation import count, describe, did_you_mean, finite_number, key_path, numbers, sequence
from nn.activations import ELEMENTWISE, LAYERWISE, check_activation
from nn.init import initial_weights, make_rng
from nn.module import Module

_ = Catalog("nn")

Inputs = Sequence[Value | float]


class Neuron(Module):
    """One neuron: a = f(Σ_j w_kj·a_j + b_k).

    Attributes:
        w: one entry per input j: a `Value` named ``w[l]_kj``, or ``None`` for an
            absent connection.
        b: the bias, a `Value` named ``b[l]_k``, or ``None`` for a bias-free neuron.

    Weights start as U(−bound, bound) of `init` (see `nn.init`; fan_out is the
    width of the layer the neuron belongs to, 1 on its own) and the bias at 0.
    A 'softmax' neuron can only be evaluated by its `Layer`.
    """

    w: list[Value | None]
    b: Value | None

    def __init__(
        self,
        nin: int,
        activation: str = "linear",
        *,
        init: str = "uniform",
        seed: int | None = None,
        rng: random.Random | None = None,
        bias: bool = True,
        fan_out: int = 1,
        layer_index: int = 1,
        neuron_index: int = 1,
    ) -> None:
        nin, fan_out = count(nin, "nin"), count(fan_out, "fan_out")
        weights: list[float | None] = list(initial_weights(init, nin, fan_out, make_rng(seed, rng)))
        self._set_up(weights, 0.0 if bias else None, activation, layer_index, neuron_index)

    def _set_up(
        self, weights: list[float | None], bias: float | None, activation: str, layer_index: int, neuron_index: int
    ) -> None:
        """Create the named parameters and fix the names this neuron gives its forward nodes."""
        check_activation(activation)
        layer_index, neuron_index = count(layer_index, "layer_index"), count(neuron_index, "neuron_index")
        self.w = [
            None if weight is None else Value(weight, weight_name(layer_index, neuron_index, source))
            for source, weight in enumerate(weights, start=1)
        ]
        self.b = None if bias is None else Value(bias, bias_name(layer_index, neuron_index))
        self.layer_index = layer_index
        self.neuron_index = neuron_index
        self._activation = activation
        self._activate = ELEMENTWISE.get(activation)  # None for a layer-wide activation (softmax)
        self._z_name = weighted_input_name(layer_index, neuron_index)
        self._a_name = activation_name(layer_index, neuron_index)

    @property
    def activation(self) -> str:
        """The activation's name, e.g. 'relu' (fixed at construction)."""
        return self._activation

    @property
    def nin(self) -> int:
        """Number of inputs, counting absent connections."""
        return len(self.w)

    def __call__(self, x: Inputs) -> Value:
        """a = f(z) for the input list `x` (numbers or Values)."""
        if self._activate is None:
            raise ValueError(
                _(
                    "a {activation!r} neuron needs the other neurons of its layer to be "
                    "evaluated; call the Layer"
                ).format(
                    activation=self._activation
                )
            )
        return self._forward(_as_values(x, self.nin, "Neuron"))

    def _weighted_input(self, inputs: list[Value]) -> Value:
        terms = [weight * a for weight, a in zip(self.w, inputs) if weight is not None]
        if self.b is not None:
            terms.append(self.b)
        z = autograd.sum(terms)
        z.name = self._z_name
        return z

    def _forward(self, inputs: list[Value]) -> Value:
        assert self._activate is not None  # internal: Layer evaluates layer-wide activations itself
        a = self._activate(self._weighted_input(inputs))
        a.name = self._a_name  # for 'linear', a is the z node, which is renamed a[l]_k
        return a

    def to_dict(self) -> dict[str, Any]:
        """{"activation", "weights": [w or null], "bias": b or null}: what `from_dict` reads."""
        return {
            "activation": self._activation,
            "weights": [None if weight is None else weight.data for weight in self.w],
            "bias": None if self.b is None else self.b.data,
            "layer_index": self.layer_index,
            "neuron_index": self.neuron_index,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Neuron:
        """A neuron from `to_dict` data; errors name the bad key or position."""
        row = _weight_row(_field(data, "weights", "Neuron data"), None, "weights")
        bias = _field(data, "bias", "Neuron data")
        return _neuron(
            row,
            None if bias is None else finite_number(bias, "bias"),
            check_activation(_field(data, "activation", "Neuron data")),
            data.get("layer_index", 1),
            data.get("neuron_index", 1),
            "weights",
        )

    def __repr__(self) -> str:
        return f"Neuron({self.nin} inputs, {self._activation}, {self._a_name})"


class Layer(Module):
    """`nout` neurons that all read the same inputs; calling it returns a list of `nout` Values.

    Attributes:
        neurons: the `Neuron`s, neuron k at position k−1.
        activation: the name of f, shared by every neuron (fixed at construction).
    """

    neurons: list[Neuron]

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "linear",
        *,
        init: str = "uniform",
        seed: int | None = None,
        rng: random.Random | None = None,
        bias: bool = True,
        layer_index: int = 1,
    ) -> None:
        nout = count(nout, "nout")
        check_activation(activation)
        generator = make_rng(seed, rng)
        neurons = [
            Neuron(
                nin,
                activation,
                init=init,
                rng=generator,
                bias=bias,
                fan_out=nout,
                layer_index=layer_index,
                neuron_index=k,
            )
            for k in range(1, nout + 1)
        ]
        self._set_up(neurons, activation)

    def _set_up(self, neurons: list[Neuron], activation: str) -> None:
        self.neurons = neurons
        self._activation = activation
        self._layerwise = LAYERWISE.get(activation)  # None when each neuron applies f itself

    @property
    def activation(self) -> str:
        """The activation's name, e.g. 'softmax'."""
        return self._activation

    @property
    def nin(self) -> int:
        """Number of inputs of each neuron."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons (outputs)."""
        return len(self.neurons)

    def __call__(self, x: Inputs) -> list[Value]:
        """[a_1, ..., a_nout] for the input list `x`; always a list, even for one neuron."""
        return self._forward(_as_values(x, self.nin, "Layer"))

    def _forward(self, inputs: list[Value]) -> list[Value]:
        if self._layerwise is None:
            return [neuron._forward(inputs) for neuron in self.neurons]
        outputs = self._layerwise([neuron._weighted_input(inputs) for neuron in self.neurons])
        for a, neuron in zip(outputs, self.neurons):
            a.name = neuron._a_name
        return outputs

    def to_dict(self) -> dict[str, Any]:
        """{"activation", "weights": rows k of [w_kj or null], "biases": [b_k] or null}."""
        biases = [None if neuron.b is None else neuron.b.data for neuron in self.neurons]
        return {
            "activation": self._activation,
            "weights": [neuron.to_dict()["weights"] for neuron in self.neurons],
            "biases": None if all(b is None for b in biases) else biases,
            "layer_index": self.neurons[0].layer_index,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Layer:
        """A layer from `to_dict` data (the same layout as one entry of an MLP file's "layers")."""
        rows = sequence(_field(data, "weights", "Layer data"), "weights")
        nin = len(sequence(rows[0], "weights[0]")) if rows else 0
        return _layer(
            rows,
            _field(data, "biases", "Layer data"),
            check_activation(_field(data, "activation", "Layer data")),
            nin,
            data.get("layer_index", 1),
            "weights",
            "biases",
        )

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {self._activation})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` after `nin` inputs.

    Defaults are micrograd's, so its users' code carries over: ReLU hidden
    layers, a linear output layer, weights U(−1, 1), biases 0. 'softmax' is
    allowed only as `output_activation`. ``model(x)`` returns a Value when the
    last layer has one neuron, otherwise a list of Values.

    Attributes:
        layers: the `Layer`s, layer l at position l−1.
    """

    layers: list[Layer]

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        init: str = "uniform",
        seed: int | None = None,
        rng: random.Random | None = None,
        bias: bool = True,
    ) -> None:
        nin = count(nin, "nin")
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise TypeError(_("nouts must be a non-empty list of layer sizes such as [16, 16, 1], got {got}").format(
                got=describe(nouts)
            ))
        sizes = [nin] + [count(n, f"nouts[{position}]") for position, n in enumerate(nouts)]
        _check_hidden_activation(check_activation(activation), "activation")
        check_activation(output_activation, "output_activation")
        generator = make_rng(seed, rng)
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[position],
                sizes[position + 1],
                output_activation if position == last else activation,
                init=init,
                rng=generator,
                bias=bias,
                layer_index=position + 1,
            )
            for position in range(len(nouts))
        ]

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The size of each layer, input excluded."""
        return [layer.nout for layer in self.layers]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The network's output for input list `x`: a Value if one output neuron, else a list."""
        outputs = _as_values(x, self.nin, "MLP")
        for layer in self.layers:
            outputs = layer._forward(outputs)
        return outputs[0] if len(outputs) == 1 else outputs

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float | None]]],
        biases: Sequence[Sequence[float | None] | None] | None,
        activations: str | Sequence[str],
    ) -> MLP:
        """An MLP with exactly these numbers, e.g. a textbook example.

        ``weights[l][k][j]`` is w_kj of layer l+1: row k = receiving neuron,
        column j = sending neuron, so each row has as many entries as the layer
        before has neurons (the first, as many as there are inputs). ``None``
        is an absent connection. ``biases[l][k]`` is b_k of layer l+1;
        ``biases[l] = None`` is a layer without biases (``biases = None``: no
        biases at all). `activations` is one name per layer, or one name for
        all. Errors name the position, e.g. "weights[1][0]: expected 3 numbers, got 2".
        """
        return cls._from_layers(_layers(weights, biases, activations, lambda position, part: f"{part}[{position}]"))

    def to_dict(self) -> dict[str, Any]:
        """{"layers": [Layer.to_dict() ...]}: every layer's activation, weight rows and biases."""
        return {"layers": [layer.to_dict() for layer in self.layers]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MLP:
        """An MLP from {"layers": [{"activation", "weights", "biases"}, ...]}, as `to_dict` writes.

        The worked examples in ``demos/examples/`` use the same layout, so
        ``MLP.load("demos/examples/mazur_2015_2_2_2.json")`` builds their network.
        """
        specs = sequence(_field(data, "layers", "MLP data"), "layers")
        if not specs:
            raise ValueError(_("layers: expected at least one layer"))
        keys = ("weights", "biases", "activation")
        for position, spec in enumerate(specs):
            for key in spec if isinstance(spec, Mapping) else ():
                if key not in (*keys, "layer_index"):  # to_dict writes the layer's number too
                    raise ValueError(
                        _("{path}: unknown key{suggestion}; a layer has {names}").format(
                            path=key_path(f'layers[{position}]', key),
                            suggestion=did_you_mean(str(key), keys),
                            names=', '.join(sorted(keys)),
                        )
                    )
        fields = [[_field(spec, key, f"layers[{position}]") for key in keys] for position, spec in enumerate(specs)]
        weights, biases, activations = ([row[i] for row in fields] for i in range(len(keys)))
        part_keys = {"weights": "weights", "biases": "biases", "activations": "activation"}
        return cls._from_layers(
            _layers(weights, biases, activations, lambda position, part: f"layers[{position}].{part_keys[part]}")
        )

    @classmethod
    def _from_layers(cls, layers: list[Layer]) -> MLP:
        model = cls.__new__(cls)
        model.layers = layers
        return model

    def __repr__(self) -> str:
        sizes = " -> ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} -> {sizes}; {self.num_parameters()} parameters)"


# ---------------------------------------------------------------------------- helpers


def _as_values(x: object, expected: int, owner: str) -> list[Value]:
    """The inputs as a list of Values (numbers become leaves once, not once per neuron).

    A number becomes a leaf named ``x1``, ``x2``, ... by its position, so that
    pictures and derivations show the network's inputs by the textbook's names.
    """
    if isinstance(x, (Mapping, AbstractSet)):  # iterating gives keys or an arbitrary order, never the inputs in order
        raise TypeError(
            _(
                "{owner} expects a sequence of {expected} numbers in input order, got "
                "{got}; a dict or set has no input order: pass a list, e.g. [d[key] for "
                "key in sorted(d)]"
            ).format(
                owner=owner, expected=expected, got=describe(x)
            )
        )
    if isinstance(x, (Value, str, bytes)) or not hasattr(x, "__len__") or not hasattr(x, "__iter__"):
        raise TypeError(_("{owner} expects a list of {expected} inputs, got {got}; wrap a single input as [x]").format(
            owner=owner, expected=expected, got=describe(x)
        ))
    if len(x) != expected:
        raise ValueError(_("{owner} expects {expected} inputs, got {count_x}").format(
            owner=owner, expected=expected, count_x=len(x)
        ))
    values = []
    for position, a in enumerate(x):
        if isinstance(a, Value):
            values.append(a)
            continue
        try:
            values.append(Value(a, name=f"x{position + 1}"))
        except TypeError:
            raise TypeError(_("{owner} input {position} must be a number or a Value, got {got}").format(
                owner=owner, position=position, got=describe(a)
            )) from None
    return values


def _check_hidden_activation(activation: str, where: str) -> None:
    if activation in LAYERWISE:
        raise ValueError(
            _(
                "{where}: {activation!r} normalises across a layer and is only valid for "
                "the output layer (output_activation=...)"
            ).format(
                where=where, activation=activation
            )
        )


def _field(data: object, key: str, where: str) -> Any:
    """data[key], or ValueError naming the missing key."""
    if not isinstance(data, Mapping):
        raise ValueError(_("{where}: expected an object with key {key!r}, got {got}").format(
            where=where, key=key, got=describe(data)
        ))
    if key not in data:
        raise ValueError(_("{where}: missing key {key!r}").format(where=where, key=key))
    return data[key]


def _weight_row(row: object, expected: int | None, where: str) -> list[float | None]:
    """One neuron's weights: numbers or None (absent), `expected` of them if given."""
    entries = sequence(row, where)
    if expected is not None and len(entries) != expected:
        raise ValueError(_("{where}: expected {numbers}, got {count_entries}").format(
            where=where, numbers=numbers(expected), count_entries=len(entries)
        ))
    return [None if w is None else finite_number(w, f"{where}[{j}]") for j, w in enumerate(entries)]


def _neuron(
    weights: list[float | None],
    bias: float | None,
    activation: str,
    layer_index: int,
    neuron_index: int,
    where: str,
) -> Neuron:
    if bias is None and all(weight is None for weight in weights):
        raise ValueError(
            _(
                "{where}: this neuron has no connections and no bias, so its weighted "
                "input would be an empty sum; give it a weight or a bias"
            ).format(
                where=where
            )
        )
    neuron = Neuron.__new__(Neuron)
    neuron._set_up(weights, bias, activation, layer_index, neuron_index)
    return neuron


def _layer(
    rows: list[object],
    biases: object,
    activation: str,
    nin: int,
    layer_index: int,
    weights_where: str,
    biases_where: str,
) -> Layer:
    """A Layer from weight rows and biases, checking every shape and number."""
    if not rows:
        raise ValueError(_("{weights_where}: a layer needs at least one neuron (one row of weights)").format(
            weights_where=weights_where
        ))
    bias_entries = None if biases is None else sequence(biases, biases_where)
    if bias_entries is not None and len(bias_entries) != len(rows):
        raise ValueError(_(
            "{biases_where}: expected {count_rows} biases (one per row of weights), got "
            "{count_bias_entries}"
        ).format(
            biases_where=biases_where, count_rows=len(rows), count_bias_entries=len(bias_entries)
        ))
    neurons = []
    for k, row in enumerate(rows):
        row_where = f"{weights_where}[{k}]"
        bias = None if bias_entries is None else bias_entries[k]
        neurons.append(
            _neuron(
                _weight_row(row, nin, row_where),
                None if bias is None else finite_number(bias, f"{biases_where}[{k}]"),
                activation,
                layer_index,
                k + 1,
                row_where,
            )
        )
    layer = Layer.__new__(Layer)
    layer._set_up(neurons, activation)
    return layer


def _layers(
    weights: object, biases: object, activations: object, where: Callable[[int, str], str]
) -> list[Layer]:
    """Layers from per-layer weight matrices, bias lists and activation names; `where(l, part)` labels errors."""
    matrices = sequence(weights, "weights")
    if not matrices:
        raise ValueError(_("weights: expected at least one layer"))
    depth = len(matrices)
    bias_lists = [None] * depth if biases is None else sequence(biases, "biases")
    names = [activations] * depth if isinstance(activations, str) else sequence(activations, "activations")
    for part, given in (("biases", bias_lists), ("activations", names)):
        if len(given) != depth:
            raise ValueError(_("{part}: expected {depth} entries (one per layer of weights), got {count_given}").format(
                part=part, depth=depth, count_given=len(given)
            ))
    layers = []
    nin = None
    for position in range(depth):
        rows = sequence(matrices[position], where(position, "weights"))
        if nin is None:
            nin = len(sequence(rows[0], f"{where(position, 'weights')}[0]")) if rows else 0
            if rows and nin == 0:
                raise ValueError(_("{value}[0]: the first layer needs at least one input").format(
                    value=where(position, 'weights')
                ))
        activation = check_activation(names[position], where(position, "activations"))
        if position < depth - 1:
            _check_hidden_activation(activation, where(position, "activations"))
        layers.append(
            _layer(
                rows,
                bias_lists[position],
                activation,
                nin,
                position + 1,
                where(position, "weights"),
                where(position, "biases"),
            )
        )
        nin = len(rows)
    return layers
