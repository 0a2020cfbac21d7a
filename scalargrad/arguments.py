"""What the subcommands share: `CommandError`, and the checks they make on their arguments.

A subcommand reports a user's mistake by raising `CommandError`; `scalargrad.cli`
prints it and exits with code 2. The checks several subcommands make (an output
folder, ``--var`` values, an expression, a spec file) are here, so that they
say the same thing everywhere.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path

from autograd.parser.expression import ParseError, UndefinedVariableError, check_variable_name, parse_expression
from autograd.value import Value
from autograd.files import write_atomically
from autograd.views.draw import Graph
from autograd.views.plot import PLOT_SUFFIXES
from nn.teaching.spec import Spec, SpecError, load_spec
from autograd.i18n import N_, Catalog
from nn._json_files import os_reason

_ = Catalog("scalargrad")


class CommandError(Exception):
    """A mistake in a command's input: a one-line message, then optional lines that show where."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


def check_output_folder(option: str, path: str) -> None:
    """CommandError unless the folder that is to hold `path` (given with `option`, e.g. ``-o``) exists."""
    if not Path(path).parent.is_dir():
        raise CommandError(_("{option} {path}: the folder {parent!r} does not exist").format(option=option, path=path, parent=str(Path(path).parent)))


FORMATS_BY_SUFFIX = {".txt": "text", ".md": "markdown", ".tex": "latex", ".json": "json"}
"""The output format chosen from ``-o``'s extension when ``--format`` is not given."""


def chosen_format(given: str | None, output: str | None) -> str:
    """``--format`` if given, else the format of ``-o``'s extension, else text."""
    if given is not None:
        return given
    return FORMATS_BY_SUFFIX.get(Path(output).suffix.lower(), "text") if output else "text"


def check_plot_argument(path: str) -> None:
    """CommandError unless ``--plot``'s file has a picture extension and its folder exists."""
    check_output_folder("--plot", path)
    if Path(path).suffix.lower() not in PLOT_SUFFIXES:
        raise CommandError(_("--plot {path}: the file needs one of the extensions {value}").format(path=path, value=', '.join(PLOT_SUFFIXES)))


def write_outputs(text: str, output: str | None, output_format: str, pictures: Sequence[tuple[str, Graph, str]]) -> None:
    """Write `text` to `output` (or print it) and each (path, picture, what it shows) to its path, then say so.

    The pictures are rendered before this is called, so a failure to render
    leaves no file; each file appears in one step (`write_atomically`).
    """
    try:
        if output is not None:
            write_atomically(Path(output), text.encode("utf-8"))
        for path, picture, _what in pictures:
            picture.save(path)
    except OSError as error:
        raise CommandError(_("cannot write {filename}: {strerror}").format(filename=error.filename or _("the output"), strerror=os_reason(error))) from None
    if output is None:
        print(text, end="")
    else:
        print(_("wrote {output} ({output_format})").format(output=output, output_format=output_format))
    for path, _picture, what in pictures:
        print(_("wrote {path} ({what})").format(path=path, what=what))


def add_variables_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """The repeatable ``--var NAME=NUMBER`` option of the commands that take an expression."""
    parser.add_argument("--var", action="append", default=[], metavar="NAME=NUMBER", help=help_text)


def parse_variables(specs: list[str], option: str = "--var") -> dict[str, Value]:
    """``--var NAME=NUMBER`` options (or another `option` of that form) as leaf Values named NAME, in the order given."""
    variables: dict[str, Value] = {}
    for spec in specs:
        name, equals, number = (part.strip() for part in spec.partition("="))
        if not equals or not name:
            raise CommandError(_("{option} {spec!r} is not NAME=NUMBER; write it like {option} x=2.0").format(option=option, spec=spec))
        try:
            check_variable_name(name)
        except ValueError as error:
            raise CommandError(_("{option} {spec!r}: {error}").format(option=option, spec=spec, error=error)) from None
        if name in variables:
            raise CommandError(_("{option} {name} is given twice; give each variable once").format(option=option, name=name))
        try:
            value = float(number)
        except ValueError:
            raise CommandError(
                _("{option} {spec!r}: {number!r} is not a number; write it like {option} {name}=2.0").format(option=option, spec=spec, number=number, name=name)
            ) from None
        if not math.isfinite(value):
            raise CommandError(_("{option} {spec!r}: the value must be a finite number").format(option=option, spec=spec))
        variables[name] = Value(value, name=name)
    return variables


def load_spec_argument(path: str) -> Spec:
    """The network spec file `path`, or a CommandError that names the JSON path of its first mistake."""
    try:
        return load_spec(path)
    except SpecError as error:
        raise CommandError(str(error)) from None


def parse_expression_argument(expression: str, variables: dict[str, Value]) -> Value:
    """EXPR over the `parse_variables` leaves; a CommandError showing where, if it does not parse."""
    try:
        return parse_expression(expression, variables)
    except UndefinedVariableError as error:
        raise CommandError(
            _("{error}; give it a value with --var {name}=NUMBER").format(error=error, name=error.name), _indented(error.pointer())
        ) from None
    except ParseError as error:
        raise CommandError(str(error), _indented(error.pointer())) from None


def _indented(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


def differentiate_argument(root: Value, argument: str) -> None:
    """``root.backward()``, or a CommandError naming `argument` where a derivative is undefined or infinite."""
    try:
        root.backward()
    except (ArithmeticError, ValueError) as error:
        raise CommandError(_("{argument}: cannot differentiate at these --var values: {error}").format(argument=argument, error=error)) from None
    if not math.isfinite(root.data):
        raise CommandError(_("{argument}: the value is {data!r} at these --var values; choose other values").format(argument=argument, data=root.data))
