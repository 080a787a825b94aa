"""What the rewrites of cell text before planning share (`late_defaults`,
`metric_bindings`, `inline_settings`): the lines they must not touch, and the notebook
with the cells they rewrote."""

from __future__ import annotations

from nb2prod.notebook import Notebook
from nb2prod.parsing import ParsedCell


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
