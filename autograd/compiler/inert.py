"""User text in generated source: the one place that makes it inert.

A node's name, a spec's title or a file path can hold anything: a newline
followed by code, a carriage return, a Unicode line separator (which ends a
line in JavaScript and in Python's `str.splitlines`), quotes, backslashes or
bidirectional-override characters that make code read differently from how it
runs. Every piece of such text that enters generated Python or JavaScript goes
through `comment` (inside a ``#`` or ``//`` comment) or `string_literal` (as a
quoted string), whatever the target language.
"""

from __future__ import annotations

import json

LANGUAGES = ("python", "javascript")


def comment(text: str) -> str:
    """`text` as one printable line, safe after ``#`` or ``//``: nothing in it can end the comment.

    Every character that is not printable (line breaks of any kind, other
    control and format characters) is written as a ``\\xNN``/``\\uNNNN``/
    ``\\UNNNNNNNN`` escape, and a backslash is doubled so that the escapes stay
    unambiguous. Printable text, including ``δ``, ``∂`` and ``→``, is kept as it is.
    """
    if not isinstance(text, str):
        raise TypeError(f"comment text must be a string, got {type(text).__name__}")
    return "".join(_escaped(character) for character in text)


def _escaped(character: str) -> str:
    if character == "\\":
        return "\\\\"
    if character.isprintable():
        return character
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def string_literal(text: str, language: str) -> str:
    """`text` as a quoted string literal of `language` (``'python'`` or ``'javascript'``) that evaluates to `text`.

    The literal is pure ASCII, so no line separator, quote or bidirectional
    control can survive into the source unescaped.
    """
    if not isinstance(text, str):
        raise TypeError(f"string literal text must be a string, got {type(text).__name__}")
    if language == "python":
        return ascii(text)
    if language == "javascript":
        return json.dumps(text, ensure_ascii=True)
    raise ValueError(f"unknown language {language!r}; valid languages are {', '.join(map(repr, LANGUAGES))}")
