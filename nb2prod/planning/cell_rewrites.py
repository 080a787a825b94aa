"""What the rewrites of cell text before planning share (`late_defaults`,
`metric_bindings`, `inline_settings`, `function_versions`, `star_imports`): the lines
they must not touch, renaming a global where it is read, and the notebook with the
cells they rewrote."""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

#: A text edit of a cell: (line, start byte, end byte, the new text).
Edit = tuple[int, int, int, str]


class Rewritten(NamedTuple):
    """What one rewrite changed: the notebook, and what the plan must know of it."""

    notebook: Notebook
    warnings: tuple[Warning, ...] = ()
    result: str | None = None  # the name now holding the value the notebook ends on


def ipython_lines(item: ParsedCell) -> set[int]:
    """Lines holding IPython syntax (or IPython's input clean-up): their columns in
    the parsed Python are not those of the cell's text, so no rewrite edits them."""
    return {
        line
        for fact in item.translation.syntax
        for line in range(fact.span.line, fact.span.end_line + 1)
    }


def with_sources(notebook: Notebook, sources: dict[int, str]) -> Notebook:
    """`notebook` with the cells in `sources` (by index) holding their new text."""
    cells = tuple(
        cell._replace(source=sources[cell.index]) if cell.index in sources else cell
        for cell in notebook.cells
    )
    return notebook._replace(cells=cells)


def global_reference_edits(statement: ast.stmt, current: dict[str, str]) -> list[Edit]:
    """Edits renaming each load of a name in `current` (name -> new name) in the
    statement that refers to the notebook's global, not to a local of a function
    that binds the same name."""
    edits = []
    pending: list[tuple[ast.AST, frozenset[str]]] = [(statement, frozenset())]
    while pending:
        node, local = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local = local | bound_in(node)
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in current
            and node.id not in local
            and current[node.id] != node.id
        ):
            edits.append(
                (node.lineno, node.col_offset, node.end_col_offset, current[node.id])
            )
        pending.extend((child, local) for child in ast.iter_child_nodes(node))
    return edits  # type: ignore[return-value]


def bound_in(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set:
    """Names a function binds itself: its parameters and the names it assigns."""
    names = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    body = function.body if isinstance(function.body, list) else [function.body]
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def edited_source(item: ParsedCell, edits: list[Edit]) -> str | None:
    """The cell's source with the edits applied; None when an edit falls on a line
    with IPython syntax (its columns are the translation's, not the source's)."""
    magic_lines = {
        line
        for fact in item.translation.syntax
        for line in range(fact.span.line, fact.span.end_line + 1)
    }
    if any(line in magic_lines for line, *_ in edits):
        return None
    lines = [content + ending for content, ending in split_lines(item.cell.source)]
    for line, start, end, name in sorted(set(edits), reverse=True):
        raw = lines[line - 1].encode("utf-8")
        lines[line - 1] = (raw[:start] + name.encode() + raw[end:]).decode("utf-8")
    return "".join(lines)


def edited_notebook(
    notebook: Notebook, cells: dict[int, ParsedCell], edits: dict[int, list[Edit]]
) -> Notebook | None:
    """`notebook` with each cell's edits (by cell index) applied, all or nothing:
    None when one falls on IPython syntax (a half-edited notebook would not run)."""
    sources = {}
    for index, cell_edits in edits.items():
        source = edited_source(cells[index], cell_edits)
        if source is None:
            return None
        sources[index] = source
    return with_sources(notebook, sources)
