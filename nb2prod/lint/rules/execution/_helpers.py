"""Shared by the execution rules: which code cells ran, and which hold any code."""

from __future__ import annotations

import ast
import re

from nb2prod.lint.context import RuleContext
from nb2prod.reading.notebook import Cell

_COMMENT_OR_BLANK = re.compile(r"\s*(#[^\n]*)?")


def executed(ctx: RuleContext) -> list[Cell]:
    """Code cells with an execution count, in document order. Kernels count from 1;
    a count below that (some tools write 0) is not a run, nor is a missing one. A blank
    cell's count is stale (Jupyter does not run an empty cell): it had code once."""
    return [
        cell
        for cell in ctx.code_cells
        if (cell.execution_count or 0) >= 1 and cell.source.strip()
    ]


def ran(cell: Cell) -> bool:
    """Whether the cell ran: it shows a count, or outputs (some tools drop counts)."""
    return cell.execution_count is not None or bool(cell.outputs)


def has_code(ctx: RuleContext, cell: Cell) -> bool:
    """Whether running the cell would do anything: not blank, not only comments, not
    only a string (a note written as a literal)."""
    parsed = ctx.parsed_cell(cell.index)
    if parsed is not None and parsed.tree is not None:
        return any(not _only_text(statement) for statement in parsed.tree.body)
    return any(
        not _COMMENT_OR_BLANK.fullmatch(line) for line in cell.source.splitlines()
    )


def _only_text(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
