"""The `scalargrad` command line.

Each subcommand lives in its own module of `scalargrad.commands` and defines
``register(subparsers)``, which adds its parser and sets ``run=function`` as a
default. This file only assembles them, gives every command ``--lang`` and
maps errors to exit codes; adding a subcommand means adding a module there, nothing else.

``--lang zh`` (or ``SCALARGRAD_LANG=zh``, `autograd.i18n`) writes the help,
the messages and every teaching output in Simplified Chinese. The language is
read from the arguments before the parser is built, because help text is
fixed when the parser is made. A command that writes a page in several
languages at once (``lesson``: ``--lang zh,en``, a page with a language toggle)
sets the default ``several_languages=True``; it finds them in
``args.languages``, the first being the one its messages are written in.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import autograd
from autograd.i18n import N_, Catalog, check_language, default_language, language
from scalargrad import commands
from scalargrad.arguments import CommandError

_ = Catalog("scalargrad")

# What argparse itself writes (its headings, its own options' help, its usage errors), as
# its messages read in Python 3.10 to 3.13, so that the catalog translates them too.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("scalargrad: error: {message} (see: {prog} --help)").format(message=message, prog=self.prog) + "\n")

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


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--lang`` option every command takes (read early by `main`; here so that help lists it)."""
    several = bool(parser.get_default("several_languages"))
    help_text = _("the language of the output and messages: en (English) or zh (简体中文); default: $SCALARGRAD_LANG, else en")
    if several:
        help_text += _("; two, such as zh,en, give a page in both with a language toggle (the first is shown first)")
    parser.add_argument(
        "--lang",
        metavar="{en,zh}" if not several else "{en,zh}[,{en,zh}]",
        default=None,
        help=help_text,
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, its help in the current language (`autograd.i18n.language`)."""
    parser = _Parser(
        prog="scalargrad",
        description=_("A scalar autograd engine for seeing how backpropagation works."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"scalargrad {autograd.__version__}",
        help=_("show program's version number and exit"),
    )
    add_language_argument(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(subparsers)
    for subparser in subparsers.choices.values():
        add_language_argument(subparser)
    return parser


def languages_of(argv: Sequence[str]) -> tuple[str, ...]:
    """The languages the arguments ask for (the last ``--lang``; ``zh,en`` names two), else the default.

    The default is `SCALARGRAD_LANG`'s language, else English. Raises ValueError
    naming ``--lang`` for a language that is not one of `LANGUAGES`.
    """
    chosen = None
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif argument.startswith("--lang="):
            chosen = argument.partition("=")[2]
    if chosen is None:
        return (default_language(),)
    return tuple(dict.fromkeys(check_language(part, "--lang") for part in chosen.split(",")))


def _check_several_languages(args: argparse.Namespace, languages: Sequence[str]) -> None:
    """CommandError unless the command writes several languages at once, when `languages` names more than one."""
    if len(languages) > 1 and not getattr(args, "several_languages", False):
        raise CommandError(
            _(
                "--lang {value}: scalargrad {command} writes one language; only scalargrad lesson writes a page in two (with a toggle). "
                "Give one, e.g. --lang {first}"
            ).format(value=",".join(languages), command=args.command, first=languages[0])
        )


@contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse's own words (headings, usage errors) in the current language while the block runs."""
    saved = argparse._  # type: ignore[attr-defined]
    argparse._ = _  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        languages = languages_of(arguments)
    except ValueError as error:
        print(f"scalargrad: error: {error}", file=sys.stderr)
        return 2
    with language(languages[0]), _argparse_speaks():
        parser = build_parser()
        args = parser.parse_args(arguments)
        if args.command is None:
            parser.print_help()
            return 0
        args.languages = languages
        try:
            _check_several_languages(args, languages)
            return int(args.run(args))
        except CommandError as error:
            print(_("scalargrad: error: {message}").format(message=error.message), *error.details, sep="\n", file=sys.stderr)
            return 2
        except (ArithmeticError, ValueError, RecursionError, MemoryError) as error:
            # The last line of defence: each command turns the errors it expects into a CommandError that names
            # the argument; anything else still ends in one line and exit code 2, never a traceback.
            message = _("scalargrad {command}: error: {kind}: {error}").format(
                command=args.command, kind=type(error).__name__, error=error
            )
            print(message, file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
