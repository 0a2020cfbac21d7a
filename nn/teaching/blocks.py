"""The pieces a derivation is laid out in: blocks of equations, remarks and tables, and how a table reads.

`nn.teaching.render` builds a step's blocks and writes them as text, Markdown
or LaTeX; the blocks of training regimes (`nn.teaching.regime_blocks`) and of
the matrix form (`nn.teaching.matrix_form`) are built from the same pieces.
A table too wide for the page is cut into several, each repeating the first
column, so that every row can still be read across.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from autograd.i18n import Catalog, current_language
from autograd.views.explain import TERMINAL_WIDTH, align_columns, format_number, pad, terminal_width
from autograd.views.latex import text_escape, text_to_latex
from autograd.views.markdown import code_span

_ = Catalog("nn")

LATEX_TABLE_COLUMNS = 7
"""A LaTeX table has at most this many columns (the first repeated); wider ones are cut."""


@dataclass(frozen=True)
class Equation:
    """``lhs = formula = numbers = value``; empty parts are left out."""

    lhs: str
    formula: str
    numbers: str
    value: str
    relation: str = "="


@dataclass(frozen=True)
class Table:
    """Rows of cells under a header; the first column names the row (an example, a step)."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class MatrixEquation:
    """A formula written with matrices: text parts and matrices (rows of numbers) side by side."""

    parts: list[str | list[list[float]]]


@dataclass
class Block:
    """A titled group of equations, with the general formulas it applies first, then remarks and tables."""

    title: str
    formulas: list[str] = field(default_factory=list)
    equations: list[Equation] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    matrices: list[MatrixEquation] = field(default_factory=list)


def table_text(table: Table, indent: str = "    ") -> list[str]:
    """The table as aligned columns (numbers right-aligned), cut into parts that fit `TERMINAL_WIDTH`.

    Widths are terminal columns, so a Chinese header (two columns a character) lines up with the numbers.
    """
    lines: list[str] = []
    for part in _parts(table, lambda columns: len(indent) + sum(columns) + 2 * (len(columns) - 1) <= TERMINAL_WIDTH):
        if lines:
            lines.append("")
        right = range(1, len(part.header))
        lines += align_columns([part.header, *part.rows], indent=indent, right=right, separator="  ")
    return lines


