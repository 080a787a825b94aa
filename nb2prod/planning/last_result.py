"""IPython's `_` (the last displayed value) made an ordinary variable.

In a notebook, `x = _ * 2` reads whatever the most recent cell displayed. A package has
no display history, so before planning, the cell that displayed the value binds it:
`opt.brentq(f, 0, 1)` becomes `_ = opt.brentq(f, 0, 1)` followed by `_` (still
displayed, so still logged), and the dataflow then passes `_` to the cell that reads it
like any other variable.
"""

from __future__ import annotations

import ast

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.reading.notebook import Cell, Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

LAST = "_"


def bind_last_results(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Notebook | None:
    """The notebook with `_ = ...` added where a later cell reads `_` that no cell
    defines, or None when nothing needs it."""
    by_index = {item.cell.index: item for item in parsed}
    displayed: int | None = None  # the latest cell whose last expression displays
    defined = False
    sources: dict[int, str] = {}
    for cell in facts.cells:
        if LAST in cell.builtins_read and not defined and displayed is not None:
            rewritten = _bind(by_index[displayed])
            if rewritten is not None:
                sources[displayed] = rewritten
        if LAST in cell.defines:
            defined = True
        if cell.display_expression is not None:
            displayed = cell.index
    if not sources:
        return None
    cells = tuple(
        _with_source(cell, sources[cell.index]) if cell.index in sources else cell
        for cell in notebook.cells
    )
    return notebook._replace(cells=cells)


def _bind(item: ParsedCell) -> str | None:
    """The cell's source with its displayed expression assigned to `_` and shown."""
    tree = item.tree
    if tree is None or not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    statement = tree.body[-1]
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    if any(first <= fact.span.line <= last for fact in item.translation.syntax):
        return (
            None  # IPython syntax in the expression: its columns are not the source's
        )
    lines = [content + ending for content, ending in split_lines(item.cell.source)]
    text = lines[first - 1]
    column = len(text.encode("utf-8")[: statement.col_offset].decode("utf-8"))
    lines[first - 1] = f"{text[:column]}{LAST} = {text[column:]}"
    if not lines[last - 1].endswith("\n"):
        lines[last - 1] += "\n"
    lines.insert(last, f"{LAST}\n")
    return "".join(lines)


def _with_source(cell: Cell, source: str) -> Cell:
    return cell._replace(source=source)
