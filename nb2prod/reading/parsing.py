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
import re
import sys
import warnings
from typing import TYPE_CHECKING, NamedTuple

from nb2prod.errors import CellSyntaxError
from nb2prod.reading.magics import TranslatedCell, translate_cell
from nb2prod.reading.notebook import Cell, CellKind, Notebook
from nb2prod.reading.positions import split_lines

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


def parse_notebook(
    notebook: Notebook, previous: tuple[ParsedCell, ...] = ()
) -> tuple[ParsedCell, ...]:
    """Parse every code cell of `notebook`, in document order. A cell equal to the
    cell at its index in `previous` keeps that parse (normalisation parses again
    after a rewrite that changed a few cells)."""
    before = {item.cell.index: item for item in previous}
    return tuple(
        _parsed_again(cell, before.get(cell.index))
        for cell in notebook.cells
        if cell.kind is CellKind.CODE
    )


def _parsed_again(cell: Cell, before: ParsedCell | None) -> ParsedCell:
    if before is not None and (before.cell is cell or before.cell == cell):
        return before
    return parse_cell(cell)


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
        _compile_as_ipython(tree, python)
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
    literal = _too_long_integer(python, tree)
    if literal is not None:
        message = (
            f"an integer literal of more than {_int_digit_limit()} digits, "
            "which Python cannot turn into text; compute it or store it as a string"
        )
        return ParsedCell(
            cell,
            translation,
            _problem(cell, literal.lineno, literal.col_offset, message),
        )
    return ParsedCell(cell, translation, None, tree)


#: Top-level statements compiled together: one `compile()` of a module with thousands
#: of functions takes quadratic time in CPython; groups keep it linear.
_STATEMENTS_PER_COMPILE = 100


def _compile_as_ipython(tree: ast.Module, python: str) -> None:
    """Compile the cell as IPython runs it (top-level `await` allowed), or raise its
    SyntaxError. The parser accepts what only the compiler refuses: `return` or `yield`
    outside a function, `break` outside a loop, `await` in a plain `def`, `nonlocal` at
    top level, `import *` in a function. Such a cell fails in Jupyter too."""
    lines: list[str] | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a SyntaxWarning is not our report to make
        for group in _statement_groups(tree.body):
            try:
                _compile(ast.Module(body=group, type_ignores=[]))
            except RecursionError:
                # compile() turns a deep `ast` tree back into C recursively (a chain
                # of 1,000 `+` is too deep for it); from text it does not. Blank
                # lines in front keep the line numbers of the cell.
                if lines is None:
                    lines = [content + end for content, end in split_lines(python)]
                first, last = group[0].lineno - 1, group[-1].end_lineno
                _compile("\n" * first + "".join(lines[first:last]))


def _compile(source: str | ast.Module) -> None:
    compile(
        source,
        "<cell>",
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        dont_inherit=True,
    )


def _statement_groups(body: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Runs of statements, each `from __future__ import` starting one: IPython compiles
    statement by statement, so a future import in the middle of a cell is fine."""
    groups: list[list[ast.stmt]] = []
    for statement in body:
        future = (
            isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        )
        if future or not groups or len(groups[-1]) == _STATEMENTS_PER_COMPILE:
            groups.append([])
        groups[-1].append(statement)
    return groups


#: A hexadecimal, octal or binary literal long enough to pass the decimal digit limit
#: (4300 digits are 3572 hexadecimal ones; decimal literals are refused by the parser).
_LONG_LITERAL = re.compile(r"0[xXoObB][0-9a-fA-F_]{3500,}")


def _too_long_integer(python: str, tree: ast.Module) -> ast.Constant | None:
    """The first integer literal that `str()` refuses (sys.get_int_max_str_digits):
    every later stage that shows or writes the value would fail on it."""
    if _int_digit_limit() == 0 or not _LONG_LITERAL.search(python):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) is int:
            try:
                str(node.value)
            except ValueError:
                return node
    return None


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


def _int_digit_limit() -> int:
    """Python's limit on the digits of an int made text (0: none; Python < 3.10.7)."""
    limit: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    return limit


def _problem(cell: Cell, line: int, column: int, message: str) -> SyntaxProblem:
    return SyntaxProblem(cell.index, cell.execution_count, line, column, message)
