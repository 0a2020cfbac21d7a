"""`scalargrad derive SPEC.json`: the textbook derivation of gradient-descent steps on a network from a spec file.

The spec (see `nn.spec`) is checked completely before anything is computed;
a bad one exits with code 2 and a message naming its JSON path. Output files
(``-o``, ``--graph``) are rendered in memory first and each appears in one
step, so an error never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

from autograd.backprop import topological_order
from scalargrad.arguments import (
    CommandError,
    check_output_folder,
    check_plot_argument,
    chosen_format,
    load_spec_argument,
    write_outputs,
)
from autograd.views.draw import FORMATS, Graph, draw
from autograd.views.layout import LayoutError
from nn.teaching.derive import MAX_STEPS, FORMS, MODES, GradientMismatchError, NetworkDerivation
from nn.teaching.loss_curves import LearningRateComparison, compare_learning_rates, loss_plot
from nn.teaching.notation_options import COST_SYMBOLS, WEIGHT_LAYOUTS, Notation
from nn.teaching.optimizer_steps import OPTIMIZERS, OptimizerChoice
from nn.teaching.spec import Spec
from autograd.i18n import N_, Catalog

_ = Catalog("scalargrad")

GRAPH_MAX_NODES = 150
"""Graphs with more Values than this are drawn collapsed, one table per neuron."""

DRAW_MAX_NODES = 500
"""The default of --max-nodes: the most boxes a --graph picture may have (as for `scalargrad graph`)."""

SLIDE_TEXT_PX = 10.0
"""The smallest text, in pixels on a 1920 × 1080 slide, of a picture `--graph` draws node by node."""

_EXAMPLE = N_(
    """examples:
  scalargrad derive demos/examples/yehoshua_2023_two_hidden_layers.json
  scalargrad derive demos/examples/mazur_2015_2_2_2.json --format markdown -o mazur.md --graph mazur.svg
  scalargrad derive demos/examples/wakui_pixel_digits_step.json --steps 3 --format json
  scalargrad derive demos/examples/wakui_pixel_digits_step.json --mode minibatch --batch-size 2 \\
      --shuffle-seed 1 --optimizer adam --steps 4
  scalargrad derive demos/examples/mazur_2015_2_2_2.json --form matrix --weights w_jk
  scalargrad derive demos/examples/line_learning_rates.json --compare-learning-rates 0.5,0.2,0.05 \\
      --steps 20 --plot rates.svg

A spec is JSON: "layers" (each "activation", "weights" with one row per receiving
neuron and null for an absent connection, "biases" or null), "input" or "inputs",
"target" or "targets", "loss" (half_sse, mse, bce, bce_with_logits, cross_entropy,
hinge), "learning_rate", and optionally "steps" (updates), "reduction" (sum or mean),
"mode", "optimizer", "form" and "notation" (as the options above; see nn.teaching.spec)."""
)


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
    parser.add_argument(
        "--steps", type=_step_count, metavar="N", help=_("number of steps, i.e. updates (default: the spec's, or 1)")
    )
    parser.add_argument(
        "--bias-as-weight", action="store_true", help=_("also show each bias as the weight of a constant input 1")
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        help=_("batch: all examples per step; sgd: one; minibatch: --batch-size (default: the spec's, or batch)"),
    )
    parser.add_argument("--batch-size", type=_positive_int, metavar="N", help=_("examples per step for --mode minibatch"))
    parser.add_argument(
        "--shuffle-seed",
        type=int,
        metavar="S",
        help=_("shuffle the examples every epoch as nn.train.fit(shuffle=True, seed=S) does"),
    )
    parser.add_argument(
        "--optimizer",
        metavar="NAME[:KEY=VALUE...]",
        help=_(
            "one of {names}, with nn.optim's hyper-parameters, e.g. adam:betas=0.9,0.99:eps=1e-8 or momentum:momentum=0.5"
        ).format(names=", ".join(OPTIMIZERS)),
    )
    parser.add_argument(
        "--form",
        choices=FORMS,
        help=_("neuron: every sum neuron by neuron; matrix: with W[l], δ[l] and a row per example; "
        "both: the matrices after the sums (default: the spec's)"),
    )
    notation = parser.add_argument_group(_("notation (a textbook's conventions; default: the spec's, else BACKPROP.md's)"))
    notation.add_argument("--input-layer", type=int, choices=(0, 1), help=_("number the input layer 0 (a[0] = x) or 1"))
    notation.add_argument("--rate-symbol", choices=("alpha", "eta"), help=_("write the learning rate as α or η"))
    notation.add_argument("--cost-symbol", choices=COST_SYMBOLS, help=_("write the cost as C, E or L"))
    notation.add_argument(
        "--weights", choices=WEIGHT_LAYOUTS, help=_("w_kj: row k receives (default); w_jk: the first index sends")
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
    parser.add_argument("--plot", metavar="FILE", help=_("also draw the loss over the steps (.svg, .png or .pdf)"))
    parser.add_argument(
        "--compare-learning-rates",
        metavar="RATES",
        help=_("derive at each rate (e.g. 1,0.1,0.01) and print one table of the losses (and --plot one picture)"),
    )
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write the derivation to FILE instead of the terminal"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the spec and the output paths, derive, render, then write."""
    output_format = chosen_format(args.format, args.output)
    for option, path in (("-o", args.output), ("--graph", args.graph)):
        if path is not None:
            check_output_folder(option, path)
    if args.graph is not None and Path(args.graph).suffix.lower().lstrip(".") not in FORMATS:
        raise CommandError(
            _("--graph {graph}: the file needs one of the extensions {value}").format(graph=args.graph, value=', '.join('.' + f for f in FORMATS))
        )
    if args.plot is not None:
        check_plot_argument(args.plot)
    rates = _rates(args.compare_learning_rates) if args.compare_learning_rates is not None else None
    if rates is not None and args.graph is not None:
        raise CommandError(_("--graph draws one derivation's graph; leave it out with --compare-learning-rates"))
    spec = _with_options(load_spec_argument(args.spec), args)
    try:
        if rates is not None:
            steps = args.steps or spec.steps
            result: NetworkDerivation | LearningRateComparison = compare_learning_rates(
                lambda rate: spec.derive(steps, args.bias_as_weight, rate, stop_when_diverged=True), rates, steps
            )
        else:
            result = spec.derive(steps=args.steps, bias_as_weight=args.bias_as_weight)
    except GradientMismatchError as error:
        raise CommandError(_("the derivation does not match the engine: {error}").format(error=error)) from None
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{spec}: the computation failed: {error}").format(spec=args.spec, error=error)) from None
    text = _render(result, output_format)
    try:
        graph = _graph(result, args.max_nodes) if isinstance(result, NetworkDerivation) and args.graph else None
        plot = None
        if args.plot is not None:
            plot = result.plot() if isinstance(result, LearningRateComparison) else loss_plot(result)
            plot.svg()  # rendered before anything is written
    except (ValueError, LayoutError) as error:  # too large a picture, or Graphviz failed on it
        option = "--graph " + args.graph if args.graph is not None else "--plot " + str(args.plot)
        raise CommandError(_("{option}: {error}").format(option=option, error=error)) from None
    pictures = []
    if graph is not None:
        pictures.append((args.graph, graph, _("the computation graph of example 1 at the first step")))
    if plot is not None:
        pictures.append((args.plot, plot, _("the loss over the steps")))
    write_outputs(text, args.output, output_format, pictures)
    return 0


