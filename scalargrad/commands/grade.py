"""`scalargrad grade key.json ANSWERS...`: mark the answer files of a worksheet, naming each mistake.

Writes marks.csv (beside key.json unless ``-o``) and prints the score of
each student and the questions most of the class missed (`nn.grade`). A
malformed answers file stops the grading with exit code 2 and a message that
names the file and the line or key.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nn.worksheets import AnswersError, grade
from scalargrad.arguments import CommandError, check_output_folder
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")


_EXAMPLE = N_(
    """examples:
  scalargrad grade class7/key.json answers/*.json
  scalargrad grade class7/key.json s01.csv s02.csv -o class7/marks.csv

An answers file is JSON {"student": "s01", "answers": {"s01-q01": 0.4281, ...}} (what the
HTML sheet saves) or CSV with lines question_id,answer."""
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `grade` subcommand."""
    parser = subparsers.add_parser(
        "grade",
        help=_("mark worksheet answers, crediting errors carried forward and naming misconceptions"),
        description=_("Mark answer files against a worksheet's key.json: each answer is right, right given the\n"
        "student's own earlier wrong answer (carried_forward), or wrong; a wrong answer is recomputed\n"
        "under common misconceptions and the one that matches is named with the right rule."),
        epilog=_(_EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("key", metavar="key.json", help=_("the key scalargrad worksheet wrote"))
    parser.add_argument("answers", metavar="ANSWERS", nargs="+", help=_("answer files (.json or .csv), one per student"))
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=_("where to write the marks (default: marks.csv beside key.json)")
    )
    parser.add_argument(
        "--carried-forward-credit",
        type=float,
        default=1.0,
        metavar="C",
        help=_("credit for an answer right given the student's own earlier wrong answer (default 1)"),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the key and every answers file, grade, write marks.csv, print the summary."""
    if not 0 <= args.carried_forward_credit <= 1:
        raise CommandError(_("--carried-forward-credit {carried_forward_credit}: give a number from 0 to 1").format(carried_forward_credit=args.carried_forward_credit))
    output = args.output if args.output is not None else str(Path(args.key).parent / "marks.csv")
    check_output_folder("-o", output)
    try:
        marks = grade(args.key, args.answers, carried_forward_credit=args.carried_forward_credit)
    except AnswersError as error:
        raise CommandError(str(error)) from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    try:
        marks.save(output)
    except OSError as error:
        raise CommandError(_("cannot write {output!r}: {strerror}").format(output=output, strerror=os_reason(error))) from None
    print(marks.summary())
    print(_("\nwrote {output} ({marks} marks)").format(output=output, marks=len(marks.marks)))
    return 0
