"""The subcommands of `scalargrad`, one module each.

Every module in this package defines ``register(subparsers)``, which adds its
parser and sets ``run=function`` as a default; `autograd.cli` calls
`register_all` and then ``args.run(args)``. Adding a subcommand means adding a
module here, nothing else. A subcommand reports a user's mistake by raising
`CommandError`; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Sequence


class CommandError(Exception):
    """A mistake in a command's input: a one-line message, then optional lines that show where."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


def register_all(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Let every module of this package add its subcommand, in alphabetical order."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        importlib.import_module(f"{__name__}.{module.name}").register(subparsers)
