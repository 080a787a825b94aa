"""Positions in notebooks: the only module that defines how places are counted.

Lines are 1-based and columns 0-based inside a cell's source (as in `ast` and libcst);
cells are 0-based indexes into the notebook. Everything users read says `cell N` with
N = index + 1, like ruff does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of one cell's source, from (line, column) up to (end_line, end_column)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, order=True)
class Location:
    """A point in a notebook that a user can find: file, cell, and position in the cell."""

    path: str
    cell: int
    execution_count: int | None
    line: int
    column: int

    def describe(self) -> str:
        """`path: cell N, line L, column C` with 1-based numbers, as users count."""
        return f"{self.path}: cell {self.cell + 1}, line {self.line}, column {self.column + 1}"


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(source: str) -> list[tuple[str, str]]:
    """Split source into (content, line ending) pairs, the way Python counts lines.

    Unlike `str.splitlines`, form feeds and other Unicode separators stay inside a line,
    and the last line may have an empty ending. `"".join(c + e for c, e in pairs)`
    gives back the source exactly.
    """
    pairs = []
    start = 0
    for match in _LINE_END.finditer(source):
        pairs.append((source[start : match.start()], match.group()))
        start = match.end()
    if start < len(source):
        pairs.append((source[start:], ""))
    return pairs
