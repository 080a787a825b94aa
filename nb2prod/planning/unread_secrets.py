"""A credential the notebook binds and never reads (`API_KEY = "sk-..."` and no other
mention of `API_KEY`) is left out before planning: a package must not ask the
environment for a secret nothing uses, nor hand it from step to step."""

from __future__ import annotations

import ast
import re
from collections import Counter
from itertools import pairwise

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import Rewritten, ipython_lines, with_sources
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def drop_unread_secrets(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Rewritten | None:
    """The notebook without the cell-level `NAME = "<secret>"` statements whose name
    no code mentions again (a read, an f-string, `$NAME` in a shell line, even a
    comment counts as a mention), with a warning for each; None when there are none."""
    literal = {
        (cell.index, secret.line): secret.name
        for cell in facts.cells
        for secret in cell.secrets
        if secret.place == "literal" and secret.name is not None
    }
    if not literal:
        return None
    mentions = Counter(
        name for item in parsed for name in _IDENTIFIER.findall(item.cell.source)
    )
    sources: dict[int, str] = {}
    warnings: list[Warning] = []
    for item in parsed:
        if item.tree is None:
            continue
        body = item.tree.body
        shared = ipython_lines(item) | {  # lines two statements share (`a = 1; b = 2`)
            after.lineno
            for before, after in pairwise(body)
            if _end(before) == after.lineno
        }
        dropped = [
            statement
            for statement in body
            if _unread_binding(statement, literal, item.cell.index, mentions)
            and not shared & set(range(statement.lineno, _end(statement) + 1))
        ]
        if not dropped:
            continue
        lines = [content + ending for content, ending in split_lines(item.cell.source)]
        for statement in reversed(dropped):
            del lines[statement.lineno - 1 : _end(statement)]
        sources[item.cell.index] = "".join(lines)
        warnings += [
            Warning(
                item.cell.index,
                f"`{_target(statement)}` holds a credential the notebook never uses: "
                "left out of the package (revoke it if the notebook was ever shared)",
            )
            for statement in dropped
        ]
    if not sources:
        return None
    return Rewritten(with_sources(notebook, sources), tuple(warnings))


def _unread_binding(
    statement: ast.stmt,
    literal: dict[tuple[int, int], str],
    cell: int,
    mentions: Counter[str],
) -> bool:
    """`NAME = "<secret>"` alone on its lines, NAME mentioned nowhere else."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    ):
        return False
    name = statement.targets[0].id
    return literal.get((cell, statement.value.lineno)) == name and mentions[name] == 1


def _target(statement: ast.stmt) -> str:
    assert isinstance(statement, ast.Assign) and isinstance(
        statement.targets[0], ast.Name
    )
    return statement.targets[0].id


def _end(statement: ast.stmt) -> int:
    return statement.end_lineno or statement.lineno
