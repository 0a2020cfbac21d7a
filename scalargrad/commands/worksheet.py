"""`scalargrad worksheet TEMPLATE --students N --seed S -o DIR`: a class set of backpropagation exercises.

TEMPLATE is a network spec file whose numbers may be ranges (``"-1..1"``), or
an expression with ``--var`` ranges (``--var x=-2..2``). Each student gets
their own numbers; DIR receives the sheets (Markdown, LaTeX, HTML), the
answer keys with the worked derivation, roster.csv and key.json (`nn.worksheet`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.parser.expression import ParseError
from nn.teaching.derive import GradientMismatchError
from nn.teaching.spec import SpecError
from nn.worksheets.classroom import is_expression, worksheet
from nn.worksheets.questions import Tolerance
from scalargrad.arguments import CommandError, add_variables_argument

_EXAMPLE = """examples:
  scalargrad worksheet demos/examples/mazur_2015_2_2_2.json --students 30 --seed 2026 -o class7
  scalargrad worksheet demos/examples/mazur_2015_2_2_2.json --students 30 --seed 2026 \\
      --ask delta,weight_grad,update --weights=-0.9..0.9 -o class7
  scalargrad worksheet "tanh(x*w + b) * x" --var x=-2..2 --var w=-1..1 --var b=0.5 \\
      --students 30 --seed 1 -o expr

A network template is a spec file (see scalargrad derive --help) in which any number may be
written as a range, "-1..1". A template without ranges varies every weight and bias in -1..1
and every input in 0..1. Then: hand out sheets/*.html (or .md, .tex), collect the answers files,
and run: scalargrad grade DIR/key.json answers/*.json"""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `worksheet` subcommand."""
    parser = subparsers.add_parser(
        "worksheet",
        help="write backpropagation exercises with each student's own numbers, and their key",
        description="Write a class set of exercises from a network spec or an expression: per student a\n"
        "question sheet (Markdown, LaTeX, offline HTML page that checks answers and saves them) and an\n"
        "answer key with the worked derivation; for the class roster.csv and key.json.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("template", metavar="TEMPLATE", help='a spec file (.json) or an expression such as "x*y + x"')
    add_variables_argument(parser, "an expression's variable: NAME=LOW..HIGH (drawn) or NAME=NUMBER (fixed)")
    parser.add_argument("--students", type=_positive_int, required=True, metavar="N", help="how many sheets")
    parser.add_argument("--seed", type=int, required=True, metavar="S", help="the same seed gives the same sheets")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write (created if missing)")
    parser.add_argument(
        "--ask",
        metavar="LIST",
        help="network: forward,delta,weight_grad,bias_grad,update,loss_after (default: all) or quantities "
        "such as delta[1]_2,dC/dw[2]_11; "
        "expression: values,gradients or node labels and dL/dNAME (default: values,gradients)",
    )
    for kind in ("weights", "biases", "inputs"):
        parser.add_argument(
            f"--{kind}", metavar="LOW..HIGH", help=f"draw every plain number of the template's {kind} from this range"
        )
    parser.add_argument(
        "--decimals", type=int, default=2, metavar="D", help="places the drawn numbers are rounded to (default 2)"
    )
    parser.add_argument(
        "--answer-decimals",
        type=int,
        default=4,
        metavar="D",
        help="places the students give their answers to (default 4)",
    )
    parser.add_argument(
        "--relative-tolerance",
        type=float,
        default=0.005,
        metavar="R",
        help="slack relative to the answer (default 0.005)",
    )
    parser.add_argument(
        "--names", metavar="FILE", help="a text file with one student name per line, printed on the sheets"
    )
    parser.add_argument("--title", help="the sheets' title (default: the spec's name, or the expression)")
    parser.add_argument(
        "--no-checks", action="store_true", help="HTML pages do not check answers (and hold no answers)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the class set in memory, then write every file."""
    expression = is_expression(args.template)
    if expression and any(getattr(args, kind) for kind in ("weights", "biases", "inputs")):
        raise CommandError(
            "--weights, --biases and --inputs are for a network template; give an expression --var ranges"
        )
    if not expression and args.var:
        raise CommandError(f"--var is for an expression; {args.template} is a spec file, which gives the input itself")
    if not 0 <= args.answer_decimals <= 10:
        raise CommandError(f"--answer-decimals {args.answer_decimals}: give a whole number from 0 to 10")
    if not 0 <= args.relative_tolerance < 1:
        raise CommandError(f"--relative-tolerance {args.relative_tolerance}: give a number from 0 up to 1")
    names = _names(args.names, args.students) if args.names else None
    try:
        sheets = worksheet(
            args.template,
            students=args.students,
            seed=args.seed,
            ask=args.ask,
            variables=_variables(args.var) if expression else None,
            ranges={kind: getattr(args, kind) for kind in ("weights", "biases", "inputs") if getattr(args, kind)},
            decimals=args.decimals,
            tolerance=Tolerance(args.answer_decimals, args.relative_tolerance),
            names=names,
            title=args.title,
            checks=not args.no_checks,
        )
    except GradientMismatchError as error:
        raise CommandError(f"the derivation does not match the engine: {error}") from None
    except SpecError as error:
        raise CommandError(str(error)) from None
    except ParseError as error:
        raise CommandError(
            f"{args.template}: {error}", ["  " + line for line in error.pointer().splitlines()]
        ) from None
    except (ArithmeticError, ValueError) as error:
        raise CommandError(f"{args.template}: {error}") from None
    try:
        written = sheets.save(args.output)
    except OSError as error:
        raise CommandError(f"cannot write {error.filename or args.output}: {error.strerror or error}") from None
    folder = Path(args.output)
    print(f"wrote {len(written)} files to {folder}: sheets/ (hand out), keys/ (keep), roster.csv, key.json")
    print(f"grade with: scalargrad grade {folder / 'key.json'} ANSWERS...")
    return 0


def _variables(specs: list[str]) -> dict[str, str]:
    """--var NAME=LOW..HIGH or NAME=NUMBER, kept as text for `nn.worksheet` to check."""
    found: dict[str, str] = {}
    for spec in specs:
        name, equals, value = (part.strip() for part in spec.partition("="))
        if not equals or not name or not value:
            raise CommandError(f"--var {spec!r} is not NAME=LOW..HIGH; write it like --var x=-2..2")
        if name in found:
            raise CommandError(f"--var {name} is given twice; give each variable once")
        found[name] = value
    return found


def _names(path: str, count: int) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"--names {path}: cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CommandError(f"--names {path}: not a UTF-8 text file") from None
    names = [line.strip() for line in lines if line.strip()]
    if len(names) != count:
        raise CommandError(
            f"--names {path}: {len(names)} names for --students {count}; give one name per line for each"
        )
    return names


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number
