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

from autograd.views.explain import TERMINAL_WIDTH
from autograd.views.latex import text_to_latex

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


@dataclass
class Block:
    """A titled group of equations, with the general formulas it applies first, then remarks and tables."""

    title: str
    formulas: list[str] = field(default_factory=list)
    equations: list[Equation] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def table_text(table: Table, indent: str = "    ") -> list[str]:
    """The table as aligned columns (numbers right-aligned), cut into parts that fit `TERMINAL_WIDTH`."""
    lines: list[str] = []
    for part in _parts(table, lambda columns: len(indent) + sum(columns) + 2 * (len(columns) - 1) <= TERMINAL_WIDTH):
        widths = [max(len(cell) for cell in column) for column in zip(part.header, *part.rows)]
        if lines:
            lines.append("")
        for row in [part.header, *part.rows]:
            cells = [cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths))]
            lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def table_markdown(table: Table) -> list[str]:
    """The table as one Markdown table (formulas in the header as code spans)."""
    lines = [
        "| " + " | ".join(f"`{cell}`" if cell else "" for cell in table.header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(table.header) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return lines


def table_latex(table: Table) -> list[str]:
    """The table as ``tabular`` environments of at most `LATEX_TABLE_COLUMNS` columns, every cell in math."""
    parts = []
    for part in _parts(table, lambda columns: len(columns) <= LATEX_TABLE_COLUMNS):
        rows = [" & ".join(f"${text_to_latex(cell)}$" if cell else "" for cell in row) for row in [part.header, *part.rows]]
        parts += [
            r"\par\noindent{\small\begin{tabular}{l" + "r" * (len(part.header) - 1) + "}",
            rows[0] + r" \\ \hline",
            " \\\\\n".join(rows[1:]),
            r"\end{tabular}}\par\medskip",
        ]
    return parts


def _parts(table: Table, fits: Callable[[list[int]], bool]) -> list[Table]:
    """The table cut by columns into tables that `fits` (given the column widths), each keeping column 0."""
    widths = [max(len(cell) for cell in column) for column in zip(table.header, *table.rows)]
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
    """`body` (LaTeX lines) as a complete document: article, amsmath, 2 cm margins."""
    preamble = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\usepackage[margin=2cm]{geometry}"]
    return "\n".join([*preamble, r"\begin{document}", *body, r"\end{document}"]) + "\n"
