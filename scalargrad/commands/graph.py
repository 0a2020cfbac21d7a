"""`scalargrad graph "EXPR" --var x=2 -o graph.svg`: draw the computation graph of an expression.

The expression is parsed by `autograd.expression` (never evaluated as Python),
backward is run from its output, and `autograd.draw` writes the picture in
the format of the output's extension.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.backprop import topological_order
from scalargrad.arguments import (
    CommandError,
    add_variables_argument,
    check_output_folder,
    differentiate_argument,
    parse_expression_argument,
    parse_variables,
)
from autograd.views.draw import FORMATS, draw, node_ids
from autograd.views.layout import LayoutError
from autograd.parser.expression import FUNCTIONS
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")

_EXAMPLE = N_(
    """example:
  scalargrad graph "tanh(x1*w1 + x2*w2 + b)" --var x1=2 --var x2=0 --var w1=-3 --var w2=1 \\
      --var b=6.8813735870195432 -o neuron.svg

operators: + - * / ** and parentheses; functions: {functions} (leaky_relu(x, slope), clamp(x, low, high), \
sum(a, b, ...), logsumexp(a, b, ...))"""
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `graph` subcommand."""
    parser = subparsers.add_parser(
        "graph",
        help=_("draw the computation graph of an expression, with data and gradients"),
        description=_("Parse EXPR over the variables given with --var, run backward from its value, "
        "and draw the graph with every node's data and gradient."),
        epilog=_(_EXAMPLE).format(functions=", ".join(sorted(FUNCTIONS))),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", metavar="EXPR", help=_('an expression such as "tanh(x*w + b)"'))
    add_variables_argument(parser, _("a variable and its value (repeat for each)"))
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help=_("the picture to write: .svg, .png, .pdf or .dot")
    )
    parser.add_argument(
        "--rankdir", choices=("LR", "TB"), default="LR", help=_("LR: inputs on the left (default); TB: at the top")
    )
    parser.add_argument(
        "--precision", type=int, default=4, metavar="DIGITS", help=_("significant digits shown (default 4)")
    )
    parser.add_argument("--no-grad", action="store_true", help=_("do not run backward; show data only"))
    parser.add_argument(
        "--highlight",
        action="append",
        default=[],
        metavar="NAME",
        help=_("draw node NAME in red: a variable, the output L, or a node's id as drawn (v3); repeatable"),
    )
    parser.add_argument(
        "--max-nodes", type=int, default=500, metavar="N", help=_("refuse graphs of more than N values (default 500)")
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Parse, differentiate, draw, save; print the output path, the value and the gradients."""
    output = Path(args.output)
    if output.suffix.lower().lstrip(".") not in FORMATS:
        raise CommandError(
            _("-o {output}: the file needs one of the extensions {value}").format(output=args.output, value=', '.join('.' + f for f in FORMATS))
        )
    check_output_folder("-o", args.output)
    variables = parse_variables(args.var)
    root = parse_expression_argument(args.expression, variables)
    if root.name is None:  # the output is named as explain and lesson call it, not by a generated id
        root.name = next(name for name in ("L", "out", "output") if name not in variables)
    in_graph = set(topological_order(root))
    used = [leaf for leaf in variables.values() if leaf in in_graph]
    by_label = {node.name or node_id: node for node, node_id in node_ids(root).items()}
    highlight = []
    for name in args.highlight:
        if name not in by_label:
            labels = ", ".join(list(by_label)[:12]) + (", ..." if len(by_label) > 12 else "")
            raise CommandError(_("--highlight {name}: no node of the graph is called {name!r}; its nodes are {labels}").format(name=name, labels=labels))
        highlight.append(by_label[name])
    if not args.no_grad:
        differentiate_argument(root, "EXPR")
    try:
        graph = draw(
            root,
            show_grad=not args.no_grad,
            precision=args.precision,
            rankdir=args.rankdir,
            highlight=highlight,
            max_nodes=args.max_nodes,
        )
        path = graph.save(output)
    except (ValueError, LayoutError) as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(_("cannot write {output!r}: {strerror}").format(output=str(output), strerror=os_reason(error))) from None
    digits = args.precision
    print(_("wrote {path}").format(path=path))
    print(_("value: {value}").format(value=f"{root.data:.{digits}g}"))
    if not args.no_grad and used:
        print(_("gradients: ") + ", ".join(f"d/d{leaf.name} = {leaf.grad:.{digits}g}" for leaf in used))
    return 0
