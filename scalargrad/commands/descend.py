"""`scalargrad descend "x**2 + y**2" --var x=1000 --var y=-3 --lr 0.1 --steps 100`: gradient descent on a function.

Prints the iterates (the variables, f and its gradient at each step) and the
chain-rule derivation of the first gradient, in text, Markdown, LaTeX or JSON
(`autograd.views.descend`). The expression is parsed, never evaluated as Python.
"""

from __future__ import annotations

import argparse
import json
import math

from autograd.parser.expression import FUNCTIONS
from autograd.value import Value
from autograd.views.descend import Descent, descend
from autograd.views.plot import line_plot
from scalargrad.arguments import (
    CommandError,
    add_variables_argument,
    check_output_folder,
    check_plot_argument,
    chosen_format,
    parse_expression_argument,
    parse_variables,
    write_outputs,
)
from autograd.i18n import N_, Catalog

_EXAMPLE = N_(
    """examples:
  scalargrad descend "x**2 + y**2" --var x=1000 --var y=-3 --lr 0.1 --steps 100
  scalargrad descend "x**2" --var x=1000 --lr 1 --steps 6          # jumps between +1000 and -1000
  scalargrad descend "x**2" --var x=1000 --lr 0.1 --steps 100 --plot f.svg
  scalargrad descend "(x - 2)**2 + tanh(y)**2" --var x=0 --var y=1 --lr 0.2 --steps 20 --format markdown

operators: + - * / ** and parentheses; functions: {functions}"""
)

_ = Catalog("scalargrad")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `descend` subcommand."""
    parser = subparsers.add_parser(
        "descend",
        help=_("gradient descent on a function: the iterates and the first step's chain rule"),
        description=_("Start at the --var values, move every variable by x ← x − α·∂f/∂x for --steps steps,\n"
        "and print each iterate with f and its gradient, then the chain-rule derivation of the first gradient."),
        epilog=_(_EXAMPLE).format(functions=", ".join(sorted(FUNCTIONS))),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", metavar="EXPR", help=_('the function f, e.g. "x**2 + y**2"'))
    add_variables_argument(parser, _("a variable and its starting value (repeat for each)"))
    parser.add_argument("--lr", type=float, required=True, metavar="ALPHA", help=_("the learning rate α"))
    parser.add_argument("--steps", type=int, default=10, metavar="N", help=_("number of steps (default 10)"))
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "latex", "json"),
        help=_("output format (default: from -o's extension .md/.tex/.json, else text)"),
    )
    parser.add_argument("--plot", metavar="FILE", help=_("also draw f over the steps (.svg, .png or .pdf)"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of the terminal"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the arguments, descend, render, write."""
    if not (math.isfinite(args.lr) and args.lr > 0):
        raise CommandError(_("--lr {lr}: the learning rate must be a positive number").format(lr=args.lr))
    if args.steps < 1:
        raise CommandError(_("--steps {steps}: give at least 1 step").format(steps=args.steps))
    if args.output is not None:
        check_output_folder("-o", args.output)
    if args.plot is not None:
        check_plot_argument(args.plot)
    output_format = chosen_format(args.format, args.output)
    start = parse_variables(args.var)
    if not start:
        raise CommandError(_("give the starting point with --var NAME=NUMBER for each variable of EXPR"))
    parse_expression_argument(args.expression, start)  # report a bad expression once, with a pointer

    def build(variables: dict[str, Value]) -> Value:
        return parse_expression_argument(args.expression, variables)

    try:
        result = descend(build, {name: leaf.data for name, leaf in start.items()}, args.lr, args.steps, args.expression)
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{expression}: the computation failed: {error}").format(expression=args.expression, error=error)) from None
    text = _render(result, output_format)
    plot = None
    if args.plot is not None:
        values = [it.f for it in result.iterates]
        plot = line_plot([(f"α = {args.lr:g}", values)], title=f"f = {args.expression}", x_label=_("step"), y_label="f")
        plot.svg()  # rendered before anything is written
    write_outputs(text, args.output, output_format, [] if plot is None else [(args.plot, plot, _("f over the steps"))])
    return 0


def _render(result: Descent, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(result.to_dict(), indent=1, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return result.to_markdown()
    if output_format == "latex":
        return result.to_latex()
    return str(result) + "\n"
