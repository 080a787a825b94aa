"""Positions in notebooks: the only module that defines how places are counted.

Lines are 1-based and columns 0-based inside a cell's source (as in `ast` and libcst);
cells are 0-based indexes into the notebook. Everything users read says `cell N` with
N = index + 1, like ruff does.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple


class Span(NamedTuple):
    """A stretch of one cell's source, from (line, column) up to (end_line, end_column)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Location(NamedTuple):
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


_CELL_TYPE = re.compile(r'"cell_type"\s*:')
_SOURCE = re.compile(r'"source"\s*:\s*(\[|")')


def ipynb_line(text: str, cell: int, line: int) -> int:
    """The line of the `.ipynb` file that holds `line` of cell number `cell` (0-based).

    Annotations on GitHub point at file lines, not cell lines. Jupyter writes a cell's
    source as a list with one string per line, so the cell's line N is N lines below
    `"source": [`. Other layouts fall back to the line where the cell's source starts.
    For many lines of one file, `IpynbLines` scans the text once.
    """
    return IpynbLines(text).line(cell, line)


class IpynbLines:
    """`ipynb_line` for one file's text, with its cells and line ends found once: a
    scan of the whole file per finding made annotating many findings quadratic."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [match.start() for match in _CELL_TYPE.finditer(text)]
        self.line_ends = [match.start() for match in re.finditer("\n", text)]

    def line(self, cell: int, line: int) -> int:
        """`ipynb_line(text, cell, line)`."""
        text, starts = self.text, self.starts
        if cell >= len(starts):
            return 1
        end = starts[cell + 1] if cell + 1 < len(starts) else len(text)
        # The cell object may list "source" before "cell_type": search from its `{`.
        opening = text.rfind("{", 0, starts[cell])
        source = _SOURCE.search(text, opening if opening >= 0 else starts[cell], end)
        if source is None:
            return self._line_at(starts[cell])
        first = self._line_at(source.start())
        if source.group(1) == '"':
            return first
        return first + max(line, 1)

    def _line_at(self, offset: int) -> int:
        """1 + the line ends before `offset` (`text.count("\\n", 0, offset) + 1`)."""
        return bisect.bisect_left(self.line_ends, offset) + 1


def line_column(source: str, offset: int) -> tuple[int, int]:
    """The (1-based line, 0-based column) of character `offset`, counting line ends as
    `split_lines` does (`\\r\\n`, `\\r` and `\\n`)."""
    line, start = 1, 0
    for match in _LINE_END.finditer(source, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start
