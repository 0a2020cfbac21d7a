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
from autograd.files import write_atomically
from nn.teaching.derive import GradientMismatchError, NetworkDerivation

FORMATS_BY_SUFFIX = {".txt": "text", ".md": "markdown", ".tex": "latex", ".json": "json"}
"""The output format chosen from ``-o``'s extension when ``--format`` is not given."""

GRAPH_MAX_NODES = 150
"""Graphs with more Values than this are drawn collapsed, one table per neuron."""

SLIDE_TEXT_PX = 10.0
"""The smallest text, in pixels on a 1920 × 1080 slide, of a picture `--graph` draws node by node."""

_EXAMPLE = """examples:
  scalargrad derive demos/examples/yehoshua_2023_two_hidden_layers.json
  scalargrad derive demos/examples/mazur_2015_2_2_2.json --format markdown -o mazur.md --graph mazur.svg
  scalargrad derive demos/examples/wakui_pixel_digits_step.json --steps 3 --format json

A spec is JSON: "layers" (each "activation", "weights" with one row per receiving
neuron and null for an absent connection, "biases" or null), "input" or "inputs",
"target" or "targets", "loss" (half_sse, mse, bce, bce_with_logits, cross_entropy,
hinge), "learning_rate", and optionally "steps" and "reduction" (sum or mean)."""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `derive` subcommand."""
    parser = subparsers.add_parser(
        "derive",
        help="write out every delta, gradient and update of gradient descent on a small network",
        description="Read a network, its data, a loss and a learning rate from SPEC.json and write the\n"
        "derivation of each gradient-descent step: forward pass, output delta, delta rule, gradients,\n"
        "updates, and a check of every gradient against the engine's .grad.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC.json", help="the spec file (see demos/examples/)")
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "latex", "json"),
        help="output format (default: from -o's extension .md/.tex/.json, else text)",
    )
    parser.add_argument("--steps", type=_positive_int, metavar="N", help="number of steps (default: the spec's, or 1)")
    parser.add_argument(
        "--bias-as-weight", action="store_true", help="also show each bias as the weight of a constant input 1"
    )
    parser.add_argument(
        "--graph", metavar="PATH", help="also draw the first example's computation graph (.svg, .png, .pdf, .dot)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the derivation to FILE instead of the terminal")
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
            f"--graph {args.graph}: the file needs one of the extensions {', '.join('.' + f for f in FORMATS)}"
        )
    spec = load_spec_argument(args.spec)
    try:
        derivation = spec.derive(steps=args.steps, bias_as_weight=args.bias_as_weight)
    except GradientMismatchError as error:
        raise CommandError(f"the derivation does not match the engine: {error}") from None
    except (ArithmeticError, ValueError) as error:
        raise CommandError(f"{args.spec}: the computation failed: {error}") from None
    text = _render(derivation, output_format)
    graph = _graph(derivation) if args.graph is not None else None
    try:
        if args.output is not None:
            write_atomically(Path(args.output), text.encode("utf-8"))
        if graph is not None:
            graph.save(args.graph)
    except OSError as error:
        raise CommandError(f"cannot write {error.filename or 'the output'}: {error.strerror or error}") from None
    if args.output is None:
        print(text, end="")
    else:
        print(f"wrote {args.output} ({output_format})")
    if args.graph is not None:
        print(f"wrote {args.graph} (the computation graph of example 1 at the first step)")
    return 0


def _render(derivation: NetworkDerivation, output_format: str) -> str:
    if output_format == "json":
        try:
            return json.dumps(derivation.to_dict(), indent=1, allow_nan=False, ensure_ascii=False) + "\n"
        except ValueError:
            raise CommandError(
                "the derivation has inf or nan numbers, which JSON cannot hold; lower the learning rate"
            ) from None
    if output_format == "markdown":
        return derivation.to_markdown()
    if output_format == "latex":
        return derivation.to_latex()
    return str(derivation) + "\n"


def _graph(derivation: NetworkDerivation) -> Graph:
    """The first example's loss graph for a slide: node by node, grouped by neuron, if its text can be read there.

    Otherwise (a large graph, or one whose node-by-node picture would shrink
    its text below `SLIDE_TEXT_PX` on a 16:9 slide) each neuron is one table,
    layers left to right or top to bottom, whichever shows the text larger.
    The picture is rendered here, before any file is written.
    """
    loss = derivation.graph_loss()
    if len(topological_order(loss)) <= GRAPH_MAX_NODES:
        graph = draw(loss, group=True)
        if graph.smallest_text_on_screen() >= SLIDE_TEXT_PX:
            return graph
    tables = [draw(loss, group=True, collapse=True, rankdir=rankdir) for rankdir in ("LR", "TB")]
    return max(tables, key=lambda graph: graph.smallest_text_on_screen())


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number
