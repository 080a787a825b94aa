"""Parse code cells: IPython translation, then libcst, one cell at a time.

Each cell is parsed on its own so that a syntax error belongs to one cell and the rest
of the notebook is still analysed. A cell that is not Python even after its IPython
syntax is translated becomes a `SyntaxProblem` (data), never an exception. CPython's
own parser runs first as a guard: it is ten times faster, and it refuses the
pathologically nested input on which libcst's parser would take minutes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nb2prod.magics import TranslatedCell, translate_cell
from nb2prod.notebook import Cell, CellKind, Notebook

if TYPE_CHECKING:
    import libcst


@dataclass(frozen=True, order=True)
class SyntaxProblem:
    """Why a code cell is not Python: where (1-based line, 0-based column) and what."""

    cell: int
    execution_count: int | None
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class ParsedCell:
    """A code cell with its Python translation and either a libcst tree or a problem."""

    cell: Cell
    translation: TranslatedCell
    problem: SyntaxProblem | None = None
    module: libcst.Module | None = field(default=None, compare=False, repr=False)

    @property
    def parsed(self) -> bool:
        """Whether the cell's translation is Python that libcst parsed."""
        return self.problem is None


def parse_notebook(notebook: Notebook) -> tuple[ParsedCell, ...]:
    """Parse every code cell of `notebook`, in document order."""
    return tuple(
        parse_cell(cell) for cell in notebook.cells if cell.kind is CellKind.CODE
    )


def parse_cell(cell: Cell) -> ParsedCell:
    """Translate a code cell's IPython syntax and parse the result with libcst."""
    translation = translate_cell(cell.source)
    problem = _python_problem(cell, translation.python)
    if problem is not None:
        return ParsedCell(cell, translation, problem)
    import libcst  # lazy: importing libcst costs ~0.2 s

    try:
        module = libcst.parse_module(translation.python)
    except libcst.ParserSyntaxError as error:
        message = (
            error.message.strip().splitlines()[0]
            if error.message.strip()
            else "invalid syntax"
        )
        problem = _problem(cell, error.raw_line, error.raw_column, message)
        return ParsedCell(cell, translation, problem)
    except RecursionError:
        return ParsedCell(cell, translation, _problem(cell, 1, 0, _TOO_NESTED))
    return ParsedCell(cell, translation, None, module)


_TOO_NESTED = "too deeply nested to parse (Python's own parser gives up on it too)"


def _python_problem(cell: Cell, python: str) -> SyntaxProblem | None:
    """What CPython's parser says about the translated cell, or None if it accepts it."""
    if "\0" in python:
        line = python.count("\n", 0, python.find("\0")) + 1
        return _problem(cell, line, 0, "source contains a null byte")
    try:
        ast.parse(python)
    except SyntaxError as error:
        column = (error.offset or 1) - 1
        message = error.msg or "invalid syntax"
        if "too many nested" in message or "too complex" in message:
            message = _TOO_NESTED
        return _problem(cell, error.lineno or 1, max(column, 0), message)
    except (RecursionError, MemoryError):
        return _problem(cell, 1, 0, _TOO_NESTED)
    except UnicodeEncodeError as error:  # a lone surrogate, e.g. "\ud800" in the JSON
        line = python.count("\n", 0, error.start) + 1
        return _problem(
            cell,
            line,
            0,
            f"source contains an invalid character {python[error.start]!r}",
        )
    return None


def _problem(cell: Cell, line: int, column: int, message: str) -> SyntaxProblem:
    return SyntaxProblem(cell.index, cell.execution_count, line, column, message)