def table_markdown(table: Table) -> list[str]:
    """The table as one Markdown table (formulas in the header as code spans)."""
    lines = [
        "| " + " | ".join(code_span(cell) if cell else "" for cell in table.header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(table.header) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return lines


def table_latex(table: Table) -> list[str]:
    """The table as ``tabular`` environments of at most `LATEX_TABLE_COLUMNS` columns, every cell in math."""
    parts = []
    for part in _parts(table, lambda columns: len(columns) <= LATEX_TABLE_COLUMNS):
        rows = [" & ".join(_latex_cell(cell) for cell in row) for row in [part.header, *part.rows]]
        parts += [
            r"\par\noindent{\small\begin{tabular}{l" + "r" * (len(part.header) - 1) + "}",
            rows[0] + r" \\ \hline",
            " \\\\\n".join(rows[1:]),
            r"\end{tabular}}\par\medskip",
        ]
    return parts


def _latex_cell(cell: str) -> str:
    """A table cell in math mode; '—' (no number: a run that diverged earlier) as a text dash."""
    if cell == "—":
        return r"\text{---}"
    return f"${text_to_latex(cell)}$" if cell else ""


def _parts(table: Table, fits: Callable[[list[int]], bool]) -> list[Table]:
    """The table cut by columns into tables that `fits` (given the column widths), each keeping column 0."""
    widths = [max(terminal_width(cell) for cell in column) for column in zip(table.header, *table.rows)]
    parts: list[Table] = []
    start = 1
    while start < len(widths) or not parts:
        end = start + 1
        while end < len(widths) and fits([widths[0], *widths[start : end + 1]]):
            end += 1
        columns = [0, *range(start, min(end, len(widths)))]
        parts.append(Table([table.header[c] for c in columns], [[row[c] for c in columns] for row in table.rows]))
        start = end
    return parts


def latex_document(body: list[str]) -> str:
    """`body` (LaTeX lines) as a complete document: article (in Chinese ctexart, for XeLaTeX), amsmath, 2 cm margins."""
    preamble = [latex_document_class(), r"\usepackage{amsmath}", r"\usepackage[margin=2cm]{geometry}"]
    return "\n".join([*preamble, r"\begin{document}", *body, r"\end{document}"]) + "\n"


def latex_document_class() -> str:
    """``\\documentclass{article}``, or in Chinese ``\\documentclass{ctexart}`` (compiled with XeLaTeX)."""
    return r"\documentclass{ctexart}" if current_language() == "zh" else r"\documentclass{article}"


def matrix_equation_text(equation: MatrixEquation, indent: str = "    ") -> list[str]:
    """The parts side by side, each centred on the others' middle line; a new row where `TERMINAL_WIDTH` is reached.

    A matrix too wide for a line by itself is written in slices of columns,
    one slice a row, each labelled with its columns.
    """
    room = TERMINAL_WIDTH - len(indent) - 4
    pieces: list[list[str]] = []
    for part in equation.parts:
        if isinstance(part, str):
            pieces.append([part])
        else:
            pieces += _matrix_slices(part, room)
    rows: list[list[list[str]]] = [[]]
    width = len(indent)
    for piece in pieces:
        piece_width = max(terminal_width(line) for line in piece) + 1
        if rows[-1] and width + piece_width > TERMINAL_WIDTH:
            rows.append([])
            width = len(indent) + 4
        rows[-1].append(piece)
        width += piece_width
    lines: list[str] = []
    for number, row in enumerate(rows):
        height = max(len(piece) for piece in row)
        grid = [indent + ("    " if number else "")] * height
        for piece in row:
            top = (height - len(piece)) // 2
            piece_width = max(terminal_width(line) for line in piece)
            for i in range(height):
                text = piece[i - top] if 0 <= i - top < len(piece) else ""
                grid[i] += pad(text, piece_width) + " "
        lines += [line.rstrip() for line in grid]
    return lines


LATEX_MATRIX_ROOM = 80
"""A displayed line of a matrix formula holds about this many characters (digits, signs, column gaps) of the page."""


def matrix_equation_latex(equation: MatrixEquation) -> list[str]:
    """The parts as one displayed formula (``gather*``), matrices in brackets; long ones over several lines.

    A matrix too wide for the page is written in labelled slices of columns,
    as in the text form, and a new line starts where the next piece would
    pass `LATEX_MATRIX_ROOM`.
    """
    pieces: list[tuple[str, int]] = []
    for part in equation.parts:
        if isinstance(part, str):
            pieces.append((text_to_latex(part), len(part)))
            continue
        slices = _column_slices(part, LATEX_MATRIX_ROOM)
        for start, end in slices:
            columns = [row[start:end] for row in part]
            if len(slices) > 1:
                label = text_escape(_columns_label(start, end).replace("–", "--"))
                pieces.append((rf"\text{{{label}}}", 16))
            pieces.append((_matrix_latex(columns), len(_matrix_text(columns)[0])))
    width = 0
    current: list[str] = []
    groups: list[list[str]] = [current]
    for latex, piece_width in pieces:
        if current and width + piece_width > LATEX_MATRIX_ROOM:
            current = []
            groups.append(current)
            width = 0
        current.append(latex)
        width += piece_width + 2
    return [r"\begin{gather*}", " \\\\\n".join(r"\quad ".join(group) for group in groups), r"\end{gather*}"]


def _column_slices(matrix: list[list[float]], room: int) -> list[tuple[int, int]]:
    """The column ranges (start, end) a matrix is written in: all its columns, or slices that each fit in `room`."""
    columns = len(matrix[0])
    if len(_matrix_text(matrix)[0]) <= room:
        return [(0, columns)]
    cell = max(len(format_number(v)) for row in matrix for v in row) + 2
    per_slice = max(1, (room - 16) // cell)
    return [(start, min(start + per_slice, columns)) for start in range(0, columns, per_slice)]


def _matrix_slices(matrix: list[list[float]], room: int) -> list[list[str]]:
    """The matrix as one text piece, or as labelled slices of columns that each fit in `room` characters."""
    slices = _column_slices(matrix, room)
    if len(slices) == 1:
        return [_matrix_text(matrix)]
    pieces = []
    for start, end in slices:
        pieces.append([_columns_label(start, end)])
        pieces.append(_matrix_text([row[start:end] for row in matrix]))
    return pieces


def _columns_label(start: int, end: int) -> str:
    """``(columns 3–5)``: the label of the slice of a wide matrix from column start + 1 to end."""
    return _("(columns {first}–{last})").format(first=start + 1, last=end)


def _matrix_text(matrix: list[list[float]]) -> list[str]:
    """A matrix as lines between brackets, the numbers right-aligned in columns."""
    cells = [[format_number(v) for v in row] for row in matrix]
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    body = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in cells]
    if len(body) == 1:
        return [f"[ {body[0]} ]"]
    left = ["⎡", *["⎢"] * (len(body) - 2), "⎣"]
    right = ["⎤", *["⎥"] * (len(body) - 2), "⎦"]
    return [f"{l} {line} {r}" for l, line, r in zip(left, body, right)]


def _matrix_latex(matrix: list[list[float]]) -> str:
    rows = " \\\\ ".join(" & ".join(text_to_latex(format_number(v)) for v in row) for row in matrix)
    columns = "r" * len(matrix[0])  # an array, not bmatrix: bmatrix stops at 10 columns
    return rf"\left[\begin{{array}}{{{columns}}} {rows} \end{{array}}\right]"
