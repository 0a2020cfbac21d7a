"""The `scalargrad` command line.

Each subcommand lives in its own module of `scalargrad.commands` and defines
``register(subparsers)``, which adds its parser and sets ``run=function`` as a
default. This file only assembles them and maps errors to exit codes; adding a
subcommand means adding a module there, nothing else.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import autograd
from scalargrad import commands
from scalargrad.arguments import CommandError


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"scalargrad: error: {message} (see: {self.prog} --help)\n")

    def _parse_optional(self, arg_string: str) -> Any:
        """An argument that starts with one '-' and is no option of this command is an expression: "-x", "-log(p)"."""
        parsed: Any = super()._parse_optional(arg_string)
        options = parsed if isinstance(parsed, list) else [parsed]  # Python 3.12.7+ returns a list of matches
        unknown = parsed is not None and all(option[0] is None for option in options)
        if unknown and not arg_string.startswith("--"):
            return None
        return parsed


def register_all(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Let every module of `scalargrad.commands` add its subcommand, in alphabetical order."""
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda info: info.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scalargrad",
        description="A scalar autograd engine for seeing how backpropagation works.",
    )
    parser.add_argument("--version", action="version", version=f"scalargrad {autograd.__version__}")
    register_all(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args))
    except CommandError as error:
        print(f"scalargrad: error: {error.message}", *error.details, sep="\n", file=sys.stderr)
        return 2
    except (ArithmeticError, ValueError, RecursionError, MemoryError) as error:
        # The last line of defence: each command turns the errors it expects into a CommandError that names
        # the argument; anything else still ends in one line and exit code 2, never a traceback.
        print(f"scalargrad {args.command}: error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
