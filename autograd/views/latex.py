"""Formulas as the terminal output writes them (``∂C/∂w[2]_13 = δ[2]_1 · a[1]_3``), turned into LaTeX math.

`text_to_latex` reads the notation every derivation prints (network names,
∂/∂ fractions, Σ_j, Greek letters, numbers such as ``2.04e-07``) and writes the
LaTeX for it, so that `autograd.explain` and `nn.derive` keep one text form of
each formula and derive their LaTeX from it; `latex_label` does the same for a
single node label.
"""

from __future__ import annotations

import math
import re
import unicodedata

from autograd.notation import parse_network_name

_SIMPLE_LABEL = re.compile(r"^(?P<base>[A-Za-z])(?P<index>\d*)$")


def latex_label(label: str) -> str:
    """A node label as LaTeX math: ``w[2]_13`` → ``w^{[2]}_{13}``, ``x1`` → ``x_{1}``, others upright."""
    base, mark, copy = label.rpartition("#")
    if not (mark and copy.isdigit()):  # only a trailing #2, #3 ... is a copy number; any other # is part of the name
        base, copy = label, ""
    parsed = parse_network_name(base)
    if parsed is not None:
        indices = base.split("_", 1)[1]
        latex = f"{parsed.kind}^{{[{parsed.layer}]}}_{{{indices}}}"
    elif (match := _SIMPLE_LABEL.match(base)) is not None:
        latex = match["base"] + (f"_{{{match['index']}}}" if match["index"] else "")
    else:
        latex = rf"\mathrm{{{_chinese_as_text(latex_escape(base))}}}"
    return rf"{{{latex}}}\langle {copy}\rangle" if copy else latex


_MATH_ESCAPES = {
    "\\": r"\backslash{}",
    "{": r"\{",
    "}": r"\}",
    "^": r"\text{\textasciicircum}",
    "~": r"\text{\textasciitilde}",
    **{character: "\\" + character for character in "_#%&$"},
}


def _chinese_as_text(latex: str) -> str:
    """Chinese characters in math as ``\\text{…}``, where ctex sets them (math fonts have no CJK glyphs)."""
    return re.sub(f"{_CHINESE}+", lambda match: rf"\text{{{match[0]}}}", latex)


def latex_escape(text: str) -> str:
    """`text` as inert LaTeX math for ``\\mathrm{...}``: every character TeX treats as special is escaped.

    A name such as ``\\input{/etc/passwd}`` is then printed, never run: the
    backslash becomes ``\\backslash``, braces ``\\{ \\}``, and ``_ # % & $ ^ ~``
    their escaped forms (``\\text`` needs amsmath, which every document here loads).
    """
    return re.sub(r"[\\{}^~_#%&$]", lambda match: _MATH_ESCAPES[match[0]], text)


