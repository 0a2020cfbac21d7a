"""What the JavaScript target of `autograd.compiler.codegen` adds: the helper functions and the script around them.

`codegen.generate(..., language="javascript")` writes the same statements as
for Python (same order, names and rule comments); the generated function
calls the same helper names (``_exp``, ``_log``, ``_sum``, ...). In Python they
are imported from `autograd.scalar`; here they are written into the script,
each one the engine's forward rule in JavaScript with the engine's domain
check, so that ``log(-1)`` throws a RangeError with the engine's message
(`autograd.scalar.DOMAIN_MESSAGES`, in English) instead of returning NaN. The
error also carries the check's ``rule`` and its ``numbers``, so that a page can
say the same in its own language. Only the helpers the function calls are written.

JavaScript's ``Math`` functions are correctly rounded or within an ulp of
C's, so the numbers agree with the engine's to about 1e-15 relative; the
tests hold them to 1e-12 on random graphs run in Chromium.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence

from autograd.compiler.inert import comment
from autograd.scalar import DOMAIN_MESSAGES

RESERVED_WORDS = frozenset(
    """await break case catch class const continue debugger default delete do else enum export extends false
    finally for function if implements import in instanceof interface let new null package private protected
    public return static super switch this throw true try typeof var void while with yield arguments eval
    undefined NaN Infinity""".split()
)
"""Words a JavaScript variable may not be called (in strict mode), or should not be: codegen adds a ``_``."""

_ERROR = "throw _domain_error"

_HELPERS: dict[str, str] = {
    "_domain_error": f"""const _DOMAIN_MESSAGES = {json.dumps(DOMAIN_MESSAGES, indent=4)};
function _domain_error(rule, numbers, node) {{
    const error = new RangeError(_DOMAIN_MESSAGES[rule].replace(/\\{{(\\w+)\\}}/g, (all, name) => String(numbers[name])));
    error.rule = rule;  // a key of autograd.scalar.DOMAIN_MESSAGES
    error.numbers = numbers;
    if (node !== undefined) error.node = node;  // the position of the node in the generator's report
    return error;
}}""",
    "_inf": "const _inf = Infinity;",
    "_nan": "const _nan = NaN;",
    "_abs": "const _abs = Math.abs;",
    "_pow": "const _pow = Math.pow;",
    "_tanh": "const _tanh = Math.tanh;",
    "_sin": "const _sin = Math.sin;",
    "_cos": "const _cos = Math.cos;",
    "_exp": f"""function _exp(x, node) {{
    const y = Math.exp(x);
    if (y === Infinity && x !== Infinity) {{
        {_ERROR}("exp", {{ x }}, node);
    }}
    return y;
}}""",
    "_log": f"""function _log(x, node) {{
    if (x <= 0) {_ERROR}("log", {{ x }}, node);
    return Math.log(x);
}}""",
    "_sqrt": f"""function _sqrt(x, node) {{
    if (x < 0) {_ERROR}("sqrt", {{ x }}, node);
    return Math.sqrt(x);
}}""",
    "_sigmoid": """function _sigmoid(x) {
    if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1.0 + e);
}""",
    "_softplus": """function _softplus(x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
}""",
    "_clamp": """function _clamp(x, low, high) {
    const atLeastLow = low > x ? low : x;  // Python's min(max(x, low), high), NaN included
    return high < atLeastLow ? high : atLeastLow;
}""",
    "_power": f"""function _power(base, exponent, node) {{
    if (base === 0 && exponent < 0) {_ERROR}("power_zero", {{ exponent }}, node);
    if (base < 0 && !Number.isInteger(exponent)) {{
        {_ERROR}("power_real", {{ base, exponent }}, node);
    }}
    return Math.pow(base, exponent);
}}""",
    "_positive_base_power": f"""function _positive_base_power(base, exponent, node) {{
    if (!(base > 0)) {{
        {_ERROR}("positive_base", {{ base }}, node);
    }}
    return _power(base, exponent, node);
}}""",
    "_fsum": """function _fsum(xs) {
    // The exact sum held as non-overlapping partials (Shewchuk), rounded once at the end, as math.fsum does.
    const partials = [];
    for (let x of xs) {
        let i = 0;
        for (let y of partials) {
            if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
            const high = x + y;
            const low = y - (high - x);
            if (low !== 0) partials[i++] = low;
            x = high;
        }
        partials.length = i;
        partials.push(x);
    }
    let total = 0.0;
    for (const partial of partials) total += partial;
    return total;
}""",
    "_logsumexp": """function _logsumexp(xs) {
    let m = xs[0];
    for (const x of xs) if (x > m) m = x;
    if (m === Infinity || m === -Infinity) return m;
    return m + Math.log(_fsum(xs.map((x) => Math.exp(x - m))));
}""",
}
"""Each helper's definition. Names start with ``_``, which no generated variable does."""

_SUM_LEFT_TO_RIGHT = """function _sum(xs) {
    let total = 0;  // builtins.sum before Python 3.12: one addition after another
    for (const x of xs) total += x;
    return total;
}"""

_SUM_COMPENSATED = """function _sum(xs) {
    // builtins.sum from Python 3.12 on: Neumaier's compensated sum, as CPython adds floats
    let total = 0, compensation = 0, seen = false;
    for (const x of xs) {
        if (!seen) { total = 0 + x; seen = true; continue; }
        const t = total + x;
        compensation += Math.abs(total) >= Math.abs(x) ? (total - t) + x : (x - t) + total;
        total = t;
    }
    if (compensation !== 0 && Number.isFinite(compensation)) total += compensation;
    return total;
}"""

_NEEDS = {
    "_logsumexp": ("_fsum",),
    "_positive_base_power": ("_power", "_domain_error"),
    "_power": ("_domain_error",),
    "_exp": ("_domain_error",),
    "_log": ("_domain_error",),
    "_sqrt": ("_domain_error",),
}
"""Helpers that call other helpers."""


def helper_definitions(function: str, sum_is_left_to_right: bool | None = None) -> list[str]:
    """The definitions of the helpers that `function` (JavaScript text) calls, each once, callees first."""
    if sum_is_left_to_right is None:
        sum_is_left_to_right = sys.version_info < (3, 12)
    available = dict(_HELPERS, _sum=_SUM_LEFT_TO_RIGHT if sum_is_left_to_right else _SUM_COMPENSATED)
    used = [name for name in available if re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", function)]
    ordered: list[str] = []
    for name in used:
        for needed in (*_NEEDS.get(name, ()), name):
            if needed not in ordered:
                ordered.append(needed)
    return [available[name] for name in ordered]


def module(function_name: str, body: Sequence[str], docstring: str = "") -> str:
    """A script defining the helpers and ``function <function_name>(inputs, params) { body }``.

    The docstring becomes a ``//`` comment; it goes through `inert.comment`,
    so no text in it can end the comment.
    """
    function = "\n".join([f"function {function_name}(inputs, params) {{", *("    " + line for line in body), "}"])
    lines = [f"// {comment(docstring)}"] if docstring else []
    helpers = helper_definitions(function)
    if helpers:
        lines += ["// helpers: the engine's forward rules (autograd.scalar) with its domain checks", *helpers, ""]
    return "\n".join([*lines, function, ""])


__all__ = ["RESERVED_WORDS", "helper_definitions", "module"]
