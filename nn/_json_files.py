"""Reading a JSON file a user names, with an error that gives the file and what is wrong with it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

__all__ = ["invalid_json", "read_json_file"]


def invalid_json(error: json.JSONDecodeError) -> str:
    """Where and why text is not JSON, in the words every file reader here uses."""
    return f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"


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

    `kind` names what the file should hold (``"spec"``, ``"key"``) in the message
    about JSON nested too deeply to read. A problem that `read` or `parse_int`
    raise as `error` (a file too large, an integer too long) gets the file's
    name put in front of it as well.
    """
    name = os.fspath(path)
    try:
        return json.loads(read(path), parse_int=parse_int)
    except OSError as problem:
        raise error(f"{name}: cannot read the file: {problem.strerror or problem}") from None
    except json.JSONDecodeError as problem:
        raise error(f"{name}: {invalid_json(problem)}") from None
    except UnicodeDecodeError:
        raise error(f"{name}: not a UTF-8 text file") from None
    except RecursionError:
        raise error(f"{name}: the JSON is nested too deeply; a {kind} needs only a few levels") from None
    except error as problem:
        raise error(f"{name}: {problem}") from None