# Formulas are written for reading in a terminal (∂C/∂w[2]_13, σ(a)·(1 − σ(a)), Σ_j …);
# `text_to_latex` turns them into LaTeX math.
_LATEX_SYMBOLS = {
    "∂": r"\partial ",
    "·": r"\cdot ",
    "×": r"\times ",
    "−": "-",
    "←": r"\leftarrow ",
    "→": r"\rightarrow ",
    "≈": r"\approx ",
    "≤": r"\le ",
    "≥": r"\ge ",
    "²": "^{2}",
    "½": r"\frac{1}{2}",
    "…": r"\dots ",
    "σ": r"\sigma ",
    "α": r"\alpha ",
    "δ": r"\delta ",
    "ε": r"\varepsilon ",
    "Σ": r"\sum ",
    "β": r"\beta ",
    "γ": r"\gamma ",
    "η": r"\eta ",
    "θ": r"\theta ",
    "λ": r"\lambda ",
    "μ": r"\mu ",
    "ρ": r"\rho ",
    "τ": r"\tau ",
    "√": r"\surd ",
    "ᵗ": "^{t}",
    "ᵀ": r"^{\top}",
    "⊙": r"\odot ",
    "′": "'",
    "Δ": r"\Delta ",
    "₂": "_{2}",
    "₁": "_{1}",
    "ₙ": "_{n}",
    "ᵢ": "_{i}",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ", "0123456789n")
_ACCENTS = {"\u0302": r"\hat", "\u0304": r"\bar"}
_LATEX_FUNCTIONS = {"tanh", "ln", "sin", "cos", "exp", "max", "min", "log"}
_LATEX_OPERATORS = {"softmax", "relu", "leaky_relu", "softplus", "logsumexp", "sign", "clamp"}
_OPERATOR_NAMES = "|".join(sorted(_LATEX_FUNCTIONS | _LATEX_OPERATORS, key=len, reverse=True))
_NAME = (
    r"(?:[wbzaδ]\[[^\]]+\](?:_[A-Za-z0-9]+(?:,[A-Za-z0-9]+)?)?|[WZAΔ]\[[^\]]+\]"
    r"|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)?)"
)
_WORD = r"[A-Za-z]{2,}(?:'s)?"
# Chinese words and punctuation (curly quotes, CJK punctuation and ideographs, full-width forms): text, set by ctex.
_CHINESE = "[\u2018-\u201f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
_LATEX_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<fraction>∂(?P<numerator>{_NAME})/∂(?P<denominator>{_NAME}))",
            r"(?P<network>(?P<kind>[wbzaδ])\[(?P<layer>[^\]]+)\](?:_(?P<indices>[A-Za-z0-9]+(?:,[A-Za-z0-9]+)?))?)",
            r"(?P<whole>(?P<symbol_of_layer>[WZAΔ])\[(?P<whole_layer>[^\]]+)\])",
            r"(?P<sum>Σ_(?P<over>[A-Za-z]))",
            r"(?P<example>⁽(?P<which>[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ]+)⁾)",
            r"(?P<accent>(?P<accented>[A-Za-z])(?P<mark>[\u0302\u0304]))",
            r"(?P<sqrt>√(?:\((?P<group>[^()]*)\)|(?P<radicand>\d+(?:\.\d+)?(?:e[-+]\d+)?|\w[\u0302\u0304]?)))",
            r"(?P<number>\d+(?:\.\d+)?(?:e[-+]\d+)?)",
            r"(?P<indexed>(?P<base>[A-Za-z])_(?:\{(?P<braced>[^}]*)\}|(?P<index>[A-Za-z0-9]+)))",
            rf"(?P<operator>\b(?:{_OPERATOR_NAMES})\b)",
            r"(?P<identifier>[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+)",
            # words of prose inside a formula ("b enters z by addition"), an article "a" between two of them
            rf"(?P<phrase>{_WORD}(?: (?:{_WORD}|a(?= {_WORD})))*[,;:]?)",
            r"(?P<letter>[A-Za-z])(?P<digits>\d*)",
            r"(?P<special>[#%&$\\{}~])",
            r"(?P<space>\s{2,})",
            rf"(?P<chinese>{_CHINESE}+)",
            r"(?P<symbol>[^\x00-\x7f])",
        ]
    )
)


DISPLAY_LINE_WIDTH = 96
"""How wide (in digit widths, about 5 pt each) a line of displayed math may be on a page with 2 cm margins.

Measured: lines estimated by `display_width` overflowed from about 110 on."""


def display_width(text: str) -> float:
    """About how wide the formula `text` is when typeset as displayed math, in digit widths (about 5 pt).

    Network names and ∂/∂ fractions take less room on paper than in text
    (indices are small and stacked; a fraction is as wide as its longer part).
    """

    def name_width(match: re.Match[str]) -> str:
        layer, indices = match["layer"], match["indices"] or ""
        return "n" * math.ceil(1 + 0.75 * max(len(layer) + 2, len(indices)))

    def fraction_width(match: re.Match[str]) -> str:
        return "f" * math.ceil(1.5 + max(len(match[1]), len(match[2])))

    squeezed = re.sub(r"[wbzaδ]\[(?P<layer>[^\]]+)\](?:_(?P<indices>[A-Za-z0-9,]+))?", name_width, text)
    squeezed = re.sub(r"∂(\S+?)/∂(\S+)", fraction_width, squeezed)
    return len(squeezed)


def text_to_latex(text: str, prose: bool = False) -> str:
    """A formula as written in text output (``∂C/∂w[2]_13 = δ[2]_1 · a[1]_3``) as LaTeX math.

    Words of prose inside the formula ("b enters z by addition") are set
    upright with their spaces (``\\text{...}``), function names as operators.
    With ``prose=True`` the text is a sentence with formulas in it instead
    (see `prose_to_latex`). Raises ValueError for a character it has no LaTeX
    for, so output never silently loses a symbol.
    """
    text = unicodedata.normalize("NFD", text)  # ḡ, ṽ: a letter and its combining accent
    if prose:
        return prose_to_latex(text)
    latex = _LATEX_TOKEN.sub(_latex_token, text)
    # a^(b−1) → a^{b-1}: a parenthesised exponent must be one group
    return re.sub(r"\^\(([^()]*)\)", r"^{\1}", latex)


