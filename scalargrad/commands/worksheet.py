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
from nn.worksheets.files import save_worksheet
from nn.worksheets.questions import Tolerance
from scalargrad.arguments import CommandError, add_variables_argument
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")

_EXAMPLE = N_(
    """examples:
  scalargrad worksheet demos/examples/mazur_2015_2_2_2.json --students 30 --seed 2026 -o class7
  scalargrad worksheet demos/examples/mazur_2015_2_2_2.json --students 30 --seed 2026 \\
      --ask delta,weight_grad,update --weights=-0.9..0.9 -o class7
  scalargrad worksheet "tanh(x*w + b) * x" --var x=-2..2 --var w=-1..1 --var b=0.5 \\
      --students 30 --seed 1 -o expr

A network template is a spec file (see scalargrad derive --help) in which any number may be
written as a range, "-1..1". A template without ranges varies every weight and bias in -1..1
and every input in 0..1. Then: hand out sheets/*.html (or .md, .tex), collect the answers files,
and run: scalargrad grade DIR/key.json answers/*.json"""
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `worksheet` subcommand."""
    parser = subparsers.add_parser(
        "worksheet",
        help=_("write backpropagation exercises with each student's own numbers, and their key"),
        description=_("Write a class set of exercises from a network spec or an expression: per student a\n"
        "question sheet (Markdown, LaTeX, offline HTML page that checks answers and saves them) and an\n"
        "answer key with the worked derivation; for the class roster.csv and key.json."),
        epilog=_(_EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("template", metavar="TEMPLATE", help=_('a spec file (.json) or an expression such as "x*y + x"'))
    add_variables_argument(parser, _("an expression's variable: NAME=LOW..HIGH (drawn) or NAME=NUMBER (fixed)"))
    parser.add_argument("--students", type=_positive_int, required=True, metavar="N", help=_("how many sheets"))
    parser.add_argument("--seed", type=int, required=True, metavar="S", help=_("the same seed gives the same sheets"))
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help=_("the folder to write (created if missing)"))
    parser.add_argument(
        "--ask",
        metavar="LIST",
        help=_("network: forward,delta,weight_grad,bias_grad,update,loss_after (default: all) or quantities "
        "such as delta[1]_2,dC/dw[2]_11; "
        "expression: values,gradients or node labels and dL/dNAME (default: values,gradients)"),
    )
    for kind, words in (("weights", N_("weights")), ("biases", N_("biases")), ("inputs", N_("inputs"))):
        parser.add_argument(
            f"--{kind}",
            metavar="LOW..HIGH",
            help=_("draw every plain number of the template's {kind} from this range").format(kind=_(words)),
        )
    parser.add_argument(
        "--decimals", type=int, default=2, metavar="D", help=_("places the drawn numbers are rounded to (default 2)")
    )
    parser.add_argument(
        "--answer-decimals",
        type=int,
        default=4,
        metavar="D",
        help=_("places the students give their answers to (default 4)"),
    )
    parser.add_argument(
        "--relative-tolerance",
        type=float,
        default=0.005,
        metavar="R",
        help=_("slack relative to the answer (default 0.005)"),
    )
    parser.add_argument(
        "--names", metavar="FILE", help=_("a text file with one student name per line, printed on the sheets")
    )
    parser.add_argument("--title", help=_("the sheets' title (default: the spec's name, or the expression)"))
    parser.add_argument(
        "--no-checks", action="store_true", help=_("HTML pages do not check answers (and hold no answers)")
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the class set in memory, then write every file."""
    expression = is_expression(args.template)
    if expression and any(getattr(args, kind) for kind in ("weights", "biases", "inputs")):
        raise CommandError(
            _("--weights, --biases and --inputs are for a network template; give an expression --var ranges")
        )
    if not expression and args.var:
        raise CommandError(_("--var is for an expression; {template} is a spec file, which gives the input itself").format(template=args.template))
    if not 0 <= args.answer_decimals <= 10:
        raise CommandError(_("--answer-decimals {answer_decimals}: give a whole number from 0 to 10").format(answer_decimals=args.answer_decimals))
    if not 0 <= args.relative_tolerance < 1:
        raise CommandError(_("--relative-tolerance {relative_tolerance}: give a number from 0 up to 1").format(relative_tolerance=args.relative_tolerance))
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
        raise CommandError(_("the derivation does not match the engine: {error}").format(error=error)) from None
    except SpecError as error:
        raise CommandError(str(error)) from None
    except ParseError as error:
        raise CommandError(
            _("{template}: {error}").format(template=args.template, error=error), ["  " + line for line in error.pointer().splitlines()]
        ) from None
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{template}: {error}").format(template=args.template, error=error)) from None
    folder = Path(args.output)
    try:
        written, earlier = save_worksheet(sheets, folder)
    except OSError as error:
        raise CommandError(_("cannot write {filename}: {strerror}").format(filename=error.filename or args.output, strerror=os_reason(error))) from None
    print(_("wrote {written} files to {folder}: sheets/ (hand out), keys/ (keep), roster.csv, key.json").format(written=len(written), folder=folder))
    if earlier:
        students = sorted({path.stem for path in earlier}, key=lambda student: (len(student), student))
        print(_("removed {count} sheets and keys that an earlier run wrote for students not in this one ({students})").format(
            count=len(earlier), students=_(", ").join(students) if len(students) <= 3 else f"{students[0]} … {students[-1]}"
        ))
    print(_("grade with: scalargrad grade {value} ANSWERS...").format(value=folder / 'key.json'))
    return 0


def _variables(specs: list[str]) -> dict[str, str]:
    """--var NAME=LOW..HIGH or NAME=NUMBER, kept as text for `nn.worksheet` to check."""
    found: dict[str, str] = {}
    for spec in specs:
        name, equals, value = (part.strip() for part in spec.partition("="))
        if not equals or not name or not value:
            raise CommandError(_("--var {spec!r} is not NAME=LOW..HIGH; write it like --var x=-2..2").format(spec=spec))
        if name in found:
            raise CommandError(_("--var {name} is given twice; give each variable once").format(name=name))
        found[name] = value
    return found


def _names(path: str, count: int) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(_("--names {path}: cannot read the file: {strerror}").format(path=path, strerror=os_reason(error))) from None
    except UnicodeDecodeError:
        raise CommandError(_("--names {path}: not a UTF-8 text file").format(path=path)) from None
    names = [line.strip() for line in lines if line.strip()]
    if len(names) != count:
        raise CommandError(
            _("--names {path}: {names} names for --students {count}; give one name per line for each").format(path=path, names=len(names), count=count)
        )
    return names


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1, got {number}").format(number=number))
    return number
