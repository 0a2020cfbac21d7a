"""Live lesson pages: the numbers of a lesson as templates, and the generated JavaScript that fills them.

A lesson page (`autograd.views.lesson`) replays one recorded computation. To
let a student change a leaf and watch the whole pass recompute, the page
carries

* the forward and backward pass of its graph as JavaScript, written by
  `autograd.compiler.codegen` with ``report=`` every node: it returns every
  node's value and gradient and every edge's local derivative, the numbers
  the engine records (a contribution is ``local × upstream``, a running sum
  adds contributions in the engine's order);
* every step's text as a template: where a step shows a number, its text
  holds a *token* naming the quantity (the value of node v3, the
  contribution of edge 7, ...) and how it is written (`FORMATS`). The page
  fills every token from the current numbers, so after an edit no number of
  the recorded run can remain.

A token is ``START kind:key:format MIDDLE recorded-text END``. Python callers
see the recorded text (`filled`); the page gets the template without it
(`template`). Kinds (`KINDS`): ``d`` a node's value, ``g`` its gradient, ``l``
an edge's local derivative, ``c`` its contribution, ``s`` the running sum of
its parent's gradient after it, ``u`` a leaf's value after the update
x − α·∂root/∂x, ``n`` a node's value after the update (a new forward pass),
``a`` the learning rate, ``v`` a verdict on the loss after the update.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from autograd.backprop import topological_order
from autograd.compiler import codegen
from autograd.notation import parse_network_name
from autograd.value import Value

START, MIDDLE, END = "\ue000", "\ue001", "\ue002"
"""Private-use characters that delimit a token; `plain_text` removes them from user text."""

KINDS = ("d", "g", "l", "c", "s", "u", "n", "a", "v")
FORMATS = {
    "n": "a number (6 significant digits)",
    "f": "a factor: a negative number in parentheses",
    "b": "a number in a box of the drawing (4 digits)",
    "t": "a text (the verdict)",
}

_TOKEN = re.compile(f"{START}([^{MIDDLE}{END}]*){MIDDLE}([^{END}]*){END}")
_DELIMITERS = re.compile(f"[{START}{MIDDLE}{END}]")


def token(kind: str, key: str | int, form: str, recorded: str) -> str:
    """The token for one number: `kind` of `key` (a DOT id or an edge index) written as `form`, recorded as `recorded`."""
    if kind not in KINDS or form not in FORMATS:
        raise ValueError(f"unknown token kind {kind!r} or format {form!r}")
    return f"{START}{kind}:{key}:{form}{MIDDLE}{recorded}{END}"


def plain_text(text: str) -> str:
    """User text with the token delimiters replaced, so that a name can never read as a number of the page."""
    return _DELIMITERS.sub("\ufffd", text)


def filled(text: str) -> str:
    """The text as recorded: each token replaced by its recorded number."""
    return _TOKEN.sub(lambda match: match[2], text)


def template(text: str) -> str:
    """The text as the page fills it: each token without its recorded number (``START spec END``)."""
    return _TOKEN.sub(lambda match: f"{START}{match[1]}{END}", text)


def has_tokens(text: str) -> bool:
    return START in text


def editable_kind(node: Value, network: bool, trained: bool = False) -> str:
    """What an editable leaf is, for the page's panel: weight, bias, another `trained` leaf (a parameter),
    target (``y1``, ``y2``, … of a network) or input."""
    name = parse_network_name(node.name)
    if name is not None and name.kind == "w":
        return "weight"
    if name is not None and name.kind == "b":
        return "bias"
    if trained:
        return "parameter"
    if network and node.name is not None and re.fullmatch(r"y\d+", node.name):
        return "target"
    return "input"


def program(
    root: Value,
    ids: dict[Value, str],
    labels: dict[Value, str],
    editable: Sequence[Value],
    trained: Sequence[Value],
    learning_rate: float | None,
    network: bool = False,
) -> dict[str, Any]:
    """What the page needs to recompute every number: the generated JavaScript and how to call it.

    Every leaf of the graph is an input of the generated function (in the
    order of `ids`), so that every node has a value and a gradient; the
    `editable` ones are offered in the panel, the `trained` ones move in
    gradient descent. For a `network` lesson, leaves named y1, y2, … are its targets.
    """
    nodes = list(ids)
    leaves = [node for node in nodes if not node.parents]
    moved = set(trained)
    generated = codegen.generate(root, leaves, language="javascript", report=nodes)
    edges = []
    for node in reversed(topological_order(root)):
        edges += [[ids[node], ids[parent]] for parent in node.parents]
    return {
        "code": generated.source,
        "inputs": [ids[leaf] for leaf in leaves],
        "values": [leaf.data for leaf in leaves],
        "report": [ids[node] for node in nodes],
        "edges": edges,
        "root": ids[root],
        "editable": [
            {
                "id": ids[leaf],
                "label": labels[leaf],
                "kind": editable_kind(leaf, network, trained=leaf in moved),
                "value": leaf.data,
            }
            for leaf in editable
        ],
        "trained": [ids[leaf] for leaf in trained],
        "learning_rate": learning_rate,
    }


__all__ = ["END", "FORMATS", "KINDS", "MIDDLE", "START", "filled", "has_tokens", "plain_text", "program", "template", "token"]
