"""Checks on user-supplied numbers and sizes, shared by layers, losses, files and derivations.

Every check raises with a message that starts with *where* the bad value sits
(``weights[1][0]``, ``state_dict['layers.0.neurons.1.b']``, ``targets[3]``), so
a user can find it in their own data.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from numbers import Integral, Real
from typing import TypeVar

from autograd.i18n import Catalog

# The engine's "type and clipped repr" wording, so nn's messages read like the engine's.
from autograd.value import describe

_ = Catalog("nn")

__all__ = ["count", "describe", "did_you_mean", "finite_number", "located", "numbers", "present", "sequence"]

T = TypeVar("T")


def finite_number(x: object, where: str) -> float:
    """x as a float, or ValueError naming `where` if it is not a finite real number.

    Booleans are refused on purpose: ``True`` as a weight or a target is far more
    often a mistake than a wish for 1.0.
    """
    if isinstance(x, bool) or not isinstance(x, Real):
        raise ValueError(_("{where}: expected a number, got {got}").format(where=where, got=describe(x)))
    try:
        number = float(x)
    except OverflowError:
        raise ValueError(
            _("{where}: expected a finite number, got an integer too large for a float ({got})").format(
                where=where, got=describe(x)
            )
        ) from None
    if not math.isfinite(number):
        raise ValueError(_("{where}: expected a finite number, got {number!r}").format(where=where, number=number))
    return number


def count(n: object, what: str, minimum: int = 1) -> int:
    """n as an int >= `minimum` (a number of inputs or neurons), or TypeError/ValueError naming `what`."""
    if isinstance(n, bool) or not isinstance(n, Integral):  # Integral: also NumPy's int64 and friends
        raise TypeError(_("{what} must be an int, got {got}").format(what=what, got=describe(n)))
    if n < minimum:
        raise ValueError(_("{what} must be at least {minimum}, got {n}").format(what=what, minimum=minimum, n=n))
    return int(n)


def numbers(n: int) -> str:
    """'1 number' or 'n numbers', for messages such as "expected 3 numbers, got 2"."""
    return _("1 number") if n == 1 else _("{n} numbers").format(n=n)


def sequence(x: object, where: str) -> list[object]:
    """x as a list if it is a list or tuple, else ValueError naming `where`."""
    if not isinstance(x, (list, tuple)):
        raise ValueError(_("{where}: expected a list, got {got}").format(where=where, got=describe(x)))
    return list(x)


def present(x: T | None, where: str) -> T:
    """x, or ValueError naming `where` if it is None although the parameter it belongs to exists.

    Gradients and updates are laid out like the parameters (``nn.derive``): None
    exactly where a connection or a layer's biases are absent. A None opposite a
    present parameter means records that do not belong together.
    """
    if x is None:
        raise ValueError(
            _(
                "{where}: expected a value, since the parameter it belongs to exists, "
                "got None; gradients and updates are None only where the parameter is "
                "absent"
            ).format(
                where=where
            )
        )
    return x


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def key_path(where: str | None, key: object) -> str:
    """The JSON path of `key` inside the object at `where` (None: the top level), as error messages name it.

    ``layers[0].bias`` for a key that reads as a name; any other key (empty,
    spaced, punctuated) is quoted after the object's path: ``layers[0] key ''``.
    """
    text = str(key)
    if _IDENTIFIER.fullmatch(text):
        return text if where is None else f"{where}.{text}"
    return _("{where} key {key!r}").format(where=where or _("(top level)"), key=text)


def located(where: str, problem: object) -> str:
    """``where: problem``: a problem and where it sits (a file, a JSON path, an option), as every message starts."""
    return _("{where}: {problem}").format(where=where, problem=problem)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'biases'?)"`` for the choice closest to a misspelt `word`, or '' if none is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return _(" (did you mean {choice!r}?)").format(choice=close[0]) if close else ""
