"""The `scalargrad` command line.

Each subcommand lives in its own module and contributes a `register(subparsers)`
function; this file only assembles them and maps errors to exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import autograd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalargrad",
        description="A scalar autograd engine for seeing how backpropagation works.",
    )
    parser.add_argument("--version", action="version", version=f"scalargrad {autograd.__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
