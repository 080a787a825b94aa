"""Find where Python logical lines end, without the tokenizer.

The tokenizer cannot be used on notebook cells: IPython syntax (`!ls`, `x = %time f()`,
`obj?`) makes it fail, and on Python 3.12+ it raises instead of yielding error tokens.
This scanner only tracks what decides where a logical line ends (strings, brackets,
backslash continuations, comments) and records the two places the IPython syntax
layer asks about: the first `=` at bracket depth 0, and a trailing `?`.
It jumps between interesting characters with one regex, so it is linear in the source.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_INTERESTING = re.compile(r"""[#'"()\[\]{}\\=?]""")
_TRIPLE_QUOTES = ('"""', "'''")
# Characters that make `=` part of another operator when they come right before it.
_OPERATOR_BEFORE_EQUALS = frozenset("=<>!:+-*/%&|^@~")


class LogicalLine(NamedTuple):
    """Physical lines `first..last` (0-based, inclusive) forming one Python logical line."""

    first: int
    last: int
    assign: tuple[int, int] | None  # (line, column) of the first `=` at bracket depth 0
    ends_with_question: bool  # the last token is `?` (outside strings and comments)


def scan_logical_line(lines: list[str], first: int) -> LogicalLine:
    """Scan from the start of line `first` to the end of its logical line."""
    depth = 0
    quote: str | None = None  # the delimiter of a string still open at a line end
    assign: tuple[int, int] | None = None
    index = first
    while True:
        line = lines[index]
        position = 0
        if quote is not None:
            end = _string_end(line, 0, quote)
            if end < 0:
                if index + 1 < len(lines):
                    index += 1
                    continue
                return LogicalLine(first, index, assign, False)
            quote, position = None, end
        continued = False
        comment = False
        while True:
            match = _INTERESTING.search(line, position)
            if match is None:
                break
            char, at = match.group(), match.start()
            position = at + 1
            if char == "#":
                comment = True
                break
            if char in "'\"":
                delimiter = (
                    line[at : at + 3] if line[at : at + 3] in _TRIPLE_QUOTES else char
                )
                end = _string_end(line, at + len(delimiter), delimiter)
                if end >= 0:
                    position = end
                    continue
                if len(delimiter) == 3 or line.endswith("\\"):
                    quote = delimiter
                position = len(line)  # an unterminated one-line string ends the line
                break
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth = max(0, depth - 1)
            elif char == "\\":
                continued = at == len(line) - 1
            elif (
                char == "="
                and depth == 0
                and assign is None
                and _is_assignment(line, at)
            ):
                assign = (index, at)
        if (quote is None and depth == 0 and not continued) or index + 1 >= len(lines):
            stripped = line.rstrip()
            question = (
                quote is None
                and not comment
                and stripped.endswith("?")
                and not continued
            )
            return LogicalLine(first, index, assign, question)
        index += 1


def _is_assignment(line: str, at: int) -> bool:
    before = line[at - 1] if at > 0 else ""
    after = line[at + 1] if at + 1 < len(line) else ""
    return before not in _OPERATOR_BEFORE_EQUALS and after != "="


def _string_end(line: str, start: int, delimiter: str) -> int:
    """Index just past the closing `delimiter` in `line` from `start`, or -1 if open."""
    position = start
    while True:
        found = line.find(delimiter, position)
        if found < 0:
            return -1
        backslashes = 0
        while (
            found - backslashes - 1 >= start and line[found - backslashes - 1] == "\\"
        ):
            backslashes += 1
        if backslashes % 2 == 0:
            return found + len(delimiter)
        position = found + 1
