"""Reading a JSON file a user names, with an error that gives the file and what is wrong with it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from autograd.i18n import N_, Catalog
from nn._validation import located

_ = Catalog("nn")

__all__ = ["cannot_read", "invalid_json", "read_json_file"]


JSON_PROBLEMS = (
    N_("Expecting value"),
    N_("Expecting ',' delimiter"),
    N_("Expecting ':' delimiter"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("Extra data"),
    N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
)
"""The problems Python's `json` reports (its ``msg``), marked so that a Chinese message says them in Chinese."""


def invalid_json(error: json.JSONDecodeError) -> str:
    """Where and why text is not JSON, in the words every file reader here uses."""
    return _("not valid JSON: {problem} at line {line}, column {column}").format(
        problem=_(error.msg) if error.msg in JSON_PROBLEMS else error.msg, line=error.lineno, column=error.colno
    )


OS_PROBLEMS = (
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Is a directory"),
    N_("Not a directory"),
    N_("File name too long"),
)
"""The reasons the operating system most often gives for a file that cannot be read, marked for translation."""


def os_reason(error: OSError) -> str:
    """The system's reason a file could not be read or written, in the current language when it is a common one."""
    reason = error.strerror or str(error)
    return _(reason) if reason in OS_PROBLEMS else reason


def cannot_read(name: str, error: OSError) -> str:
    """The message for a file `name` that could not be opened or read, with the system's reason."""
    return _("{name}: cannot read the file: {reason}").format(name=name, reason=os_reason(error))


def _read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def read_json_file(
    path: str | os.PathLike[str],
    error: type[Exception],
    *,
    kind: str,
    read: Callable[[str | os.PathLike[str]], str] = _read_text,
    parse_int: Callable[[str], Any] | None = None,
) -> Any:
    """The JSON in the file at `path`, or `error` with a message that starts with the file's name.

    `kind` names what the file should hold (``N_("spec")``, ``N_("key")``: translated here) in the message
    about JSON nested too deeply to read. A problem that `read` or `parse_int`
    raise as `error` (a file too large, an integer too long) gets the file's
    name put in front of it as well.
    """
    name = os.fspath(path)
    try:
        return json.loads(read(path), parse_int=parse_int)
    except OSError as problem:
        raise error(cannot_read(name, problem)) from None
    except json.JSONDecodeError as problem:
        raise error(located(name, invalid_json(problem))) from None
    except UnicodeDecodeError:
        raise error(_("{name}: not a UTF-8 text file").format(name=name)) from None
    except RecursionError:
        raise error(_("{name}: the JSON is nested too deeply; a {kind} needs only a few levels").format(
            name=name, kind=_(kind)
        )) from None
    except error as problem:
        raise error(located(name, str(problem))) from None
