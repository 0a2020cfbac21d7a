"""Text for Markdown (GitHub-flavoured): code spans that are safe in tables, and prose that stays inert."""

from __future__ import annotations

import re


def code_span(text: str, in_table: bool = True) -> str:
    """`text` as a code span, backticks fenced; '' stays ''. In a table cell (the default) ``|`` is escaped.

    In a GFM table an unescaped ``|`` ends the cell even inside a code span,
    so ``mean |δ[3]|`` is written ``mean \\|δ[3]\\|``, which shows as ``mean |δ[3]|``;
    outside a table the backslash would show, so there it stays ``|``.
    """
    if not text:
        return ""
    escaped = text.replace("|", "\\|") if in_table else text
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padding = " " if escaped.startswith("`") or escaped.endswith("`") else ""
    return f"{fence}{padding}{escaped}{padding}{fence}"


def markdown_text(text: str) -> str:
    """Plain text with Markdown's special characters escaped, so a name or title never becomes markup."""
    return re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)
