"""Code nested deeper than conversion can follow: one error naming the cell and line.

CPython parses up to 200 nested brackets and chains of about a thousand operators.
libcst, which rewrites the code, walks its trees recursively and can run out of
Python's stack sooner (a chain of 600 `+` or `and` does), at a depth
that depends on the kind of node and on the rewrites a cell needs. So no depth is
guessed in advance: conversion runs, and a `RecursionError` becomes a `ConversionError`
at the most deeply nested place of the notebook, measured only then. When no cell is
deep, the error is nb2prod's own and goes through as it is.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, NamedTuple, ParamSpec, TypeVar

from nb2prod.errors import ConversionError
from nb2prod.reading.magics import translate_cell
from nb2prod.reading.notebook import Cell, Notebook
from nb2prod.reading.positions import split_lines

if TYPE_CHECKING:
    import libcst

P = ParamSpec("P")
R = TypeVar("R")

#: Below this depth a RecursionError is not the notebook's doing.
DEEP = 100


class Depth(NamedTuple):
    """How deep a cell's syntax tree goes, and the line of its deepest node."""

    levels: int
    cell: int
    line: int


def refusing_deep_nesting(
    work: Callable[Concatenate[Notebook, P], R],
) -> Callable[Concatenate[Notebook, P], R]:
    """Wrap a conversion stage that takes the notebook first: a `RecursionError` in it
    becomes a `ConversionError` at the notebook's deepest place."""

    @functools.wraps(work)
    def guarded(notebook: Notebook, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return work(notebook, *args, **kwargs)
        except RecursionError:
            deepest = deepest_place(notebook)
            if deepest is None or deepest.levels < DEEP:
                raise
            raise ConversionError(
                notebook.path,
                f"nested too deeply to convert (a syntax tree {deepest.levels} levels "
                "deep); split the expression or block into smaller ones, with names "
                "for the parts",
                cell=deepest.cell,
                line=deepest.line,
            ) from None

    return guarded


def deepest_place(notebook: Notebook) -> Depth | None:
    """The most deeply nested place among the notebook's code cells that parse."""
    depths = [_depth(cell) for cell in notebook.code_cells]
    return max((d for d in depths if d is not None), default=None)


def _depth(cell: Cell) -> Depth | None:
    """Measured on libcst's trees, which recursion walks: `a and b and c` or implicitly
    joined strings are flat in `ast` but nested there. One top-level statement at a
    time, so the line named is where the statement starts."""
    import libcst  # lazy, like parsing.cst_module: only a failed conversion gets here

    python = translate_cell(cell.source).python
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = [content + end for content, end in split_lines(python)]
    deepest: Depth | None = None
    for statement in tree.body:
        segment = "".join(lines[statement.lineno - 1 : statement.end_lineno])
        try:
            module = libcst.parse_module(segment)
        except (libcst.ParserSyntaxError, RecursionError, MemoryError):
            continue
        levels = _levels(module)
        if deepest is None or levels > deepest.levels:
            deepest = Depth(levels, cell.index, statement.lineno)
    return deepest


def _levels(root: libcst.CSTNode) -> int:
    deepest = 0
    stack = [(root, 0)]
    while stack:  # no recursion: the tree is deep by definition
        node, levels = stack.pop()
        deepest = max(deepest, levels)
        stack.extend((child, levels + 1) for child in node.children)
    return deepest
