"""Parse code cells: IPython translation, then CPython's parser, one cell at a time.

Each cell is parsed on its own so that a syntax error belongs to one cell and the rest
of the notebook is still analysed. A cell that is not Python even after its IPython
syntax is translated becomes a `SyntaxProblem` (data), never an exception.

Analysis reads the `ast` tree: CPython's parser is ten times faster than libcst's and
refuses the pathologically nested input on which libcst would take minutes. The libcst
tree, which keeps comments and formatting for rewriting code, is built on demand by
`cst_module` (only `convert` needs it).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, NamedTuple

from nb2prod.errors import CellSyntaxError
from nb2prod.magics import TranslatedCell, translate_cell
from nb2prod.notebook import Cell, CellKind, Notebook

if TYPE_CHECKING:
    import libcst


class SyntaxProblem(NamedTuple):
    """Why a code cell is not Python: where (1-based line, 0-based column) and what."""

    cell: int
    execution_count: int | None
    line: int
    column: int
    message: str


class ParsedCell(NamedTuple):
    """A code cell with its Python translation and either an `ast` tree or a problem."""

    cell: Cell
    translation: TranslatedCell
    problem: SyntaxProblem | None = None
    tree: ast.Module | None = None

    @property
    def parsed(self) -> bool:
        """Whether the cell's translation is Python."""
        return self.problem is None


TOO_NESTED = "too deeply nested to parse (Python's own parser gives up on it too)"


def parse_notebook(notebook: Notebook) -> tuple[ParsedCell, ...]:
    """Parse every code cell of `notebook`, in document order."""
    return tuple(
        parse_cell(cell) for cell in notebook.cells if cell.kind is CellKind.CODE
    )


def parse_cell(cell: Cell) -> ParsedCell:
    """Translate a code cell's IPython syntax and parse the result."""
    translation = translate_cell(cell.source)
    python = translation.python
    if "\0" in python:
        line = python.count("\n", 0, python.find("\0")) + 1
        return ParsedCell(
            cell, translation, _problem(cell, line, 0, "source contains a null byte")
        )
    try:
        tree = ast.parse(python)
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        if "too many nested" in message or "too complex" in message:
            message = TOO_NESTED
        column = max((error.offset or 1) - 1, 0)
        return ParsedCell(
            cell, translation, _problem(cell, error.lineno or 1, column, message)
        )
    except (RecursionError, MemoryError):
        return ParsedCell(cell, translation, _problem(cell, 1, 0, TOO_NESTED))
    except UnicodeEncodeError as error:  # a lone surrogate, e.g. "\ud800" in the JSON
        line = python.count("\n", 0, error.start) + 1
        message = f"source contains an invalid character {python[error.start]!r}"
        return ParsedCell(cell, translation, _problem(cell, line, 0, message))
    return ParsedCell(cell, translation, None, tree)


def cst_module(parsed: ParsedCell, path: str) -> libcst.Module:
    """The libcst tree of a parsed cell's translation, for rewriting it.

    Raises `CellSyntaxError` for a cell that is not Python, or that libcst's grammar
    refuses although CPython accepts it.
    """
    import libcst  # lazy: importing libcst costs ~0.2 s

    cell = parsed.cell
    if parsed.problem is not None:
        problem = parsed.problem
        raise CellSyntaxError(
            path,
            problem.message,
            cell=cell.index,
            line=problem.line,
            column=problem.column,
        )
    try:
        return libcst.parse_module(parsed.translation.python)
    except libcst.ParserSyntaxError as error:
        message = (error.message.strip().splitlines() or ["invalid syntax"])[0]
        raise CellSyntaxError(
            path, message, cell=cell.index, line=error.raw_line, column=error.raw_column
        ) from None


def _problem(cell: Cell, line: int, column: int, message: str) -> SyntaxProblem:
    return SyntaxProblem(cell.index, cell.execution_count, line, column, message)