def contains_chinese(text: str) -> bool:
    """Whether `text` has Chinese words or punctuation in it (which are always prose, never formula)."""
    return re.search(_CHINESE, text) is not None


def prose_segments(text: str) -> list[tuple[bool, str]]:
    """`text` cut into runs of prose and runs of formula, as ``(is_formula, run)`` pairs in order.

    A word of two letters or more (with its punctuation and brackets), a name
    of code (``loss.backward()``), an arrow, or an "a" between two words, is
    prose; a whole number takes the side of the word before it; anything else
    (``z[l]_k``, ``=``, ``−0.5``, ``∂C/∂w``) is formula. A formula run is
    trimmed to itself: spaces, punctuation after it and a bracket it does not
    open go to the prose around it. Joining the runs gives `text` back.
    """
    segments: list[tuple[bool, str]] = []
    # Chinese words and punctuation are prose however they touch a formula (no space before 'C = ½ Σ_k ...').
    for index, part in enumerate(re.split(f"({_CHINESE}+)", text)):
        if index % 2:
            pieces = [(False, part)]
        else:
            tokens = re.split(r"(\s+)", part)
            pieces = []
            for is_formula, run in _runs(tokens, _token_kinds(tokens)):
                pieces += _trimmed(run) if is_formula else [(False, run)]
        for kind, piece in pieces:
            if not piece:
                continue
            if segments and segments[-1][0] == kind:
                segments[-1] = (kind, segments[-1][1] + piece)
            else:
                segments.append((kind, piece))
    return segments


def _token_kinds(tokens: list[str]) -> list[bool | None]:
    """For each token: True (formula), False (prose) or None (spaces), by the rules of `prose_segments`."""
    kinds: list[bool | None] = [None if not token or token.isspace() else _is_formula(token) for token in tokens]
    words = [i for i, kind in enumerate(kinds) if kind is not None]
    for position, i in enumerate(words):
        if tokens[i] in ("a", "A"):  # the article between two words, else the variable a
            neighbours = [kinds[words[p]] for p in (position - 1, position + 1) if 0 <= p < len(words)]
            kinds[i] = neighbours != [False, False]
        elif re.fullmatch(r"\d+[,;:.)]?", tokens[i]):
            kinds[i] = position > 0 and bool(kinds[words[position - 1]])
    return kinds


def _runs(tokens: list[str], kinds: list[bool | None]) -> list[tuple[bool, str]]:
    """Consecutive tokens of one kind joined into runs; spaces join the run before them."""
    runs: list[tuple[bool, str]] = []
    for token, kind in zip(tokens, kinds):
        if kind is None or (runs and runs[-1][0] == kind):
            is_formula, run = runs.pop() if runs else (False, "")
            runs.append((is_formula, run + token))
        else:
            runs.append((kind, token))
    return runs


def _trimmed(run: str) -> list[tuple[bool, str]]:
    """A formula run as (prose before, formula, prose after): spaces, end punctuation, unopened brackets move out."""
    formula = run.strip()
    head, tail = run[: len(run) - len(run.lstrip())], run[len(run.rstrip()) :]
    while formula and (formula[-1] in ",;:." or (formula[-1] == ")" and formula.count(")") > formula.count("("))):
        formula, tail = formula[:-1], formula[-1] + tail
    while formula.startswith("(") and formula.count("(") > formula.count(")"):
        formula, head = formula[1:], head + "("
    return [(False, head), (True, formula), (False, tail)]


def _is_formula(token: str) -> bool:
    core = token.strip("([\"'").rstrip(")]\"',;:.!?")
    word = re.fullmatch(r"[A-Za-z]{2,}(?:['_-][A-Za-z]+)*", core)  # half_sse, leaky_relu: names, set as text
    code = re.fullmatch(r"[A-Za-z_]*(?:\.[A-Za-z_]+)+(?:\(\))?(?:'s)?|[A-Za-z_]+\(\)(?:'s)?", core)
    return not (word or code or core in ("→", "←"))


def prose_to_latex(text: str) -> str:
    """A sentence with formulas in it as LaTeX text: prose escaped, each formula run as ``$...$`` math.

    Chinese runs stay text outside the math (ctex sets them and breaks lines between their characters).
    """
    parts = re.split(f"({_CHINESE}+)", text)
    return "".join(part if index % 2 else _mixed_prose_to_latex(part) for index, part in enumerate(parts) if part)


