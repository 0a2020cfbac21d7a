"""`scalargrad derive SPEC.json`: the textbook derivation of gradient-descent steps on a network from a spec file.

The spec (see `nn.spec`) is checked completely before anything is computed;
a bad one exits with code 2 and a message naming its JSON path. Output files
(``-o``, ``--graph``) are rendered in memory first and each appears in one
step, so an error never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from autograd.backprop import topological_order
from scalargrad.arguments import CommandError, check_output_folder, load_spec_argument
from autograd.views.draw import FORMATS, Graph, draw
from autograd.views.layout import LayoutError
from autograd.files import write_atomically
from nn.teaching.derive import MAX_STEPS, GradientMismatchError, NetworkDerivation
from autograd.i18n import N_, Catalog

FORMATS_BY_SUFFIX = {".txt": "text", ".md": "markdown", ".tex": "latex", ".json": "json"}
"""The output format chosen from ``-o``'s extension when ``--format`` is not given."""

GRAPH_MAX_NODES = 150
"""Graphs with more Values than this are drawn collapsed, one table per neuron."""

DRAW_MAX_NODES = 500
"""The default of --max-nodes: the most boxes a --graph picture may have (as for `scalargrad graph`)."""

_EXAMPLE = N_(
    """examples:
  scalargrad derive demos/examples/seed001_two_hidden_layers.json
  scalargrad derive demos/examples/mazur_2_2_2.json --format markdown -o mazur.md --graph mazur.svg
  scalargrad derive demos/examples/pixel_digits_step.json --steps 3 --format json

A spec is JSON: "layers" (each "activation", "weights" with one row per receiving
neuron and null for an absent connection, "biases" or null), "input" or "inputs",
"target" or "targets", "loss" (half_sse, mse, bce, bce_with_logits, cross_entropy,
hinge), "learning_rate", and optionally "steps" and "reduction" (sum or mean)."""
)

_ = Catalog("scalargrad")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `derive` subcommand."""
    parser = subparsers.add_parser(
        "derive",
        help=_("write out every delta, gradient and update of gradient descent on a small network"),
        description=_("Read a network, its data, a loss and a learning rate from SPEC.json and write the\n"
        "derivation of each gradient-descent step: forward pass, output delta, delta rule, gradients,\n"
        "updates, and a check of every gradient against the engine's .grad."),
        epilog=_(_EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC.json", help=_("the spec file (see demos/examples/)"))
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "latex", "json"),
        help=_("output format (default: from -o's extension .md/.tex/.json, else text)"),
    )
    parser.add_argument("--steps", type=_step_count, metavar="N", help=_("number of steps (default: the spec's, or 1)"))
    parser.add_argument(
        "--bias-as-weight", action="store_true", help=_("also show each bias as the weight of a constant input 1")
    )
    parser.add_argument(
        "--graph", metavar="PATH", help=_("also draw the first example's computation graph (.svg, .png, .pdf, .dot)")
    )
    parser.add_argument(
        "--max-nodes",
        type=_positive_int,
        default=DRAW_MAX_NODES,
        metavar="N",
        help=_("with --graph: refuse pictures of more than N boxes (default {default})").format(default=DRAW_MAX_NODES),
    )
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write the derivation to FILE instead of the terminal"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the spec and the output paths, derive, render, then write."""
    output_format = args.format
    if output_format is None:
        output_format = FORMATS_BY_SUFFIX.get(Path(args.output).suffix.lower(), "text") if args.output else "text"
    for option, path in (("-o", args.output), ("--graph", args.graph)):
        if path is not None:
            check_output_folder(option, path)
    if args.graph is not None and Path(args.graph).suffix.lower().lstrip(".") not in FORMATS:
        raise CommandError(
            _("--graph {graph}: the file needs one of the extensions {extensions}").format(graph=args.graph, extensions=', '.join('.' + f for f in FORMATS))
        )
    spec = load_spec_argument(args.spec)
    try:
        derivation = spec.derive(steps=args.steps, bias_as_weight=args.bias_as_weight)
    except GradientMismatchError as error:
        raise CommandError(_("the derivation does not match the engine: {error}").format(error=error)) from None
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{spec}: the computation failed: {error}").format(spec=args.spec, error=error)) from None
    text = _render(derivation, output_format)
    try:
        graph = _graph(derivation, args.max_nodes) if args.graph is not None else None
    except (ValueError, LayoutError) as error:  # too large a picture, or Graphviz failed on it
        raise CommandError(_("--graph {graph}: {error}").format(graph=args.graph, error=error)) from None
    try:
        if args.output is not None:
            write_atomically(Path(args.output), text.encode("utf-8"))
        if graph is not None:
            graph.save(args.graph)
    except OSError as error:
        raise CommandError(_("cannot write {filename}: {strerror}").format(filename=error.filename or _("the output"), strerror=error.strerror or error)) from None
    if args.output is None:
        print(text, end="")
    else:
        print(_("wrote {output} ({output_format})").format(output=args.output, output_format=output_format))
    if args.graph is not None:
        print(_("wrote {graph} (the computation graph of example 1 at the first step)").format(graph=args.graph))
    return 0


def _render(derivation: NetworkDerivation, output_format: str) -> str:
    if output_format == "json":
        try:
            return json.dumps(derivation.to_dict(), indent=1, allow_nan=False, ensure_ascii=False) + "\n"
        except ValueError:
            raise CommandError(
                _("the derivation has inf or nan numbers, which JSON cannot hold; lower the learning rate")
            ) from None
    if output_format == "markdown":
        return derivation.to_markdown()
    if output_format == "latex":
        return derivation.to_latex()
    return str(derivation) + "\n"


def _graph(derivation: NetworkDerivation, max_nodes: int) -> Graph:
    """The first example's loss graph, grouped by neuron, or collapsed to one table per neuron when large.

    The picture is rendered here, before any file is written.
    """
    loss = derivation.graph_loss()
    large = len(topological_order(loss)) > GRAPH_MAX_NODES
    graph = draw(loss, group=not large, collapse=large, max_nodes=max_nodes)
    graph.svg()
    return graph


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1, got {number}").format(number=number))
    return number


def _step_count(text: str) -> int:
    number = _positive_int(text)
    if number > MAX_STEPS:
        raise argparse.ArgumentTypeError(_("at most {limit} steps are derived, got {number}").format(limit=MAX_STEPS, number=number))
    return number