def _rates(text: str) -> list[float]:
    """``1,0.1,0.01`` as learning rates, each a positive finite number."""
    rates = []
    for part in text.split(","):
        try:
            rate = float(part)
        except ValueError:
            raise CommandError(_("--compare-learning-rates {text}: {value!r} is not a number; write e.g. 1,0.1,0.01").format(text=text, value=part.strip())) from None
        if not (math.isfinite(rate) and rate > 0):
            raise CommandError(_("--compare-learning-rates {text}: every rate must be a positive number, got {value}").format(text=text, value=part.strip()))
        rates.append(rate)
    return rates


def _with_options(spec: Spec, args: argparse.Namespace) -> Spec:
    """The spec with the training mode and optimizer the command line gives in place of its own."""
    mode = args.mode or spec.mode
    if args.batch_size is not None and mode != "minibatch":
        raise CommandError(_("--batch-size {batch_size}: only --mode minibatch takes a batch size (the mode is {mode})").format(batch_size=args.batch_size, mode=mode))
    batch_size = args.batch_size if args.batch_size is not None else spec.batch_size if mode == "minibatch" else None
    if mode == "minibatch" and batch_size is None:
        raise CommandError(_("--mode minibatch needs --batch-size N (the number of examples per step)"))
    shuffle_seed = spec.shuffle_seed if args.shuffle_seed is None else args.shuffle_seed
    optimizer = spec.optimizer if args.optimizer is None else parse_optimizer_argument(args.optimizer)
    form = args.form or spec.form
    given = {"input_layer": args.input_layer, "rate": args.rate_symbol, "cost": args.cost_symbol, "weights": args.weights}
    notation = Notation.parse({**spec.notation.to_dict(), **{k: v for k, v in given.items() if v is not None}})
    return dataclasses.replace(
        spec,
        mode=mode,
        batch_size=batch_size,
        shuffle_seed=shuffle_seed,
        optimizer=optimizer,
        form=form,
        notation=notation,
    )


def parse_optimizer_argument(text: str) -> OptimizerChoice:
    """``NAME[:KEY=VALUE...]`` as an optimizer; VALUE is a number, true/false, or numbers separated by commas."""
    name, *settings = text.split(":")
    data: dict[str, object] = {"name": name.strip()}
    for setting in settings:
        key, equals, value = (part.strip() for part in setting.partition("="))
        if not equals or not key:
            raise CommandError(_("--optimizer {text}: {setting!r} is not KEY=VALUE; write it like adam:eps=1e-8").format(text=text, setting=setting))
        data[key] = _setting_value(text, key, value)
    try:
        return OptimizerChoice.parse(data, "--optimizer")
    except ValueError as error:
        raise CommandError(_("{error} (in --optimizer {text})").format(error=error, text=text)) from None


def _setting_value(text: str, key: str, value: str) -> object:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise CommandError(_("--optimizer {text}: {key}={value!r} is not a number, true/false or a list of numbers").format(text=text, key=key, value=value)) from None
    return numbers if len(numbers) > 1 else numbers[0]


def _render(derivation: NetworkDerivation | LearningRateComparison, output_format: str) -> str:
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
    """The first example's loss graph for a slide: node by node, grouped by neuron, if its text can be read there.

    Otherwise (a large graph, or one whose node-by-node picture would shrink
    its text below `SLIDE_TEXT_PX` on a 16:9 slide) each neuron is one table,
    layers left to right or top to bottom, whichever shows the text larger.
    The picture is rendered here, before any file is written.
    """
    loss = derivation.graph_loss()
    if len(topological_order(loss)) <= GRAPH_MAX_NODES:
        graph = draw(loss, group=True, max_nodes=max_nodes)
        if graph.smallest_text_on_screen() >= SLIDE_TEXT_PX:
            return graph
    tables = [draw(loss, group=True, collapse=True, rankdir=rankdir, max_nodes=max_nodes) for rankdir in ("LR", "TB")]
    return max(tables, key=lambda graph: graph.smallest_text_on_screen())


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