def _mixed_prose_to_latex(text: str) -> str:
    # a line may break after each comma of a long vector such as [0.25, -1, ...]
    return "".join(
        "$" + text_to_latex(run).replace(", ", r",\allowbreak ") + "$" if is_formula else text_escape(run)
        for is_formula, run in prose_segments(text)
    )


def text_escape(text: str) -> str:
    """Plain text with every character LaTeX treats as special escaped, for use outside math mode."""
    return re.sub(
        rf"⁽[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ]+⁾|[A-Za-z][\u0302\u0304]|(?!{_CHINESE})[^\x00-\x7f]|[_#%&${{}}^~\\|<>]", _prose_character, text
    )  # Chinese stays as it is: ctex sets it


def _latex_token(match: re.Match[str]) -> str:
    if match["fraction"]:
        numerator, denominator = text_to_latex(match["numerator"]), text_to_latex(match["denominator"])
        return rf"\frac{{\partial {numerator}}}{{\partial {denominator}}}"
    if match["network"]:
        kind = r"\delta" if match["kind"] == "δ" else match["kind"]
        indices = f"_{{{match['indices']}}}" if match["indices"] else ""
        name = f"{kind}^{{[{text_to_latex(match['layer'])}]}}{indices}"
        # squared, the name goes in parentheses: a², set after a^{[1]}_k, would read as a power of [1]
        return f"({name})" if match.string.startswith("²", match.end()) else f"{{{name}}}"
    if match["whole"]:
        symbol = match["symbol_of_layer"]
        kind = _LATEX_SYMBOLS[symbol].strip() if symbol in _LATEX_SYMBOLS else symbol
        return f"{{{kind}^{{[{text_to_latex(match['whole_layer'])}]}}}}"
    if match["sum"]:
        return rf"\sum_{{{match['over']}}}"
    if match["sqrt"]:
        radicand = match["group"] if match["group"] is not None else match["radicand"]
        return rf"\sqrt{{{text_to_latex(radicand)}}}"
    if match["example"]:
        return f"^{{({match['which'].translate(_SUPERSCRIPTS)})}}"
    if match["accent"]:
        return rf"{_ACCENTS[match['mark']]}{{{match['accented']}}}"
    if match["number"]:
        mantissa, _, exponent = match["number"].partition("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}" if exponent else mantissa
    if match["indexed"]:
        index = match["braced"] if match["braced"] is not None else match["index"]
        return f"{{{match['base']}_{{{index}}}}}"
    if match["operator"]:
        word = match["operator"]
        return f"\\{word} " if word in _LATEX_FUNCTIONS else rf"\operatorname{{{latex_escape(word)}}}"
    if match["identifier"]:
        return rf"\mathrm{{{latex_escape(match['identifier'])}}}"
    if match["phrase"]:
        # a space to a neighbouring letter or number; next to an operator, math mode spaces it already
        text, operators = match.string, "=+−-×·<>≤≥←→"
        left, right = text[: match.start()], text[match.end() :]
        before = " " if left.endswith(" ") and left.rstrip()[-1:] not in operators else ""
        after = " " if right.startswith(" ") and right.lstrip()[:1] not in operators else ""
        return rf"\text{{{before}{match['phrase']}{after}}}"
    if match["letter"]:
        digits = match["digits"]
        return f"{{{match['letter']}" + (f"_{{{digits}}}" if digits else "") + "}"
    if match["special"]:
        return latex_escape(match["special"])
    if match["space"]:
        return r"\quad "
    if match["chinese"]:
        return _chinese_as_text(match["chinese"])
    return _latex_symbol(match["symbol"])


def _latex_symbol(character: str) -> str:
    if character not in _LATEX_SYMBOLS:
        raise ValueError(f"no LaTeX for the character {character!r}; add it to autograd.latex._LATEX_SYMBOLS")
    return _LATEX_SYMBOLS[character]


def _prose_character(match: re.Match[str]) -> str:
    character = match[0]
    if len(character) > 1:  # an example index ⁽ⁿ⁾ or an accented letter m̂
        return f"${text_to_latex(character)}$"
    if character in "_#%&${}":
        return "\\" + character
    if character in "|<>":
        return f"${character}$"
    if character in "^~\\":
        return {"^": r"\^{}", "~": r"\~{}", "\\": r"\textbackslash{}"}[character]
    return f"${_latex_symbol(character)}$"
