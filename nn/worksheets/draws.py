"""Each student's own numbers: drawn from the template's ranges with a seed, rounded, and redrawn while degenerate.

A template is a spec file (`nn.teaching.spec`) in which any number may be
written as a range, ``"-1..1"``; each student gets a number drawn uniformly
from it and rounded to a few decimals, so that the sums can be done by hand.
`ranges` can also draw every plain weight, bias or input from one range (a
template without any range string gets `DEFAULT_RANGES`).

Drawing is reproducible: student n's numbers come from a generator seeded with
the class seed and n alone, so the same seed gives the same sheets, and adding
students does not change the sheets of the first ones.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd.i18n import N_, Catalog
from nn._json_files import read_json_file
from nn.teaching.spec import SpecError, parse_spec

_ = Catalog("nn")

MAX_ATTEMPTS = 2000
"""Draws tried for one student before giving up and asking for wider ranges."""

_RANGE = re.compile(r"^\s*(?P<low>[-+]?[0-9.]+(?:[eE][-+]?\d+)?)\s*\.\.\s*(?P<high>[-+]?[0-9.]+(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Range:
    """A closed interval [low, high] that numbers are drawn from uniformly."""

    low: float
    high: float

    def draw(self, generator: random.Random, decimals: int) -> float:
        """A number of the interval rounded to `decimals` places (never −0.0)."""
        return round(generator.uniform(self.low, self.high), decimals) + 0.0

    def __str__(self) -> str:
        return f"{self.low:g}..{self.high:g}"


def parse_range(text: str, where: str) -> Range:
    """``"LOW..HIGH"`` as a `Range`; ValueError naming `where` unless LOW < HIGH are finite numbers."""
    match = _RANGE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(_("{where}: expected a range such as '-1..1' (LOW..HIGH), got {text!r}").format(
            where=where, text=text
        ))
    try:
        low, high = float(match["low"]), float(match["high"])
    except ValueError:
        raise ValueError(_("{where}: expected a range such as '-1..1' (LOW..HIGH), got {text!r}").format(
            where=where, text=text
        )) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(_("{where}: a range needs finite LOW < HIGH, got {text!r}").format(where=where, text=text))
    return Range(low, high)


DEFAULT_RANGES = {"weights": Range(-1.0, 1.0), "biases": Range(-1.0, 1.0), "inputs": Range(0.0, 1.0)}
"""What a template without any range string varies: every weight, bias and input."""

_DESCRIPTIVE = ("name", "source", "notes")


def load_template(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON of a template file; SpecError naming the file if it cannot be read."""
    name = os.fspath(path)
    data = read_json_file(path, SpecError, kind=N_("template"))
    if not isinstance(data, dict):
        raise SpecError(_("{name}: (top level): expected a JSON object, got {type_name}").format(
            name=name, type_name=type(data).__name__
        ))
    return data


class NetworkTemplate:
    """A spec whose numbers may be ranges; `draw` gives one student's spec (as spec-file data)."""

    def __init__(self, data: Mapping[str, Any], ranges: Mapping[str, Range] | None = None, decimals: int = 2) -> None:
        self.data = {key: value for key, value in data.items() if key not in ("expected", "steps")}
        self.decimals = decimals
        has_ranges = any(_is_range(value) for _, value in _numbers(self.data))
        self.ranges = dict(ranges) if ranges else ({} if has_ranges else dict(DEFAULT_RANGES))
        unknown = set(self.ranges) - set(DEFAULT_RANGES)
        if unknown:
            raise ValueError(_("ranges: unknown kind {value!r}; the kinds are weights, biases and inputs").format(
                value=sorted(unknown)[0]
            ))
        for path, value in _numbers(self.data):
            if _is_range(value):
                parse_range(value, path)
        parse_spec(self.draw(random.Random(0)))  # a bad template fails here, naming the JSON path

    def draw(self, generator: random.Random) -> dict[str, Any]:
        """One student's spec data: every range drawn, every number the `ranges` vary redrawn."""

        def visit(value: Any, path: str, kind: str | None) -> Any:
            if isinstance(value, dict):
                return {
                    k: v if k in _DESCRIPTIVE else visit(v, f"{path}.{k}" if path else k, _kind(k, kind))
                    for k, v in value.items()
                }
            if isinstance(value, list):
                return [visit(v, f"{path}[{n}]", kind) for n, v in enumerate(value)]
            if _is_range(value):
                return parse_range(value, path).draw(generator, self.decimals)
            if kind in self.ranges and isinstance(value, (int, float)) and not isinstance(value, bool):
                return self.ranges[kind].draw(generator, self.decimals)
            return value

        return visit(self.data, "", None)


def _is_range(value: Any) -> bool:
    """A template's string that stands for a range (``"-1..1"``), not a name such as ``"sigmoid"``."""
    return isinstance(value, str) and ".." in value


def _kind(key: str, outer: str | None) -> str | None:
    return {"weights": "weights", "biases": "biases", "input": "inputs"}.get(key, outer)


def _numbers(data: Any, path: str = "") -> list[tuple[str, Any]]:
    """(JSON path, value) of every number or string in `data` outside the descriptive keys."""
    if isinstance(data, dict):
        return [
            found
            for key, value in data.items()
            if key not in _DESCRIPTIVE
            for found in _numbers(value, f"{path}.{key}" if path else key)
        ]
    if isinstance(data, list):
        return [found for n, value in enumerate(data) for found in _numbers(value, f"{path}[{n}]")]
    return [(path, data)]


def draw_class(
    count: int,
    seed: int,
    draw: Callable[[random.Random], Any],
    degenerate: Callable[[Any], str | None],
) -> list[Any]:
    """`count` draws, each distinct from the others and not degenerate, reproducible from `seed`.

    Student n's draws come from ``random.Random(f"{seed}/{n}")``; `degenerate`
    returns why a draw cannot be used (None if it can).
    """
    drawn: list[Any] = []
    seen: set[str] = set()
    for n in range(1, count + 1):
        generator = random.Random(f"scalargrad-worksheet/{seed}/{n}")
        reasons: dict[str, int] = {}
        for _attempt in range(MAX_ATTEMPTS):
            candidate = draw(generator)
            fingerprint = json.dumps(candidate, sort_keys=True, default=str)
            reason = _("the same numbers as another student") if fingerprint in seen else degenerate(candidate)
            if reason is None:
                seen.add(fingerprint)
                drawn.append(candidate)
                break
            reasons[reason] = reasons.get(reason, 0) + 1
        else:
            common = max(reasons, key=reasons.__getitem__)
            raise ValueError(
                _(
                    "student {n}: no usable numbers in {attempts} draws (most often: "
                    "{common}); widen the template's ranges, add decimals or raise the "
                    "learning rate"
                ).format(
                    n=n, attempts=MAX_ATTEMPTS, common=common
                )
            )
    return drawn
