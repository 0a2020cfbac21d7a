"""Formulas as the terminal output writes them (``∂C/∂w[2]_13 = δ[2]_1 · a[1]_3``), turned into LaTeX math.

`text_to_latex` reads the notation every derivation prints (network names,
∂/∂ fractions, Σ_j, Greek letters, numbers such as ``2.04e-07``) and writes the
LaTeX for it, so that `autograd.explain` and `nn.derive` keep one text form of
each formula and derive their LaTeX from it; `latex_label` does the same for a
single node label.
"""

from __future__ import annotations

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
_LATEX_FUNCTIONS = {"tanh", "ln", "sin", "cos", "exp", "max"}
_LATEX_WORDS = {"if", "else", "at", "with", "for", "of", "since"}
_NAME = r"(?:[wbzaδ]\[[^\]]+\]_[A-Za-z0-9]+(?:,[A-Za-z0-9]+)?|[WZAΔwbza]\[[^\]]+\]|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)?)"
# Chinese words and punctuation (curly quotes, CJK punctuation and ideographs, full-width forms): text, set by ctex.
_CHINESE = "[\u2018-\u201f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
_LATEX_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<fraction>∂(?P<numerator>{_NAME})/∂(?P<denominator>{_NAME}))",
            r"(?P<network>(?P<kind>[wbzaδ])\[(?P<layer>[^\]]+)\]_(?P<indices>[A-Za-z0-9]+(?:,[A-Za-z0-9]+)?))",
            r"(?P<whole>(?P<symbol_of_layer>[WZAΔδazb])\[(?P<whole_layer>[^\]]+)\])",
            r"(?P<sum>Σ_(?P<over>[A-Za-z]))",
            r"(?P<example>⁽(?P<which>[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ]+)⁾)",
            r"(?P<accent>(?P<letter>[A-Za-z])(?P<mark>[\u0302\u0304]))",
            r"(?P<sqrt>√(?:\((?P<group>[^()]*)\)|(?P<radicand>\d+(?:\.\d+)?(?:e[-+]\d+)?|\w[\u0302\u0304]?)))",
            r"(?P<number>\d+(?:\.\d+)?(?:e[-+]\d+)?)",
            r"(?P<indexed>(?P<base>[A-Za-z])_(?:\{(?P<braced>[^}]*)\}|(?P<index>[A-Za-z0-9]+)))",
            r"(?P<word>[A-Za-z][A-Za-z_]*[A-Za-z]|[A-Za-z])(?P<digits>\d*)",
            r"(?P<special>[#%&$\\{}~])",
            r"(?P<space>\s{2,})",
            rf"(?P<chinese>{_CHINESE}+)",
            r"(?P<symbol>[^\x00-\x7f])",
        ]
    )
)


def text_to_latex(text: str, prose: bool = False) -> str:
    """A formula as written in text output (``∂C/∂w[2]_13 = δ[2]_1 · a[1]_3``) as LaTeX math.

    With ``prose=True`` the text is a sentence instead: LaTeX's special
    characters are escaped and each non-ASCII symbol becomes inline math.
    Raises ValueError for a character it has no LaTeX for, so output never
    silently loses a symbol.
    """
    text = unicodedata.normalize("NFD", text)  # ḡ, ṽ: a letter and its combining accent
    if prose:
        return re.sub(
            rf"⁽[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ]+⁾|[A-Za-z][\u0302\u0304]|(?!{_CHINESE})[^\x00-\x7f]|[_#%&$|{{}}^~\\]", _prose_character, text
        )
    latex = _LATEX_TOKEN.sub(_latex_token, text)
    # a^(b−1) → a^{b-1}: a parenthesised exponent must be one group
    return re.sub(r"\^\(([^()]*)\)", r"^{\1}", latex)


def _latex_token(match: re.Match[str]) -> str:
    if match["fraction"]:
        numerator, denominator = text_to_latex(match["numerator"]), text_to_latex(match["denominator"])
        return rf"\frac{{\partial {numerator}}}{{\partial {denominator}}}"
    if match["network"]:
        kind = r"\delta" if match["kind"] == "δ" else match["kind"]
        return f"{{{kind}^{{[{text_to_latex(match['layer'])}]}}_{{{match['indices']}}}}}"
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
        return rf"{_ACCENTS[match['mark']]}{{{match['letter']}}}"
    if match["number"]:
        mantissa, _, exponent = match["number"].partition("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}" if exponent else mantissa
    if match["indexed"]:
        index = match["braced"] if match["braced"] is not None else match["index"]
        return f"{{{match['base']}_{{{index}}}}}"
    if match["word"]:
        word, digits = match["word"], match["digits"]
        subscript = f"_{{{digits}}}" if digits else ""
        if len(word) == 1:
            return f"{{{word}{subscript}}}"
        if word in _LATEX_FUNCTIONS:
            return f"\\{word} "
        if word in _LATEX_WORDS:
            return rf"\text{{ {word} }}"
        return rf"\mathrm{{{latex_escape(word)}}}{subscript}"
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
    if character == "|":
        return "$|$"
    if character in "^~\\":
        return {"^": r"\^{}", "~": r"\~{}", "\\": r"\textbackslash{}"}[character]
    return f"${_latex_symbol(character)}$"
