"""`Module`: what every network part shares, its parameters, their names, and saving them.

A module's parameters are found, not registered: every public attribute that
is a `Value`, a `Module`, or a list of those (``None`` entries skipped) is
walked in attribute order. The path of attribute names and list positions is
the parameter's name, e.g. ``layers.0.neurons.1.w.0`` (0-based Python
positions, like PyTorch's ``state_dict`` keys), while the Value itself carries
the textbook name ``w[1]_21`` (1-based). Attributes whose names start with
``_`` are private and never hold parameters.

Files are JSON, never pickle, so they are safe to open and readable by eye:
``{"format": "scalargrad.nn", "version": 1, "type": "MLP", ...}`` followed by
what the subclass's `to_dict` writes (for an MLP, its layers with their
weights, biases and activations).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from autograd.i18n import Catalog
from autograd import Value
from autograd.files import write_atomically
from nn._validation import describe, finite_number

_ = Catalog("nn")

FILE_FORMAT = "scalargrad.nn"
FILE_VERSION = 1

ModuleType = TypeVar("ModuleType", bound="Module")


class Module:
    """Base class of `Neuron`, `Layer` and `MLP`: parameters, gradients and state."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a stable order, each parameter once (even if shared)."""
        found: list[tuple[str, Value]] = []
        _collect_parameters(self, "", found, set())
        return found

    def parameters(self) -> list[Value]:
        """Every trainable Value of this module; what an optimizer updates."""
        return [parameter for _, parameter in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (leaf gradients accumulate across `backward` calls)."""
        for parameter in self.parameters():
            parameter.grad = 0.0

    def num_parameters(self) -> int:
        """How many trainable numbers the module has (absent connections do not count)."""
        return len(self.named_parameters())

    def state_dict(self) -> dict[str, float]:
        """{name: value} of every parameter, as plain floats (a snapshot, not live Values)."""
        return {name: parameter.data for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from a `state_dict`-shaped mapping.

        The mapping must have exactly this module's parameter names (extra or
        missing keys are listed in the error) and a finite number for each.
        Nothing is changed unless every entry is valid.
        """
        if not isinstance(state, Mapping):
            raise TypeError(_("load_state_dict expects a dict of name -> number, got {got}").format(
                got=describe(state)
            ))
        named = self.named_parameters()
        expected = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [key for key in state if key not in expected]
        if missing or unexpected:
            problems = []
            if missing:
                problems.append(f"missing keys {missing}")
            if unexpected:
                problems.append(f"unexpected keys {unexpected}")
            raise ValueError(
                _("state_dict does not match this {type_name}: {names}; compare with model.state_dict().keys()").format(
                    type_name=type(self).__name__, names='; '.join(problems)
                )
            )
        numbers = [finite_number(state[name], f"state_dict[{name!r}]") for name, _ in named]
        for (_name, parameter), number in zip(named, numbers):
            parameter.data = number

    # ------------------------------------------------------------------ files

    def to_dict(self) -> dict[str, Any]:
        """The module as JSON-ready data that `from_dict` can rebuild it from.

        Subclasses that can be saved override this and `from_dict`.
        """
        raise NotImplementedError(
            _(
                "{type_name} does not define to_dict()/from_dict(), so it cannot be "
                "saved as a file; save its state_dict() instead and load it with "
                "load_state_dict()"
            ).format(
                type_name=type(self).__name__
            )
        )

    @classmethod
    def from_dict(cls: type[ModuleType], data: Mapping[str, Any]) -> ModuleType:
        """Rebuild a module from what `to_dict` wrote; subclasses that can be saved override this."""
        raise NotImplementedError(_(
            "{type_name} does not define from_dict(), so it cannot be loaded from a file"
        ).format(
            type_name=cls.__name__
        ))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the module to `path` as JSON: its architecture and every parameter.

        The file is written beside `path` and renamed over it in one step, so a
        full disk or an interrupted write leaves the previous file whole (see
        `autograd.files.write_atomically`). Raises ValueError naming the
        parameter if one is inf or nan (JSON has no such numbers, and a
        diverged model is rarely worth keeping).
        """
        for name, value in self.state_dict().items():
            finite_number(value, f"cannot save parameter {name!r}")
        data = {"format": FILE_FORMAT, "version": FILE_VERSION, "type": type(self).__name__, **self.to_dict()}
        write_atomically(Path(path), (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    @classmethod
    def load(cls: type[ModuleType], path: str | os.PathLike[str]) -> ModuleType:
        """Build a module from a file written by `save`, with nothing but the file.

        ``"format"``, ``"version"`` and ``"type"`` are checked when present; a
        file without them (such as the worked examples in ``demos/examples/``)
        is read as this class's `to_dict` layout. Bad contents raise ValueError
        naming the key.
        """
        with open(path, encoding="utf-8") as file:
            try:
                data = json.load(file)
            except json.JSONDecodeError as error:
                raise ValueError(_("{path} is not valid JSON: {error}").format(
                    path=os.fspath(path), error=error
                )) from None
        if not isinstance(data, dict):
            raise ValueError(_("{path}: expected a JSON object at the top, got {got}").format(
                path=os.fspath(path), got=describe(data)
            ))
        if data.get("format", FILE_FORMAT) != FILE_FORMAT:
            raise ValueError(_("{path}: 'format' is {data!r}, expected {expected!r}").format(
                path=os.fspath(path), data=data['format'], expected=FILE_FORMAT
            ))
        if data.get("version", FILE_VERSION) != FILE_VERSION:
            raise ValueError(
                _("{path}: file version {data!r} is not supported (this scalargrad reads version {supported})").format(
                    path=os.fspath(path), data=data['version'], supported=FILE_VERSION
                )
            )
        if data.get("type", cls.__name__) != cls.__name__:
            raise ValueError(
                _("{path} holds a {data!r} but {type_name}.load was called; use {data}.load").format(
                    path=os.fspath(path), data=data['type'], type_name=cls.__name__
                )
            )
        return cls.from_dict(data)


def _collect_parameters(node: object, path: str, found: list[tuple[str, Value]], seen: set[Value]) -> None:
    """Depth-first walk of attributes and lists, appending each not-yet-seen Value with its path."""
    if isinstance(node, Value):
        if node not in seen:
            seen.add(node)
            found.append((path, node))
    elif isinstance(node, Module):
        for attribute, child in vars(node).items():
            if not attribute.startswith("_"):
                _collect_parameters(child, f"{path}.{attribute}" if path else attribute, found, seen)
    elif isinstance(node, (list, tuple)):
        for position, child in enumerate(node):
            _collect_parameters(child, f"{path}.{position}", found, seen)
