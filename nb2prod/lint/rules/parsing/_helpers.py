"""Shared by the parsing rules: the IPython syntax facts of a notebook, and how to
quote a piece of it in a message."""

from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind


def syntax_facts(
    ctx: RuleContext, *kinds: SyntaxKind
) -> Iterator[tuple[int, IPythonSyntax]]:
    """(cell index, fact) for each piece of IPython syntax of one of `kinds`."""
    for facts in ctx.cell_facts():
        for fact in facts.ipython_syntax:
            if fact.kind in kinds:
                yield facts.index, fact


def quoted(text: str, limit: int = 40) -> str:
    """The first line of `text`, stripped and cut to `limit` characters."""
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def character_column(ctx: RuleContext, cell: int, line: int, byte_column: int) -> int:
    """A UTF-8 byte offset (as `ast` counts) turned into characters of the cell line."""
    lines = ctx.cells[cell].source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
