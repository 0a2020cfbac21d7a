"""`scalargrad lesson SOURCE -o lesson.html`: a page that steps through forward and backward pass.

SOURCE is a network spec (a ``.json`` file, as ``scalargrad derive`` reads:
the page then ends with the updates of one gradient-descent step, `nn.lesson`)
or an expression with ``--var`` values (as ``scalargrad graph`` takes:
`autograd.lesson`). The page is built completely in memory and then appears in
one step, so an error never leaves a half-written file. ``--lang zh,en`` writes
the page in both languages with a toggle, Chinese first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scalargrad.arguments import (
    CommandError,
    add_variables_argument,
    check_output_folder,
    load_spec_argument,
    parse_expression_argument,
    parse_variables,
)
from autograd.backprop import topological_order
from autograd.notation import is_parameter_name
from autograd.views.draw import RANKDIRS
from autograd.views.layout import LayoutError
from autograd.views.lesson import MAX_NODES, Lesson, lesson
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")

_EXAMPLE = N_(
    """examples:
  scalargrad lesson demos/examples/yehoshua_2023_two_hidden_layers.json -o yehoshua.html
  scalargrad lesson "tanh(x1*w1 + x2*w2 + b)" --var x1=2 --var x2=0 --var w1=-3 --var w2=1 \\
      --var b=6.8813735870195432 --learning-rate 0.1 -o neuron.html
  scalargrad lesson "x*w + b" --var x=2 --var w=-3 --var b=1 --lang zh,en -o both.html

Open the page in any browser (it works offline, from file://): → and ← step,
Space plays, Home and End jump, W shows the whole graph."""
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `lesson` subcommand."""
    parser = subparsers.add_parser(
        "lesson",
        help=_("write an HTML page that steps through the forward and backward pass"),
        description=_("Write one self-contained HTML page that shows the computation graph of a network spec\n"
        "or an expression and steps through it: the forward pass node by node, the backward pass\n"
        "edge by edge (upstream × local = contribution), then the gradient-descent updates."),
        epilog=_(_EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help=_('a spec file (SPEC.json) or an expression such as "x*y + x"'))
    add_variables_argument(
        parser, _("a variable of the expression and its value; one named like a parameter (w, b1, w[1]_11) is trained")
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help=_("a variable that gradient descent moves, whatever its name (the others stay as given)"),
    )
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help=_("the page to write (.html)"))
    parser.add_argument(
        "--learning-rate",
        type=_positive_number,
        metavar="ALPHA",
        help=_("an expression: end with the update w ← w − α·∂L/∂w of each parameter (named w…, b…, or given "
        "with --param; the inputs stay) and the new L; a spec: replace its rate"),
    )
    parser.add_argument("--title", help=_("the page's title (default: the spec's name, or the expression)"))
    parser.add_argument("--group", action="store_true", help=_("box each neuron and layer of a network"))
    parser.add_argument(
        "--rankdir", choices=RANKDIRS, help=_("the graph's direction (default: whichever shows it largest)")
    )
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=MAX_NODES,
        metavar="N",
        help=_(
            "an expression of more than N values is refused; a network of more than N values is "
            "stepped through neuron by neuron (default {default})"
        ).format(default=MAX_NODES),
    )
    parser.set_defaults(run=run, several_languages=True)


def run(args: argparse.Namespace) -> int:
    """Check the output path, build the lesson from the spec or the expression, write it."""
    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise CommandError(_("-o {output}: a lesson is an HTML page; give the file the extension .html").format(output=args.output))
    check_output_folder("-o", args.output)
    try:
        page = _spec_lesson(args) if args.source.lower().endswith(".json") else _expression_lesson(args)
        text = page.html
    except (ArithmeticError, ValueError, LayoutError) as error:  # e.g. a derivative undefined at the --var values
        raise CommandError(_("{source}: {error}").format(source=args.source, error=error)) from None
    try:
        page.save(output)
    except OSError as error:
        raise CommandError(_("cannot write {output!r}: {strerror}").format(output=str(output), strerror=os_reason(error))) from None
    print(_("wrote {output} ({steps} steps, {value} KiB); open it in a browser").format(output=output, steps=len(page.steps), value=len(text) // 1024))
    return 0


def _spec_lesson(args: argparse.Namespace) -> Lesson:
    # Imported here: the expression lessons need nothing from nn.
    from nn.teaching.derive import GradientMismatchError
    from nn.teaching.lesson import lesson as network_lesson

    if args.var or args.param:
        option = "--var" if args.var else "--param"
        raise CommandError(_("{option} is for an expression; {source} is a spec file, which gives the input itself").format(option=option, source=args.source))
    spec = load_spec_argument(args.source)
    try:
        return network_lesson(
            spec.model(),
            spec.inputs,
            spec.targets,
            spec.loss,
            spec.learning_rate if args.learning_rate is None else args.learning_rate,
            reduction=spec.reduction,
            title=args.title if args.title is not None else spec.text("name"),
            group=args.group,
            rankdir=args.rankdir,
            max_nodes=args.max_nodes,
            lang=args.languages,
        )
    except GradientMismatchError as error:
        raise CommandError(_("the derivation does not match the engine: {error}").format(error=error)) from None


def _expression_lesson(args: argparse.Namespace) -> Lesson:
    variables = parse_variables(args.var)
    declared = parse_variables(args.param, option="--param")
    for name in declared:
        if name in variables:
            raise CommandError(_("--param {name}: {name} is also given with --var; give it once, with --param to train it").format(name=name))
    root = parse_expression_argument(args.source, {**variables, **declared})
    in_graph = set(topological_order(root))
    unused = [name for name, leaf in declared.items() if leaf not in in_graph]
    if unused:
        raise CommandError(_("--param {value}: {value!r} does not occur in the expression").format(value=unused[0]))
    named_as_parameters = [leaf for name, leaf in variables.items() if is_parameter_name(name) and leaf in in_graph]
    return lesson(
        root,
        learning_rate=args.learning_rate,
        params=[*declared.values(), *named_as_parameters] if declared else None,
        title=args.title if args.title is not None else f"L = {args.source.strip()}",
        group=args.group,
        rankdir=args.rankdir,
        max_nodes=args.max_nodes,
        lang=args.languages,
    )


def _positive_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number").format(text=text)) from None
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(_("must be a positive number, got {text}").format(text=text))
    return number
